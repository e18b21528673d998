package io.floatd.provider.aws;

import static io.floatd.provider.aws.AwsFixture.ALLOC;
import static io.floatd.provider.aws.AwsFixture.PEER_ENI;
import static io.floatd.provider.aws.AwsFixture.SELF;
import static io.floatd.provider.aws.AwsFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cost of a takeover on the warm client against the loopback endpoint: what floatd adds on top of EC2's own
 * latency. Prints the numbers; the bound only catches a cold client or an SDK retry sneaking in.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TakeoverLatencyTest {
    private static final int ROUNDS = 21;

    @Test
    void acquireFromThePeerOnAWarmClient() throws Exception {
        try (Ec2TestEndpoint ec2 = AwsFixture.populate(new Ec2TestEndpoint());
             FloatingIpProvider p = AwsFixture.create(ec2, settings(SELF, "address", ALLOC))) {
            ec2.associate(ALLOC, PEER_ENI, null);
            ec2.resetLog();
            p.acquire();
            System.out.println("aws takeover from the peer, as the endpoint saw it: " + ec2.requests());
            measure(ec2, p, "first rounds after start (JIT cold, as at a real first takeover)");
            for (int i = 0; i < 200; i++) {
                ec2.associate(ALLOC, PEER_ENI, null);
                p.acquire();
            }
            measure(ec2, p, "after 200 more rounds (JIT warm)");
        }
    }

    private static void measure(Ec2TestEndpoint ec2, FloatingIpProvider p, String when) throws Exception {
        {
            long[] micros = new long[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                ec2.associate(ALLOC, PEER_ENI, null); // the peer holds it, as at a real takeover
                ec2.resetLog();
                long t0 = System.nanoTime();
                p.acquire(p.holder()); // as the orchestrator does: its holder read, then the write alone
                micros[i] = (System.nanoTime() - t0) / 1_000;
                assertEquals(List.of("DescribeAddresses", "AssociateAddress"), ec2.actions());
                assertEquals(SELF, ec2.address(ALLOC).instanceId());
            }
            assertEquals(Holder.self(SELF), p.holder());
            long[] sorted = micros.clone();
            Arrays.sort(sorted);
            long median = sorted[ROUNDS / 2];
            long p90 = sorted[(int) Math.ceil(ROUNDS * 0.9) - 1];
            System.out.printf("aws acquire (DescribeAddresses + AssociateAddress), %s, %d rounds: "
                    + "median %.2f ms, p90 %.2f ms, max %.2f ms, first %.2f ms%n", when, ROUNDS, median / 1000.0,
                    p90 / 1000.0, sorted[ROUNDS - 1] / 1000.0, micros[0] / 1000.0);
        }
    }
}
