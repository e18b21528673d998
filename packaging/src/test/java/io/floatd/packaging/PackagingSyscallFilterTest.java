package io.floatd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * floatd runs under the unit's {@code SystemCallFilter=}: the packaged launcher, JVM and daemon, in a dry run that
 * opens the linux-l2 provider's sockets (as root: raw IP, AF_PACKET, netlink) and advertises over UDP on loopback
 * until it is Master, then stops cleanly on SIGTERM. systemd is not PID 1 where the tests run, so the filter is
 * built as systemd builds it, with libseccomp ({@code src/test/seccomp/run-filtered.py}: the groups expanded by
 * {@code systemd-analyze syscall-filter}, EPERM for every other call, no_new_privs). Not covered: the other
 * sandboxing settings of the unit (namespaces, capabilities), which only systemd applies.
 */
class PackagingSyscallFilterTest {
    private static final Path RUN_FILTERED = Path.of("src/test/seccomp/run-filtered.py");
    private static String filter;

    @BeforeAll
    static void filterOfTheUnit() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) && Deb.onPath("systemd-analyze"),
                "python3 and systemd-analyze are needed");
        Deb.Result probe = Deb.run("/usr/bin/python3", "-c", "import seccomp");
        assumeTrue(probe.exit() == 0, "python3-seccomp is not installed here (bin/test installs it)");
        assumeTrue("root".equals(System.getProperty("user.name")), "floatd's sockets need root");
        filter = Files.readAllLines(Deb.root().resolve("lib/systemd/system/floatd.service")).stream()
                .filter(l -> l.startsWith("SystemCallFilter=")).map(l -> l.substring("SystemCallFilter=".length()))
                .reduce((a, b) -> a + " " + b).orElseThrow();
    }

    /** The filter is in force: a call outside it (swapoff, in @swap) fails with EPERM, not with what it would do. */
    @Test
    void aCallOutsideTheFilterFailsWithEperm() {
        Deb.Result plain = Deb.run("/sbin/swapoff", "/nonexistent-floatd-swap");
        assertTrue(plain.err().contains("No such file or directory"), plain::toString);
        Deb.Result filtered = Deb.run("/usr/bin/python3", RUN_FILTERED.toString(), filter, "--", "/sbin/swapoff",
                "/nonexistent-floatd-swap");
        assertTrue(filtered.err().contains("Not superuser") || filtered.err().contains("Operation not permitted"),
                filtered::toString);
    }

    @Test
    void floatdRunsUntilMasterAndStopsCleanlyUnderTheFilter(@TempDir Path tmp) throws Exception {
        int port = 20000 + ThreadLocalRandom.current().nextInt(12000);
        Path conf = Files.writeString(tmp.resolve("floatd.conf"), """
                global_defs {
                    router_id seccomp-test
                }
                vrrp_instance VI_SECCOMP {
                    state MASTER
                    interface lo
                    virtual_router_id 61
                    priority 255
                    advert_int 0.1
                    version 3
                    unicast_src_ip 127.0.0.1
                    unicast_peer {
                        127.0.0.2
                    }
                    transport {
                        udp port %d
                    }
                    virtual_ipaddress {
                        127.0.0.1/8 dev lo
                    }
                }
                """.formatted(port));
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", RUN_FILTERED.toString(), filter, "--",
                Deb.root().resolve("usr/bin/floatd").toString(), "run", "--dry-run", "-f", conf.toString(),
                "--status-address", "127.0.0.1:0", "--control-socket", tmp.resolve("control.sock").toString(),
                "--dump-dir", tmp.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.equals("JAVA_HOME") || k.startsWith("FLOATD_") || k.equals("NOTIFY_SOCKET"));
        Process p = pb.start();
        Path out = tmp.resolve("out.txt");
        try {
            // bounded wait for the first transition to MASTER (the JVM starts in about a second)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!Files.readString(out).contains("Entering MASTER") && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String log = Files.readString(out);
            assertTrue(log.contains("Entering MASTER"), () -> "no MASTER under the filter:\n" + log);
            assertTrue(log.contains("system calls allowed"), log);
        } finally {
            p.destroy();
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "floatd did not stop on SIGTERM");
        String log = Files.readString(out);
        // a clean stop: 0 (or 143, the JVM's 128+SIGTERM, which the unit lists in SuccessExitStatus=)
        assertTrue(p.exitValue() == 0 || p.exitValue() == 143, () -> "exit " + p.exitValue() + "\n" + log);
        assertTrue(!log.contains("Operation not permitted") && !log.contains("EPERM"), () -> "a call was denied:\n" + log);
        assertEquals(-1, log.indexOf("hs_err"), log);
    }
}
