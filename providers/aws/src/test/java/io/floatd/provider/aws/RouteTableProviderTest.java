package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.OTHER;
import static io.floatd.provider.aws.AwsFixture.OTHER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER;
import static io.floatd.provider.aws.AwsFixture.PEER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER_IP;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.SELF_ENI;
import static io.floatd.provider.aws.AwsFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import io.floatd.testkit.aws.Ec2TestEndpoint.RouteChange;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mode route_table (issue 16), through the real AWS SDK against {@link Ec2TestEndpoint}: the overlay IP's /32 route
 * in two route tables is pointed at this node's ENI, in parallel, only where it is not already, and released only
 * where it is still ours.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouteTableProviderTest {
    static final String RTB_A = "rtb-0a0a0a0a0a0a0a0a1";
    static final String RTB_B = "rtb-0b0b0b0b0b0b0b0b2";
    static final String OVERLAY = "192.168.100.10";
    static final String DEST = OVERLAY + "/32";

    private Ec2TestEndpoint ec2;
    private final List<String> warnings = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                synchronized (warnings) {
                    warnings.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger logger = Logger.getLogger(RouteTableProvider.class.getName());

    @BeforeEach
    void start() throws Exception {
        ec2 = AwsFixture.populate(new Ec2TestEndpoint())
                .routeTable(RTB_A, Ec2TestEndpoint.VPC, "10.0.0.0/16")
                .routeTable(RTB_B, Ec2TestEndpoint.VPC, "10.0.0.0/16")
                .sourceDestCheck(SELF_ENI, false);
        logger.addHandler(handler);
    }

    @AfterEach
    void stop() {
        logger.removeHandler(handler);
        ec2.close();
    }

    private RouteTableProvider self(String... kv) throws ProviderException {
        Map<String, String> s = settings(SELF, "mode", "route_table", "address", OVERLAY,
                "route_table", RTB_A + " " + RTB_B, "network_interface", SELF_ENI);
        for (int i = 0; i < kv.length; i += 2) {
            s.put(kv[i], kv[i + 1]);
        }
        return assertInstanceOf(RouteTableProvider.class, AwsFixture.create(ec2, s));
    }

    /** The writes the endpoint received (DryRuns aside), as "Action RouteTableId NetworkInterfaceId", sorted. */
    private List<String> writes() {
        return ec2.requests().stream().filter(r -> Ec2TestEndpoint.WRITES.contains(r.action()))
                .filter(r -> !"true".equals(r.params().get("DryRun")))
                .map(r -> r.action() + " " + r.params().get("RouteTableId") + " " + r.params().get("NetworkInterfaceId"))
                .sorted().toList();
    }

    private void routeBoth(String eni) {
        ec2.route(RTB_A, DEST, eni).route(RTB_B, DEST, eni);
    }

    @Test
    void startChecksTheTablesDryRunsBothWritesInEachAndReadsTheSourceDestCheck() throws Exception {
        try (RouteTableProvider p = self()) {
            assertEquals(List.of("DescribeNetworkInterfaces", "DescribeRouteTables", "CreateRoute", "ReplaceRoute",
                    "CreateRoute", "ReplaceRoute", "DescribeNetworkInterfaceAttribute", "DescribeNetworkInterfaces"),
                    ec2.actions(), "our ENI, the tables by id, the DryRuns, the check, the peers' look-up");
            Map<String, String> byId = ec2.requests().get(1).params();
            assertEquals(RTB_A, byId.get("RouteTableId.1"));
            assertEquals(RTB_B, byId.get("RouteTableId.2"));
            for (var r : ec2.requests().subList(2, 6)) {
                assertEquals("true", r.params().get("DryRun"), r.toString());
                assertEquals(DEST, r.params().get("DestinationCidrBlock"));
                assertEquals(SELF_ENI, r.params().get("NetworkInterfaceId"));
            }
            assertEquals("sourceDestCheck", ec2.requests().get(6).params().get("Attribute"));
            assertEquals(List.of(), ec2.routeChanges(), "a DryRun changes nothing");
            assertEquals(List.of(), warnings, "source/dest check is off: no warning");
            assertEquals(SELF_ENI, p.networkInterface());
        }
    }

    @Test
    void holderIsTheEniTheRouteTargetsInEveryTable() throws Exception {
        try (RouteTableProvider p = self()) {
            ec2.resetLog();
            assertEquals(Holder.nobody(), p.holder());
            // one read per table, at once: each table's write then has a connection of its own, already open
            assertEquals(List.of(RTB_A, RTB_B), ec2.requests().stream().peek(r -> {
                assertEquals("DescribeRouteTables", r.action());
                assertEquals("route-table-id", r.params().get("Filter.1.Name"));
                assertNull(r.params().get("Filter.1.Value.2"));
            }).map(r -> r.params().get("Filter.1.Value.1")).sorted().toList());
            routeBoth(PEER_ENI);
            assertEquals(Holder.peer(PEER), p.holder());
            routeBoth(OTHER_ENI);
            assertEquals(Holder.other(OTHER), p.holder());
            routeBoth(SELF_ENI);
            assertEquals(Holder.self(SELF_ENI), p.holder());
            ec2.route(RTB_B, DEST, PEER_ENI);
            assertEquals(Holder.peer(PEER), p.holder(), "one table elsewhere: not this node's");
            ec2.dropRoute(RTB_B, DEST);
            assertEquals(Holder.nobody(), p.holder(), "one table without the route: nobody's");
        }
    }

    @Test
    void takeoverRepointsTheRouteInBothTablesInParallel() throws Exception {
        routeBoth(PEER_ENI);
        try (RouteTableProvider p = self()) {
            ec2.resetLog();
            ec2.gatherRouteWrites(2);
            Holder seen = p.holder(); // the orchestrator's read; the writes follow without a second one
            p.acquire(seen);
            assertEquals(List.of("ReplaceRoute " + RTB_A + " " + SELF_ENI, "ReplaceRoute " + RTB_B + " " + SELF_ENI),
                    writes());
            assertEquals(4, ec2.requests().size(), "a read per table, a write per table: " + ec2.actions());
            assertEquals(2, ec2.maxRouteWritesInFlight(), "both writes were at the endpoint at once");
            assertEquals(SELF_ENI, ec2.routeTarget(RTB_A, DEST));
            assertEquals(SELF_ENI, ec2.routeTarget(RTB_B, DEST));
            assertEquals(Holder.self(SELF_ENI), p.holder());
        }
    }

    @Test
    void aTableWithoutTheRouteGetsCreateRouteTheOtherReplaceRoute() throws Exception {
        ec2.route(RTB_A, DEST, PEER_ENI);
        try (RouteTableProvider p = self()) {
            ec2.resetLog();
            p.acquire();
            assertEquals(List.of("CreateRoute " + RTB_B + " " + SELF_ENI, "ReplaceRoute " + RTB_A + " " + SELF_ENI),
                    writes());
            assertEquals(SELF_ENI, ec2.routeTarget(RTB_B, DEST));
        }
    }

    @Test
    void aRouteDeletedBetweenTheReadAndTheWriteIsCreatedInstead() throws Exception {
        routeBoth(PEER_ENI);
        try (RouteTableProvider p = self()) {
            Holder seen = p.holder();
            ec2.dropRoute(RTB_B, DEST);
            ec2.resetLog();
            p.acquire(seen);
            assertEquals(List.of("CreateRoute " + RTB_B + " " + SELF_ENI, "ReplaceRoute " + RTB_A + " " + SELF_ENI,
                    "ReplaceRoute " + RTB_B + " " + SELF_ENI), writes(), "ReplaceRoute refused, then CreateRoute");
            assertEquals(Holder.self(SELF_ENI), p.holder());
        }
    }

    @Test
    void oneTableFailingDoesNotHoldTheOtherAndTheRetryWritesOnlyIt() throws Exception {
        routeBoth(PEER_ENI);
        try (RouteTableProvider p = self()) {
            ec2.resetLog();
            ec2.failRouteWrites(RTB_B, 1, (Fault.Error) Fault.throttle());
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().startsWith("aws: " + RTB_B + ": ec2:ReplaceRoute throttled"), e.getMessage());
            assertTrue(e.getMessage().endsWith("(1 of 2 route writes done)"), e.getMessage());
            AwsFixture.assertClean(e);
            assertEquals(SELF_ENI, ec2.routeTarget(RTB_A, DEST), "the other table moved");
            assertEquals(PEER_ENI, ec2.routeTarget(RTB_B, DEST));
            ec2.resetLog();
            p.acquire(); // the orchestrator's next attempt
            assertEquals(List.of("ReplaceRoute " + RTB_B + " " + SELF_ENI), writes());
            assertEquals(SELF_ENI, ec2.routeTarget(RTB_B, DEST));
        }
    }

    @Test
    void aRecheckFindingOneTableElsewhereRepairsOnlyThatTable() throws Exception {
        routeBoth(SELF_ENI);
        try (RouteTableProvider p = self()) {
            ec2.route(RTB_B, DEST, OTHER_ENI); // someone repointed one table
            ec2.resetLog();
            Holder seen = p.holder();
            assertEquals(Holder.other(OTHER), seen);
            p.acquire(seen);
            assertEquals(List.of("ReplaceRoute " + RTB_B + " " + SELF_ENI), writes());
            List<RouteChange> changes = ec2.routeChanges();
            assertEquals(1, changes.size());
            assertEquals(new RouteChange(RTB_B, DEST, SELF_ENI, "ReplaceRoute", changes.getFirst().atEpochNanos()),
                    changes.getFirst());
        }
    }

    @Test
    void bothTablesRoutedHereAlreadyMeansZeroWrites() throws Exception {
        routeBoth(SELF_ENI);
        try (RouteTableProvider p = self()) {
            ec2.resetLog();
            assertTrue(p.holder().isSelf());
            p.acquire();
            assertEquals(List.of("DescribeRouteTables", "DescribeRouteTables", "DescribeRouteTables",
                    "DescribeRouteTables"), ec2.actions(), "two reads of both tables");
            assertEquals(0, ec2.writes());
        }
    }

    @Test
    void releaseDeletesTheRouteOnlyWhereItStillTargetsOurEni() throws Exception {
        ec2.route(RTB_A, DEST, SELF_ENI).route(RTB_B, DEST, PEER_ENI);
        try (RouteTableProvider p = self()) {
            ec2.resetLog();
            p.release();
            assertEquals(List.of("DeleteRoute " + RTB_A + " null"), writes());
            assertNull(ec2.routeTarget(RTB_A, DEST));
            assertEquals(PEER_ENI, ec2.routeTarget(RTB_B, DEST), "the peer's route is never removed");
            ec2.resetLog();
            p.release();
            assertEquals(List.of(), writes(), "nothing of ours left");
        }
    }

    @Test
    void handOverPointsBothTablesAtThePeersEni() throws Exception {
        routeBoth(SELF_ENI);
        try (RouteTableProvider p = self()) {
            ec2.resetLog();
            p.handOver(AwsFixture.ip(PEER_IP));
            assertEquals(List.of("ReplaceRoute " + RTB_A + " " + PEER_ENI, "ReplaceRoute " + RTB_B + " " + PEER_ENI),
                    writes());
        }
    }

    @Test
    void anUnknownRouteTableIsAFatalErrorAtStartNamingIt() {
        String unknown = "rtb-0ffffffffffffffff";
        ProviderException e = assertThrows(ProviderException.class, () -> self("route_table", RTB_A + " " + unknown));
        assertFalse(e.retryable());
        assertEquals("aws: ec2:DescribeRouteTables failed (InvalidRouteTableID.NotFound): The routeTable ID '"
                + unknown + "' does not exist: check route_table in floating_ip (each table must exist in this account "
                + "and region)", e.getMessage());
    }

    @Test
    void aTableDeletedAfterStartIsNamedAndTheOtherTableIsStillMoved() throws Exception {
        routeBoth(PEER_ENI);
        try (RouteTableProvider p = self()) {
            ec2.removeRouteTable(RTB_B);
            ec2.resetLog();
            Holder seen = p.holder();
            assertEquals(Holder.peer(PEER), seen);
            ProviderException e = assertThrows(ProviderException.class, () -> p.acquire(seen));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("route table " + RTB_B + " not found by ec2:DescribeRouteTables"),
                    e.getMessage());
            assertEquals(List.of("ReplaceRoute " + RTB_A + " " + SELF_ENI), writes());
            assertEquals(SELF_ENI, ec2.routeTarget(RTB_A, DEST));
            assertEquals(Holder.nobody(), p.holder(), "the only table left routes here, but one is gone: not ours");
        }
    }

    @Test
    void aMissingWritePermissionIsFoundAtStartByTheDryRun() {
        ec2.failNext("ReplaceRoute", 1, Fault.unauthorized());
        ProviderException e = assertThrows(ProviderException.class, this::self);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().startsWith("aws: ec2:ReplaceRoute denied for " + SELF + " (UnauthorizedOperation)"),
                e.getMessage());
        assertEquals(List.of(), ec2.routeChanges());
    }

    @Test
    void sourceDestCheckOnIsAWarningNamingTheCommandThatTurnsItOff() throws Exception {
        ec2.sourceDestCheck(SELF_ENI, true);
        try (RouteTableProvider p = self()) {
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.getFirst().contains("source/destination check is on for " + SELF_ENI), warnings.getFirst());
            assertTrue(warnings.getFirst().endsWith("aws ec2 modify-network-interface-attribute --network-interface-id "
                    + SELF_ENI + " --no-source-dest-check"), warnings.getFirst());
        }
    }

    @Test
    void anOverlayIpInsideTheVpcsCidrIsRefusedAtStart() {
        ProviderException e = assertThrows(ProviderException.class, () -> self("address", "10.0.9.9"));
        assertFalse(e.retryable());
        assertEquals("aws: floating_ip address 10.0.9.9 is inside 10.0.0.0/16, the VPC's own range (the local route of "
                + RTB_A + "): an overlay IP must be outside the VPC's CIDR", e.getMessage());
    }

    @Test
    void anIpv6OverlayMovesItsSlash128Route() throws Exception {
        String v6 = "fd00:1234::10/128";
        ec2.route(RTB_A, v6, PEER_ENI).route(RTB_B, v6, PEER_ENI);
        try (RouteTableProvider p = self("address", "fd00:1234:0::10")) {
            ec2.resetLog();
            assertEquals(Holder.peer(PEER), p.holder());
            p.acquire();
            assertEquals(SELF_ENI, ec2.routeTarget(RTB_A, v6));
            assertEquals(SELF_ENI, ec2.routeTarget(RTB_B, v6));
            assertTrue(ec2.requests().stream().filter(r -> r.action().equals("ReplaceRoute"))
                    .allMatch(r -> v6.equals(r.params().get("DestinationIpv6CidrBlock"))));
        }
    }
}
