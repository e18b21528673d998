package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.KeepalivedConf;
import io.floatd.testing.KeepalivedProcess;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * keepalived 2.2.7 (host 0, priority 150) and floatd (host 1, priority 100) with the same {@code virtual_routes} and
 * {@code virtual_rules} (VRRPv3, advert_int 0.1): keepalived's Master has them and floatd's Backup not; when
 * keepalived stops, floatd's Master has the same routes and rule, shown by {@code ip} exactly as keepalived's were;
 * floatd's graceful stop removes them.
 */
@Timeout(120)
class KeepalivedRoutesInteropTest {
    private static final String VIP = "10.199.0.100/24";
    private static final String GATEWAY = Lan.SUBNET_PREFIX + "254";
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofSeconds(10);
    private static final String ROUTES = """
              virtual_routes {
                10.123.0.0/16 via %1$s dev %2$s table 100
                10.124.0.0/16 dev %2$s src 10.199.0.100 table 100 metric 7
                fd00:125::/64 dev %2$s table 100 no_track
              }
              virtual_rules {
                from 10.199.0.100/32 table 100 priority 100
              }
            """.formatted(GATEWAY, Lan.IFNAME);

    @Test
    void floatdAddsTheSameRoutesAndRuleAsKeepalivedWhenItTakesOver() throws Exception {
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        try {
            Lan lan = Lan.create("kr", 2);
            cleanup.push(lan);
            Netns kaHost = lan.host(0);
            Netns fdHost = lan.host(1);
            KeepalivedProcess ka = KeepalivedProcess.start(kaHost, KeepalivedConf.instance("VI_1").vrid(62).priority(150)
                    .state("BACKUP").version(3).advertInt(Duration.ofMillis(100))
                    .unicastSrcIp(Lan.address(0)).peer(Lan.address(1)).vip(VIP).inside(ROUTES));
            cleanup.push(ka);
            ka.awaitState("MASTER", START);
            FloatdProcess fd = FloatdProcess.start(fdHost, notify -> """
                    vrrp_instance VI_1 {
                      state BACKUP
                      interface %s
                      virtual_router_id 62
                      priority 100
                      advert_int 0.1
                      version 3
                      unicast_src_ip %s
                      unicast_peer {
                        %s
                      }
                      virtual_ipaddress {
                        %s dev %s
                      }
                    %s
                      notify "%s"
                    }
                    """.formatted(Lan.IFNAME, Lan.address(1), Lan.address(0), VIP, Lan.IFNAME, ROUTES, notify));
            cleanup.push(fd);
            fd.awaitState("BACKUP", START);
            String keepalivedShows = awaitShown(kaHost, true);
            awaitShown(fdHost, false);

            ka.stop();
            fd.awaitState("MASTER", STEP);
            String floatdShows = awaitShown(fdHost, true);
            System.out.printf("KeepalivedRoutesInteropTest: keepalived's Master showed%n%sfloatd's Master shows%n%s",
                    keepalivedShows, floatdShows);
            assertEquals(keepalivedShows, floatdShows, "keepalived's routes and rule differ from floatd's");
            assertTrue(floatdShows.contains("proto keepalived"), floatdShows);
            awaitShown(kaHost, false);

            assertEquals(0, fd.stop(Duration.ofSeconds(15)), fd.log());
            awaitShown(fdHost, false);
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

    private static String shown(Netns host, String... command) {
        Netns.Result r = host.tryExec(command);
        return r.exitCode() == 0 ? r.output() : "";
    }

    /** Waits until the host has the three routes and the rule (returning what ip shows), or none of them. */
    private static String awaitShown(Netns host, boolean present) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            String v4 = shown(host, "ip", "route", "show", "table", "100");
            String v6 = shown(host, "ip", "-6", "route", "show", "table", "100");
            String rules = shown(host, "ip", "rule", "show", "priority", "100");
            text = v4 + v6 + rules;
            int count = (v4.contains("10.123.0.0/16") ? 1 : 0) + (v4.contains("10.124.0.0/16") ? 1 : 0)
                    + (v6.contains("fd00:125::/64") ? 1 : 0) + (rules.contains("lookup 100") ? 1 : 0);
            if (count == (present ? 4 : 0)) {
                return text;
            }
            Thread.sleep(50);
        }
        throw new AssertionError((present ? "routes and rule not all on " : "routes or rule left on ") + host + ":\n" + text);
    }
}
