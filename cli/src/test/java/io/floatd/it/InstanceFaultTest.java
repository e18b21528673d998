package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.status.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14 (3): a reload that changed VI_2 and added VI_3 on a missing interface left VI_2 in INIT with its VIP
 * removed, a later fixed reload kept it there ("2 unchanged"), and /healthz answered 200 throughout. Now, on a real
 * daemon: VI_2 runs with its new settings, VI_3 is FAULT with its reason in /status, /healthz answers 503 naming it,
 * and once the interface exists VI_3 starts by itself and /healthz answers 200 again. Issue 15: that reload is
 * refused (as keepalived refuses a missing interface) unless {@code dynamic_interfaces} is set, as it then is.
 */
@Timeout(90)
class InstanceFaultTest {
    private static final String STATUS = "127.0.0.1:19797";
    private static Lan lan;

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("if", 1);
    }

    @AfterAll
    static void deleteLan() {
        if (lan != null) {
            lan.close();
        }
    }

    private static String instance(String name, String ifname, int vrid, int priority, String self, String peer, String vip,
            String notify) {
        return """
                vrrp_instance %s {
                    interface %s
                    virtual_router_id %d
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        %s/24 dev %s
                    }
                    notify %s
                }
                """.formatted(name, ifname, vrid, priority, self, peer, vip, ifname, notify);
    }

    private static String vi1(String notify) {
        return instance("VI_1", "eth0", 71, 150, Lan.address(0), Lan.SUBNET_PREFIX + "99", Lan.SUBNET_PREFIX + "101", notify);
    }

    private static String vi2(int priority, String notify) {
        return instance("VI_2", "eth0", 72, priority, Lan.address(0), Lan.SUBNET_PREFIX + "99", Lan.SUBNET_PREFIX + "102", notify);
    }

    private static String vi3(String notify) {
        return instance("VI_3", "eth9", 73, 150, "10.199.9.1", "10.199.9.2", "10.199.9.100", notify);
    }

    /** GET on the status endpoint from inside the namespace: {@code CODE BODY}. */
    private static String get(String path) {
        Netns.Result r = lan.host(0).tryExec("curl", "-s", "-m", "5", "-w", " %{http_code}", "http://" + STATUS + path);
        return r.output().strip();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> instance(String name) {
        String json = get("/status");
        Map<String, Object> doc = (Map<String, Object>) Json.parse(json.substring(0, json.lastIndexOf(' ')));
        return ((List<Map<String, Object>>) doc.get("instances")).stream().filter(i -> name.equals(i.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + json));
    }

    private static void await(java.util.function.BooleanSupplier condition, String what, FloatdProcess p) {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!holds(condition)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " not within 15 s:\n" + p.log());
            }
            FloatdProcess.sleep(50);
        }
    }

    /** False while the endpoint is not up yet (or an instance not listed yet). */
    private static boolean holds(java.util.function.BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }

    @Test
    void anInstanceWhoseInterfaceIsMissingOnReloadIsFaultWithItsReasonAndHealthzSaysSoUntilItAppears() throws Exception {
        try (FloatdProcess node = FloatdProcess.start(lan.host(0), n -> vi1(n) + vi2(150, n), "--status-address", STATUS)) {
            await(() -> "MASTER".equals(instance("VI_1").get("state")) && "MASTER".equals(instance("VI_2").get("state")),
                    "VI_1 and VI_2 MASTER", node);
            assertEquals("ok\n 200", get("/healthz"));
            Path conf = node.dir().resolve("floatd.conf");
            String notify = node.dir().resolve("notify.sh").toString();

            // the reload: VI_2 changed, VI_3 added on eth9, which does not exist. As keepalived (which stops
            // on it), floatd refuses it unless dynamic_interfaces is set: the running configuration stays
            Files.writeString(conf, vi1(notify) + vi2(120, notify) + vi3(notify));
            Netns.run("kill", "-HUP", Long.toString(node.pid()));
            node.awaitLog("Reload failed: configuration unchanged", Duration.ofSeconds(10));
            assertTrue(node.log().contains("interface eth9 for vrrp_instance VI_3 does not exist on this host"), node.log());
            assertEquals(150L, ((Map<?, ?>) instance("VI_2").get("priority")).get("configured"));
            // with dynamic_interfaces, keepalived keeps VI_3 in FAULT until eth9 is created: so does floatd
            Files.writeString(conf, "global_defs {\n    dynamic_interfaces\n}\n" + vi1(notify) + vi2(120, notify) + vi3(notify));
            Netns.run("kill", "-HUP", Long.toString(node.pid()));
            node.awaitLog("Reload done: 1 unchanged, 1 restarted, 1 added, 0 removed; in FAULT: VI_3 cannot start:", Duration.ofSeconds(10));
            await(() -> "MASTER".equals(instance("VI_2").get("state")), "the changed VI_2 MASTER again", node);
            assertEquals(120L, ((Map<?, ?>) instance("VI_2").get("priority")).get("configured"));
            assertTrue(lan.host(0).exec("ip", "-o", "addr", "show", "dev", "eth0").contains(Lan.SUBNET_PREFIX + "102/24"),
                    "VI_2 holds its VIP");
            Map<String, Object> vi3 = instance("VI_3");
            assertEquals("FAULT", vi3.get("state"), vi3.toString());
            assertEquals(false, vi3.get("running"), vi3.toString());
            String reason = (String) vi3.get("fault_reason");
            assertTrue(reason.startsWith("cannot start: vrrp eth9: ") && reason.contains("(tried "), reason);
            String health = get("/healthz");
            assertTrue(health.startsWith("VI_3 not running: cannot start: vrrp eth9: ") && health.endsWith(" 503"), health);
            assertTrue(node.notifications().stream().anyMatch(l -> l.contains(" FAULT ")), "notify ran for FAULT: "
                    + node.notifications());

            // the interface appears: VI_3 starts without another reload, /healthz is 200 again
            Netns ns = lan.host(0);
            ns.exec("ip", "link", "add", "eth9", "type", "veth", "peer", "name", "eth9p");
            ns.exec("ip", "addr", "add", "10.199.9.1/24", "dev", "eth9");
            ns.exec("ip", "link", "set", "eth9p", "up");
            ns.exec("ip", "link", "set", "eth9", "up");
            await(() -> "MASTER".equals(instance("VI_3").get("state")), "VI_3 MASTER once eth9 exists", node);
            assertEquals(true, instance("VI_3").get("running"));
            assertEquals(null, instance("VI_3").get("fault_reason"));
            await(() -> get("/healthz").endsWith(" 200"), "/healthz 200", node);
            assertTrue(ns.exec("ip", "-o", "addr", "show", "dev", "eth9").contains("10.199.9.100/24"), "VI_3 holds its VIP");
            assertTrue(node.log().contains("VRRP_Instance(VI_3) started after "), node.log());
        }
    }
}
