package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.testkit.ProviderFixtures;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Three droplets in one VPC, one reserved IP, a recognisable fake token. */
final class DoFixture {
    /** Recognisable, so that a test can prove it never shows up in a message. */
    static final String TOKEN = "dop_v1_FLOATDFAKETOKENmustNeverAppear0123456789abcdef0123456789abcdef";
    static final String WRONG_TOKEN = "dop_v1_FLOATDWRONGTOKENmustNeverAppearEither9876543210fedcba";

    static final long SELF = 3164444L;
    static final String SELF_PUBLIC = "192.0.2.10";
    static final String SELF_PRIVATE = "10.110.0.2";
    static final long PEER = 3164445L;
    static final String PEER_PUBLIC = "192.0.2.11";
    static final String PEER_PRIVATE = "10.110.0.3";
    static final long OTHER = 3164999L;
    static final String RIP = "203.0.113.50";
    /** A reserved IPv6 (issue 16), in RFC 5952 form as the API writes it. */
    static final String RIP6 = "2001:db8:f0:1017::50";

    private DoFixture() {
    }

    static DoTestEndpoint populate(DoTestEndpoint api) {
        return api.droplet(SELF, "lb-1", SELF_PUBLIC, SELF_PRIVATE)
                .droplet(PEER, "lb-2", PEER_PUBLIC, PEER_PRIVATE)
                .droplet(OTHER, "web-9", "192.0.2.99", "10.110.0.99")
                .reservedIp(RIP)
                .reservedIp(RIP6);
    }

    /** The test environment: the token, and nothing else (no real API or metadata URL). */
    static DoClientOptions options(String token) {
        Map<String, String> env = token == null ? Map.of() : Map.of(DigitalOceanProviderFactory.TOKEN_ENV, token);
        return DoClientOptions.defaults().withEnv(env::get).withPollInterval(Duration.ofMillis(10))
                .withActionTimeout(Duration.ofSeconds(5)).withAttemptTimeout(Duration.ofSeconds(2));
    }

    static DoClientOptions options() {
        return options(TOKEN);
    }

    /** Settings against {@code api}, with {@code droplet_id} SELF unless kv says otherwise (null removes a key). */
    static Map<String, String> settings(DoTestEndpoint api, String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("provider", "digitalocean");
        m.put("address", RIP);
        m.put("droplet_id", String.valueOf(SELF));
        m.put("api_url", api.uri().toString());
        m.put("metadata_url", "http://127.0.0.1:9");
        return ProviderFixtures.settings(m, kv);
    }

    /** SELF's context (its peer: PEER's private IP), or PEER's. */
    static ProviderContext context(Map<String, String> settings, boolean asPeer) {
        return ProviderFixtures.context("eth1", asPeer ? PEER_PRIVATE : SELF_PRIVATE,
                List.of(asPeer ? SELF_PRIVATE : PEER_PRIVATE), settings);
    }

    /** SELF's context with these {@code unicast_peer}s. */
    static ProviderContext context(Map<String, String> settings, List<String> peers) {
        return ProviderFixtures.context("eth1", SELF_PRIVATE, peers, settings);
    }

    static FloatingIpProvider create(DoClientOptions options, Map<String, String> settings) throws ProviderException {
        return new DigitalOceanProviderFactory(options).create(context(settings, false));
    }

    static FloatingIpProvider create(DoTestEndpoint api, String... kv) throws ProviderException {
        return create(options(), settings(api, kv));
    }

    static InetAddress ip(String s) {
        return ProviderFixtures.ip(s);
    }

    /** One line, starting with the provider's name, without a token, a stack frame or a line break. */
    static void assertClean(ProviderException e) {
        ProviderFixtures.assertClean(e, "digitalocean: ", TOKEN, WRONG_TOKEN, "dop_v1_");
    }
}
