package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.ALLOC;
import static io.floatd.provider.aws.AwsFixture.PEER_ENI;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.SELF_ENI;

import io.floatd.testing.FaultMix;
import io.floatd.testing.FaultSuite;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Issues 4 and 8 against EC2, through the real orchestrator, the real provider and the SDK over HTTP to
 * {@link Ec2TestEndpoint}: with throttling (503 {@code RequestLimitExceeded}), 5xx or time-outs on half of all
 * calls, every takeover completes inside its deadline, and with the IP held already, not one write reaches EC2. EC2
 * down for 30 s: the takeover completes soon after it returns, the circuit breaker keeps the calls few meanwhile and
 * logs each of its changes. The two tests run side by side (they mostly wait). {@code bench/faults.sh} runs this
 * class for its figures ({@code -Dfloatd.faults.out=FILE}).
 */
@Execution(ExecutionMode.CONCURRENT)
class FaultsTest {
    static final int TAKEOVERS = Integer.getInteger("floatd.faults.takeovers", 20);
    static final int HELD = Integer.getInteger("floatd.faults.held", 10);
    static final double FRACTION = 0.5;
    /** {@code bench/faults.sh} adds {@code none}, for the figures without faults. */
    static final List<String> MIXES = List.of(System.getProperty("floatd.faults.mixes", "throttle,5xx,timeout,mixed")
            .split(","));
    /** The SDK's limit for one call; production's is 2 s ({@link AwsClientOptions#DEFAULT_ATTEMPT_TIMEOUT}). */
    static final Duration ATTEMPT = Duration.ofMillis(Long.getLong("floatd.faults.aws.attempt.ms", 1000));
    /** A time-out answers this late: after the SDK gave up. */
    static final long LATE_MS = ATTEMPT.toMillis() + 300;

    /** The daemon's defaults (attempt 3 s, backoff 0.1-2 s, deadline 30 s, breaker), without the warm reads. */
    static TakeoverPolicy.Builder policy() {
        return TakeoverPolicy.custom().warmInterval(Duration.ZERO);
    }

    static final class Rig implements FaultSuite.Rig {
        final Ec2TestEndpoint ec2;
        final FloatingIpProvider provider;

        Rig() throws Exception {
            ec2 = AwsFixture.populate(new Ec2TestEndpoint());
            provider = new AwsProviderFactory(AwsFixture.options(ec2, AwsFixture.NO_IMDS).withAttemptTimeout(ATTEMPT))
                    .create(AwsFixture.context(AwsFixture.settings(SELF, "address", ALLOC)));
        }

        @Override
        public FloatingIpProvider provider() {
            return provider;
        }

        @Override
        public void faultMix(FaultMix mix) {
            ec2.faultMix(mix);
        }

        @Override
        public void settle() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LATE_MS + 2000);
            while (ec2.inFlight() > 0 && System.nanoTime() - end < 0) {
                Thread.sleep(5);
            }
        }

        @Override
        public void giveToPeer() {
            ec2.associate(ALLOC, PEER_ENI, null);
        }

        @Override
        public void giveToSelf() {
            ec2.associate(ALLOC, SELF_ENI, null);
        }

        @Override
        public boolean heldBySelf() {
            Ec2TestEndpoint.Association a = ec2.address(ALLOC);
            return a != null && SELF.equals(a.instanceId());
        }

        @Override
        public int requests() {
            return ec2.requests().size();
        }

        @Override
        public int writes() {
            return ec2.writes();
        }

        @Override
        public void close() {
            provider.close();
            ec2.close();
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void halfOfAllCallsFailingEveryTakeoverCompletesInsideTheDeadlineAndAHeldIpGetsNoWrite() throws Exception {
        TakeoverPolicy p = policy().build();
        List<FaultSuite.MixRun> runs = FaultSuite.runMixes(Rig::new, p, MIXES,
                FRACTION, LATE_MS, TAKEOVERS, HELD, 2, 8_000);
        FaultSuite.assertMixes("aws", runs, p);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anOutageOf30SecondsEndsInATakeoverSoonAfterTheEndpointReturns() throws Exception {
        Duration outage = Duration.ofSeconds(30);
        FaultSuite.outage("aws", Rig::new, policy().deadline(outage.plusSeconds(15)).build(), outage,
                Duration.ofSeconds(3));
    }
}
