package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.OTHER;
import static io.floatd.provider.aws.AwsFixture.OTHER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER;
import static io.floatd.provider.aws.AwsFixture.PEER_ENI;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.SELF_ENI;
import static io.floatd.provider.aws.AwsFixture.SELF_MAC;
import static io.floatd.provider.aws.AwsFixture.VIP;
import static io.floatd.provider.aws.AwsFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** mode secondary_ip through the real SDK against {@link Ec2TestEndpoint} and {@link ImdsTestEndpoint}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecondaryIpProviderTest {
    private Ec2TestEndpoint ec2;
    private ImdsTestEndpoint imds;

    @BeforeEach
    void start() throws Exception {
        ec2 = AwsFixture.populate(new Ec2TestEndpoint());
        imds = new ImdsTestEndpoint().instance(SELF, AwsFixture.REGION, SELF_MAC, SELF_ENI);
    }

    @AfterEach
    void stop() {
        ec2.close();
        imds.close();
    }

    /** SELF, its ENI found through IMDS (mac → interface-id). */
    private FloatingIpProvider self() throws ProviderException {
        return new AwsProviderFactory(AwsFixture.options(ec2, imds.uri()))
                .create(AwsFixture.context(settings(null, "mode", "secondary_ip", "address", VIP)));
    }

    private FloatingIpProvider peer() throws ProviderException {
        return new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS)).create(AwsFixture.context(
                settings(PEER, "mode", "secondary_ip", "address", VIP, "network_interface", PEER_ENI), true));
    }

    @Test
    void primaryEniFromImdsAndVpcAtStart() throws Exception {
        try (FloatingIpProvider p = self()) {
            SecondaryIpProvider s = assertInstanceOf(SecondaryIpProvider.class, p);
            assertEquals(SELF_ENI, s.networkInterface());
            assertEquals(SELF, s.instanceId());
            assertEquals(List.of("DescribeNetworkInterfaces", "DescribeNetworkInterfaces"), ec2.actions(),
                    "our ENI's VPC, then the peers' look-up in it");
            assertEquals(SELF_ENI, ec2.requests().getFirst().params().get("NetworkInterfaceId.1"));
            assertEquals(Ec2TestEndpoint.VPC, ec2.requests().get(1).params().get("Filter.2.Value.1"));
        }
    }

    @Test
    void holderNobodySelfPeerOther() throws Exception {
        try (FloatingIpProvider p = self()) {
            assertEquals(Holder.nobody(), p.holder());
            ec2.secondaryIp(PEER_ENI, VIP);
            assertEquals(Holder.peer(PEER), p.holder());
            Map<String, String> read = ec2.requests().getLast().params();
            assertEquals("addresses.private-ip-address", read.get("Filter.1.Name"));
            assertEquals(VIP, read.get("Filter.1.Value.1"));
            assertEquals("vpc-id", read.get("Filter.2.Name"));
            assertEquals(Ec2TestEndpoint.VPC, read.get("Filter.2.Value.1"));
            p.acquire();
            assertEquals(Holder.self(SELF_ENI), p.holder());
            p.release();
            ec2.secondaryIp(OTHER_ENI, VIP);
            assertEquals(Holder.other(OTHER), p.holder());
        }
    }

    @Test
    void theSameIpInAnotherVpcIsNotOurs() throws Exception {
        ec2.eni("eni-0ddddddddddddddd4", "i-0ddddddddddddddd4", 0, "10.9.0.5", Ec2TestEndpoint.OTHER_VPC)
                .secondaryIp("eni-0ddddddddddddddd4", VIP);
        try (FloatingIpProvider p = self()) {
            assertEquals(Holder.nobody(), p.holder());
        }
    }

    @Test
    void moveBetweenTwoEnis() throws Exception {
        try (FloatingIpProvider a = self(); FloatingIpProvider b = peer()) {
            a.acquire();
            assertEquals(SELF_ENI, ec2.eniWith(VIP));
            assertEquals(Holder.peer(SELF), b.holder());

            ec2.resetLog();
            b.acquire();
            assertEquals(List.of("DescribeNetworkInterfaces", "AssignPrivateIpAddresses"), ec2.actions());
            Map<String, String> assign = ec2.requests().get(1).params();
            assertEquals(PEER_ENI, assign.get("NetworkInterfaceId"));
            assertEquals(VIP, assign.get("PrivateIpAddress.1"));
            assertEquals("true", assign.get("AllowReassignment"));
            assertEquals(PEER_ENI, ec2.eniWith(VIP));
            assertEquals(Holder.peer(PEER), a.holder());

            ec2.resetLog();
            a.release(); // not on a's ENI: left alone
            assertEquals(0, ec2.calls("UnassignPrivateIpAddresses"));
            assertEquals(PEER_ENI, ec2.eniWith(VIP));

            ec2.resetLog();
            b.acquire(); // already there: no write
            assertEquals(List.of("DescribeNetworkInterfaces"), ec2.actions());

            ec2.resetLog();
            Holder seen = a.holder(); // the orchestrator's read; the acquire that follows does not repeat it
            a.acquire(seen);
            assertEquals(List.of("DescribeNetworkInterfaces", "AssignPrivateIpAddresses"), ec2.actions());
            assertEquals(SELF_ENI, ec2.eniWith(VIP));
            b.acquire();

            b.release();
            assertEquals(1, ec2.calls("UnassignPrivateIpAddresses"));
            assertEquals(PEER_ENI, ec2.requests().getLast().params().get("NetworkInterfaceId"));
            assertNull(ec2.eniWith(VIP));
        }
    }

    @Test
    void addressDefaultsToTheSingleVirtualAddress() throws Exception {
        ProviderContext ctx = new ProviderContext("VI_1", "eth0", List.of(AwsFixture.vip(VIP)),
                AwsFixture.ip(AwsFixture.SELF_IP), List.of(AwsFixture.ip(AwsFixture.PEER_IP)),
                settings(SELF, "mode", "secondary_ip", "network_interface", SELF_ENI));
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS)).create(ctx)) {
            p.acquire();
            assertEquals(SELF_ENI, ec2.eniWith(VIP));
        }
    }

    @Test
    void primaryEniFromDescribeInstancesWithoutImds() throws Exception {
        ec2.eni("eni-0aaaaaaaaaaaaaaa9", SELF, 1, "10.0.2.10", Ec2TestEndpoint.VPC); // a second ENI: not chosen
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS))
                .create(AwsFixture.context(settings(SELF, "mode", "secondary_ip", "address", VIP)))) {
            assertEquals(List.of("DescribeInstances", "DescribeNetworkInterfaces", "DescribeNetworkInterfaces"),
                    ec2.actions());
            assertEquals(SELF_ENI, ((SecondaryIpProvider) p).networkInterface());
            p.acquire();
            assertEquals(SELF_ENI, ec2.eniWith(VIP));
        }
    }

    @Test
    void unknownNetworkInterfaceFailsAtStart() {
        ProviderException e = assertThrows(ProviderException.class, () ->
                new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS)).create(AwsFixture.context(
                        settings(SELF, "mode", "secondary_ip", "address", VIP, "network_interface",
                                "eni-0eeeeeeeeeeeeeee0"))));
        assertFalse(e.retryable());
        AwsFixture.assertClean(e);
        assertEquals("aws: ec2:DescribeNetworkInterfaces failed (InvalidNetworkInterfaceID.NotFound): The "
                + "networkInterface ID 'eni-0eeeeeeeeeeeeeee0' does not exist: check network_interface in "
                + "floating_ip, and the region", e.getMessage());
    }

    @Test
    void theOtherEnisPrimaryAddressCannotBeTaken() throws Exception {
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, imds.uri()))
                .create(AwsFixture.context(settings(null, "mode", "secondary_ip", "address", AwsFixture.OTHER_IP)))) {
            assertEquals(Holder.other(OTHER), p.holder());
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertFalse(e.retryable());
            AwsFixture.assertClean(e);
        }
    }
}
