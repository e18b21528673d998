package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.ALLOC;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.SELF_ENI;
import static io.floatd.provider.aws.AwsFixture.SELF_MAC;
import static io.floatd.provider.aws.AwsFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Instance id, region and ENI from IMDSv2; the SDK's own endpoint settings. System properties stand in for the
 * environment variables ({@code aws.endpointUrlEc2} for {@code AWS_ENDPOINT_URL_EC2}, and so on), which cannot be
 * set in-process; each test restores what it changed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdentityAndEndpointTest {
    private static final List<String> PROPERTIES = List.of("aws.endpointUrlEc2", "aws.endpointUrl",
            "aws.ec2MetadataServiceEndpoint", "aws.region");
    private final Map<String, String> saved = new HashMap<>();
    private Ec2TestEndpoint ec2;
    private ImdsTestEndpoint imds;

    @BeforeEach
    void start() throws Exception {
        PROPERTIES.forEach(k -> saved.put(k, System.getProperty(k)));
        ec2 = AwsFixture.populate(new Ec2TestEndpoint());
        imds = new ImdsTestEndpoint().instance(SELF, "eu-west-3", SELF_MAC, SELF_ENI);
    }

    @AfterEach
    void stop() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        ec2.close();
        imds.close();
    }

    private static Map<String, String> noIdentity() {
        return settings(null, "region", null, "address", ALLOC);
    }

    @Test
    void instanceIdAndRegionFromImdsV2() throws Exception {
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, imds.uri()))
                .create(AwsFixture.context(noIdentity()))) {
            assertEquals(SELF, ((AwsProvider) p).instanceId());
            assertTrue(ec2.requests().getFirst().authorization().contains("/eu-west-3/ec2/aws4_request"),
                    "signed for the region IMDS gave");
            p.acquire();
            assertEquals(Holder.self(SELF), p.holder());
        }
        List<String> log = imds.log();
        assertTrue(log.getFirst().startsWith("PUT /latest/api/token 200"), log.toString());
        assertTrue(log.contains("GET /latest/meta-data/instance-id 200"), log.toString());
        assertTrue(log.contains("GET /latest/meta-data/placement/region 200"), log.toString());
        assertFalse(log.stream().anyMatch(l -> l.endsWith(" 401")), "every GET carried the token: " + log);
    }

    @Test
    void imdsEndpointFromTheSdksOwnSetting() throws Exception {
        System.setProperty("aws.ec2MetadataServiceEndpoint", imds.uri().toString());
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, null))
                .create(AwsFixture.context(noIdentity()))) {
            assertEquals(SELF, ((AwsProvider) p).instanceId());
        }
        assertTrue(imds.log().contains("GET /latest/meta-data/instance-id 200"));
    }

    @Test
    void regionFallsBackToTheSdkChainWhenImdsHasNone() throws Exception {
        imds.remove("placement/region");
        System.setProperty("aws.region", "ap-southeast-2");
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, imds.uri()))
                .create(AwsFixture.context(noIdentity()))) {
            assertEquals(Holder.nobody(), p.holder());
            assertTrue(ec2.requests().getFirst().authorization().contains("/ap-southeast-2/ec2/aws4_request"));
        }
    }

    @Test
    void configuredIdentityWinsOverImds() throws Exception {
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(ec2, imds.uri()))
                .create(AwsFixture.context(settings(AwsFixture.PEER, "address", ALLOC)))) {
            assertEquals(AwsFixture.PEER, ((AwsProvider) p).instanceId());
            assertTrue(ec2.requests().getFirst().authorization().contains("/" + AwsFixture.REGION + "/ec2/"));
        }
        assertEquals(List.of(), imds.log(), "nothing asked of IMDS");
    }

    @Test
    void withoutImdsOrInstanceIdTheMessageSaysWhatToSet() {
        ProviderException e = assertThrows(ProviderException.class, () ->
                new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS))
                        .create(AwsFixture.context(settings(null, "address", ALLOC))));
        AwsFixture.assertClean(e);
        assertTrue(e.getMessage().contains("set instance_id in floating_ip"), e.getMessage());
        assertEquals(0, ec2.requests().size());
    }

    @Test
    void ec2EndpointFromAwsEndpointUrlEc2() throws Exception {
        System.setProperty("aws.endpointUrlEc2", ec2.uri().toString());
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(null, AwsFixture.NO_IMDS))
                .create(AwsFixture.context(settings(SELF, "address", ALLOC)))) {
            p.acquire();
        }
        assertEquals(List.of("DescribeAddresses", "AssociateAddress", "DescribeNetworkInterfaces", "DescribeAddresses",
                "AssociateAddress"), ec2.actions(), "start (the peers' look-up last), then the takeover");
    }

    @Test
    void ec2EndpointFromAwsEndpointUrl() throws Exception {
        System.setProperty("aws.endpointUrl", ec2.uri().toString());
        try (FloatingIpProvider p = new AwsProviderFactory(AwsFixture.options(null, AwsFixture.NO_IMDS))
                .create(AwsFixture.context(settings(SELF, "address", ALLOC)))) {
            assertEquals(Holder.nobody(), p.holder());
        }
        assertEquals(2, ec2.calls("DescribeAddresses"));
    }

    @Test
    void attemptTimeoutIsConfigurable() throws Exception {
        AwsClientOptions fast = AwsFixture.options(ec2, AwsFixture.NO_IMDS).withAttemptTimeout(Duration.ofMillis(300));
        try (FloatingIpProvider p = new AwsProviderFactory(fast).create(AwsFixture.context(settings(SELF, "address", ALLOC)))) {
            ec2.failNext(1, Ec2TestEndpoint.Fault.slow(1500));
            long t0 = System.nanoTime();
            ProviderException e = assertThrows(ProviderException.class, p::holder);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.retryable());
            assertEquals("aws: ec2:DescribeAddresses timed out after 300 ms: will retry", e.getMessage());
            assertTrue(ms < 1200, "gave up after " + ms + " ms");
        }
    }

    /** attempt_timeout reaches the SDK: a call slower than the client's own default but inside it is answered. */
    @Test
    void theOrchestratorsAttemptTimeoutIsTheSdkCallTimeout() throws Exception {
        AwsClientOptions fast = AwsFixture.options(ec2, AwsFixture.NO_IMDS).withAttemptTimeout(Duration.ofMillis(300));
        ProviderContext base = AwsFixture.context(settings(SELF, "address", ALLOC));
        ProviderContext ctx = new ProviderContext(base.instanceName(), base.interfaceName(), base.virtualAddresses(),
                base.localAddress(), base.peers(), base.settings(), Duration.ofMillis(1500));
        try (FloatingIpProvider p = new AwsProviderFactory(fast).create(ctx)) {
            ec2.failNext(1, Ec2TestEndpoint.Fault.slow(700));
            assertEquals(Holder.nobody(), p.holder(), "a 700 ms answer inside the 1.5 s attempt_timeout");
            ec2.failNext(1, Ec2TestEndpoint.Fault.slow(2500));
            ProviderException e = assertThrows(ProviderException.class, p::holder);
            assertEquals("aws: ec2:DescribeAddresses timed out after 1500 ms: will retry", e.getMessage());
        }
    }
}
