package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.testing.KeepalivedCheck;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vrrp_sync_group with track_process, and the group cases keepalived's daemon runs anyway, through the real
 * {@code keepalived -t -f FILE} (2.2.7, in a network namespace with the eth0 the files name) and floatd's parser.
 * keepalived's verdict is read as the keepalived corpus reads it (three ways): exit 0 (or 6 with only its script
 * security line) is <em>accept</em>; exit 5 or 6 with only lines the daemon runs on (below) is <em>warn</em>, where floatd must load the file with a warning (at the
 * line keepalived names, when it names one); anything else is <em>refuse</em>, where floatd must refuse it.
 *
 * <p>A name that is no vrrp_track_process when the line is read ("track process NAME not found, ignoring...") is
 * not tracked, with a warning, by both: keepalived's daemon runs without it.
 */
class SyncGroupKeepalivedVerdictTest {
    @TempDir
    Path dir;

    /** keepalived messages after which its daemon runs every instance (vrrp_sync.c, vrrp.c sync_group_tracking_init). */
    private static final List<Pattern> DAEMON_RUNS = List.of(
            Pattern.compile("^\\([^)]*\\) Cannot have weighted track (process|script|file|interface) '.*' with member having priority 255 - (setting|clearing) weight( 0)?$"),
            // vrrp_track.c alloc_track_process: the entry is dropped and the daemon runs
            Pattern.compile("^\\([^)]*\\) track process .* not found, ignoring\\.\\.\\.$"),
            Pattern.compile("^Sync group .* has only 1 virtual router\\(s\\) - this probably isn't what you want$"),
            Pattern.compile("^Virtual router .* specified in sync group .* doesn't exist - ignoring$"),
            Pattern.compile("^Virtual router .* cannot exist in more than one sync group; ignoring .*$"),
            Pattern.compile("^Sync group .*, no matching virtual router found in group declaration - removing$"),
            Pattern.compile("^\\([^)]*\\) ignoring .* tracked interface weight due to SYNC group$"),
            Pattern.compile("^\\([^)]*\\) ignoring tracked script .* with weights due to SYNC group$"),
            Pattern.compile("^\\([^)]*\\) ignoring weight from tracked file .* due to SYNC group\\. specify weight 0$"),
            Pattern.compile("^\\([^)]*\\) ignoring tracked file .* with weight .* due to SYNC group$"),
            Pattern.compile("^\\([^)]*\\) track_interface .* is configured on VRRP instance and sync group\\. Remove vrrp instance or sync group config$"));

    /** Exit 6: scripts run as root without script security, which floatd does too (with its own warning). */
    private static final Pattern SECURITY = Pattern.compile("^SECURITY VIOLATION - scripts are being executed but script_security not enabled\\.$");

    private static final String TP = "vrrp_track_process p1 {\n    process sshd\n    weight 5\n}\n";

    private static String instance(String name, int vrid, int priority, String... extra) {
        return "vrrp_instance " + name + " {\n    interface eth0\n    virtual_router_id " + vrid + "\n    priority " + priority + "\n"
                + "    unicast_src_ip 10.9.0.1\n    unicast_peer {\n        10.9.0.2\n    }\n"
                + "    virtual_ipaddress {\n        10.9.0." + vrid + "/24\n    }\n"
                + String.join("\n", extra) + (extra.length > 0 ? "\n" : "") + "}\n";
    }

    private static String group(String members, String... extra) {
        return "vrrp_sync_group G {\n    group {\n        " + members + "\n    }\n" + String.join("\n", extra)
                + (extra.length > 0 ? "\n" : "") + "}\n";
    }

    private static final String TWO = instance("VI_1", 51, 150) + instance("VI_2", 52, 100);
    private static final String OWNER_FIRST = instance("VI_1", 51, 255, "    state MASTER") + instance("VI_2", 52, 100);

    private static final String[] CASES = {
        TP + group("VI_1 VI_2", "    track_process {\n        p1 weight 10\n    }") + TWO,
        TP + group("VI_1 VI_2", "    track_process {\n        p1\n    }") + TWO,
        TP + group("VI_1 VI_2", "    track_process {\n        p1 weight -20 reverse\n    }") + TWO,
        TP + group("VI_2 VI_1", "    track_process {\n        p1 weight 10\n    }") + OWNER_FIRST,
        TP + group("VI_2 VI_1", "    track_process {\n        p1 weight 0\n    }") + OWNER_FIRST,
        TP + group("VI_1 VI_2") + instance("VI_1", 51, 150, "    track_process {\n        p1 weight 10\n    }")
                + instance("VI_2", 52, 100),
        TP + group("VI_1 VI_2", "    track_process {\n        p1 weight 7\n    }")
                + instance("VI_1", 51, 150, "    track_process {\n        p1 weight 0\n    }") + instance("VI_2", 52, 100),
        TP + group("VI_1", "    track_process {\n        p1 weight 2 reverse\n    }") + TWO,
        TP + group("VI_1 VI_9") + TWO,
        TP + group("VI_8 VI_9") + TWO,
        TP + group("VI_1 VI_2") + "vrrp_sync_group H {\n    group {\n        VI_2\n    }\n}\n" + TWO,
        "vrrp_script chk {\n    script /bin/true\n}\n" + group("VI_2 VI_1", "    track_script {\n        chk weight 5\n    }")
                + OWNER_FIRST,
        TP + group("VI_1 VI_2") + instance("VI_1", 51, 150, "    track_interface {\n        eth1 weight 10\n    }")
                + instance("VI_2", 52, 100),
        "vrrp_script chk {\n    script /bin/true\n}\n" + group("VI_1 VI_2") + instance("VI_1", 51, 150,
                "    track_script {\n        chk weight -5\n    }") + instance("VI_2", 52, 100),
        "track_file f1 {\n    file /tmp/sgv-f1\n}\ntrack_file f2 {\n    file /tmp/sgv-f2\n}\n" + group("VI_1 VI_2")
                + instance("VI_1", 51, 150, "    track_file {\n        f1\n        f2 weight 3\n    }") + instance("VI_2", 52, 100),
        TP + group("VI_1 VI_2", "    sync_group_tracking_weight") + instance("VI_1", 51, 150,
                "    track_interface {\n        eth1 weight 10\n    }") + instance("VI_2", 52, 100),
        "vrrp_script chk {\n    script /bin/true\n}\n" + group("VI_1 VI_2", "    track_script {\n        chk weight 2\n    }",
                "    sync_group_tracking_weight") + instance("VI_1", 51, 150, "    track_script {\n        chk weight 4\n    }")
                + instance("VI_2", 52, 100),
        TP + group("VI_1 VI_2", "    track_interface {\n        eth1\n    }") + instance("VI_1", 51, 150,
                "    track_interface {\n        eth1\n    }") + instance("VI_2", 52, 100),
        // refused by keepalived -t and by floatd
        TP + group("VI_1 VI_2", "    track_process {\n        nope\n    }") + TWO,
        TP + group("VI_1 VI_2", "    track_process {\n        p1\n        p1 weight 3\n    }") + TWO,
        TP + group("VI_1 VI_2", "    track_process {\n        p1 weight 255\n    }") + TWO,
        TP + group("VI_1 VI_2", "    track_process {\n        p1 wieght 3\n    }") + TWO,
        // keepalived looks the name up as it reads the line: a block defined after it is "not found"
        group("VI_1 VI_2", "    track_process {\n        p1\n    }") + TP + TWO,
        TP.replace("p1", "p2") + instance("VI_1", 51, 150, "    track_process {\n        p1\n    }") + TP + instance("VI_2", 52, 100),
    };

    private enum Verdict { ACCEPT, WARN, REFUSE }

    private record Keepalived(Verdict verdict, List<Integer> lines, String output) {
    }

    private static Keepalived keepalived(KeepalivedCheck check, Path file, String text) throws IOException {
        Netns.Result r = check.check(file, text);
        if (r.exitCode() == KeepalivedCheck.CLEAN) {
            return new Keepalived(Verdict.ACCEPT, List.of(), r.output());
        }
        List<Integer> lines = new ArrayList<>();
        boolean runs = r.exitCode() == KeepalivedCheck.CONFIG_PROBLEM || r.exitCode() == KeepalivedCheck.SCRIPT_SECURITY;
        boolean warned = false;
        for (KeepalivedCheck.Message message : KeepalivedCheck.messages(r.output())) {
            if (SECURITY.matcher(message.text()).find()) {
                continue;
            }
            if (message.hasLine()) {
                lines.add(message.line());
            }
            boolean known = DAEMON_RUNS.stream().anyMatch(p -> p.matcher(message.text()).find());
            runs &= known;
            warned |= known;
        }
        return new Keepalived(!runs ? Verdict.REFUSE : warned ? Verdict.WARN : Verdict.ACCEPT, lines, r.output());
    }

    @Test
    void floatdLoadsWhatKeepalivedsDaemonRunsWarnsWhereItWarnsAndRefusesTheRest() throws Exception {
        try (KeepalivedCheck check = KeepalivedCheck.create("sgv", "10.9.0.1/24", true)) {
            List<String> disagreements = new ArrayList<>();
            java.util.Set<Verdict> seen = java.util.EnumSet.noneOf(Verdict.class);
            int n = 0;
            for (String text : CASES) {
                Path file = dir.resolve("sg" + n++ + ".conf");
                Keepalived k = keepalived(check, file, text);
                seen.add(k.verdict());
                String floatd;
                boolean agrees;
                try {
                    FloatdConfig c = ConfigParser.parse(file);
                    List<String> warnings = c.warnings().stream().map(ConfigError::toString).toList();
                    floatd = "accepts, warnings " + warnings;
                    agrees = switch (k.verdict()) {
                        case ACCEPT -> true;
                        case WARN -> !warnings.isEmpty() && k.lines().stream()
                                .allMatch(line -> warnings.stream().anyMatch(w -> w.contains(".conf:" + line + ":")));
                        case REFUSE -> false;
                    };
                } catch (ConfigException e) {
                    floatd = "refuses: " + e.errors();
                    agrees = k.verdict() == Verdict.REFUSE;
                }
                if (!agrees) {
                    disagreements.add(file.getFileName() + ": keepalived " + k.verdict() + " (" + k.output().strip()
                            + "), floatd " + floatd + "\n" + text);
                }
            }
            assertEquals(List.of(), disagreements);
            assertEquals(java.util.EnumSet.allOf(Verdict.class), seen, "the cases cover keepalived's three verdicts");
        }
    }
}
