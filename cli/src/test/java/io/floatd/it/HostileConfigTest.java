package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14 (2): an included file with 3,000 nested braces, or a 50 MB single line, ended the Master on SIGHUP
 * (StackOverflowError, OutOfMemoryError: exit 1, no priority-0 advert, the VIP left behind while the peer took it)
 * and made {@code floatd check} fail the same way. The daemon and check run with the launcher's stack and heap
 * ({@link FloatdProcess#PRODUCTION_JVM}): each file is now a {@code file:line} error, check exits 1, and the reload
 * changes nothing (the Master keeps the VIP, the peer stays Backup).
 */
@Timeout(90)
class HostileConfigTest {
    private static final String VIP = Lan.SUBNET_PREFIX + "100";
    private static Lan lan;

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("hc", 2);
    }

    @AfterAll
    static void deleteLan() {
        if (lan != null) {
            lan.close();
        }
    }

    private static String config(int self, int priority, String notify) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 61
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        %s/24
                    }
                    notify %s
                }
                """.formatted(priority, Lan.address(self), Lan.address(1 - self), VIP, notify);
    }

    private static boolean hasVip(int host) {
        return lan.host(host).exec("ip", "-o", "addr", "show", "dev", Lan.IFNAME).contains(VIP + "/24");
    }

    private static void assertUndisturbed(FloatdProcess master, FloatdProcess peer, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            assertTrue(master.alive(), "the Master exited:\n" + master.log());
            assertTrue(hasVip(0), "the VIP left the Master during the reload");
            assertEquals("BACKUP", peer.lastState(), "the peer moved during the reload");
            FloatdProcess.sleep(25);
        }
    }

    /** {@code floatd check -f CONF} with the launcher's JVM options, in the Master's namespace. */
    private static Netns.Result check(Path conf) {
        return lan.host(0).tryExec(FloatdProcess.command(FloatdProcess.PRODUCTION_JVM, "check", "-f", conf.toString())
                .toArray(String[]::new));
    }

    @Test
    void nestedBracesAndAHugeLineAreFileLineErrorsForCheckAndChangeNothingOnReload() throws IOException {
        try (FloatdProcess node0 = FloatdProcess.startWithJvm(lan.host(0), FloatdProcess.PRODUCTION_JVM, n -> config(0, 150, n))) {
            node0.awaitState("MASTER", Duration.ofSeconds(15));
            try (FloatdProcess node1 = FloatdProcess.start(lan.host(1), n -> config(1, 100, n))) {
                node1.awaitState("BACKUP", Duration.ofSeconds(15));
                Path conf = node0.dir().resolve("floatd.conf");
                String good = Files.readString(conf);
                List<String> before = node0.notifications();

                // 3,000 nested braces in an included file
                Files.writeString(node0.dir().resolve("deep.conf"), "{\n".repeat(3000));
                Files.writeString(conf, good + "include deep.conf\n");
                Netns.Result deep = check(conf);
                assertEquals(1, deep.exitCode(), deep.output());
                assertTrue(deep.output().contains("deep.conf:65: blocks nested too deep: more than 64 levels (at most 64);"
                        + " this block is skipped"), deep.output());
                Netns.run("kill", "-HUP", Long.toString(node0.pid()));
                node0.awaitLog("Reload failed: configuration unchanged", Duration.ofSeconds(15));
                assertTrue(node0.log().contains("deep.conf:65: blocks nested too deep"), node0.log());
                assertUndisturbed(node0, node1, 500);

                // a 50 MB line
                Path big = node0.dir().resolve("big.conf");
                try (OutputStream out = Files.newOutputStream(big)) {
                    byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 50; i++) {
                        out.write(chunk);
                    }
                }
                Files.writeString(conf, good + "include big.conf\n");
                Netns.Result huge = check(conf);
                assertEquals(1, huge.exitCode(), huge.output());
                assertTrue(huge.output().contains("big.conf:1: configuration too large: it passes 4 MiB on this line"), huge.output());
                Netns.run("kill", "-HUP", Long.toString(node0.pid()));
                FloatdProcess.awaitNthLine(node0, "Reload failed: configuration unchanged", 1, Duration.ofSeconds(15));
                assertTrue(node0.log().contains("big.conf:1: configuration too large"), node0.log());
                assertUndisturbed(node0, node1, 500);

                // still the same daemon, and it still reloads
                Files.writeString(conf, good);
                Netns.run("kill", "-HUP", Long.toString(node0.pid()));
                node0.awaitLog("Reload done: 1 unchanged, 0 restarted, 0 added, 0 removed", Duration.ofSeconds(15));
                assertUndisturbed(node0, node1, 300);
                assertEquals(before, node0.notifications(), "no transition on the Master");
            }
        }
    }
}
