package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.testkit.ProviderFixtures;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Three servers in one private network, a floating IPv4 and a floating IPv6, a recognisable fake token. */
final class HetznerFixture {
    /** Recognisable, so that a test can prove it never shows up in a message. */
    static final String TOKEN = "FLOATDFAKEHCLOUDTOKENmustNeverAppear0123456789abcdefABCDEF0123456789ab";
    static final long SELF = 4711L;
    static final String SELF_PUBLIC = "192.0.2.10";
    static final String SELF_PRIVATE = "10.0.0.2";
    static final long PEER = 4712L;
    static final String PEER_PUBLIC = "192.0.2.11";
    static final String PEER_PRIVATE = "10.0.0.3";
    static final long OTHER = 4799L;
    static final long FIP = 1001L;
    static final String IP = "203.0.113.77";
    static final long FIP6 = 1002L;
    static final String NET6 = "2001:db8:77::/64";

    private HetznerFixture() {
    }

    static HetznerTestEndpoint populate(HetznerTestEndpoint api) {
        return api.server(SELF, "lb-1", SELF_PUBLIC, SELF_PRIVATE)
                .server(PEER, "lb-2", PEER_PUBLIC, PEER_PRIVATE)
                .server(OTHER, "web-9", "192.0.2.99", "10.0.0.99")
                .floatingIp(FIP, IP)
                .floatingIp(FIP6, NET6);
    }

    static HetznerClientOptions options(String token) {
        Map<String, String> env = token == null ? Map.of() : Map.of(HetznerProviderFactory.TOKEN_ENV, token);
        return HetznerClientOptions.defaults().withEnv(env::get).withPollInterval(Duration.ofMillis(10))
                .withActionTimeout(Duration.ofSeconds(5)).withAttemptTimeout(Duration.ofSeconds(2));
    }

    /** Settings against {@code api}: this server, no interface address (kv overrides; a null value removes a key). */
    static Map<String, String> settings(HetznerTestEndpoint api, String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("provider", "hetzner");
        m.put("address", IP);
        m.put("server_id", String.valueOf(SELF));
        m.put("api_url", api.uri().toString());
        m.put("metadata_url", "http://127.0.0.1:9");
        m.put("interface", "none");
        return ProviderFixtures.settings(m, kv);
    }

    static ProviderContext context(Map<String, String> settings) {
        return ProviderFixtures.context("eth1", SELF_PRIVATE, List.of(PEER_PRIVATE), settings);
    }

    static FloatingIpProvider create(HetznerClientOptions options, Map<String, String> settings)
            throws ProviderException {
        return new HetznerProviderFactory(options).create(context(settings));
    }

    static FloatingIpProvider create(HetznerTestEndpoint api, String... kv) throws ProviderException {
        return create(options(TOKEN), settings(api, kv));
    }

    /** One line, starting with the provider's name, without the token. */
    static void assertClean(ProviderException e) {
        ProviderFixtures.assertClean(e, "hetzner: ", TOKEN);
    }
}
