package io.floatd.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The kill -9 runs of the AWS benchmarks whose takeover is two writes or more ({@link AwsIpv6TakeoverBench},
 * {@link AwsRouteTableBench}), written once: {@code reps} times node0 (priority 150) starts, takes over from node1
 * (100) and is killed, node1 taking over again; floatd, then keepalived with the user's {@code notify_master} script
 * through Debian's {@code aws} CLI. The bench's {@link Shape} makes the rig, starts floatd, says who holds the address
 * and measures one kill.
 */
final class AwsKills {
    /**
     * What one bench's address shape supplies: its rig, floatd on node {@code i} (no track script, nothing more in
     * the instance or the floating_ip block), who holds the address, and one kill's figures from the endpoint's log
     * ({@code master}: the new Master's entering MASTER).
     */
    record Shape(Function<String, AwsRig> create, Start start, HolderWait awaitHolder, Sample sample) {
    }

    interface Start {
        FloatdProcess start(AwsRig rig, int i, int priority);
    }

    interface HolderWait {
        void awaitHolder(AwsRig rig, int i, Duration timeout);
    }

    interface Sample {
        double[] sample(AwsRig rig, long killedAt, long master);
    }

    private AwsKills() {
    }

    /** floatd: node1 warm first, then per rep node0 started, Master, killed. */
    static List<double[]> floatd(Shape shape, String prefix, int reps) {
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = shape.create().apply(prefix)) {
            shape.start().start(rig, 1, 100).awaitLog(AwsTakeoverBench.WARMED, AwsTakeoverBench.WARM_UP_WAIT);
            for (int r = 0; r < reps; r++) {
                FloatdProcess a = shape.start().start(rig, 0, 150);
                a.awaitState("MASTER", AwsTakeoverBench.STEP);
                rig.nodes[1].awaitState("BACKUP", AwsTakeoverBench.STEP);
                shape.awaitHolder().awaitHolder(rig, 0, AwsTakeoverBench.STEP);
                FloatdProcess.sleep(1500);
                long killedAt = FloatdProcess.epochNanos();
                a.kill9();
                shape.awaitHolder().awaitHolder(rig, 1, AwsTakeoverBench.STEP);
                out.add(shape.sample().sample(rig, killedAt, AwsRig.loggedTimes(rig.nodes[1], "Entering MASTER STATE").getLast()));
                a.close();
            }
        }
        return out;
    }

    /**
     * keepalived with {@code notify_master} {@code script(i)} (given the aws command line and a log file), the CLI
     * pointed at the endpoint by {@code --endpoint-url} only; {@code before} readies the rig's cloud first.
     */
    static List<double[]> keepalived(Shape shape, String prefix, Path base, int reps, String aws,
            IntFunction<BiFunction<String, Path, String>> script, Consumer<AwsRig> before)
            throws IOException {
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = shape.create().apply(prefix)) {
            before.accept(rig);
            Map<String, String> env = rig.env();
            env.remove("AWS_ENDPOINT_URL_EC2");
            env.remove("AWS_ENDPOINT_URL");
            String endpoint = rig.ec2.uri().toString();
            try (AwsTakeoverBench.Keepalived b = AwsTakeoverBench.Keepalived.start(rig.host(1), base, 1, 100, env,
                    script.apply(1), endpoint, aws)) {
                shape.awaitHolder().awaitHolder(rig, 1, AwsTakeoverBench.STEP);
                for (int r = 0; r < reps; r++) {
                    try (AwsTakeoverBench.Keepalived a = AwsTakeoverBench.Keepalived.start(rig.host(0), base, 0, 150,
                            env, script.apply(0), endpoint, aws)) {
                        shape.awaitHolder().awaitHolder(rig, 0, AwsTakeoverBench.STEP);
                        FloatdProcess.sleep(1500);
                        long killedAt = a.kill9();
                        shape.awaitHolder().awaitHolder(rig, 1, AwsTakeoverBench.STEP);
                        out.add(shape.sample().sample(rig, killedAt, b.lastMaster()));
                    }
                }
            }
        }
        return out;
    }
}
