package io.floatd.provider.digitalocean;

import static io.floatd.provider.digitalocean.DoFixture.PEER;
import static io.floatd.provider.digitalocean.DoFixture.RIP;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;

import io.floatd.testing.FaultMix;
import io.floatd.testing.FaultSuite;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Issues 4 and 8 against DigitalOcean, through the real orchestrator, the real provider and its HTTP client to
 * {@link DoTestEndpoint}: with throttling (429 with {@code Retry-After}), 5xx or time-outs on half of all calls,
 * every takeover (read, assign, poll the action until {@code completed}) completes inside its deadline, and with the
 * IP assigned already, not one action is POSTed. The API down for 30 s: the takeover completes soon after it
 * returns, the circuit breaker keeps the calls few meanwhile and logs each of its changes. The two tests run side by
 * side (they mostly wait). {@code bench/faults.sh} runs this class for its figures ({@code -Dfloatd.faults.out=FILE}).
 */
@Execution(ExecutionMode.CONCURRENT)
class FaultsTest {
    static final int TAKEOVERS = Integer.getInteger("floatd.faults.takeovers", 20);
    static final int HELD = Integer.getInteger("floatd.faults.held", 10);
    static final double FRACTION = 0.5;
    /** {@code bench/faults.sh} adds {@code none}, for the figures without faults. */
    static final List<String> MIXES = List.of(System.getProperty("floatd.faults.mixes", "throttle,5xx,timeout,mixed")
            .split(","));
    /** The client's limit for one request; production's is 3 s ({@link DoClientOptions#DEFAULT_ATTEMPT_TIMEOUT}). */
    static final Duration ATTEMPT = Duration.ofMillis(Long.getLong("floatd.faults.do.attempt.ms", 1000));
    /** A time-out answers this late: after the client gave up. */
    static final long LATE_MS = ATTEMPT.toMillis() + 300;
    /** How long an assign runs at the endpoint before it is {@code completed}. */
    static final long ACTION_MS = 100;

    /**
     * The daemon's defaults (backoff 0.1-2 s, deadline 30 s, breaker) with {@code attempt_timeout 10}, as the README
     * configures DigitalOcean (an assign and its polls, and a 429's wait, are one attempt), without the warm reads.
     */
    static TakeoverPolicy.Builder policy() {
        return TakeoverPolicy.custom().warmInterval(Duration.ZERO).attemptTimeout(Duration.ofSeconds(10));
    }

    static final class Rig implements FaultSuite.Rig {
        final DoTestEndpoint api;
        final FloatingIpProvider provider;
        /** The reserved IP that moves: {@link DoFixture#RIP}, or the reserved IPv6 {@link DoFixture#RIP6}. */
        final String ip;

        Rig() throws Exception {
            this(RIP);
        }

        Rig(String ip) throws Exception {
            this.ip = ip;
            api = DoFixture.populate(new DoTestEndpoint(TOKEN));
            api.actionMillis(ACTION_MS);
            Map<String, String> env = Map.of(ApiToken.ENV, TOKEN);
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
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LATE_MS + ACTION_MS + 2000);
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
        public boolean heldBySelf() {
            return Long.valueOf(SELF).equals(api.holder(ip));
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

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void halfOfAllCallsFailingEveryTakeoverCompletesInsideTheDeadlineAndAHeldIpGetsNoWrite() throws Exception {
        TakeoverPolicy p = policy().build();
        List<FaultSuite.MixRun> runs = FaultSuite.runMixes(Rig::new, p, MIXES,
                FRACTION, LATE_MS, TAKEOVERS, HELD, 2, 9_000);
        FaultSuite.assertMixes("digitalocean", runs, p);
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
        List<FaultSuite.MixRun> runs = FaultSuite.runMixes(() -> new Rig(DoFixture.RIP6), p, List.of("mixed"),
                FRACTION, LATE_MS, TAKEOVERS, HELD, 2, 9_000);
        FaultSuite.assertMixes("digitalocean IPv6", runs, p);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anOutageOf30SecondsEndsInATakeoverSoonAfterTheEndpointReturns() throws Exception {
        Duration outage = Duration.ofSeconds(30);
        FaultSuite.outage("digitalocean", Rig::new, policy().deadline(outage.plusSeconds(15)).build(), outage,
                Duration.ofSeconds(3));
    }
}
