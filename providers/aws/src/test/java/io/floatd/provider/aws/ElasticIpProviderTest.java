package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.ALLOC;
import static io.floatd.provider.aws.AwsFixture.EIP;
import static io.floatd.provider.aws.AwsFixture.OTHER;
import static io.floatd.provider.aws.AwsFixture.OTHER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER;
import static io.floatd.provider.aws.AwsFixture.PEER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER_IP;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.SELF_ENI;
import static io.floatd.provider.aws.AwsFixture.SELF_IP;
import static io.floatd.provider.aws.AwsFixture.create;
import static io.floatd.provider.aws.AwsFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** mode eip through the real SDK against {@link Ec2TestEndpoint}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ElasticIpProviderTest {
    private Ec2TestEndpoint ec2;

    @BeforeEach
    void start() throws Exception {
        ec2 = AwsFixture.populate(new Ec2TestEndpoint());
    }

    @AfterEach
    void stop() {
        ec2.close();
    }

    private FloatingIpProvider self() throws Exception {
        return create(ec2, settings(SELF, "address", ALLOC));
    }

    @Test
    void foundByServiceLoaderAsAws() {
        assertTrue(ServiceLoader.load(FloatingIpProviderFactory.class).stream()
                .anyMatch(p -> p.get().name().equals("aws") && p.get() instanceof AwsProviderFactory));
    }

    @Test
    void warmAtStartThenFirstAcquireIsOneReadAndOneWrite() throws Exception {
        try (FloatingIpProvider p = self()) {
            assertEquals(List.of("DescribeAddresses", "AssociateAddress", "DescribeNetworkInterfaces"), ec2.actions(),
                    "create makes one cheap read, a dry run of the write and the peers' look-up");
            assertEquals("true", ec2.requests().get(1).params().get("DryRun"));
            assertEquals(SELF, ec2.requests().get(1).params().get("InstanceId"));
            assertNull(ec2.address(ALLOC), "a dry run changes nothing");
            int warmConnection = ec2.requests().getFirst().clientPort();
            ec2.resetLog();
            p.acquire();
            assertEquals(List.of("DescribeAddresses", "AssociateAddress"), ec2.actions());
            Map<String, String> assoc = ec2.requests().get(1).params();
            assertEquals(ALLOC, assoc.get("AllocationId"));
            assertEquals(SELF, assoc.get("InstanceId"));
            assertNull(assoc.get("DryRun"));
            assertEquals("true", assoc.get("AllowReassociation"));
            assertEquals(ALLOC, ec2.requests().getFirst().params().get("AllocationId.1"));
            assertTrue(ec2.requests().getFirst().authorization().startsWith("AWS4-HMAC-SHA256 Credential="
                    + AwsFixture.ACCESS_KEY + "/"), "signed with the static test key");
            assertTrue(ec2.requests().getFirst().authorization().contains("/" + AwsFixture.REGION + "/ec2/aws4_request"));
            assertEquals(SELF, ec2.address(ALLOC).instanceId());
            assertEquals(ec2.address(ALLOC).associationId(), ((ElasticIpProvider) p).ownAssociationId());
            assertEquals(List.of(warmConnection, warmConnection), ec2.requests().stream()
                    .map(Ec2TestEndpoint.Request::clientPort).toList(), "the takeover reuses the connection opened at start");
        }
    }

    @Test
    void secondAcquireWritesNothing() throws Exception {
        try (FloatingIpProvider p = self()) {
            p.acquire();
            ec2.resetLog();
            p.acquire();
            assertEquals(List.of("DescribeAddresses"), ec2.actions(), "already SELF: no write call");
            assertEquals(Holder.self(SELF), p.holder());
        }
    }

    @Test
    void addressAsPublicIpIsResolvedToItsAllocationAtStart() throws Exception {
        try (FloatingIpProvider p = create(ec2, settings(SELF, "address", EIP))) {
            assertEquals(EIP, ec2.requests().getFirst().params().get("PublicIp.1"));
            ec2.resetLog();
            p.acquire();
            assertEquals(ALLOC, ec2.requests().getFirst().params().get("AllocationId.1"));
            assertEquals(ALLOC, ec2.requests().get(1).params().get("AllocationId"));
            assertEquals(SELF, ec2.address(ALLOC).instanceId());
        }
    }

    @Test
    void networkInterfaceAndPrivateIpAreUsedWhenConfigured() throws Exception {
        ec2.secondaryIp(SELF_ENI, "10.0.1.20");
        try (FloatingIpProvider p = create(ec2, settings(SELF, "allocation_id", ALLOC,
                "network_interface", SELF_ENI, "private_ip", "10.0.1.20"))) {
            ec2.associate(ALLOC, SELF_ENI, null); // ours, but on the primary IP: not where it is configured to be
            assertEquals(Holder.Kind.OTHER, p.holder().kind());
            ec2.resetLog();
            p.acquire();
            Map<String, String> assoc = ec2.requests().get(1).params();
            assertEquals(SELF_ENI, assoc.get("NetworkInterfaceId"));
            assertEquals("10.0.1.20", assoc.get("PrivateIpAddress"));
            assertNull(assoc.get("InstanceId"));
            assertEquals("10.0.1.20", ec2.address(ALLOC).privateIp());
            assertEquals(Holder.self(SELF), p.holder());
        }
    }

    @Test
    void takeoverFromThePeer() throws Exception {
        String peerAssociation = ec2.associate(ALLOC, PEER_ENI, null);
        try (FloatingIpProvider p = self()) {
            assertEquals(Holder.peer(PEER), p.holder());
            p.acquire();
            assertEquals(Holder.self(SELF), p.holder());
            assertTrue(!peerAssociation.equals(ec2.address(ALLOC).associationId()));
            assertEquals(SELF_IP, ec2.address(ALLOC).privateIp());
        }
    }

    /** The orchestrator's holder read is not repeated: entering MASTER costs one read and one write, not two reads. */
    @Test
    void acquireAfterTheCallersHolderReadSendsOnlyTheAssociation() throws Exception {
        ec2.associate(ALLOC, PEER_ENI, null);
        try (FloatingIpProvider p = self()) {
            ec2.resetLog();
            Holder seen = p.holder();
            p.acquire(seen);
            assertEquals(List.of("DescribeAddresses", "AssociateAddress"), ec2.actions());
            assertEquals("true", ec2.requests().getLast().params().get("AllowReassociation"));
            assertEquals(Holder.self(SELF), p.holder());
            assertEquals(ec2.address(ALLOC).associationId(), ((ElasticIpProvider) p).ownAssociationId());
        }
    }

    @Test
    void releaseDisassociatesOurOwnAssociation() throws Exception {
        try (FloatingIpProvider p = self()) {
            p.acquire();
            String ours = ec2.address(ALLOC).associationId();
            ec2.resetLog();
            p.release();
            assertEquals(List.of("DescribeAddresses", "DisassociateAddress"), ec2.actions());
            assertEquals(ours, ec2.requests().get(1).params().get("AssociationId"));
            assertNull(ec2.address(ALLOC));
            assertEquals(Holder.nobody(), p.holder());
        }
    }

    @Test
    void releaseLeavesAnotherNodesAssociationAlone() throws Exception {
        try (FloatingIpProvider p = self()) {
            p.acquire();
            String peers = ec2.associate(ALLOC, PEER_ENI, null); // the peer took over meanwhile
            ec2.resetLog();
            p.release();
            assertEquals(List.of("DescribeAddresses"), ec2.actions(), "no DisassociateAddress");
            assertEquals(peers, ec2.address(ALLOC).associationId());
            assertEquals(0, ec2.calls("DisassociateAddress"));
        }
    }

    @Test
    void releaseRacingThePeerIsQuiet() throws Exception {
        try (FloatingIpProvider p = self()) {
            p.acquire();
            // the peer re-associates between our read and our disassociate: EC2 no longer knows our association
            ec2.failNext("DisassociateAddress", 1, Ec2TestEndpoint.Fault.error("InvalidAssociationID.NotFound",
                    "The association ID 'eipassoc-x' does not exist"));
            p.release();
            assertEquals(1, ec2.calls("DisassociateAddress"));
        }
    }

    @Test
    void twoNodesHandTheAddressBackAndForth() throws Exception {
        AwsProviderFactory fa = new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS));
        AwsProviderFactory fb = new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS));
        try (FloatingIpProvider a = fa.create(AwsFixture.context(settings(SELF, "address", EIP)));
             FloatingIpProvider b = fb.create(AwsFixture.context(settings(PEER, "address", EIP), true))) {
            a.acquire();
            assertEquals(Holder.peer(SELF), b.holder());
            b.acquire();
            assertEquals(Holder.peer(PEER), a.holder());
            a.release(); // not a's any more
            assertEquals(PEER_IP, ec2.address(ALLOC).privateIp());
            b.release();
            assertNull(ec2.address(ALLOC));
            assertEquals(Holder.nobody(), a.holder());
        }
    }

    @Test
    void providersOfOneFactoryShareOneClient() throws Exception {
        ec2.elasticIp("eipalloc-0fedcba9876543210", "203.0.113.11");
        AwsProviderFactory f = new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS));
        FloatingIpProvider one = f.create(AwsFixture.context(settings(SELF, "address", ALLOC)));
        FloatingIpProvider two = f.create(AwsFixture.context(settings(SELF, "address", "eipalloc-0fedcba9876543210")));
        assertInstanceOf(ElasticIpProvider.class, one);
        assertTrue(((AwsProvider) one).ec2() == ((AwsProvider) two).ec2());
        one.close();
        two.acquire(); // still open
        two.close();
        FloatingIpProvider three = f.create(AwsFixture.context(settings(SELF, "address", ALLOC)));
        assertTrue(((AwsProvider) three).ec2() != ((AwsProvider) two).ec2(), "a closed client is not handed out");
        three.acquire();
        three.close();
    }
}
