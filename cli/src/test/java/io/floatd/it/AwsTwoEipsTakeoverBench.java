package io.floatd.it;

import static io.floatd.it.AwsRig.ALLOC;
import static io.floatd.it.AwsRig.INSTANCE;
import static io.floatd.it.AwsTakeoverBench.STEP;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The two-Elastic-IP takeover benchmark ({@code bench/aws-takeover.sh --shape two-eips}, issue 16): entering MASTER
 * to all writes sent (the arrival at {@link Ec2TestEndpoint} of the last AssociateAddress) with one Elastic IP and
 * with two ({@code floating_ip { provider aws }} twice in one {@code vrrp_instance}), beside keepalived with a
 * {@code notify_master} script calling Debian's {@code aws ec2 associate-address} once, and twice for two (one after
 * the other, as users' scripts do, and in parallel with {@code &} and {@code wait}); plus the spread between the two
 * writes of a takeover.
 *
 * <ol>
 *   <li>floatd, warm, {@code failovers} hand-overs driven by a track script (as {@link AwsTakeoverBench}'s (i)): one
 *       Elastic IP, then two, each on its own rig.</li>
 *   <li>kill -9 of the Master, {@code reps} times each: floatd with one Elastic IP and with two, then keepalived with
 *       the script for one, for two in sequence and for two in parallel; from the new Master's MASTER (floatd's log
 *       line; the script's first line) to the last association's arrival.</li>
 * </ol>
 *
 * <p>Arguments: {@code [failovers=20] [reps=5] [aws=/usr/bin/aws]}. Namespaces {@code e2...} only.
 */
public final class AwsTwoEipsTakeoverBench {
    static final String EIP2 = AwsSeveralFloatingIpsTest.EIP2;
    static final String ALLOC2 = AwsSeveralFloatingIpsTest.ALLOC2;
    private static final List<String> ALLOCS = List.of(ALLOC, ALLOC2);

    private AwsTwoEipsTakeoverBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchReport.run(args, "aws2-bench-", (dir, failovers, reps, aws) -> {
            AwsTakeoverBench.warmEndpoint(); // DescribeAddresses + AssociateAddress: the calls of both shapes
            List<Double> one = AwsTakeoverBench.warmTakeovers(dir, failovers, "", "e2s");
            List<double[]> two = warmTwoEipTakeovers(dir, failovers);
            List<double[]> fd1 = AwsTakeoverBench.floatdKills(reps, "e2f");
            List<double[]> fd2 = floatdKills(reps);
            List<double[]> ka1 = AwsTakeoverBench.keepalivedKills(dir, reps, aws, "e2k");
            List<double[]> kaSeq = keepalivedKills(dir, reps, aws, false);
            List<double[]> kaPar = keepalivedKills(dir, reps, aws, true);
            report(one, two, fd1, fd2, ka1, kaSeq, kaPar, aws);
        });
    }

    /** The second Elastic IP's block for node {@code i}, named by its allocation id (the first by its public IP). */
    private static String secondBlock(int i) {
        return """
                    floating_ip {
                        provider aws
                        address %s
                        instance_id %s
                        region %s
                    }
                """.formatted(ALLOC2, INSTANCE[i], AwsRig.REGION);
    }

    private static AwsRig rig(String prefix) {
        AwsRig rig = AwsRig.create(prefix);
        rig.ec2.elasticIp(ALLOC2, EIP2);
        return rig;
    }

    private static String holder(AwsRig rig, String alloc) {
        Ec2TestEndpoint.Association a = rig.ec2.address(alloc);
        return a == null ? null : a.instanceId();
    }

    /** Waits (bounded) until both Elastic IPs are on node {@code i}'s instance; {@code logs} explain a time-out. */
    private static void awaitBoth(AwsRig rig, int i, java.util.function.Supplier<String> logs) {
        long end = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < end) {
            if (INSTANCE[i].equals(holder(rig, ALLOC)) && INSTANCE[i].equals(holder(rig, ALLOC2))) {
                return;
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("Elastic IPs on " + holder(rig, ALLOC) + " / " + holder(rig, ALLOC2) + ", not node"
                + i + " after " + STEP + "\nrequests: " + rig.ec2.requests() + "\n" + logs.get());
    }

    /**
     * The arrivals of the associations that moved each Elastic IP to node {@code i} at or after {@code after}
     * (the first per Elastic IP): {first, last}, epoch ns.
     */
    private static long[] arrivals(AwsRig rig, int i, long after) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (String alloc : ALLOCS) {
            long at = rig.ec2.changes().stream()
                    .filter(c -> alloc.equals(c.allocationId()) && INSTANCE[i].equals(c.instanceId())
                            && c.atEpochNanos() >= after)
                    .mapToLong(Ec2TestEndpoint.Change::atEpochNanos).min().orElseThrow();
            first = Math.min(first, at);
            last = Math.max(last, at);
        }
        return new long[] {first, last};
    }

    /** Per failover: {MASTER -> last association ms, spread between the two associations ms}. */
    private static List<double[]> warmTwoEipTakeovers(Path dir, int failovers) throws IOException {
        Path flag = dir.resolve("app2-down");
        String top = BenchReport.appCheck(dir, "app2-down", "chk2.sh");
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = rig("e2w")) {
            // the second block goes among the instance lines, before AwsRig's own (the first Elastic IP)
            rig.startPair(top, BenchReport.TRACK + "\n" + secondBlock(0), secondBlock(1), "", STEP);
            FloatdProcess a = rig.nodes[0];
            FloatdProcess b = rig.nodes[1];
            awaitBoth(rig, 0, () -> a.log());
            a.awaitLog(AwsTakeoverBench.WARMED, AwsTakeoverBench.WARM_UP_WAIT); // once per JVM, for both blocks
            b.awaitLog(AwsTakeoverBench.WARMED, AwsTakeoverBench.WARM_UP_WAIT);
            FloatdProcess.sleep(1000);
            long[] starts = new long[failovers];
            for (int k = 0; k < failovers; k++) {
                boolean toPeer = k % 2 == 0;
                starts[k] = FloatdProcess.epochNanos();
                if (toPeer) {
                    Files.createFile(flag);
                } else {
                    Files.delete(flag);
                }
                awaitBoth(rig, toPeer ? 1 : 0, () -> "node0:\n" + a.log() + "\nnode1:\n" + b.log());
                FloatdProcess.sleep(700);
            }
            FloatdProcess[] nodes = {a, b};
            for (int k = 0; k < failovers; k++) {
                int to = k % 2 == 0 ? 1 : 0;
                long[] w = arrivals(rig, to, starts[k]);
                long master = AwsRig.loggedTimes(nodes[to], "Entering MASTER STATE").stream()
                        .filter(t -> t <= w[0]).max(Long::compare).orElseThrow();
                out.add(new double[] {(w[1] - master) / 1e6, (w[1] - w[0]) / 1e6});
            }
            System.out.println("(i) two Elastic IPs, daemon lines (node1):");
            b.log().lines().filter(l -> l.contains("takeover: entered MASTER")).limit(4)
                    .forEach(l -> System.out.println("    " + l));
        }
        return out;
    }

    /** Per rep: {kill -> last association ms, MASTER (log line) -> last association ms, spread ms}. */
    private static List<double[]> floatdKills(int reps) {
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = rig("e2g")) {
            rig.start(1, 100, "", secondBlock(1), "").awaitLog(AwsTakeoverBench.WARMED, AwsTakeoverBench.WARM_UP_WAIT);
            for (int r = 0; r < reps; r++) {
                FloatdProcess a = rig.start(0, 150, "", secondBlock(0), "");
                a.awaitState("MASTER", STEP);
                rig.nodes[1].awaitState("BACKUP", STEP);
                awaitBoth(rig, 0, a::log);
                FloatdProcess.sleep(1500);
                long killedAt = FloatdProcess.epochNanos();
                a.kill9();
                awaitBoth(rig, 1, () -> rig.log(1));
                FloatdProcess.sleep(200);
                long master = AwsRig.loggedTimes(rig.nodes[1], "Entering MASTER STATE").getLast();
                out.add(kill(arrivals(rig, 1, killedAt), killedAt, master));
                a.close();
            }
        }
        return out;
    }

    private static double[] kill(long[] w, long killedAt, long master) {
        return new double[] {(w[1] - killedAt) / 1e6, (w[1] - master) / 1e6, (w[1] - w[0]) / 1e6};
    }

    /** keepalived with notify_master: aws ec2 associate-address for each Elastic IP, in sequence or in parallel. */
    private static List<double[]> keepalivedKills(Path base, int reps, String aws, boolean parallel)
            throws IOException {
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = rig(parallel ? "e2p" : "e2q")) {
            Map<String, String> env = rig.env();
            env.remove("AWS_ENDPOINT_URL_EC2"); // the script passes --endpoint-url, as a user's would
            env.remove("AWS_ENDPOINT_URL");
            String endpoint = rig.ec2.uri().toString();
            try (AwsTakeoverBench.Keepalived b = AwsTakeoverBench.Keepalived.start(rig.host(1), base, 1, 100, env,
                    script(1, parallel), endpoint, aws)) {
                // node1's own associations land before node0 starts, or the two scripts race (see AwsTakeoverBench)
                awaitBoth(rig, 1, b::log);
                for (int r = 0; r < reps; r++) {
                    try (AwsTakeoverBench.Keepalived a = AwsTakeoverBench.Keepalived.start(rig.host(0), base, 0, 150,
                            env, script(0, parallel), endpoint, aws)) {
                        awaitBoth(rig, 0, () -> a.log() + "\n" + b.log());
                        FloatdProcess.sleep(1500);
                        long killedAt = a.kill9();
                        awaitBoth(rig, 1, () -> a.log() + "\n" + b.log());
                        out.add(kill(arrivals(rig, 1, killedAt), killedAt, b.lastMaster()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The user's script for node {@code i}: one {@code aws ec2 associate-address} per Elastic IP, one after the
     * other as the keepalived recipes write it, or both in the background and {@code wait}.
     */
    private static BiFunction<String, Path, String> script(int i, boolean parallel) {
        return (cli, log) -> {
            StringBuilder s = new StringBuilder();
            for (String alloc : ALLOCS) {
                s.append(cli).append(" ec2 associate-address --allocation-id ").append(alloc).append(" --instance-id ")
                        .append(INSTANCE[i]).append(" --allow-reassociation >> ").append(log).append(" 2>&1")
                        .append(parallel ? " &\n" : "\n");
            }
            return parallel ? s + "wait\n" : s.toString();
        };
    }

    private static List<Double> col(List<double[]> rows, int c) {
        return BenchReport.col(rows, c);
    }

    private static String row(String what, List<Double> xs) {
        return BenchReport.row(56, what, xs);
    }

    private static String samples(List<double[]> rows) {
        return rows.stream().map(r -> String.format(Locale.ROOT, "%.0f/%.1f/%.1f", r[0], r[1], r[2])).toList()
                .toString();
    }

    private static void report(List<Double> one, List<double[]> two, List<double[]> fd1, List<double[]> fd2,
            List<double[]> ka1, List<double[]> kaSeq, List<double[]> kaPar, String aws) {
        Locale.setDefault(Locale.ROOT);
        System.out.println();
        System.out.println("entering MASTER -> all writes sent (the last AssociateAddress's arrival at the endpoint):");
        System.out.println(row("floatd, 1 Elastic IP, warm failovers", one));
        System.out.println(row("floatd, 2 Elastic IPs, warm failovers", col(two, 0)));
        System.out.println(row("floatd, 1 Elastic IP, kill -9", col(fd1, 1)));
        System.out.println(row("floatd, 2 Elastic IPs, kill -9", col(fd2, 1)));
        System.out.println(row("keepalived + aws CLI, 1 Elastic IP, kill -9", col(ka1, 1)));
        System.out.println(row("keepalived + aws CLI, 2 in sequence, kill -9", col(kaSeq, 1)));
        System.out.println(row("keepalived + aws CLI, 2 in parallel (&), kill -9", col(kaPar, 1)));
        System.out.println("spread between the two AssociateAddress (arrivals at the endpoint):");
        System.out.println(row("floatd, warm failovers", col(two, 1)));
        System.out.println(row("floatd, kill -9", col(fd2, 2)));
        System.out.println(row("keepalived + aws CLI in sequence, kill -9", col(kaSeq, 2)));
        System.out.println(row("keepalived + aws CLI in parallel, kill -9", col(kaPar, 2)));
        System.out.println("kill -9 -> last AssociateAddress arrives:");
        System.out.println(row("floatd, 1 Elastic IP", col(fd1, 0)));
        System.out.println(row("floatd, 2 Elastic IPs", col(fd2, 0)));
        System.out.println(row("keepalived + aws CLI, 1 Elastic IP", col(ka1, 0)));
        System.out.println(row("keepalived + aws CLI, 2 in sequence", col(kaSeq, 0)));
        System.out.println(row("keepalived + aws CLI, 2 in parallel", col(kaPar, 0)));
        System.out.println("    1 EIP warm: " + one.stream().map(x -> String.format("%.1f", x)).toList());
        System.out.println("    2 EIPs warm (MASTER->last/spread): " + two.stream()
                .map(r -> String.format("%.1f/%.1f", r[0], r[1])).toList());
        System.out.println("    kills, kill->last/MASTER->last[/spread]: floatd 1 " + fd1.stream()
                .map(r -> String.format("%.0f/%.1f", r[0], r[1])).toList() + "; floatd 2 " + samples(fd2));
        System.out.println("      keepalived 1 " + ka1.stream().map(r -> String.format("%.0f/%.0f", r[0], r[1])).toList()
                + "; in sequence " + samples(kaSeq) + "; in parallel " + samples(kaPar));
        System.out.println(BenchReport.rigLine(aws));
    }
}
