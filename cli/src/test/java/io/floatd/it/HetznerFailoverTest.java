package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.floatd.provider.hetzner.HetznerTestEndpoint;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 20: two real floatd daemons ({@code floatd run --provider hetzner}, each its own JVM) in two network
 * namespaces on one bridged segment, and a third namespace as "the cloud": {@link HetznerTestEndpoint}, the Hetzner
 * Cloud API v1 over plain HTTP on {@code 10.199.0.12}. The endpoint knows both servers (their private network IP is
 * the node's {@code unicast_src_ip}) and a floating IPv4 and a floating IPv6 (a /64); an assign runs as an action that
 * succeeds {@value #ACTION_MS} ms after it started. VRRPv3 over IPv4 unicast, {@code advert_int 0.1}. One block does
 * both halves of Hetzner's recipe: the routing (the API) and the address on {@code eth0} (the namespace's interface,
 * read back with {@code ip addr}).
 *
 * <p>Nothing leaves the namespaces: the config names the endpoint ({@code api_url}, {@code metadata_url},
 * {@code server_id}) and {@code HCLOUD_ENDPOINT} points at it too; the token is a fake one in a 0600 file.
 */
@Timeout(120)
class HetznerFailoverTest {
    static final int NODE0 = 0;
    static final int NODE1 = 1;
    static final int CLOUD = 2;
    static final long FIP = 1001L;
    static final String IP = "203.0.113.77";
    static final long FIP6 = 1002L;
    static final String NET6 = "2001:db8:77::/64";
    /** The address of the /64 the block names and puts on the interface. */
    static final String IP6 = "2001:db8:77::1";
    static final long[] SERVER = {4711L, 4712L};
    static final String TOKEN = "hz" + "Q2d7c1e9a4b8f3e6d0c5b9a2f7e1d4c8b3a6f0e9d2c7b1a5f8e3d6c0b4a9f2e7d1c5";
    static final long ACTION_MS = 500;
    static final int VRID = 57;
    static final Duration START = Duration.ofSeconds(20);
    static final Duration STEP = Duration.ofSeconds(10);

    private static Lan lan;
    private static Path tokenFile;
    private HetznerTestEndpoint api;
    private final List<FloatdProcess> daemons = new ArrayList<>();

    @BeforeAll
    static void createLan() throws IOException {
        Netns.requireRoot();
        lan = Lan.create("hz", 3);
        tokenFile = Files.createTempFile("hcloud-token-", "");
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
        api = lan.host(CLOUD).runInside(() -> new HetznerTestEndpoint(TOKEN,
                new InetSocketAddress(Lan.address(CLOUD), 0)));
        for (int node : new int[] {NODE0, NODE1}) {
            api.server(SERVER[node], "lb-" + (node + 1), "192.0.2." + (10 + node), Lan.address(node));
        }
        api.floatingIp(FIP, IP).floatingIp(FIP6, NET6);
        api.actionMillis(ACTION_MS);
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
        for (int node : new int[] {NODE0, NODE1}) {
            for (String a : new String[] {IP + "/32", IP6 + "/64"}) {
                lan.host(node).tryExec("ip", "addr", "del", a, "dev", "eth0"); // a test that failed half-way
            }
        }
    }

    /**
     * kill -9 of the Master: the Backup routes the floating IP to its server (assign, action polled to success) and
     * puts the address on its eth0; the old Master, restarted, starts as Backup and takes the address its crashed
     * run left on its eth0 off (it answers for it no more), writing nothing to the API.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipv4", "ipv6"})
    void killMinus9OfTheMasterMovesTheFloatingIpAndItsInterfaceAddress(String family) {
        boolean v6 = family.equals("ipv6");
        long fip = v6 ? FIP6 : FIP;
        String onInterface = v6 ? IP6 + "/64" : IP + "/32";
        FloatdProcess node0 = start(NODE0, 150, v6 ? IP6 : IP);
        node0.awaitState("MASTER", START);
        FloatdProcess node1 = start(NODE1, 100, v6 ? IP6 : IP);
        node1.awaitState("BACKUP", START);
        awaitSuccess(SERVER[NODE0], 0, STEP);
        await("the address on node0's eth0", STEP, () -> hasAddress(NODE0, onInterface));
        assertFalse(hasAddress(NODE1, onInterface), "a Backup has no floating address");
        FloatdProcess.sleep(500);

        long killedAt = FloatdProcess.epochNanos();
        node0.kill9();
        node1.awaitNotified("MASTER", killedAt, STEP);
        HetznerTestEndpoint.Completion done = awaitSuccess(SERVER[NODE1], killedAt, STEP);
        await("the address on node1's eth0", STEP, () -> hasAddress(NODE1, onInterface));
        assertEquals(SERVER[NODE1], api.holder(fip));
        HetznerTestEndpoint.Request assign = api.requests().stream()
                .filter(r -> r.method().equals("POST") && r.atEpochNanos() >= killedAt).findFirst().orElseThrow();
        assertEquals(Lan.address(NODE1), assign.clientAddress());
        assertEquals("/v1/floating_ips/" + fip + "/actions/assign", assign.path());
        System.out.printf("HetznerFailoverTest %s: kill -9 -> assign request %d ms, -> action succeeded %d ms (action %d"
                + " ms)%n", family, (assign.atEpochNanos() - killedAt) / 1_000_000,
                (done.atEpochNanos() - killedAt) / 1_000_000, ACTION_MS);
        assertTrue(hasAddress(NODE0, onInterface), "the killed Master's address is still on its eth0 (nobody removed it)");

        int posts = posts();
        long restartAt = FloatdProcess.epochNanos();
        FloatdProcess again = start(NODE0, 50, v6 ? IP6 : IP);
        again.awaitNotified("BACKUP", restartAt, START);
        await("the stale address gone from node0's eth0", STEP, () -> !hasAddress(NODE0, onInterface));
        FloatdProcess.sleep(1000);
        assertEquals(posts, posts(), "the restarted Backup wrote: " + api.calls());
        assertEquals(SERVER[NODE1], api.holder(fip));
        assertTrue(hasAddress(NODE1, onInterface));
        assertNoTokenNorStackTrace();
    }

    /** The floating IP routed to this server already: becoming Master puts the address on eth0 and writes nothing. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipv4", "ipv6"})
    void routedHereAlreadyMeansNoApiWriteOnlyTheInterfaceAddress(String family) {
        boolean v6 = family.equals("ipv6");
        api.assign(v6 ? FIP6 : FIP, SERVER[NODE1]);
        FloatdProcess node1 = start(NODE1, 100, v6 ? IP6 : IP);
        node1.awaitState("MASTER", START);
        await("the address on node1's eth0", STEP, () -> hasAddress(NODE1, v6 ? IP6 + "/64" : IP + "/32"));
        FloatdProcess.sleep(1500);
        assertEquals(0, posts(), api.calls().toString());
        assertTrue(api.requests().stream().allMatch(r -> r.method().equals("GET")), api.calls().toString());
        assertNoTokenNorStackTrace();
    }

    // ---------------------------------------------------------------------------------------------------------------

    FloatdProcess start(int node, int priority, String address) {
        Map<String, String> env = Map.of("HCLOUD_ENDPOINT", api.uri().toString(),
                "HCLOUD_METADATA_URL", api.root().toString(), "HCLOUD_TOKEN", "not_this_one");
        int peer = node == NODE0 ? NODE1 : NODE0;
        FloatdProcess p = FloatdProcess.start(lan.host(node), env, script -> """
                ! floatd hetzner test: node%d
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
                        provider hetzner
                        address %s
                        server_id %d
                        api_url %s
                        metadata_url %s
                        token_file %s
                        attempt_timeout 10
                        recheck_interval 0.5
                    }
                    notify %s
                }
                """.formatted(node, node, VRID, priority, Lan.address(node), Lan.address(peer), address, SERVER[node],
                api.uri(), api.root(), tokenFile, script), "--provider", "hetzner");
        daemons.add(p);
        return p;
    }

    private boolean hasAddress(int node, String cidr) {
        return lan.host(node).exec("ip", "-o", "addr", "show", "dev", "eth0").contains(" " + cidr + " ");
    }

    private int posts() {
        return api.count("POST", ".*/actions/assign");
    }

    /** The first successful assign to {@code server} at or after {@code afterEpochNanos}. */
    private HetznerTestEndpoint.Completion awaitSuccess(long server, long afterEpochNanos, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (HetznerTestEndpoint.Completion c : api.completions()) {
                if (c.command().equals("assign_floating_ip") && Long.valueOf(server).equals(c.server())
                        && c.status().equals("success") && c.atEpochNanos() >= afterEpochNanos) {
                    return c;
                }
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("no successful assign to server " + server + " within " + timeout + ": " + api.calls());
    }

    private void assertNoTokenNorStackTrace() {
        assertTrue(api.requests().stream().filter(r -> !r.path().startsWith("/hetzner/"))
                .allMatch(r -> r.authorization().equals("Bearer " + TOKEN)), "the token file's token is used");
        for (FloatdProcess d : daemons) {
            String log = d.log();
            assertFalse(log.contains(TOKEN.substring(2, 30)), "the token is in the log of " + d.namespace() + ":\n" + log);
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
