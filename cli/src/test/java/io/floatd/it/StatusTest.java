package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.status.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code floatd status} against two real daemons, each with its endpoint on its own namespace's loopback
 * ({@code run --status-address 127.0.0.1:PORT}), queried from inside that namespace: the survivor of a kill -9
 * shows BACKUP, then MASTER with more transitions. Also: a second daemon asking for the same port exits 3 with
 * one clear line, and {@code --log-format json} writes JSON lines.
 */
@Timeout(90)
class StatusTest {
    private static final int NODE0 = 0;
    private static final int NODE1 = 1;
    private static final String VIP = Lan.SUBNET_PREFIX + "100";
    private static final String STATUS = "127.0.0.1:19798";
    private static final Duration START = Duration.ofSeconds(15);
    private static final Duration STEP = Duration.ofSeconds(5);

    private static Lan lan;
    private final List<FloatdProcess> daemons = new ArrayList<>();

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("st", 2);
    }

    @AfterAll
    static void deleteLan() {
        if (lan != null) {
            lan.close();
        }
    }

    @AfterEach
    void stopEverything() {
        daemons.forEach(FloatdProcess::close);
        daemons.clear();
        for (int node : new int[] {NODE0, NODE1}) {
            lan.host(node).tryExec("ip", "addr", "del", VIP + "/24", "dev", Lan.IFNAME);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusOfTheSurvivorShowsBackupThenMasterAfterAKill9() {
        FloatdProcess node0 = start(NODE0, 150);
        node0.awaitState("MASTER", START);
        FloatdProcess node1 = start(NODE1, 100, "--log-format", "json");
        node1.awaitState("BACKUP", START);

        Map<String, Object> before = instance(NODE1);
        assertEquals("BACKUP", before.get("state"), before.toString());
        assertEquals(Lan.address(NODE0), ((Map<String, Object>) before.get("master")).get("address"));
        assertEquals(Map.of("effective", 100L, "configured", 100L), before.get("priority"));
        long transitionsBefore = (Long) ((Map<String, Object>) before.get("counters")).get("transitions");
        assertTrue((Long) ((Map<String, Object>) before.get("counters")).get("adverts_received") > 0, before.toString());

        Netns.Result human = lan.host(NODE1).tryExec(FloatdProcess.command("status", "--address", STATUS).toArray(String[]::new));
        assertEquals(0, human.exitCode(), human.output());
        assertTrue(human.output().matches("(?s).*VI_1  BACKUP since \\S+  \\(\\d+\\.\\d s\\)  priority 100/100  master "
                + Lan.address(NODE0).replace(".", "\\.") + "  ip: .*"), human.output());

        assertTrue(node0.log().contains("floatd: Status endpoint on http://127.0.0.1:19798/status"), node0.log());
        // the Master's own view, from its namespace
        Map<String, Object> master = instance(NODE0);
        assertEquals("MASTER", master.get("state"));
        assertEquals(Lan.address(NODE0), ((Map<String, Object>) master.get("master")).get("address"));

        node0.kill9();
        node1.awaitState("MASTER", STEP);
        Map<String, Object> after = instance(NODE1);
        assertEquals("MASTER", after.get("state"), after.toString());
        assertEquals(Lan.address(NODE1), ((Map<String, Object>) after.get("master")).get("address"));
        long transitionsAfter = (Long) ((Map<String, Object>) after.get("counters")).get("transitions");
        assertTrue(transitionsAfter > transitionsBefore, transitionsBefore + " -> " + transitionsAfter);
        Map<String, Object> ip = (Map<String, Object>) after.get("floating_ip");
        assertEquals("self", ip.get("holder"), ip.toString());
        assertTrue(ip.get("last_takeover") instanceof Map, ip.toString());

        // --log-format json: every line of node1's log is one JSON object
        String log = node1.log();
        boolean sawMaster = false;
        for (String line : log.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> rec = (Map<String, Object>) Json.parse(line);
            assertTrue(rec.containsKey("ts") && rec.containsKey("level") && rec.containsKey("msg"), line);
            sawMaster |= String.valueOf(rec.get("msg")).contains("VRRP_Instance(VI_1) Entering MASTER STATE");
        }
        assertTrue(sawMaster, log);
    }

    @Test
    void aSecondDaemonOnTheSameStatusPortExitsThree() {
        FloatdProcess node0 = start(NODE0, 150);
        node0.awaitState("MASTER", START);
        String conf = node0.dir().resolve("floatd.conf").toString();
        Netns.Result r = lan.host(NODE0).tryExec(FloatdProcess.command("run", "-f", conf, "--status-address", STATUS)
                .toArray(String[]::new));
        assertEquals(3, r.exitCode(), r.output());
        assertTrue(r.output().contains("floatd: cannot start: status endpoint " + STATUS + ": port already in use"), r.output());
        assertTrue(node0.alive());
        assertEquals("MASTER", instance(NODE0).get("state"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> instance(int node) {
        Netns.Result r = lan.host(node).tryExec(FloatdProcess.command("status", "--json", "--address", STATUS).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        String json = r.output().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in: " + r.output()));
        Map<String, Object> doc = (Map<String, Object>) Json.parse(json);
        return (Map<String, Object>) ((List<Object>) doc.get("instances")).getFirst();
    }

    private FloatdProcess start(int node, int priority, String... extra) {
        List<String> args = new ArrayList<>(List.of("--status-address", STATUS));
        args.addAll(List.of(extra));
        FloatdProcess p = FloatdProcess.start(lan.host(node), script -> config(node, priority, script), args.toArray(String[]::new));
        daemons.add(p);
        return p;
    }

    private static String config(int node, int priority, String notifyScript) {
        int peer = node == NODE0 ? NODE1 : NODE0;
        return """
                global_defs {
                    router_id node%d
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 52
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        %s/24 dev eth0
                    }
                    notify %s
                }
                """.formatted(node, priority, Lan.address(node), Lan.address(peer), VIP, notifyScript);
    }
}
