package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.OTHER;
import static io.floatd.provider.aws.AwsFixture.OTHER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER;
import static io.floatd.provider.aws.AwsFixture.PEER_ENI;
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
import io.floatd.testkit.aws.Ec2TestEndpoint.Ipv6Change;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mode secondary_ip with an IPv6 address (issue 16), through the real AWS SDK against {@link Ec2TestEndpoint}: the
 * move is UnassignIpv6Addresses from the holder, then AssignIpv6Addresses to ours, and every failure order between
 * the two ends with the address on the Master.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecondaryIpv6ProviderTest {
    static final String CIDR = "2001:db8:1234:1a00::/64";
    static final String V6 = "2001:db8:1234:1a00::10";

    private Ec2TestEndpoint ec2;

    @BeforeEach
    void start() throws Exception {
        ec2 = AwsFixture.populate(new Ec2TestEndpoint())
                .subnet(Ec2TestEndpoint.DEFAULT_SUBNET, Ec2TestEndpoint.VPC, "10.0.1.0/24", CIDR);
    }

    @AfterEach
    void stop() {
        ec2.close();
    }

    private SecondaryIpv6Provider self(String... kv) throws ProviderException {
        Map<String, String> s = settings(SELF, "mode", "secondary_ip", "address", V6, "network_interface", SELF_ENI);
        for (int i = 0; i < kv.length; i += 2) {
            s.put(kv[i], kv[i + 1]);
        }
        return assertInstanceOf(SecondaryIpv6Provider.class, AwsFixture.create(ec2, s));
    }

    /** The writes the endpoint received, as "Action NetworkInterfaceId Ipv6Addresses.1". */
    private List<String> writes() {
        return ec2.requests().stream().filter(r -> Ec2TestEndpoint.WRITES.contains(r.action()))
                .map(r -> r.action() + " " + r.params().get("NetworkInterfaceId") + " " + r.params().get("Ipv6Addresses.1"))
                .toList();
    }

    @Test
    void startReadsOurEniAndChecksTheSubnetsIpv6Cidr() throws Exception {
        try (SecondaryIpv6Provider p = self()) {
            assertEquals(List.of("DescribeNetworkInterfaces", "DescribeSubnets", "DescribeNetworkInterfaces"),
                    ec2.actions(), "our ENI, its subnet, the peers' look-up");
            assertEquals(Ec2TestEndpoint.DEFAULT_SUBNET, ec2.requests().get(1).params().get("SubnetId.1"));
            assertEquals(SELF_ENI, p.networkInterface());
        }
    }

    @Test
    void holderIsReadByTheIpv6FilterInOurVpc() throws Exception {
        try (SecondaryIpv6Provider p = self()) {
            assertEquals(Holder.nobody(), p.holder());
            Map<String, String> read = ec2.requests().getLast().params();
            assertEquals("ipv6-addresses.ipv6-address", read.get("Filter.1.Name"));
            assertEquals(V6, read.get("Filter.1.Value.1"));
            assertEquals("vpc-id", read.get("Filter.2.Name"));
            assertEquals(Ec2TestEndpoint.VPC, read.get("Filter.2.Value.1"));
            ec2.ipv6Address(PEER_ENI, V6);
            assertEquals(Holder.peer(PEER), p.holder());
            ec2.ipv6Address(OTHER_ENI, V6);
            assertEquals(Holder.other(OTHER), p.holder());
            ec2.ipv6Address(SELF_ENI, V6);
            assertEquals(Holder.self(SELF_ENI), p.holder());
        }
    }

    @Test
    void moveFromThePeerUnassignsThereThenAssignsHereAndMeasuresTheWindow() throws Exception {
        ec2.ipv6Address(PEER_ENI, V6);
        try (SecondaryIpv6Provider p = self()) {
            ec2.resetLog();
            Holder seen = p.holder(); // the orchestrator's read; the writes follow without a second one
            p.acquire(seen);
            assertEquals(List.of("DescribeNetworkInterfaces", "UnassignIpv6Addresses", "AssignIpv6Addresses"),
                    ec2.actions());
            assertEquals(List.of("UnassignIpv6Addresses " + PEER_ENI + " " + V6,
                    "AssignIpv6Addresses " + SELF_ENI + " " + V6), writes());
            assertEquals(SELF_ENI, ec2.eniWithIpv6(V6));
            List<Ipv6Change> changes = ec2.ipv6Changes();
            assertEquals(List.of(false, true), changes.stream().map(Ipv6Change::assigned).toList());
            long atEndpoint = changes.get(1).atEpochNanos() - changes.get(0).atEpochNanos();
            SecondaryIpv6Provider.Stats st = p.stats();
            System.out.printf("IPv6 move, unassign -> assign: %.2f ms at the endpoint (arrivals), %.2f ms as the "
                    + "provider logs it (unassign sent -> assign answered)%n", atEndpoint / 1e6, st.lastWindowNanos() / 1e6);
            assertEquals(1, st.moves());
            assertTrue(st.lastWindowNanos() >= atEndpoint, "the provider's window covers the endpoint's: " + st);
            assertEquals(Holder.self(SELF_ENI), p.holder());
        }
    }

    @Test
    void alreadyOursZeroWrites() throws Exception {
        ec2.ipv6Address(SELF_ENI, V6);
        try (SecondaryIpv6Provider p = self()) {
            ec2.resetLog();
            p.acquire();
            assertEquals(List.of("DescribeNetworkInterfaces"), ec2.actions());
            assertEquals(0, ec2.writes());
            assertEquals(List.of(), ec2.ipv6Changes());
        }
    }

    @Test
    void halfDoneMoveIsFinishedByTheRetryWithAnAssignAlone() throws Exception {
        ec2.ipv6Address(PEER_ENI, V6);
        try (SecondaryIpv6Provider p = self()) {
            ec2.failNext("AssignIpv6Addresses", 1, Fault.throttle());
            ProviderException e = assertThrows(ProviderException.class, () -> p.acquire(p.holder()));
            assertTrue(e.retryable(), e.getMessage());
            assertNull(ec2.eniWithIpv6(V6), "unassigned, not yet assigned: on nobody");

            ec2.resetLog();
            Holder seen = p.holder(); // the orchestrator's retry reads again
            assertEquals(Holder.nobody(), seen);
            p.acquire(seen);
            assertEquals(List.of("AssignIpv6Addresses " + SELF_ENI + " " + V6), writes(), "no second unassign");
            assertEquals(SELF_ENI, ec2.eniWithIpv6(V6));
            SecondaryIpv6Provider.Stats st = p.stats();
            assertEquals(1, st.moves());
            assertEquals(1, st.resumed());
        }
    }

    @Test
    void peerRetakingItBetweenTheWritesIsRetriedAfterARead() throws Exception {
        ec2.ipv6Address(PEER_ENI, V6);
        try (SecondaryIpv6Provider p = self()) {
            ec2.afterNextIpv6Unassign(() -> ec2.ipv6Address(PEER_ENI, V6)); // the peer assigns it back at once
            ec2.resetLog();
            ProviderException e = assertThrows(ProviderException.class, () -> p.acquire(p.holder()));
            assertTrue(e.retryable(), e.getMessage());
            AwsFixture.assertClean(e);
            assertTrue(e.getMessage().contains("InvalidIPAddress.InUse") && e.getMessage().contains(PEER_ENI),
                    e.getMessage());
            assertEquals(List.of("DescribeNetworkInterfaces", "UnassignIpv6Addresses", "AssignIpv6Addresses",
                    "DescribeNetworkInterfaces"), ec2.actions(), "the refused assign is followed by a read");
            assertEquals(1, p.stats().reTaken());

            ec2.resetLog();
            p.acquire(p.holder());
            assertEquals(List.of("UnassignIpv6Addresses " + PEER_ENI + " " + V6,
                    "AssignIpv6Addresses " + SELF_ENI + " " + V6), writes());
            assertEquals(SELF_ENI, ec2.eniWithIpv6(V6));
        }
    }

    @Test
    void releaseUnassignsOnlyFromOurEni() throws Exception {
        ec2.ipv6Address(PEER_ENI, V6);
        try (SecondaryIpv6Provider p = self()) {
            ec2.resetLog();
            p.release();
            assertEquals(List.of(), writes(), "the peer's hold is left alone");
            assertEquals(PEER_ENI, ec2.eniWithIpv6(V6));

            ec2.ipv6Address(SELF_ENI, V6);
            ec2.resetLog();
            p.release();
            assertEquals(List.of("UnassignIpv6Addresses " + SELF_ENI + " " + V6), writes());
            assertNull(ec2.eniWithIpv6(V6));
        }
    }

    @Test
    void handOverUnassignsFromOursThenAssignsToThePeers() throws Exception {
        ec2.ipv6Address(SELF_ENI, V6);
        try (SecondaryIpv6Provider p = self()) {
            assertEquals(Holder.self(SELF_ENI), p.holder());
            ec2.resetLog();
            p.handOver(AwsFixture.ip(AwsFixture.PEER_IP));
            assertEquals(List.of("UnassignIpv6Addresses " + SELF_ENI + " " + V6,
                    "AssignIpv6Addresses " + PEER_ENI + " " + V6), writes());
            assertEquals(PEER_ENI, ec2.eniWithIpv6(V6));
        }
    }

    @Test
    void addressOutsideTheSubnetsIpv6CidrFailsAtStart() {
        ProviderException e = assertThrows(ProviderException.class, () -> self("address", "2001:db8:9999::10"));
        assertFalse(e.retryable());
        AwsFixture.assertClean(e);
        assertEquals("aws: floating_ip address 2001:db8:9999::10 is not in the IPv6 CIDR of "
                + Ec2TestEndpoint.DEFAULT_SUBNET + " (" + CIDR + "), the subnet of " + SELF_ENI + ": an IPv6 address "
                + "moves only between interfaces of one subnet", e.getMessage());
        assertEquals(0, ec2.writes());
    }

    @Test
    void subnetWithoutAnIpv6CidrFailsAtStart() {
        ec2.subnet(Ec2TestEndpoint.DEFAULT_SUBNET, Ec2TestEndpoint.VPC, "10.0.1.0/24");
        ProviderException e = assertThrows(ProviderException.class, this::self);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("has no IPv6 CIDR block"), e.getMessage());
    }

    @Test
    void unauthorizedAtStartIsFatal() {
        ec2.failNext("DescribeNetworkInterfaces", 1, Fault.unauthorized());
        ProviderException e = assertThrows(ProviderException.class, this::self);
        assertFalse(e.retryable());
        AwsFixture.assertClean(e);
        assertEquals("aws: ec2:DescribeNetworkInterfaces denied for " + SELF + " (UnauthorizedOperation): add it to "
                + "the instance role's policy", e.getMessage());
    }

    @Test
    void unknownNetworkInterfaceFailsAtStart() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> self("network_interface", "eni-0eeeeeeeeeeeeeee0"));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("InvalidNetworkInterfaceID.NotFound"), e.getMessage());
    }

    /**
     * Without ec2:DescribeSubnets the subnet cannot be checked at start (a warning, not a failure); the address
     * outside the subnet is then refused by EC2 at the first assign, and the read after it finds it on nobody: the
     * refusal stands, as a fatal error.
     */
    @Test
    void assignRefusedWhileOnNobodyIsFatal() throws Exception {
        ec2.failNext("DescribeSubnets", 1, Fault.unauthorized());
        try (SecondaryIpv6Provider p = self("address", "2001:db8:9999::10")) {
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertFalse(e.retryable());
            AwsFixture.assertClean(e);
            assertTrue(e.getMessage().startsWith("aws: ec2:AssignIpv6Addresses failed (InvalidParameterValue"),
                    e.getMessage());
        }
    }

    @Test
    void unauthorizedWriteIsFatalAndNamesTheAction() throws Exception {
        ec2.ipv6Address(PEER_ENI, V6);
        try (SecondaryIpv6Provider p = self()) {
            ec2.failNext("UnassignIpv6Addresses", 1, Fault.unauthorized());
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertFalse(e.retryable());
            assertEquals("aws: ec2:UnassignIpv6Addresses denied for " + SELF + " (UnauthorizedOperation): add it to "
                    + "the instance role's policy", e.getMessage());
            assertEquals(PEER_ENI, ec2.eniWithIpv6(V6), "nothing moved");
        }
    }

    @Test
    void addressDefaultsToTheSingleIpv6VirtualAddress() throws Exception {
        var ctx = new io.floatd.vrrp.provider.ProviderContext("VI_1", "eth0", List.of(AwsFixture.vip(V6)),
                AwsFixture.ip(AwsFixture.SELF_IP), List.of(AwsFixture.ip(AwsFixture.PEER_IP)),
                settings(SELF, "mode", "secondary_ip", "network_interface", SELF_ENI));
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS)).create(ctx)) {
            p.acquire();
            assertEquals(SELF_ENI, ec2.eniWithIpv6(V6));
        }
    }

    /**
     * The half-done move through the real takeover orchestrator: the first AssignIpv6Addresses is throttled after its
     * unassign went through; the orchestrator's retry reads NOBODY and sends the assign alone. Writes: unassign,
     * assign (throttled), assign.
     */
    @Test
    void halfDoneMoveThroughTheOrchestratorEndsOnTheMaster() throws Exception {
        ec2.ipv6Address(PEER_ENI, V6);
        try (SecondaryIpv6Provider p = self();
             io.floatd.vrrp.takeover.TakeoverOrchestrator o = new io.floatd.vrrp.takeover.TakeoverOrchestrator("VI_1",
                     p, io.floatd.vrrp.timer.NanoClock.SYSTEM, false, io.floatd.vrrp.takeover.TakeoverPolicy.custom()
                     .warmInterval(java.time.Duration.ZERO).backoff(java.time.Duration.ofMillis(20),
                             java.time.Duration.ofMillis(100)).build(), e -> { })) {
            ec2.failNext("AssignIpv6Addresses", 1, Fault.throttle());
            ec2.resetLog();
            o.onTransition(new io.floatd.vrrp.event.Transition("VI_1", io.floatd.vrrp.fsm.VrrpState.BACKUP,
                    io.floatd.vrrp.fsm.VrrpState.MASTER, "test", 100, System.nanoTime()));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!SELF_ENI.equals(ec2.eniWithIpv6(V6)) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(SELF_ENI, ec2.eniWithIpv6(V6), ec2.requests().toString());
            assertEquals(List.of("UnassignIpv6Addresses " + PEER_ENI + " " + V6,
                    "AssignIpv6Addresses " + SELF_ENI + " " + V6, "AssignIpv6Addresses " + SELF_ENI + " " + V6),
                    writes());
            assertEquals(1, p.stats().resumed());
            o.takeoverSettled().toCompletableFuture().get(10, TimeUnit.SECONDS);
            System.out.println("half-done move, orchestrator: " + o.lastTakeover());
        }
    }

    @Test
    void badAddressFailsAtStart() {
        ProviderException e = assertThrows(ProviderException.class, () -> self("address", "2001:db8::zz"));
        assertFalse(e.retryable());
        assertEquals("aws: floating_ip address must be an IPv4 or IPv6 address in mode secondary_ip, but was "
                + "'2001:db8::zz'", e.getMessage());
        assertEquals(0, ec2.requests().size(), "refused before any call");
    }
}
