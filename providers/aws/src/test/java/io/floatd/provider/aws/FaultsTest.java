package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.ALLOC;
import static io.floatd.provider.aws.AwsFixture.OTHER;
import static io.floatd.provider.aws.AwsFixture.OTHER_ENI;
import static io.floatd.provider.aws.AwsFixture.PEER;
import static io.floatd.provider.aws.AwsFixture.PEER_ENI;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.SELF_ENI;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testing.FaultMix;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.testkit.ProviderConformance;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The provider conformance kit ({@link ProviderConformance}: faults, idempotency, holder classification) against
 * EC2, through the real provider and the SDK over HTTP to {@link Ec2TestEndpoint}: throttling is 503
 * {@code RequestLimitExceeded}.
 */
class FaultsTest extends ProviderConformance {
    /** The SDK's limit for one call; production's is 2 s ({@link AwsClientOptions#DEFAULT_ATTEMPT_TIMEOUT}). */
    static final Duration ATTEMPT = Duration.ofMillis(Long.getLong("floatd.faults.aws.attempt.ms", 1000));

    FaultsTest() {
        super("aws", ATTEMPT, 8_000);
    }

    @Override
    protected Rig rig() throws Exception {
        return new Ec2Rig(lateMillis());
    }

    static final class Ec2Rig implements Rig {
        final Ec2TestEndpoint ec2;
        final FloatingIpProvider provider;
        private final long lateMillis;

        Ec2Rig(long lateMillis) throws Exception {
            this.lateMillis = lateMillis;
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
            ec2.faults(Ec2Faults.of(mix));
        }

        @Override
        public void settle() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lateMillis + 2000);
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
        public void giveToOther() {
            ec2.associate(ALLOC, OTHER_ENI, null);
        }

        @Override
        public boolean heldBySelf() {
            Ec2TestEndpoint.Association a = ec2.address(ALLOC);
            return a != null && SELF.equals(a.instanceId());
        }

        @Override
        public String selfId() {
            return SELF;
        }

        @Override
        public String peerId() {
            return PEER;
        }

        @Override
        public String otherId() {
            return OTHER;
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
}
