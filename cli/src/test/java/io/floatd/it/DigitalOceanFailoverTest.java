package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.floatd.provider.digitalocean.DoTestEndpoint;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two real floatd daemons ({@code floatd run -f CONF --provider digitalocean}, each its own JVM) in two network
 * namespaces on one bridged segment, and a third namespace as "the cloud": {@link DoTestEndpoint}, the DigitalOcean
 * API v2 over plain HTTP on {@code 10.199.0.12}, listening inside that namespace. The endpoint knows both droplets
 * (their private IPv4 is the node's {@code unicast_src_ip}) and the reserved IP; an assign runs as an asynchronous
 * action that completes {@value #ACTION_MS} ms after it started. VRRPv3 with {@code advert_int 0.1}.
 *
 * <p>Nothing leaves the namespaces: the config names the endpoint ({@code api_url}, {@code droplet_id}) and the
 * environment points {@code DIGITALOCEAN_API_URL} and {@code DIGITALOCEAN_METADATA_URL} at it too; the token is a
 * fake one in a 0600 file. Timing assertions are generous (2 shared cores, JVM start-up).
 */
@Timeout(90)
class DigitalOceanFailoverTest {
    static final int NODE0 = 0;
    static final int NODE1 = 1;
    static final int CLOUD = 2;
    static final String RIP = "203.0.113.50";
    static final long[] DROPLET = {3164444L, 3164494L};
    static final String TOKEN = "dop_v1_" + "4f0c2a7e9b1d8c3f5a6e7d2b0c9a8f1e3d5c7b9a2e4f6d8c0b1a3e5f7d9c2b4a";
    static final long ACTION_MS = 1000;
    static final int VRID = 52;
    static final String ASSIGN = "/v2/reserved_ips/" + RIP + "/actions";

    static final Duration START = Duration.ofSeconds(20);
    static final Duration STEP = Duration.ofSeconds(10);

    private static Lan lan;
    private static Path tokenFile;
    private DoTestEndpoint api;
    private final List<FloatdProcess> daemons = new ArrayList<>();

    @BeforeAll
    static void createLan() throws IOException {
        Netns.requireRoot();
        lan = Lan.create("do", 3);
        tokenFile = Files.createTempFile("do-token-", "");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tokenFile, TOKEN + "\n");
    }

    @AfterAll
    static void deleteLan() throws IOException {
        if (lan != null) {
            lan.close();
        }
        if (tokenFile != null) {
            Files.deleteIfExists(tokenFile);
        }
    }

    @BeforeEach
    void startCloud() {
        api = startEndpoint(lan.host(CLOUD));
    }

    @AfterEach
    void stopEverything() {
        for (FloatdProcess d : daemons) {
            d.close();
        }
        daemons.clear();
        if (api != null) {
            api.close();
        }
    }

    /** The API inside {@code cloud}'s namespace, on its eth0 address, knowing both droplets and the reserved IP. */
    static DoTestEndpoint startEndpoint(Netns cloud) {
        DoTestEndpoint e = cloud.runInside(() -> new DoTestEndpoint(TOKEN,
                new InetSocketAddress(Lan.address(CLOUD), 0)));
        for (int node : new int[] {NODE0, NODE1}) {
            e.droplet(DROPLET[node], "lb-" + (node + 1), "192.0.2." + (10 + node), Lan.address(node));
        }
        e.reservedIp(RIP);
        e.actionMillis(ACTION_MS);
        return e;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** (a) The election's winner gets the IP, the action completes, and then nobody writes while nothing changes. */
    @Test
    void electedMasterGetsTheReservedIpAndThenNothingIsWritten() {
        FloatdProcess node0 = start(NODE0, 150);
        node0.awaitState("MASTER", START);
        FloatdProcess node1 = start(NODE1, 100);
        node1.awaitState("BACKUP", START);
        awaitCompleted(DROPLET[NODE0], STEP);
        assertEquals(DROPLET[NODE0], api.holder(RIP));
        node0.awaitLog("reserved IP " + RIP + " assigned to droplet " + DROPLET[NODE0], STEP);
        assertEquals(1, posts(), "one assign: " + api.calls());

        // several re-check intervals (0.5 s) with nothing changing: reads only
        int before = api.requests().size();
        FloatdProcess.sleep(2500);
        List<DoTestEndpoint.Request> later = api.requests().subList(before, api.requests().size());
        assertTrue(later.stream().allMatch(r -> r.method().equals("GET")), "writes while nothing changed: " + later);
        assertTrue(later.stream().anyMatch(r -> r.path().equals("/v2/reserved_ips/" + RIP)),
                "the Master re-checks the holder: " + later);
        assertEquals(1, posts(), api.calls().toString());
        assertTrue(api.requests().stream().noneMatch(r -> r.method().equals("POST")
                && r.clientAddress().equals(Lan.address(NODE1))), "the Backup wrote: " + api.calls());
        assertEquals("MASTER", node0.lastState());
        assertEquals("BACKUP", node1.lastState());
        assertNoTokenNorStackTrace();
    }

    /** (b) kill -9 of the Master: the Backup assigns the IP to its droplet; the endpoint's log times the takeover. */
    @Test
    void killMinus9OfTheMasterMovesTheReservedIp() {
        FloatdProcess node0 = start(NODE0, 150);
        node0.awaitState("MASTER", START);
        FloatdProcess node1 = start(NODE1, 100);
        node1.awaitState("BACKUP", START);
        awaitCompleted(DROPLET[NODE0], STEP);
        FloatdProcess.sleep(500);

        long killedAt = FloatdProcess.epochNanos();
        node0.kill9();
        node1.awaitNotified("MASTER", killedAt, STEP);
        DoTestEndpoint.Completion done = awaitCompleted(DROPLET[NODE1], STEP);
        DoTestEndpoint.Request assign = firstAssign(DROPLET[NODE1], killedAt);
        assertEquals(Lan.address(NODE1), assign.clientAddress());
        assertEquals(DROPLET[NODE1], api.holder(RIP));
        long toRequestMs = (assign.atEpochNanos() - killedAt) / 1_000_000;
        long toDoneMs = (done.atEpochNanos() - killedAt) / 1_000_000;
        System.out.printf("DigitalOceanFailoverTest: kill -9 -> assign request %d ms, -> action completed %d ms"
                + " (action %d ms)%n", toRequestMs, toDoneMs, ACTION_MS);
        // Master_Down_Interval 361 ms, then GET holder, GET + POST: well under 2 s even on a busy machine
        assertTrue(toRequestMs >= 150 && toRequestMs < 2000, "kill -> assign request " + toRequestMs + " ms");
        assertTrue(toDoneMs >= toRequestMs + ACTION_MS - 50 && toDoneMs < toRequestMs + ACTION_MS + 1000,
                "kill -> completed " + toDoneMs + " ms");
        assertEquals(2, posts(), "one assign per Master: " + api.calls());
        node1.awaitLog("reserved IP " + RIP + " assigned to droplet " + DROPLET[NODE1], STEP);
        assertNoTokenNorStackTrace();
    }

    /** (c) The IP already on this droplet: becoming Master (after a restart, say) reads, and writes nothing. */
    @Test
    void alreadyAssignedMeansNoAssignCall() {
        api.assign(RIP, DROPLET[NODE1]); // as the control panel (or node1's previous run) left it
        FloatdProcess node1 = start(NODE1, 100);
        node1.awaitState("MASTER", START);
        node1.awaitLog("already held, no write", STEP);
        FloatdProcess.sleep(1500);
        assertEquals(0, posts(), api.calls().toString());
        assertTrue(api.requests().stream().allMatch(r -> r.method().equals("GET")), api.calls().toString());
        assertEquals(DROPLET[NODE1], api.holder(RIP));

        // and again after kill -9 and a restart of the same node
        node1.kill9();
        api.resetLog();
        FloatdProcess again = start(NODE1, 100);
        again.awaitState("MASTER", START);
        again.awaitLog("already held, no write", STEP);
        FloatdProcess.sleep(1000);
        assertEquals(0, posts(), api.calls().toString());
        assertTrue(api.requests().stream().allMatch(r -> r.method().equals("GET")), api.calls().toString());
        assertNoTokenNorStackTrace();
    }

    /** (d) A 422 "pending event" to the first assign: one retry line in the log, no stack trace, then assigned. */
    @Test
    void aLockedIpIsRetriedAndThenAssigned() {
        api.failNext("POST " + ASSIGN, 422, Map.of(), "unprocessable_entity", "The reserved IP has a pending event.");
        FloatdProcess node0 = start(NODE0, 150);
        node0.awaitState("MASTER", START);
        awaitCompleted(DROPLET[NODE0], STEP);
        node0.awaitLog("reserved IP " + RIP + " assigned to droplet " + DROPLET[NODE0], STEP);
        assertEquals(2, posts(), "the refused assign and the retried one: " + api.calls());
        List<String> retryLines = node0.log().lines().filter(l -> l.contains("retrying")).toList();
        assertEquals(1, retryLines.size(), node0.log());
        assertTrue(retryLines.getFirst().contains("pending"), retryLines.getFirst());
        assertNoTokenNorStackTrace();
    }

    // ---------------------------------------------------------------------------------------------------------------

    FloatdProcess start(int node, int priority) {
        FloatdProcess p = startFloatd(lan.host(node), api, node, priority, tokenFile);
        daemons.add(p);
        return p;
    }

    static FloatdProcess startFloatd(Netns ns, DoTestEndpoint api, int node, int priority, Path tokenFile) {
        // belt and braces: were the config's keys ignored, the environment still names the test endpoint
        Map<String, String> env = Map.of("DIGITALOCEAN_API_URL", api.uri().toString(),
                "DIGITALOCEAN_METADATA_URL", api.uri().toString(), "DIGITALOCEAN_TOKEN", "dop_v1_not_this_one");
        return FloatdProcess.start(ns, env, script -> config(api, node, priority, tokenFile, script),
                "--provider", "digitalocean");
    }

    static String config(DoTestEndpoint api, int node, int priority, Path tokenFile, String notifyScript) {
        int peer = node == NODE0 ? NODE1 : NODE0;
        return """
                ! floatd digitalocean test: node%d
                global_defs {
                    router_id node%d
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    floating_ip {
                        provider digitalocean
                        address %s
                        droplet_id %d
                        api_url %s
                        metadata_url %s
                        token_file %s
                        attempt_timeout 10
                        recheck_interval 0.5
                    }
                    notify %s
                }
                """.formatted(node, node, VRID, priority, Lan.address(node), Lan.address(peer), RIP, DROPLET[node],
                api.uri(), api.uri(), tokenFile, notifyScript);
    }

    private int posts() {
        return api.count("POST", ASSIGN);
    }

    private DoTestEndpoint.Completion awaitCompleted(long droplet, Duration timeout) {
        return awaitCompleted(api, droplet, 0, timeout);
    }

    /** The first completed assign to {@code droplet} at or after {@code afterEpochNanos}. */
    static DoTestEndpoint.Completion awaitCompleted(DoTestEndpoint api, long droplet, long afterEpochNanos,
            Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (DoTestEndpoint.Completion c : api.completions()) {
                if (c.type().equals("assign") && Long.valueOf(droplet).equals(c.droplet())
                        && c.status().equals("completed") && c.atEpochNanos() >= afterEpochNanos) {
                    return c;
                }
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("no completed assign to droplet " + droplet + " within " + timeout + ": "
                + api.calls() + " " + api.completions());
    }

    private DoTestEndpoint.Request firstAssign(long droplet, long afterEpochNanos) {
        return firstAssign(api, droplet, afterEpochNanos);
    }

    static DoTestEndpoint.Request firstAssign(DoTestEndpoint api, long droplet, long afterEpochNanos) {
        return api.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().endsWith("/actions")
                        && r.body().contains("\"droplet_id\":" + droplet) && r.atEpochNanos() >= afterEpochNanos)
                .findFirst().orElseThrow(() -> new AssertionError("no assign to " + droplet + ": " + api.calls()));
    }

    /** (e) The token is in no daemon's log; nor is a stack trace. */
    private void assertNoTokenNorStackTrace() {
        assertTrue(api.requests().stream().filter(r -> !r.path().startsWith("/metadata/"))
                .allMatch(r -> r.authorization().equals("Bearer " + TOKEN)), "the token file's token is used");
        for (FloatdProcess d : daemons) {
            String log = d.log();
            assertFalse(log.contains(TOKEN), "the token is in the log of " + d.namespace() + ":\n" + log);
            assertFalse(log.contains(TOKEN.substring(7, 30)), "part of the token is in the log:\n" + log);
            assertFalse(log.contains("\tat ") || log.contains("Exception"), "a stack trace in the log:\n" + log);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within " + timeout + ": " + what);
            }
            FloatdProcess.sleep(20);
        }
    }
}
