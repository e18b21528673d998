package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two floatd daemons without unicast_peer: the election over multicast, a kill -9 failover at Master_Down_Interval
 * and the VIP moving. IPv4 uses another group than the RFC's ({@code mcast_dst_ip 224.0.0.19}, as sites running
 * several VRRP domains on one LAN do); IPv6 the default ff02::12 from the link-local address.
 */
@Timeout(90)
class FloatdMulticastPairTest {

    private static String config(boolean ipv6, int priority, String notify) {
        return """
                vrrp_instance VI_M {
                    interface eth0
                    virtual_router_id 62
                    priority %d
                    advert_int 0.1
                    version 3
                    %s
                    virtual_ipaddress {
                        %s
                    }
                    notify %s
                }
                """.formatted(priority, ipv6 ? "" : "mcast_dst_ip 224.0.0.19", vip(ipv6), notify);
    }

    private static String vip(boolean ipv6) {
        return ipv6 ? "fd00:199::100/64" : "10.199.0.100/24";
    }

    private static boolean hasVip(Lan lan, int host, boolean ipv6) {
        return lan.host(host).exec("ip", "-o", "addr", "show", "dev", Lan.IFNAME).contains(vip(ipv6));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void multicastPairElectsFailsOverAndMovesTheVip(boolean ipv6) {
        Netns.requireRoot();
        try (Lan lan = Lan.create(ipv6 ? "p6" : "p4", 2)) {
            if (ipv6) {
                KeepalivedMulticastInteropTest.awaitLinkLocal(lan.host(0));
                KeepalivedMulticastInteropTest.awaitLinkLocal(lan.host(1));
            }
            try (FloatdProcess node0 = FloatdProcess.start(lan.host(0), n -> config(ipv6, 150, n))) {
                node0.awaitState("MASTER", Duration.ofSeconds(15));
                try (FloatdProcess node1 = FloatdProcess.start(lan.host(1), n -> config(ipv6, 100, n))) {
                    node1.awaitState("BACKUP", Duration.ofSeconds(15));
                    FloatdProcess.sleep(1000); // ~2.5 Master_Down_Intervals of node1
                    assertFalse(node1.log().contains("Entering MASTER STATE"), "the Backup heard the group:\n" + node1.log());
                    assertTrue(hasVip(lan, 0, ipv6), "the Master holds the VIP");
                    assertFalse(hasVip(lan, 1, ipv6), "the Backup does not");

                    long killed = System.currentTimeMillis() * 1_000_000L;
                    node0.kill9();
                    node1.awaitState("MASTER", Duration.ofSeconds(5));
                    long tookMs = (node1.notifiedAt("MASTER", killed) - killed) / 1_000_000L;
                    // Master_Down_Interval 3 x 0.1 + (256 - 100) / 256 x 0.1 = 0.361 s
                    assertTrue(tookMs < 361 + 1000, "kill -9 to MASTER took " + tookMs + " ms");
                    assertTrue(tookMs > 361 - 100 - 50, "kill -9 to MASTER took only " + tookMs + " ms");
                    long end = System.nanoTime() + 5_000_000_000L;
                    while (!hasVip(lan, 1, ipv6) && System.nanoTime() < end) {
                        FloatdProcess.sleep(20);
                    }
                    assertTrue(hasVip(lan, 1, ipv6), "the VIP moved to the new Master");
                    assertFalse(node1.log().contains("dropped advert"), node1.log());
                }
            }
        }
    }
}
