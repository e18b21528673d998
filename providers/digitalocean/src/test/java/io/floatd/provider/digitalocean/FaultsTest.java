package io.floatd.provider.digitalocean;

import static io.floatd.provider.digitalocean.DoFixture.OTHER;
import static io.floatd.provider.digitalocean.DoFixture.PEER;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;

import io.floatd.vrrp.provider.testkit.ActionCloudConformance;
import io.floatd.vrrp.provider.testkit.EndpointRig;
import io.floatd.vrrp.provider.testkit.ProviderConformance;
import java.time.Duration;
import java.util.Map;

/**
 * The provider conformance kit ({@link ProviderConformance}: faults, idempotency, holder classification; with
 * {@link ActionCloudConformance}, the same faults for a reserved IPv6, issue 16) against DigitalOcean, through the
 * real provider and its HTTP client to {@link DoTestEndpoint}: throttling is 429 with {@code Retry-After}; a takeover
 * is read, assign, poll the action until {@code completed}, and with the IP assigned already not one action is
 * POSTed. A reserved IPv6's assign goes to {@code /v2/reserved_ipv6/{ip}/actions} and its action is followed at
 * {@code /v2/actions/{id}}.
 */
class FaultsTest extends ActionCloudConformance {
    /** The client's limit for one request; production's is 3 s ({@link DoClientOptions#DEFAULT_ATTEMPT_TIMEOUT}). */
    static final Duration ATTEMPT = Duration.ofMillis(Long.getLong("floatd.faults.do.attempt.ms", 1000));

    FaultsTest() {
        super("digitalocean", ATTEMPT, 9_000);
    }

    @Override
    protected Rig rig(boolean ipv6) throws Exception {
        String ip = ipv6 ? DoFixture.RIP6 : DoFixture.RIP;
        DoTestEndpoint api = DoFixture.populate(new DoTestEndpoint(TOKEN));
        api.actionMillis(ACTION_MS);
        Map<String, String> env = Map.of(DigitalOceanProviderFactory.TOKEN_ENV, TOKEN);
        DoClientOptions options = DoClientOptions.defaults().withEnv(env::get).withAttemptTimeout(ATTEMPT)
                .withPollInterval(Duration.ofMillis(100));
        return new EndpointRig<>(api, DoFixture.create(options, DoFixture.settings(api, "address", ip)), ip, SELF, PEER,
                OTHER, settleMillis());
    }
}
