package io.floatd.it;

import java.io.IOException;
import java.nio.file.Files;
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
 * The runs of the AWS benchmarks whose takeover is two writes or more ({@link AwsIpv6TakeoverBench},
 * {@link AwsRouteTableBench}), written once: the warm hand-overs driven by a track script, and the kill -9 runs,
 * {@code reps} times node0 (priority 150) starts, takes over from node1
 * (100) and is killed, node1 taking over again; floatd, then keepalived with the user's {@code notify_master} script
 * through Debian's {@code aws} CLI. The bench's {@link Shape} makes the rig, starts floatd, says who holds the address
 * and measures one kill; it reads its warm hand-overs' figures itself.
 */
final class AwsKills {
    /**
     * What one bench's address shape supplies: its rig, floatd on node {@code i}, who holds the address, and one
     * kill's figures from the endpoint's log ({@code master}: the new Master's entering MASTER).
     */
    record Shape(Function<String, AwsRig> create, Start start, HolderWait awaitHolder, Sample sample) {
    }

    /** The rig's {@code start(rig, i, priority, top, instanceLines, extraFloating)}. */
    interface Start {
        FloatdProcess start(AwsRig rig, int i, int priority, String top, String instanceLines, String extraFloating);
    }

    /** The figures of the warm hand-overs from the endpoint's log since {@code from}; a and b are node0 and node1. */
    interface Measure {
        List<double[]> measure(AwsRig rig, long from, FloatdProcess a, FloatdProcess b);
    }

    interface HolderWait {
        void awaitHolder(AwsRig rig, int i, Duration timeout);
    }

    interface Sample {
        double[] sample(AwsRig rig, long killedAt, long master);
    }

    private AwsKills() {
    }

    /**
     * floatd, warm, {@code failovers} hand-overs driven by a track script (node0's app check, its flag file
     * {@code app<name>-down} in {@code dir}, made and removed in turn), both daemons' one-off JIT warm-up done first.
     */
    static List<double[]> warm(Shape shape, String prefix, Path dir, String name, int failovers, Measure measure)
            throws IOException {
        Path flag = dir.resolve("app" + name + "-down");
        String top = BenchReport.appCheck(dir, "app" + name + "-down", "chk" + name + ".sh");
        try (AwsRig rig = shape.create().apply(prefix)) {
            FloatdProcess a = shape.start().start(rig, 0, 150, top, BenchReport.TRACK, "");
            a.awaitState("MASTER", AwsTakeoverBench.STEP);
            shape.awaitHolder().awaitHolder(rig, 0, AwsTakeoverBench.STEP);
            FloatdProcess b = shape.start().start(rig, 1, 100, "", "", "");
            b.awaitState("BACKUP", AwsTakeoverBench.STEP);
            a.awaitLog(AwsTakeoverBench.WARMED, AwsTakeoverBench.WARM_UP_WAIT);
            b.awaitLog(AwsTakeoverBench.WARMED, AwsTakeoverBench.WARM_UP_WAIT);
            FloatdProcess.sleep(1000);
            long from = FloatdProcess.epochNanos();
            for (int k = 0; k < failovers; k++) {
                boolean toPeer = k % 2 == 0;
                if (toPeer) {
                    Files.createFile(flag);
                } else {
                    Files.delete(flag);
                }
                shape.awaitHolder().awaitHolder(rig, toPeer ? 1 : 0, AwsTakeoverBench.STEP);
                FloatdProcess.sleep(700);
            }
            return measure.measure(rig, from, a, b);
        }
    }

    /** floatd: node1 warm first, then per rep node0 started, Master, killed. */
    static List<double[]> floatd(Shape shape, String prefix, int reps) {
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = shape.create().apply(prefix)) {
            shape.start().start(rig, 1, 100, "", "", "").awaitLog(AwsTakeoverBench.WARMED,
                    AwsTakeoverBench.WARM_UP_WAIT);
            for (int r = 0; r < reps; r++) {
                FloatdProcess a = shape.start().start(rig, 0, 150, "", "", "");
                a.awaitState("MASTER", AwsTakeoverBench.STEP);
                rig.nodes[1].awaitState("BACKUP", AwsTakeoverBench.STEP);
                shape.awaitHolder().awaitHolder(rig, 0, AwsTakeoverBench.STEP);
                FloatdProcess.sleep(1500);
                long killedAt = FloatdProcess.epochNanos();
                a.kill9();
                shape.awaitHolder().awaitHolder(rig, 1, AwsTakeoverBench.STEP);
                long master = AwsRig.loggedTimes(rig.nodes[1], "Entering MASTER STATE").getLast();
                out.add(shape.sample().sample(rig, killedAt, master));
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
