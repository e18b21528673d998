package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * VRRPv3 over IPv6 between two floatd daemons: the election, a crash failover, and the VIP (with its
 * unsolicited neighbour advertisement) moving. Addresses are ULAs that exist only in the test namespaces.
 */
@Timeout(60)
class FloatdIpv6PairTest {
    private static final String VIP = "fd00:199::100";
    private static Lan lan;

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("v6", 2);
        for (int i = 0; i < 2; i++) {
            lan.host(i).exec("ip", "-6", "addr", "add", address(i) + "/64", "dev", Lan.IFNAME, "nodad");
        }
    }

    @AfterAll
    static void deleteLan() {
        if (lan != null) {
            lan.close();
        }
    }

    private static String address(int i) {
        return "fd00:199::" + (10 + i);
    }

    private static String config(int self, int priority, String notify) {
        return """
                vrrp_instance VI_6 {
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
                        %s/64
                    }
                    notify %s
                }
                """.formatted(priority, address(self), address(1 - self), VIP, notify);
    }

    private static boolean hasVip(int host) {
        return lan.host(host).exec("ip", "-6", "-o", "addr", "show", "dev", Lan.IFNAME).contains(VIP + "/64");
    }

    @Test
    void ipv6PairElectsFailsOverAndMovesTheVip() {
        // node0 first, so the Backup starts hearing adverts (a simultaneous start may elect both for a moment)
        try (FloatdProcess node0 = FloatdProcess.start(lan.host(0), n -> config(0, 150, n))) {
            node0.awaitState("MASTER", Duration.ofSeconds(15));
            try (FloatdProcess node1 = FloatdProcess.start(lan.host(1), n -> config(1, 100, n))) {
                node1.awaitState("BACKUP", Duration.ofSeconds(15));
                electedThenFailover(node0, node1);
            }
        }
    }

    private void electedThenFailover(FloatdProcess node0, FloatdProcess node1) {
        FloatdProcess.sleep(500);
        assertTrue(hasVip(0), "the Master holds the IPv6 VIP");
        assertFalse(hasVip(1), "the Backup does not");
        assertTrue(node1.log().contains("Entering BACKUP STATE"), node1.log());
        assertFalse(node1.log().contains("Entering MASTER STATE"), "the Backup heard the IPv6 adverts:\n" + node1.log());

        long killed = System.currentTimeMillis() * 1_000_000L;
        node0.kill9();
        node1.awaitState("MASTER", Duration.ofSeconds(5));
        long tookMs = (node1.notifiedAt("MASTER", killed) - killed) / 1_000_000L;
        assertTrue(tookMs < 361 + 1000, "kill -9 to MASTER took " + tookMs + " ms");
        long end = System.nanoTime() + 5_000_000_000L;
        while (!hasVip(1) && System.nanoTime() < end) {
            FloatdProcess.sleep(20);
        }
        assertTrue(hasVip(1), "the VIP moved to the new Master");
        assertFalse(node1.log().contains("dropped advert"), node1.log());
    }
}
