package io.floatd.provider.aws;

import io.floatd.testing.FaultMix;
import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import java.util.function.Supplier;

/** A {@link FaultMix} as EC2 fails: what {@link Ec2TestEndpoint#faults} gives each request. */
public final class Ec2Faults {
    private Ec2Faults() {
    }

    /**
     * Throttling (503 {@code RequestLimitExceeded}, as EC2 throttles), a 5xx (500 {@code InternalError} or 503
     * {@code Unavailable}), or a time-out (the answer comes {@link FaultMix#timeoutMillis()} late, after the client
     * has given up: the request is still carried out, as a slow EC2 would); while the mix says the endpoint is down,
     * the connection is closed without an answer.
     */
    public static Supplier<Fault> of(FaultMix mix) {
        return () -> {
            if (mix.isDown()) {
                return Fault.drop();
            }
            return switch (mix.next()) {
                case NONE -> null;
                case THROTTLE -> Fault.throttle();
                case SERVER_ERROR -> mix.coin() ? Fault.internalError() : Fault.unavailable();
                case TIMEOUT -> Fault.slow(mix.timeoutMillis());
            };
        };
    }
}
