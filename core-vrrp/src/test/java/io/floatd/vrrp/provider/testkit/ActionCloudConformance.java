package io.floatd.vrrp.provider.testkit;

import io.floatd.testing.FaultSuite;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ProviderConformance} for a cloud whose assign is an asynchronous action polled until it ends (DigitalOcean,
 * Hetzner): the policy has {@code attempt_timeout 10}, as their READMEs configure it (an assign and its polls, and a
 * 429's wait, are one attempt), and the mixed faults run for a floating IPv6 as well.
 */
public abstract class ActionCloudConformance extends ProviderConformance {
    /** How long an assign runs at the endpoint before it ends. */
    protected static final long ACTION_MS = 100;

    protected ActionCloudConformance(String cloud, Duration attempt, long seed) {
        super(cloud, attempt, seed);
    }

    /** A new rig on the floating IPv4, or on the floating IPv6 when {@code ipv6}, held by nobody. */
    protected abstract Rig rig(boolean ipv6) throws Exception;

    @Override
    protected final Rig rig() throws Exception {
        return rig(false);
    }

    /** The daemon's defaults with {@code attempt_timeout 10}, without the warm reads. */
    @Override
    protected TakeoverPolicy.Builder policy() {
        return super.policy().attemptTimeout(Duration.ofSeconds(10));
    }

    /** How long a rig's settle waits at most: a time-out's late answer, then the action it started. */
    protected long settleMillis() {
        return lateMillis() + ACTION_MS + 2000;
    }

    /** The mixed faults (throttling, 5xx and time-outs together) for a floating IPv6 (issue 16 for DigitalOcean). */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void halfOfAllCallsFailingEveryIpv6TakeoverCompletesInsideTheDeadlineAndAHeldOneGetsNoWrite() throws Exception {
        TakeoverPolicy p = policy().build();
        List<FaultSuite.MixRun> runs = FaultSuite.runMixes(() -> rig(true), p, List.of("mixed"), FRACTION, lateMillis(),
                TAKEOVERS, HELD, 2, seed());
        FaultSuite.assertMixes(cloud() + " IPv6", runs, p);
    }
}
