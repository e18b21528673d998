package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGHUP on a real daemon: an unchanged configuration keeps the Master (no priority-0 advert, so the peer
 * never moves; the VIP never leaves), a broken one changes nothing (nor one the host refuses), a changed priority
 * takes effect.
 */
@Timeout(60)
class ReloadTest {
    private static final String VIP = Lan.SUBNET_PREFIX + "100";
    private static Lan lan;

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("rl", 2);
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
                    virtual_router_id 51
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

    private static void hup(FloatdProcess p) {
        Netns.run("kill", "-HUP", Long.toString(p.pid()));
    }

    /** Watches the VIP on the Master and the peer's state for a while; fails on the first gap. */
    private static void assertUndisturbed(FloatdProcess peer, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            assertTrue(hasVip(0), "the VIP left the Master during the reload");
            assertEquals("BACKUP", peer.lastState(), "the peer moved during the reload");
            FloatdProcess.sleep(25);
        }
    }

    @Test
    void reloadKeepsAnUnchangedMasterAndRefusesABrokenConfig() throws IOException {
        try (FloatdProcess node0 = FloatdProcess.start(lan.host(0), n -> config(0, 150, n))) {
            node0.awaitState("MASTER", Duration.ofSeconds(15));
            try (FloatdProcess node1 = FloatdProcess.start(lan.host(1), n -> config(1, 100, n))) {
                node1.awaitState("BACKUP", Duration.ofSeconds(15));
                List<String> before = node0.notifications();

                hup(node0);
                node0.awaitLog("Reload done: 1 unchanged, 0 restarted, 0 added, 0 removed", Duration.ofSeconds(10));
                assertUndisturbed(node1, 1000);
                assertEquals(before, node0.notifications(), "no transition on the reloaded Master");
                assertFalse(node0.log().contains("released the floating IP"), node0.log());

                Path conf = node0.dir().resolve("floatd.conf");
                String good = Files.readString(conf);
                Files.writeString(conf, good.replace("virtual_router_id 51", "virtual_router_id 300"));
                hup(node0);
                node0.awaitLog("Reload failed: configuration unchanged", Duration.ofSeconds(10));
                assertTrue(node0.log().contains("floatd.conf:3:"), "the error names file:line:\n" + node0.log());
                assertUndisturbed(node1, 500);

                // a real change: node0 drops below node1, restarts with the new priority and node1 preempts it
                Files.writeString(conf, good.replace("priority 150", "priority 50"));
                hup(node0);
                node0.awaitLog("Reload done: 0 unchanged, 1 restarted", Duration.ofSeconds(10));
                node1.awaitState("MASTER", Duration.ofSeconds(5));
                node0.awaitState("BACKUP", Duration.ofSeconds(5));
                assertTrue(node0.alive());
            }
        }
    }

    @Test
    void aReloadWhoseHostValidationFailsChangesNothing() throws IOException {
        try (FloatdProcess node0 = FloatdProcess.start(lan.host(0), n -> config(0, 150, n))) {
            node0.awaitState("MASTER", Duration.ofSeconds(15));
            List<String> before = node0.notifications();
            Path conf = node0.dir().resolve("floatd.conf");
            // the file parses; the host has no such user, which the validation after the parse finds
            Files.writeString(conf, "global_defs {\n    script_user no_such_user_rl\n}\n"
                    + Files.readString(conf).replace("priority 150", "priority 50"));
            hup(node0);
            node0.awaitLog("Reload failed: configuration unchanged", Duration.ofSeconds(10));
            assertTrue(node0.log().contains("floatd.conf:2: global_defs: script_user: user 'no_such_user_rl' does not exist"),
                    "the host's error names file:line:\n" + node0.log());
            assertTrue(hasVip(0), "the Master keeps the VIP");
            assertEquals(before, node0.notifications(), "no transition: the old configuration runs on");
            assertTrue(node0.alive());
        }
    }
}
