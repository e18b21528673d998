package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.testkit.ProviderFixtures;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Names shared by the tests: three instances in one VPC, one Elastic IP, static fake credentials. */
final class AwsFixture {
    static final String ACCESS_KEY = "AKIAFLOATDTESTKEY000";
    /** Recognisable, so that a test can prove it never shows up in a message. */
    static final String SECRET_KEY = "FLOATD-FAKE-SECRET/mustNeverAppear+0123456789";
    static final String REGION = "eu-west-1";

    static final String SELF = "i-0aaaaaaaaaaaaaaa1";
    static final String SELF_ENI = "eni-0aaaaaaaaaaaaaaa1";
    static final String SELF_IP = "10.0.1.10";
    static final String SELF_MAC = "02:aa:00:00:00:01";
    static final String PEER = "i-0bbbbbbbbbbbbbbb2";
    static final String PEER_ENI = "eni-0bbbbbbbbbbbbbbb2";
    static final String PEER_IP = "10.0.1.11";
    static final String OTHER = "i-0ccccccccccccccc3";
    static final String OTHER_ENI = "eni-0ccccccccccccccc3";
    static final String OTHER_IP = "10.0.1.99";

    static final String ALLOC = "eipalloc-0123456789abcdef0";
    static final String EIP = "203.0.113.10";
    static final String VIP = "10.0.1.200";

    /** Loopback port 9 (discard): nothing listens, so a stray metadata look-up fails at once and locally. */
    static final URI NO_IMDS = URI.create("http://127.0.0.1:9");

    private AwsFixture() {
    }

    /** The three instances and the unassociated Elastic IP. */
    static Ec2TestEndpoint populate(Ec2TestEndpoint ec2) {
        return ec2.instance(SELF, SELF_ENI, SELF_IP)
                .instance(PEER, PEER_ENI, PEER_IP)
                .instance(OTHER, OTHER_ENI, OTHER_IP)
                .elasticIp(ALLOC, EIP);
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    static AwsClientOptions options(Ec2TestEndpoint ec2, URI imds) {
        return new AwsClientOptions(ec2 == null ? null : ec2.uri(), imds, credentials(),
                AwsClientOptions.DEFAULT_ATTEMPT_TIMEOUT);
    }

    /** The settings every test starts from: region given, instance id given, the rest as {@code kv}. */
    static Map<String, String> settings(String self, String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("provider", "aws");
        m.put("region", REGION);
        if (self != null) {
            m.put("instance_id", self);
        }
        return ProviderFixtures.settings(m, kv);
    }

    /** SELF's context (peer: PEER_IP), or PEER's when {@code asPeer}. */
    static ProviderContext context(Map<String, String> settings, boolean asPeer) {
        return ProviderFixtures.context("eth0", asPeer ? PEER_IP : SELF_IP, List.of(asPeer ? SELF_IP : PEER_IP), settings);
    }

    static ProviderContext context(Map<String, String> settings) {
        return context(settings, false);
    }

    /** SELF's context with these {@code unicast_peer}s. */
    static ProviderContext context(Map<String, String> settings, List<String> peers) {
        return ProviderFixtures.context("eth0", SELF_IP, peers, settings);
    }

    static VirtualAddress vip(String ip) {
        return VirtualAddress.of(ip(ip));
    }

    static InetAddress ip(String s) {
        return ProviderFixtures.ip(s);
    }

    static FloatingIpProvider create(Ec2TestEndpoint ec2, Map<String, String> settings) throws ProviderException {
        return new AwsProviderFactory(options(ec2, NO_IMDS)).create(context(settings));
    }

    /** One line, no stack frame, no secret. */
    static void assertClean(ProviderException e) {
        ProviderFixtures.assertClean(e, "aws: ", SECRET_KEY);
        String m = e.getMessage();
        assertFalse(m.contains("\tat ") || m.matches(".*\\bat [a-z]+\\.[a-z].*\\(.*\\.java:\\d+\\).*"), "stack in: " + m);
    }
}
