package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.KeepalivedConf;
import io.floatd.testing.KeepalivedProcess;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code virtual_ipaddress_excluded}, as keepalived means it: floatd (host 1, priority 150) holds its excluded
 * addresses (one IPv4, one IPv6 in this IPv4 instance) with its VIP while Master, and drops them with it; its adverts
 * list the VIP only. A keepalived Backup (host 0) with just the VIP checks that list ("expected 1 VIPs but received
 * N" otherwise, then it would take over): it stays Backup without complaint.
 */
@Timeout(120)
class ExcludedAddressInteropTest {
    private static final String VIP = "10.199.0.100/24";
    private static final String EXCLUDED4 = "10.199.0.101/24";
    private static final String EXCLUDED6 = "fd00:199::101/64";
    private static final Duration START = Duration.ofSeconds(20);

    @Test
    void excludedAddressesMoveWithTheVipButStayOutOfTheAdverts() throws Exception {
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        try {
            Lan lan = Lan.create("ex", 2);
            cleanup.push(lan);
            Netns kaHost = lan.host(0);
            Netns fdHost = lan.host(1);
            KeepalivedProcess ka = KeepalivedProcess.start(kaHost, KeepalivedConf.instance("VI_1").vrid(61).priority(50)
                    .state("BACKUP").version(2).advertInt(Duration.ofSeconds(1))
                    .unicastSrcIp(Lan.address(0)).peer(Lan.address(1)).vip(VIP));
            cleanup.push(ka);
            FloatdProcess fd = FloatdProcess.start(fdHost, notify -> """
                    vrrp_instance VI_1 {
                      state BACKUP
                      interface %s
                      virtual_router_id 61
                      priority 150
                      advert_int 1
                      unicast_src_ip %s
                      unicast_peer {
                        %s
                      }
                      virtual_ipaddress {
                        %s dev %s
                      }
                      virtual_ipaddress_excluded {
                        %s dev %s
                        %s dev %s
                      }
                      notify "%s"
                    }
                    """.formatted(Lan.IFNAME, Lan.address(1), Lan.address(0), VIP, Lan.IFNAME, EXCLUDED4, Lan.IFNAME,
                    EXCLUDED6, Lan.IFNAME, notify));
            cleanup.push(fd);
            fd.awaitState("MASTER", START);
            awaitAddresses(fdHost, List.of(VIP, EXCLUDED4, EXCLUDED6), true);
            // keepalived hears several adverts: each must list exactly its one VIP
            Thread.sleep(4_000);
            assertEquals("BACKUP", ka.currentState(), ka.log());
            assertFalse(ka.log().contains("VIPs but received"), ka.log());
            assertFalse(ka.log().contains("not present in MASTER advert"), ka.log());
            awaitAddresses(kaHost, List.of(VIP, EXCLUDED4), false);

            assertEquals(0, fd.stop(Duration.ofSeconds(15)), fd.log());
            awaitAddresses(fdHost, List.of(VIP, EXCLUDED4, EXCLUDED6), false);
            ka.awaitState("MASTER", Duration.ofSeconds(10));
        } finally {
            while (!cleanup.isEmpty()) {
                try {
                    cleanup.pop().close();
                } catch (Exception e) {
                    // best effort
                }
            }
        }
    }

    private static void awaitAddresses(Netns host, List<String> cidrs, boolean present) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String addrs = "";
        while (System.nanoTime() < deadline) {
            addrs = host.exec("ip", "-br", "addr", "show", Lan.IFNAME);
            String shown = addrs;
            if (cidrs.stream().allMatch(c -> shown.contains(c) == present)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(cidrs + (present ? " not all on " : " not all gone from ") + host + ": " + addrs);
    }
}
