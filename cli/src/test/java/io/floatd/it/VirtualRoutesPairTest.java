package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code virtual_routes} and {@code virtual_rules} follow the Master, as in keepalived: two floatd daemons (VRRPv3,
 * advert_int 0.1) with the same routes (one through a gateway into table 100, one with the VIP as its source, one
 * IPv6 blackhole) and rule ({@code from VIP lookup 100}). The Master has them, with keepalived's protocol, and the
 * Backup not; deleted under the Master, the tracked ones come back at its next re-check (recheck_interval 0.5) while it
 * stays Master; after kill -9 of the Master they appear on the new Master; its graceful stop removes them.
 */
@Timeout(120)
class VirtualRoutesPairTest {
    private static final String VIP = Lan.SUBNET_PREFIX + "100";
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofSeconds(10);

    private static String config(int node, int priority, String notify) {
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface %1$s
                    virtual_router_id 52
                    priority %2$d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %3$s
                    unicast_peer {
                        %4$s
                    }
                    virtual_ipaddress {
                        %5$s/24 dev %1$s
                    }
                    virtual_routes {
                        10.123.0.0/16 via %6$s dev %1$s table 100
                        10.124.0.0/16 dev %1$s src %5$s table 100 metric 7
                        blackhole fd00:125::/64 table 100
                    }
                    virtual_rules {
                        from %5$s/32 table 100 priority 100
                    }
                    floating_ip {
                        provider linux-l2
                        recheck_interval 0.5
                    }
                    notify "%7$s"
                }
                """.formatted(Lan.IFNAME, priority, Lan.address(node), Lan.address(1 - node), VIP,
                Lan.SUBNET_PREFIX + "254", notify);
    }

    @Test
    void routesAndRulesAreOnTheMasterOnlyAndFollowItAndGoOnStop() throws Exception {
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        try {
            Lan lan = Lan.create("vr", 2);
            cleanup.push(lan);
            FloatdProcess node0 = FloatdProcess.start(lan.host(0), notify -> config(0, 150, notify));
            cleanup.push(node0);
            node0.awaitState("MASTER", START);
            FloatdProcess node1 = FloatdProcess.start(lan.host(1), notify -> config(1, 100, notify));
            cleanup.push(node1);
            node1.awaitState("BACKUP", START);

            awaitRoutes(lan.host(0), true);
            awaitRoutes(lan.host(1), false);
            String table = lan.host(0).exec("ip", "route", "show", "table", "100");
            assertTrue(table.contains("10.123.0.0/16 via " + Lan.SUBNET_PREFIX + "254 dev eth0 proto keepalived"), table);
            assertTrue(table.contains("10.124.0.0/16 dev eth0 proto keepalived src " + VIP + " metric 7"), table);
            assertTrue(lan.host(0).exec("ip", "rule").contains("100:\tfrom " + VIP + " lookup 100 proto keepalived"),
                    lan.host(0).exec("ip", "rule"));

            // tracked (they have a device): deleted under the Master, they are back at its next re-check
            lan.host(0).exec("ip", "route", "del", "10.123.0.0/16", "table", "100");
            lan.host(0).exec("ip", "rule", "del", "priority", "100");
            awaitRoutes(lan.host(0), true);
            assertEquals("MASTER", node0.lastState(), node0.notifications().toString());
            assertTrue(node0.log().contains("found on nobody (virtual route 10.123.0.0/16 via " + Lan.SUBNET_PREFIX
                    + "254 dev eth0 table 100 missing) while Master"), node0.log());

            node0.kill9();
            node1.awaitState("MASTER", STEP);
            awaitRoutes(lan.host(1), true);

            assertEquals(0, node1.stop(Duration.ofSeconds(15)), node1.log());
            awaitRoutes(lan.host(1), false);
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

    /** A reload that changes a route restarts the instance: the old route goes, the new one comes with MASTER. */
    @Test
    void aReloadThatChangesARouteReplacesIt() throws Exception {
        try (Lan lan = Lan.create("vs", 2);
                FloatdProcess node0 = FloatdProcess.start(lan.host(0), n -> config(0, 150, n))) {
            node0.awaitState("MASTER", START);
            awaitRoutes(lan.host(0), true);
            java.nio.file.Path conf = node0.dir().resolve("floatd.conf");
            String text = java.nio.file.Files.readString(conf);
            java.nio.file.Files.writeString(conf, text.replace("10.123.0.0/16", "10.126.0.0/16"));
            Netns.run("kill", "-HUP", Long.toString(node0.pid()));
            node0.awaitLog("Reload done: 0 unchanged, 1 restarted", STEP);
            long deadline = System.nanoTime() + STEP.toNanos();
            String v4 = "";
            while (System.nanoTime() < deadline) {
                v4 = shown(lan.host(0), "ip", "route", "show", "table", "100");
                if (v4.contains("10.126.0.0/16") && !v4.contains("10.123.0.0/16")) {
                    break;
                }
                Thread.sleep(50);
            }
            assertTrue(v4.contains("10.126.0.0/16 via") && !v4.contains("10.123.0.0/16"), v4);
        }
    }

    /** What the command prints, or nothing where it fails (a table that does not exist yet, or any more). */
    private static String shown(Netns host, String... command) {
        Netns.Result r = host.tryExec(command);
        return r.exitCode() == 0 ? r.output() : "";
    }

    /** Waits until the node shows all three routes and the rule, or none of them. */
    private static void awaitRoutes(Netns host, boolean present) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        String shown = "";
        while (System.nanoTime() < deadline) {
            String v4 = shown(host, "ip", "route", "show", "table", "100");
            String v6 = shown(host, "ip", "-6", "route", "show", "table", "100");
            String rules = host.exec("ip", "rule");
            shown = v4 + v6 + rules;
            boolean[] each = {v4.contains("10.123.0.0/16"), v4.contains("10.124.0.0/16"),
                    v6.contains("blackhole fd00:125::/64"), rules.contains("from " + VIP + " lookup 100")};
            boolean all = true;
            boolean none = true;
            for (boolean b : each) {
                all &= b;
                none &= !b;
            }
            if (present ? all : none) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError((present ? "routes and rule not all on " : "routes or rule left on ") + host + ":\n" + shown);
    }
}
