package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.provider.hetzner.HetznerTestEndpoint;
import io.floatd.testing.Lan;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    static final int NODE0 = CloudPair.NODE0;
    static final int NODE1 = CloudPair.NODE1;
    static final int CLOUD = CloudPair.CLOUD;
    static final long FIP = HetznerPair.FIP;
    static final String IP = HetznerPair.IP;
    static final long FIP6 = HetznerPair.FIP6;
    /** The address of the /64 the block names and puts on the interface. */
    static final String IP6 = "2001:db8:77::1";
    static final long[] SERVER = HetznerPair.SERVER;
    static final String TOKEN = "hz" + "Q2d7c1e9a4b8f3e6d0c5b9a2f7e1d4c8b3a6f0e9d2c7b1a5f8e3d6c0b4a9f2e7d1c5";
    static final long ACTION_MS = 500;
    static final int VRID = 57;
    static final Duration START = Duration.ofSeconds(20);
    static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final CloudPair PAIR = new CloudPair("hz", TOKEN);
    private HetznerTestEndpoint api;

    @BeforeEach
    void startCloud() {
        api = HetznerPair.endpoint(PAIR.host(CLOUD), TOKEN, true, ACTION_MS);
    }

    @AfterEach
    void stopEverything() throws Exception {
        PAIR.stop(api);
        for (int node : new int[] {NODE0, NODE1}) {
            for (String a : new String[] {IP + "/32", IP6 + "/64"}) {
                PAIR.host(node).tryExec("ip", "addr", "del", a, "dev", "eth0"); // a test that failed half-way
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
        CloudPair.await("the address on node0's eth0", STEP, () -> hasAddress(NODE0, onInterface));
        assertFalse(hasAddress(NODE1, onInterface), "a Backup has no floating address");
        FloatdProcess.sleep(500);

        long killedAt = FloatdProcess.epochNanos();
        node0.kill9();
        node1.awaitNotified("MASTER", killedAt, STEP);
        HetznerTestEndpoint.Completion done = awaitSuccess(SERVER[NODE1], killedAt, STEP);
        CloudPair.await("the address on node1's eth0", STEP, () -> hasAddress(NODE1, onInterface));
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
        CloudPair.await("the stale address gone from node0's eth0", STEP, () -> !hasAddress(NODE0, onInterface));
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
        CloudPair.await("the address on node1's eth0", STEP, () -> hasAddress(NODE1, v6 ? IP6 + "/64" : IP + "/32"));
        FloatdProcess.sleep(1500);
        assertEquals(0, posts(), api.calls().toString());
        assertTrue(api.requests().stream().allMatch(r -> r.method().equals("GET")), api.calls().toString());
        assertNoTokenNorStackTrace();
    }

    // ---------------------------------------------------------------------------------------------------------------

    FloatdProcess start(int node, int priority, String address) {
        return PAIR.started(HetznerPair.startFloatd(PAIR.lan(), api, node, VRID, priority, address, PAIR.tokenFile()));
    }

    private boolean hasAddress(int node, String cidr) {
        return PAIR.host(node).exec("ip", "-o", "addr", "show", "dev", "eth0").contains(" " + cidr + " ");
    }

    private int posts() {
        return api.count("POST", ".*/actions/assign");
    }

    private HetznerTestEndpoint.Completion awaitSuccess(long server, long afterEpochNanos, Duration timeout) {
        return HetznerPair.awaitSuccess(api, server, afterEpochNanos, timeout);
    }

    private void assertNoTokenNorStackTrace() {
        PAIR.assertNoTokenNorStackTrace(api.requests(), "/hetzner/", TOKEN.substring(2, 30));
    }
}
