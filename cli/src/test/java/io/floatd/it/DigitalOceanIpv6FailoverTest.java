package io.floatd.it;

import static io.floatd.it.DigitalOceanFailoverTest.ACTION_MS;
import static io.floatd.it.DigitalOceanFailoverTest.CLOUD;
import static io.floatd.it.DigitalOceanFailoverTest.DROPLET;
import static io.floatd.it.DigitalOceanFailoverTest.NODE0;
import static io.floatd.it.DigitalOceanFailoverTest.NODE1;
import static io.floatd.it.DigitalOceanFailoverTest.RIP6;
import static io.floatd.it.DigitalOceanFailoverTest.TOKEN;
import static io.floatd.it.DigitalOceanFailoverTest.awaitCompleted;
import static io.floatd.it.DigitalOceanFailoverTest.firstAssign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.provider.digitalocean.DoTestEndpoint;
import io.floatd.testing.Lan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: a DigitalOcean reserved IPv6 moved by two real floatd daemons ({@code floatd run --provider
 * digitalocean}, each its own JVM) in network namespaces, against {@link DoTestEndpoint} in a third namespace
 * speaking the {@code /v2/reserved_ipv6} endpoints as DigitalOcean's OpenAPI specification gives them (the rig of
 * {@link DigitalOceanFailoverTest}, with the reserved IPv6 {@value DigitalOceanFailoverTest#RIP6} in place of the
 * IPv4 one). VRRPv3 over IPv4 unicast between the droplets' private addresses, {@code advert_int 0.1}.
 */
@Timeout(90)
class DigitalOceanIpv6FailoverTest {
    static final String PATH = "/v2/reserved_ipv6/" + RIP6;
    static final String ASSIGN = PATH + "/actions";
    /** The address as an operator may write it: upper case, zeros spelled out. The daemon sends the RFC 5952 form. */
    static final String WRITTEN = "2001:DB8:F0:1017:0:0:0:0050";
    static final Duration START = Duration.ofSeconds(20);
    static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final CloudPair PAIR = new CloudPair("d6a", TOKEN);
    private DoTestEndpoint api;

    @BeforeEach
    void startCloud() {
        api = DigitalOceanFailoverTest.startEndpoint(PAIR.host(CLOUD), RIP6);
    }

    @AfterEach
    void stopEverything() throws Exception {
        PAIR.stop(api);
    }

    private FloatdProcess start(int node, int priority) {
        return PAIR.started(DigitalOceanFailoverTest.startFloatd(PAIR.host(node), api, node, priority,
                PAIR.tokenFile(), null, WRITTEN));
    }

    /** kill -9 of the Master: the Backup assigns the reserved IPv6 to its droplet and follows the action. */
    @Test
    void killMinus9OfTheMasterMovesTheReservedIpv6ToTheBackupsDroplet() {
        FloatdProcess node0 = start(NODE0, 150);
        node0.awaitState("MASTER", START);
        FloatdProcess node1 = start(NODE1, 100);
        node1.awaitState("BACKUP", START);
        awaitCompleted(api, DROPLET[NODE0], 0, STEP);
        assertEquals(DROPLET[NODE0], api.holder(RIP6));
        node0.awaitLog("reserved IPv6 " + RIP6 + " assigned to droplet " + DROPLET[NODE0], STEP);
        FloatdProcess.sleep(500);

        long killedAt = FloatdProcess.epochNanos();
        node0.kill9();
        node1.awaitNotified("MASTER", killedAt, STEP);
        DoTestEndpoint.Completion done = awaitCompleted(api, DROPLET[NODE1], killedAt, STEP);
        DoTestEndpoint.Request assign = firstAssign(api, DROPLET[NODE1], killedAt);
        assertEquals("POST " + ASSIGN, assign.method() + " " + assign.path(), "the RFC 5952 address in the path");
        assertEquals(Lan.address(NODE1), assign.clientAddress());
        assertEquals(DROPLET[NODE1], api.holder(RIP6));
        // the action is followed at GET /v2/actions/{id}, the only action read of a reserved IPv6
        assertTrue(api.requests().stream().anyMatch(r -> r.atEpochNanos() > assign.atEpochNanos()
                && r.clientAddress().equals(Lan.address(NODE1)) && r.method().equals("GET")
                && r.path().matches("/v2/actions/\\d+")), api.calls().toString());
        List<DoTestEndpoint.Assign> assigns = api.assigns();
        assertEquals(List.of(DROPLET[NODE0], DROPLET[NODE1]), assigns.stream().map(DoTestEndpoint.Assign::droplet)
                .toList(), "one assign per Master: " + api.calls());
        assertTrue(assigns.stream().allMatch(a -> a.ip().equals(RIP6)), assigns.toString());
        long toRequestMs = (assign.atEpochNanos() - killedAt) / 1_000_000;
        long toDoneMs = (done.atEpochNanos() - killedAt) / 1_000_000;
        System.out.printf("DigitalOceanIpv6FailoverTest: kill -9 -> assign request %d ms, -> action completed %d ms"
                + " (action %d ms)%n", toRequestMs, toDoneMs, ACTION_MS);
        assertTrue(toRequestMs >= 150 && toRequestMs < 2000, "kill -> assign request " + toRequestMs + " ms");
        node1.awaitLog("reserved IPv6 " + RIP6 + " assigned to droplet " + DROPLET[NODE1], STEP);
        System.out.println("DigitalOceanIpv6FailoverTest: node1: " + node1.log().lines()
                .filter(l -> l.contains("takeover:")).toList());
        assertNoTokenNorStackTrace();
    }

    /** The reserved IPv6 already on this droplet: entering MASTER reads it, and writes nothing. */
    @Test
    void enteringMasterAlreadyHoldingTheReservedIpv6SendsNoWrite() {
        api.assign(RIP6, DROPLET[NODE1]); // as the control panel (or node1's previous run) left it
        FloatdProcess node1 = start(NODE1, 100);
        node1.awaitState("MASTER", START);
        node1.awaitLog("already held, no write", STEP);
        FloatdProcess.sleep(1500); // three re-check intervals (0.5 s)
        assertEquals(0, api.writes(), api.calls().toString());
        assertTrue(api.requests().stream().allMatch(r -> r.method().equals("GET")), api.calls().toString());
        assertTrue(api.calls().contains("GET " + PATH), "the holder was read: " + api.calls());
        assertEquals(DROPLET[NODE1], api.holder(RIP6));

        // and the peer joining as Backup writes nothing either
        FloatdProcess node0 = start(NODE0, 50);
        node0.awaitState("BACKUP", START);
        FloatdProcess.sleep(1000);
        assertEquals(0, api.writes(), api.calls().toString());
        assertNoTokenNorStackTrace();
    }

    private void assertNoTokenNorStackTrace() {
        PAIR.assertNoTokenNorStackTrace(api.requests(), "/metadata/", TOKEN);
    }
}
