package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.ALLOC;
import static io.floatd.provider.aws.AwsFixture.OTHER;
import static io.floatd.provider.aws.AwsFixture.OTHER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER;
import static io.floatd.provider.aws.AwsFixture.PEER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER_IP;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.SELF_ENI;
import static io.floatd.provider.aws.AwsFixture.SELF_IP;
import static io.floatd.provider.aws.AwsFixture.SELF_MAC;
import static io.floatd.provider.aws.AwsFixture.VIP;
import static io.floatd.provider.aws.AwsFixture.ip;
import static io.floatd.provider.aws.AwsFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import io.floatd.testing.TakeoverDriver.LogLines;
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
 * Each {@code unicast_peer} is known by its instance and network interface, found in EC2 by its private IP or named
 * by {@code peer_instance_id}: a hold on a peer's instance is the PEER's whatever private IP it is on, and a
 * hand-over sends the IP there. Through the real SDK against {@link Ec2TestEndpoint}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerIdentityTest {
    /** PEER's second interface, where its VRRP runs in the tests that say so. */
    private static final String PEER_ENI2 = "eni-0bbbbbbbbbbbbbbb9";
    private static final String PEER_IP2 = "10.0.2.11";
    /** A peer address EC2 does not know (VRRP over a VPN, or through NAT). */
    private static final String NAT_IP = "172.16.0.11";
    private static final String WARNING_TAIL = ": an IP found on it counts as a stranger's (taken back with backoff, "
            + "never yielded to) and this node cannot hand the IP over to it (stepping down, it releases the IP "
            + "instead); set floating_ip { peer_instance_id ... } "
            + "to name it";

    private Ec2TestEndpoint ec2;
    private LogLines logs;

    @BeforeEach
    void start() throws Exception {
        ec2 = AwsFixture.populate(new Ec2TestEndpoint());
        ec2.eni(PEER_ENI2, PEER, 1, PEER_IP2, Ec2TestEndpoint.VPC);
        logs = new LogLines("io.floatd.provider.aws");
    }

    @AfterEach
    void stop() {
        logs.close();
        ec2.close();
    }

    private FloatingIpProvider eip(List<String> peers, String... kv) throws ProviderException {
        String[] all = new String[kv.length + 2];
        all[0] = "address";
        all[1] = ALLOC;
        System.arraycopy(kv, 0, all, 2, kv.length);
        return new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS))
                .create(AwsFixture.context(settings(SELF, all), peers));
    }

    private FloatingIpProvider secondaryIp(List<String> peers) throws ProviderException {
        return new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS)).create(AwsFixture.context(
                settings(SELF, "mode", "secondary_ip", "address", VIP, "network_interface", SELF_ENI), peers));
    }

    private List<Ec2TestEndpoint.Request> lookUps() {
        return ec2.requests().stream().filter(r -> r.action().equals("DescribeNetworkInterfaces")).toList();
    }

    @Test
    void eachPeerIsFoundByItsPrivateIpAtStartAndLogged() throws Exception {
        try (FloatingIpProvider p = eip(List.of(PEER_IP))) {
            assertEquals(List.of("VRRP_Instance(VI_1) aws: peer 10.0.1.11 is instance " + PEER + " (" + PEER_ENI + ")"),
                    logs.containing("aws: peer "));
            assertEquals(1, lookUps().size());
            Map<String, String> q = lookUps().getFirst().params();
            assertEquals("addresses.private-ip-address", q.get("Filter.1.Name"));
            assertEquals(PEER_IP, q.get("Filter.1.Value.1"));
            assertEquals(SELF_IP, q.get("Filter.1.Value.2"), "without IMDS, our own address tells our VPC");
            assertEquals(null, q.get("Filter.2.Name"));
        }
    }

    @Test
    void theVpcFromTheMetadataServiceScopesTheLookUp() throws Exception {
        ec2.eni("eni-0eeeeeeeeeeeeeee5", "i-0eeeeeeeeeeeeeee5", 0, "10.0.1.77", Ec2TestEndpoint.OTHER_VPC);
        try (ImdsTestEndpoint imds = new ImdsTestEndpoint().instance(SELF, AwsFixture.REGION, SELF_MAC, SELF_ENI);
             FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, imds.uri())).create(
                     AwsFixture.context(settings(null, "address", ALLOC), List.of(PEER_IP, "10.0.1.77")))) {
            Map<String, String> q = lookUps().getFirst().params();
            assertEquals(List.of(PEER_IP, "10.0.1.77"), List.of(q.get("Filter.1.Value.1"), q.get("Filter.1.Value.2")));
            assertEquals("vpc-id", q.get("Filter.2.Name"));
            assertEquals(Ec2TestEndpoint.VPC, q.get("Filter.2.Value.1"));
            assertEquals(List.of("VRRP_Instance(VI_1) aws: cannot find peer 10.0.1.77 in the VPC (no network interface "
                    + "in " + Ec2TestEndpoint.VPC + " has this private IP)" + WARNING_TAIL), logs.containing("10.0.1.77"));
        }
    }

    /** VRRP on the peer's second interface; the Elastic IP on its first, whose private IP is no unicast_peer. */
    @Test
    void aHoldOnAPeersInstanceIsThePeersWhicheverPrivateIpItIsOn() throws Exception {
        try (FloatingIpProvider p = eip(List.of(PEER_IP2))) {
            assertEquals(List.of("VRRP_Instance(VI_1) aws: peer 10.0.2.11 is instance " + PEER + " (" + PEER_ENI2 + ")"),
                    logs.containing("aws: peer "));
            ec2.associate(ALLOC, PEER_ENI, null);
            assertEquals(Holder.peer(PEER), p.holder());
            ec2.associate(ALLOC, OTHER_ENI, null);
            assertEquals(Holder.other(OTHER), p.holder());
        }
    }

    @Test
    void aSecondaryIpOnAPeersOtherInterfaceIsThePeers() throws Exception {
        try (FloatingIpProvider p = secondaryIp(List.of(PEER_IP2))) {
            ec2.secondaryIp(PEER_ENI, VIP);
            assertEquals(Holder.peer(PEER), p.holder());
        }
    }

    @Test
    void aPeerNotFoundIsAWarningAndItsHoldCountsAsAStrangers() throws Exception {
        try (FloatingIpProvider p = eip(List.of(NAT_IP))) {
            assertEquals(List.of("VRRP_Instance(VI_1) aws: cannot find peer 172.16.0.11 in the VPC (no network "
                    + "interface in " + Ec2TestEndpoint.VPC + " has this private IP)" + WARNING_TAIL),
                    logs.containing("peer 172.16.0.11"));
            ec2.associate(ALLOC, PEER_ENI, null);
            assertEquals(Holder.other(PEER), p.holder());
        }
    }

    @Test
    void aRefusedLookUpIsAWarningNotAFailedStart() throws Exception {
        ec2.failNext("DescribeNetworkInterfaces", 1, new Fault.Error("UnauthorizedOperation", 403,
                "You are not authorized to perform this operation."));
        try (FloatingIpProvider p = eip(List.of(PEER_IP2))) {
            assertEquals(List.of("VRRP_Instance(VI_1) aws: cannot find peer 10.0.2.11 in the VPC (ec2:DescribeNetwork"
                    + "Interfaces denied for " + SELF + " (UnauthorizedOperation): add it to the instance role's policy)"
                    + WARNING_TAIL), logs.containing("peer 10.0.2.11"));
            ec2.associate(ALLOC, PEER_ENI, null);
            assertEquals(Holder.other(PEER), p.holder());
            ec2.associate(ALLOC, PEER_ENI2, null);
            assertEquals(Holder.peer(PEER), p.holder(), "its unicast_peer address still tells the peer");
        }
    }

    @Test
    void aLookUpThrottledAtStartIsRetriedInTheBackground() throws Exception {
        ec2.failNext("DescribeNetworkInterfaces", 1, Fault.throttle());
        try (FloatingIpProvider p = eip(List.of(PEER_IP2))) {
            assertEquals(List.of("VRRP_Instance(VI_1) aws: cannot find peer 10.0.2.11 in the VPC (ec2:DescribeNetwork"
                    + "Interfaces throttled by EC2 (RequestLimitExceeded): will retry)" + WARNING_TAIL),
                    logs.containing("peer 10.0.2.11"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (logs.containing("aws: peer 10.0.2.11 is").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(List.of("VRRP_Instance(VI_1) aws: peer 10.0.2.11 is instance " + PEER + " (" + PEER_ENI2 + ")"),
                    logs.containing("aws: peer 10.0.2.11 is"));
            ec2.associate(ALLOC, PEER_ENI, null);
            assertEquals(Holder.peer(PEER), p.holder());
        }
    }

    @Test
    void peerInstanceIdNamesTheOnlyPeer() throws Exception {
        try (FloatingIpProvider p = eip(List.of(NAT_IP), "peer_instance_id", PEER)) {
            assertEquals(List.of("VRRP_Instance(VI_1) aws: peer 172.16.0.11 is instance " + PEER + " (" + PEER_ENI
                    + ", from peer_instance_id)"), logs.containing("peer 172.16.0.11"));
            Map<String, String> q = lookUps().getFirst().params();
            assertEquals("attachment.instance-id", q.get("Filter.1.Name"));
            assertEquals(PEER, q.get("Filter.1.Value.1"));
            ec2.associate(ALLOC, PEER_ENI, null);
            assertEquals(Holder.peer(PEER), p.holder());
        }
    }

    @Test
    void peerInstanceIdNamesEachPeerByItsAddress() throws Exception {
        try (FloatingIpProvider p = eip(List.of(NAT_IP, "172.16.0.12", PEER_IP),
                "peer_instance_id", NAT_IP + "=" + PEER + " 172.16.0.12=" + OTHER)) {
            assertEquals(List.of(
                    "VRRP_Instance(VI_1) aws: peer 172.16.0.11 is instance " + PEER + " (" + PEER_ENI
                            + ", from peer_instance_id)",
                    "VRRP_Instance(VI_1) aws: peer 172.16.0.12 is instance " + OTHER + " (" + OTHER_ENI
                            + ", from peer_instance_id)",
                    "VRRP_Instance(VI_1) aws: peer 10.0.1.11 is instance " + PEER + " (" + PEER_ENI + ")"),
                    logs.containing("aws: peer "));
            ec2.associate(ALLOC, OTHER_ENI, null);
            assertEquals(Holder.peer(OTHER), p.holder());
        }
    }

    @Test
    void handOverAssociatesTheElasticIpWithThePeersInstance() throws Exception {
        try (FloatingIpProvider p = eip(List.of(PEER_IP2))) {
            assertTrue(p.handsOver());
            p.acquire();
            ec2.resetLog();
            p.handOver(ip(PEER_IP2));
            assertEquals(List.of("AssociateAddress"), ec2.actions(), "the caller has just read the holder");
            Map<String, String> assoc = ec2.requests().getFirst().params();
            assertEquals(ALLOC, assoc.get("AllocationId"));
            assertEquals(PEER, assoc.get("InstanceId"));
            assertEquals("true", assoc.get("AllowReassociation"));
            assertEquals(PEER, ec2.address(ALLOC).instanceId());
            assertEquals(PEER_ENI, ec2.address(ALLOC).networkInterfaceId(), "the instance's primary interface");
            assertEquals(Holder.peer(PEER), p.holder());
            assertEquals(List.of("VRRP_Instance(VI_1) aws: Elastic IP " + ALLOC + " handed over to peer 10.0.2.11 ("
                    + PEER + ")"), logs.containing("handed over"));
        }
    }

    @Test
    void handOverWithANetworkInterfaceSetGoesToThePeersInterface() throws Exception {
        try (FloatingIpProvider p = eip(List.of(PEER_IP2), "network_interface", SELF_ENI)) {
            p.acquire();
            ec2.resetLog();
            p.handOver(ip(PEER_IP2));
            assertEquals(PEER_ENI2, ec2.requests().getFirst().params().get("NetworkInterfaceId"));
            assertEquals(null, ec2.requests().getFirst().params().get("InstanceId"));
            assertEquals(PEER_ENI2, ec2.address(ALLOC).networkInterfaceId());
            assertEquals(Holder.peer(PEER), p.holder());
        }
    }

    @Test
    void handOverMovesTheSecondaryIpToThePeersInterface() throws Exception {
        try (FloatingIpProvider p = secondaryIp(List.of(PEER_IP))) {
            assertTrue(p.handsOver());
            p.acquire();
            assertEquals(SELF_ENI, ec2.eniWith(VIP));
            ec2.resetLog();
            p.handOver(ip(PEER_IP));
            assertEquals(List.of("AssignPrivateIpAddresses"), ec2.actions());
            Map<String, String> assign = ec2.requests().getFirst().params();
            assertEquals(PEER_ENI, assign.get("NetworkInterfaceId"));
            assertEquals(VIP, assign.get("PrivateIpAddress.1"));
            assertEquals("true", assign.get("AllowReassignment"));
            assertEquals(PEER_ENI, ec2.eniWith(VIP));
            assertEquals(Holder.peer(PEER), p.holder());
            assertEquals(List.of("VRRP_Instance(VI_1) aws: private IP " + VIP + " handed over to peer 10.0.1.11 ("
                    + PEER + ", " + PEER_ENI + ")"), logs.containing("handed over"));
        }
    }

    @Test
    void handOverToAPeerNotFoundIsFatal() throws Exception {
        try (FloatingIpProvider p = eip(List.of(NAT_IP))) {
            p.acquire();
            ec2.resetLog();
            ProviderException e = assertThrows(ProviderException.class, () -> p.handOver(ip(NAT_IP)));
            assertFalse(e.retryable());
            AwsFixture.assertClean(e);
            assertEquals("aws: cannot hand Elastic IP " + ALLOC + " over to peer 172.16.0.11: its instance is unknown "
                    + "(set floating_ip { peer_instance_id ... })", e.getMessage());
            assertEquals(0, ec2.writes());
            assertEquals(SELF, ec2.address(ALLOC).instanceId());
        }
        try (FloatingIpProvider p = secondaryIp(List.of(NAT_IP))) {
            ProviderException e = assertThrows(ProviderException.class, () -> p.handOver(ip(NAT_IP)));
            assertEquals("aws: cannot hand private IP " + VIP + " over to peer 172.16.0.11: its instance is unknown "
                    + "(set floating_ip { peer_instance_id ... })", e.getMessage());
        }
    }

    @Test
    void refreshPeersFindsAPeerThatWasReplaced() throws Exception {
        try (FloatingIpProvider p = eip(List.of(PEER_IP2))) {
            // the peer is replaced: a new instance with the same addresses on new interfaces
            String newPeer = "i-0ddddddddddddddd4";
            ec2.removeEni(PEER_ENI).removeEni(PEER_ENI2)
                    .instance(newPeer, "eni-0ddddddddddddddd4", PEER_IP)
                    .eni("eni-0ddddddddddddddd5", newPeer, 1, PEER_IP2, Ec2TestEndpoint.VPC);
            ec2.associate(ALLOC, "eni-0ddddddddddddddd4", null);
            assertEquals(Holder.other(newPeer), p.holder(), "not known until the peers are looked up again");
            ec2.associate(ALLOC, SELF_ENI, null);
            ec2.resetLog();
            ProviderException stale = assertThrows(ProviderException.class, () -> p.handOver(ip(PEER_IP2)));
            assertFalse(stale.retryable(), "the old instance is gone: " + stale.getMessage());

            p.refreshPeers();
            assertEquals("VRRP_Instance(VI_1) aws: peer 10.0.2.11 is instance " + newPeer + " (eni-0ddddddddddddddd5)",
                    logs.containing("aws: peer ").getLast());
            ec2.associate(ALLOC, "eni-0ddddddddddddddd4", null);
            assertEquals(Holder.peer(newPeer), p.holder());
            ec2.associate(ALLOC, SELF_ENI, null);
            p.handOver(ip(PEER_IP2));
            assertEquals(newPeer, ec2.address(ALLOC).instanceId());
            assertEquals(Holder.peer(newPeer), p.holder());
        }
    }
}
