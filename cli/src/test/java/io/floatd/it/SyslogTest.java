package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syslog for hosts without systemd (issue 17): floatd started as keepalived is, {@code floatd -n -S 3 -f FILE}, sends
 * each log line to the syslog daemon's datagram socket (here one this test binds, as rsyslog binds /dev/log) as
 * glibc's syslog(3) does, {@code <PRI>Mmm dd hh:mm:ss floatd[PID]: message}, PRI = facility local3 (19) * 8 + the
 * line's severity; nothing is logged to stderr meanwhile.
 */
class SyslogTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static String datagramWith(NotifySocket syslog, String text, Process p) throws Throwable {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            for (String d : syslog.received()) {
                if (d.contains(text)) {
                    return d;
                }
            }
            assertTrue(p.isAlive(), () -> "floatd exited before '" + text + "'");
            Thread.sleep(20);
        }
        throw new AssertionError("no datagram with '" + text + "' in " + WAIT + ": " + syslog.received());
    }

    @Test
    void keepalivedsFacilityOptionSendsEachLineToSyslogWithItsPriority() throws Throwable {
        try (Lan lan = Lan.create("slg", 1); NotifySocket syslog = new NotifySocket(tmp.resolve("log"))) {
            Path conf = Files.writeString(tmp.resolve("floatd.conf"), """
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface %s
                        virtual_router_id 51
                        priority 100
                        advert_int 0.1
                        version 3
                        not_a_keepalived_keyword 7
                        unicast_peer {
                            10.199.0.2
                        }
                        virtual_ipaddress {
                            10.199.0.100/24
                        }
                    }
                    """.formatted(Lan.IFNAME));
            Path stderr = tmp.resolve("stderr");
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lan.host(0).name(), "env", "-u", "JOURNAL_STREAM"));
            cmd.addAll(FloatdProcess.command("-n", "-S", "3", "-f", conf.toString(), "--syslog-socket", syslog.path().toString(),
                    "--control-socket", tmp.resolve("control.sock").toString(), "--status-address", "off"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stderr.toFile()).start();
            try {
                String master = datagramWith(syslog, "Entering MASTER STATE", p);
                String stamp = "[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]";
                // ip netns exec and env exec the JVM: its pid is the process's
                String tag = "floatd\\[" + p.pid() + "\\]: ";
                assertTrue(master.matches("<158>" + stamp + " " + tag + "VRRP_Instance\\(VI_1\\) Entering MASTER STATE .*"), master);
                String warning = datagramWith(syslog, "not_a_keepalived_keyword", p);
                assertTrue(warning.matches("<156>" + stamp + " " + tag + "WARNING: .*"), warning);
                p.destroy(); // SIGTERM: the clean stop is logged too
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            } finally {
                p.destroyForcibly();
            }
            assertTrue(syslog.received().stream().anyMatch(d -> d.matches("<158>.* floatd\\[[0-9]+\\]: Stopped")),
                    () -> "no Stopped line: " + String.join("\n", syslogSafe(syslog)));
            String err = Files.readString(stderr);
            assertFalse(err.contains("Entering MASTER STATE") || err.contains("not_a_keepalived_keyword"),
                    "log lines on stderr as well:\n" + err);
        }
    }

    private static List<String> syslogSafe(NotifySocket s) {
        try {
            return s.received();
        } catch (Throwable t) {
            return List.of(String.valueOf(t));
        }
    }
}
