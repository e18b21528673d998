package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import static io.floatd.provider.digitalocean.DoFixture.OTHER;
import static io.floatd.provider.digitalocean.DoFixture.PEER;
import static io.floatd.provider.digitalocean.DoFixture.RIP;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;

import io.floatd.testing.FaultMix;
import io.floatd.testing.FaultSuite;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.testkit.ProviderConformance;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The provider conformance kit ({@link ProviderConformance}: faults, idempotency, holder classification) against
 * DigitalOcean, through the real provider and its HTTP client to {@link DoTestEndpoint}: throttling is 429 with
 * {@code Retry-After}; a takeover is read, assign, poll the action until {@code completed}, and with the IP assigned
 * already not one action is POSTed. Also the same faults for a reserved IPv6 (issue 16).
 */
class FaultsTest extends ProviderConformance {
    /** The client's limit for one request; production's is 3 s ({@link DoClientOptions#DEFAULT_ATTEMPT_TIMEOUT}). */
    static final Duration ATTEMPT = Duration.ofMillis(Long.getLong("floatd.faults.do.attempt.ms", 1000));
    /** How long an assign runs at the endpoint before it is {@code completed}. */
    static final long ACTION_MS = 100;

    @Override
    protected String cloud() {
        return "digitalocean";
    }

    @Override
    protected Duration attempt() {
        return ATTEMPT;
    }

    @Override
    protected long seed() {
        return 9_000;
    }

    /**
     * The daemon's defaults with {@code attempt_timeout 10}, as the README configures DigitalOcean (an assign and
     * its polls, and a 429's wait, are one attempt), without the warm reads.
     */
    @Override
    protected TakeoverPolicy.Builder policy() {
        return super.policy().attemptTimeout(Duration.ofSeconds(10));
    }

    @Override
    protected Rig rig() throws Exception {
        return new DoRig(RIP, lateMillis());
    }

    static final class DoRig implements Rig {
        final DoTestEndpoint api;
        final FloatingIpProvider provider;
        /** The reserved IP that moves: {@link DoFixture#RIP}, or the reserved IPv6 {@link DoFixture#RIP6}. */
        final String ip;
        private final long lateMillis;

        DoRig(String ip, long lateMillis) throws Exception {
            this.ip = ip;
            this.lateMillis = lateMillis;
            api = DoFixture.populate(new DoTestEndpoint(TOKEN));
            api.actionMillis(ACTION_MS);
            Map<String, String> env = Map.of(DigitalOceanProviderFactory.TOKEN_ENV, TOKEN);
            DoClientOptions options = DoClientOptions.defaults().withEnv(env::get).withAttemptTimeout(ATTEMPT)
                    .withPollInterval(Duration.ofMillis(100));
            provider = DoFixture.create(options, DoFixture.settings(api, "address", ip));
        }

        @Override
        public FloatingIpProvider provider() {
            return provider;
        }

        @Override
        public void faultMix(FaultMix mix) {
            api.faultMix(mix);
        }

        /** No request in hand and no action running (a late assign's action locks the IP for a while). */
        @Override
        public void settle() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lateMillis + ACTION_MS + 2000);
            while ((api.inFlight() > 0 || api.locked(ip)) && System.nanoTime() - end < 0) {
                Thread.sleep(5);
            }
        }

        @Override
        public void giveToPeer() {
            api.assign(ip, PEER);
        }

        @Override
        public void giveToSelf() {
            api.assign(ip, SELF);
        }

        @Override
        public void giveToOther() {
            api.assign(ip, OTHER);
        }

        @Override
        public boolean heldBySelf() {
            return Long.valueOf(SELF).equals(api.holder(ip));
        }

        @Override
        public String selfId() {
            return String.valueOf(SELF);
        }

        @Override
        public String peerId() {
            return String.valueOf(PEER);
        }

        @Override
        public String otherId() {
            return String.valueOf(OTHER);
        }

        @Override
        public int requests() {
            return api.requests().size();
        }

        @Override
        public int writes() {
            return api.writes();
        }

        @Override
        public void close() {
            provider.close();
            api.close();
        }
    }

    /**
     * Issue 16: the same for a reserved IPv6, whose assign goes to {@code /v2/reserved_ipv6/{ip}/actions} and whose
     * action is followed at {@code /v2/actions/{id}}: the mixed faults (throttling, 5xx and time-outs together).
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void halfOfAllCallsFailingEveryReservedIpv6TakeoverCompletesInsideTheDeadlineAndAHeldOneGetsNoWrite()
            throws Exception {
        TakeoverPolicy p = policy().build();
        List<FaultSuite.MixRun> runs = FaultSuite.runMixes(() -> new DoRig(DoFixture.RIP6, lateMillis()), p,
                List.of("mixed"), FRACTION, lateMillis(), TAKEOVERS, HELD, 2, seed());
        FaultSuite.assertMixes("digitalocean IPv6", runs, p);
    }
}
