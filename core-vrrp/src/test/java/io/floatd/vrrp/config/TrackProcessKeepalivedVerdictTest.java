package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.testing.KeepalivedCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * floatd accepts exactly the track_process configurations keepalived accepts: each file below goes through the
 * real {@code keepalived -t -f FILE} (in a network namespace with the eth0 the file names) and through floatd's
 * parser, and the two verdicts must agree.
 */
class TrackProcessKeepalivedVerdictTest {
    @TempDir
    Path dir;

    /** Block body lines, then the instance's track_process entry. */
    private static final String[][] CASES = {
        // accepted by keepalived 2.2.7
        {"process sleep", "tp"},
        {"process sleep 300\nparam_match partial\nweight -20 reverse\nquorum 2\nquorum_max 4\ndelay 0.5\nfork_delay 1\nterminate_delay 2\nfull_command", "tp weight 30 noreverse"},
        {"process sleep\nparam_match", "tp"},
        {"process sleep\nparam_match initial", "tp"},
        {"process \"/usr/bin/my app\" \"a b\" c", "tp"},
        {"process sleep\nweight 0\nweight 20", "tp"},
        {"process sleep\nquorum_max 0", "tp"},
        {"process sleep\nquorum 1\nquorum_max 0", "tp"},
        {"process sleep\nfull_command yes", "tp"},
        {"process sleep\nfull_command\nfull_command", "tp"},
        {"process sleep\nweight 254", "tp weight -254 reverse"},
        {"process sleep\ndelay 3600", "tp weight 0 reverse"},
        {"process sleep\ndelay 0.000001", "tp"},
        {"process abcdefghijklmnopq", "tp"},
        // refused by keepalived 2.2.7
        {"process sleep\ndelay 0", "tp"},
        {"process sleep\nterminate_delay 3601", "tp"},
        {"process sleep\nfork_delay -1", "tp"},
        {"process sleep\ndelay 1.1234567", "tp"},
        {"process sleep\nparam_match exact", "tp"},
        {"process sleep\nprocess sleep2", "tp"},
        {"process sleep\nweight 10\nweight 20", "tp"},
        {"process sleep\nweight 255", "tp"},
        {"process sleep\nweight 1.5", "tp"},
        {"process sleep\nweight 5 noreverse", "tp"},
        {"process sleep\nweight", "tp"},
        {"process sleep\nquorum 0", "tp"},
        {"process sleep\nquorum", "tp"},
        {"process sleep\nquorum_max 2\nquorum 3", "tp"},
        {"process sleep\nquorum 3\nquorum_max 2", "tp"},
        {"process sleep\nquorum_max 0\nquorum 1", "tp"},
        {"process sleep\nquorum 2\nquorum_max 0", "tp"},
        {"process sleep\nbogus 1", "tp"},
        {"weight 2", "tp"},
        {"process", "tp"},
        {"process sleep", "nope"},
        {"process sleep", "tp wieght 3"},
        {"process sleep", "tp weight"},
        {"process sleep", "tp reverse"},
        {"process sleep", "tp weight 255"},
        {"process sleep", "tp\n    tp"},
    };

    private static String config(String body, String track) {
        return "vrrp_track_process tp {\n    " + body.replace("\n", "\n    ") + "\n}\n"
                + "vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    priority 100\n"
                + "    unicast_src_ip 10.9.0.1\n    unicast_peer {\n        10.9.0.2\n    }\n"
                + "    virtual_ipaddress {\n        10.9.0.100/24\n    }\n"
                + "    track_process {\n        " + track + "\n    }\n}\n";
    }

    @Test
    void floatdAcceptsWhatKeepalivedAcceptsAndRefusesTheRest() throws Exception {
        try (KeepalivedCheck check = KeepalivedCheck.create("tpv", "10.9.0.1/24", false)) {
            List<String> disagreements = new ArrayList<>();
            int n = 0;
            for (String[] c : CASES) {
                String text = config(c[0], c[1]);
                Path file = dir.resolve("tp" + n++ + ".conf");
                boolean keepalived = check.check(file, text).ok();
                // keepalived accepts (exit 0): floatd accepts; keepalived reports a problem (an unknown keyword, which
                // its daemon skips, or an error): floatd refuses or warns, never accepts in silence
                boolean floatd;
                boolean warned = false;
                try {
                    warned = !ConfigParser.parse(file).warnings().isEmpty();
                    floatd = true;
                } catch (ConfigException e) {
                    floatd = false;
                }
                if (keepalived ? !floatd : floatd && !warned) {
                    disagreements.add(file.getFileName() + " (keepalived " + (keepalived ? "accepts" : "refuses") + ", floatd "
                            + (floatd ? "accepts" : "refuses") + "):\n" + text);
                }
            }
            assertEquals(List.of(), disagreements);
        }
    }
}
