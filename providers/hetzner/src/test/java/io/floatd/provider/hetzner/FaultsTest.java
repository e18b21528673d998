package io.floatd.provider.hetzner;

import static io.floatd.provider.hetzner.HetznerFixture.OTHER;
import static io.floatd.provider.hetzner.HetznerFixture.PEER;
import static io.floatd.provider.hetzner.HetznerFixture.SELF;
import static io.floatd.provider.hetzner.HetznerFixture.TOKEN;

import io.floatd.vrrp.provider.testkit.ActionCloudConformance;
import io.floatd.vrrp.provider.testkit.EndpointRig;
import io.floatd.vrrp.provider.testkit.ProviderConformance;
import java.time.Duration;
import java.util.Map;

/**
 * The provider conformance kit ({@link ProviderConformance}: faults, idempotency, holder classification; with
 * {@link ActionCloudConformance}, the mixed faults for a floating IPv6, named by an address of its /64) against
 * Hetzner Cloud, through the real provider and its HTTP client to {@link HetznerTestEndpoint}: throttling is 429
 * {@code rate_limit_exceeded} with {@code RateLimit-Reset}; a takeover is read, assign, poll the action until
 * {@code success}; with the floating IP routed here already not one action is POSTed.
 */
class FaultsTest extends ActionCloudConformance {
    static final Duration ATTEMPT = Duration.ofMillis(1000);

    FaultsTest() {
        super("hetzner", ATTEMPT, 11_000);
    }

    @Override
    protected Rig rig(boolean ipv6) throws Exception {
        long fip = ipv6 ? HetznerFixture.FIP6 : HetznerFixture.FIP;
        String address = ipv6 ? "2001:db8:77::1" : HetznerFixture.IP;
        HetznerTestEndpoint api = HetznerFixture.populate(new HetznerTestEndpoint(TOKEN));
        api.actionMillis(ACTION_MS);
        Map<String, String> env = Map.of(HetznerProviderFactory.TOKEN_ENV, TOKEN);
        HetznerClientOptions options = HetznerClientOptions.defaults().withEnv(env::get).withAttemptTimeout(ATTEMPT)
                .withPollInterval(Duration.ofMillis(100));
        return new EndpointRig<>(api, HetznerFixture.create(options, HetznerFixture.settings(api, "address", address)),
                fip, SELF, PEER, OTHER, settleMillis());
    }
}
