package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * floatd's stderr as journald gets it (issue 17). systemd names the stream it connects to a service's stderr in
 * {@code JOURNAL_STREAM=DEV:INODE}; here that stream is a file whose device and inode the variable names, so floatd
 * must take it for the journal: each line starts with its syslog priority ({@code <3>} err, {@code <4>} warning,
 * {@code <6>} info; sd-daemon(3)) and carries no timestamp. The same variable naming another file (a child that
 * inherited it and writes elsewhere) leaves the lines plain and timestamped.
 */
class JournalPrioritiesTest {
    private static final String CONF = """
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
            """;

    @TempDir
    Path tmp;

    private static String journalStream(Path file) throws IOException {
        return Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    }

    /** Runs {@code floatd run} in {@code ns} with stderr (and stdout) into {@code out}; returns the process. */
    private Process run(Netns ns, Path out, String journalStream, Path conf) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "env", "JOURNAL_STREAM=" + journalStream));
        cmd.addAll(FloatdProcess.command("run", "-f", conf.toString(), "--control-socket", tmp.resolve("c-" + out.getFileName()).toString()));
        // truncates the existing file: its inode, the one JOURNAL_STREAM names, stays
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static void awaitLine(Path out, String text, Process p) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (Files.readString(out).contains(text)) {
                return;
            }
            assertTrue(p.isAlive(), () -> "floatd exited before '" + text + "':\n" + read(out));
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + text + "' in 30 s:\n" + read(out));
    }

    private static String read(Path out) {
        try {
            return Files.readString(out);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String lineWith(String log, String text) {
        return log.lines().filter(l -> l.contains(text)).findFirst().orElseThrow(() -> new AssertionError("no '" + text + "' in:\n" + log));
    }

    @Test
    void stderrThatIsTheJournalStreamCarriesSyslogPrioritiesAndNoTimestamps() throws Exception {
        try (Lan lan = Lan.create("jp", 1)) {
            Path conf = Files.writeString(tmp.resolve("floatd.conf"), CONF.formatted(Lan.IFNAME));
            Path journal = Files.createFile(tmp.resolve("journal"));
            Process p = run(lan.host(0), journal, journalStream(journal), conf);
            try {
                awaitLine(journal, "Entering MASTER STATE", p);
                p.destroy(); // SIGTERM: the priority-0 advert and the clean stop
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            } finally {
                p.destroyForcibly();
            }
            String log = read(journal);
            assertTrue(lineWith(log, "Entering MASTER STATE").startsWith("<6>floatd: "), log);
            assertTrue(lineWith(log, "not_a_keepalived_keyword").startsWith("<4>floatd: WARNING: "), log);
            for (String line : log.lines().toList()) {
                assertTrue(line.matches("<[3467]>floatd: .*"), () -> "every line has a priority and no timestamp: " + line);
            }

            // an interface this host lacks stops the start: the lines printed (not logged) are errors
            Path bad = Files.writeString(tmp.resolve("bad.conf"), CONF.formatted("eth9"));
            Path journal2 = Files.createFile(tmp.resolve("journal2"));
            Process q = run(lan.host(0), journal2, journalStream(journal2), bad);
            assertTrue(q.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, q.exitValue(), read(journal2));
            String log2 = read(journal2);
            assertTrue(lineWith(log2, "nothing started").startsWith("<3>floatd: "), log2);
            assertTrue(lineWith(log2, "eth9").startsWith("<3>floatd: "), log2);
        }
    }

    @Test
    void aJournalStreamNamingAnotherFileLeavesLinesPlainAndTimestamped() throws Exception {
        try (Lan lan = Lan.create("jq", 1)) {
            Path conf = Files.writeString(tmp.resolve("floatd.conf"), CONF.formatted(Lan.IFNAME));
            Path elsewhere = Files.createFile(tmp.resolve("the-journal-is-elsewhere"));
            Path out = Files.createFile(tmp.resolve("terminal"));
            Process p = run(lan.host(0), out, journalStream(elsewhere), conf);
            try {
                awaitLine(out, "Entering MASTER STATE", p);
                p.destroy();
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            } finally {
                p.destroyForcibly();
            }
            String log = read(out);
            String master = lineWith(log, "Entering MASTER STATE");
            assertTrue(master.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} floatd: .*"), master);
            assertFalse(log.lines().anyMatch(l -> l.startsWith("<")), log);
        }
    }
}
