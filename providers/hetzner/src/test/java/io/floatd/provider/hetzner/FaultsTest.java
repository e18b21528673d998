package io.floatd.provider.hetzner;

import static io.floatd.provider.hetzner.HetznerFixture.FIP;
import static io.floatd.provider.hetzner.HetznerFixture.OTHER;
import static io.floatd.provider.hetzner.HetznerFixture.PEER;
import static io.floatd.provider.hetzner.HetznerFixture.SELF;
import static io.floatd.provider.hetzner.HetznerFixture.TOKEN;

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
 * Hetzner Cloud, through the real provider and its HTTP client to {@link HetznerTestEndpoint}: throttling is 429
 * {@code rate_limit_exceeded} with {@code RateLimit-Reset}; a takeover is read, assign, poll the action until
 * {@code success}; with the floating IP routed here already not one action is POSTed. Also the mixed faults for a
 * floating IPv6.
 */
class FaultsTest extends ProviderConformance {
    static final Duration ATTEMPT = Duration.ofMillis(1000);
    static final long ACTION_MS = 100;

    @Override
    protected String cloud() {
        return "hetzner";
    }

    @Override
    protected Duration attempt() {
        return ATTEMPT;
    }

    @Override
    protected long seed() {
        return 11_000;
    }

    /** {@code attempt_timeout 10}, as the README configures Hetzner (an assign and its polls are one attempt). */
    @Override
    protected TakeoverPolicy.Builder policy() {
        return super.policy().attemptTimeout(Duration.ofSeconds(10));
    }

    @Override
    protected Rig rig() throws Exception {
        return new HetznerRig(FIP, HetznerFixture.IP, lateMillis());
    }

    static final class HetznerRig implements Rig {
        final HetznerTestEndpoint api;
        final FloatingIpProvider provider;
        final long fip;
        private final long lateMillis;

        HetznerRig(long fip, String address, long lateMillis) throws Exception {
            this.fip = fip;
            this.lateMillis = lateMillis;
            api = HetznerFixture.populate(new HetznerTestEndpoint(TOKEN));
            api.actionMillis(ACTION_MS);
            Map<String, String> env = Map.of(HetznerProviderFactory.TOKEN_ENV, TOKEN);
            HetznerClientOptions options = HetznerClientOptions.defaults().withEnv(env::get).withAttemptTimeout(ATTEMPT)
                    .withPollInterval(Duration.ofMillis(100));
            provider = HetznerFixture.create(options, HetznerFixture.settings(api, "address", address));
        }

        @Override
        public FloatingIpProvider provider() {
            return provider;
        }

        @Override
        public void faultMix(FaultMix mix) {
            api.faultMix(mix);
        }

        @Override
        public void settle() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lateMillis + ACTION_MS + 2000);
            while ((api.inFlight() > 0 || api.locked(fip)) && System.nanoTime() - end < 0) {
                Thread.sleep(5);
            }
        }

        @Override
        public void giveToPeer() {
            api.assign(fip, PEER);
        }

        @Override
        public void giveToSelf() {
            api.assign(fip, SELF);
        }

        @Override
        public void giveToOther() {
            api.assign(fip, OTHER);
        }

        @Override
        public boolean heldBySelf() {
            return Long.valueOf(SELF).equals(api.holder(fip));
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

    /** The mixed faults (throttling, 5xx and time-outs together) for a floating IPv6, named by an address of its /64. */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void halfOfAllCallsFailingEveryFloatingIpv6TakeoverCompletesInsideTheDeadlineAndAHeldOneGetsNoWrite()
            throws Exception {
        TakeoverPolicy p = policy().build();
        List<FaultSuite.MixRun> runs = FaultSuite.runMixes(() -> new HetznerRig(HetznerFixture.FIP6, "2001:db8:77::1",
                lateMillis()), p, List.of("mixed"), FRACTION, lateMillis(), TAKEOVERS, HELD, 2, seed());
        FaultSuite.assertMixes("hetzner IPv6", runs, p);
    }
}
