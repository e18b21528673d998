package io.floatd.it;

import static io.floatd.it.AwsRig.ENI;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.RouteChange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AWS route-table takeover benchmark ({@code bench/aws-takeover.sh --shape route-table}, issue 16): entering
 * MASTER to all writes sent (the arrival at {@link Ec2TestEndpoint} of the last one), for an overlay IP whose route
 * moves in two route tables ({@code mode route_table}: one DescribeRouteTables, then ReplaceRoute in both tables in
 * parallel) beside a single Elastic IP (AssociateAddress) in the same run, and beside keepalived with a
 * {@code notify_master} script calling Debian's {@code aws ec2 replace-route} once per table; plus the spread between
 * the two tables' writes (the first's arrival to the last's).
 *
 * <ol>
 *   <li>floatd, warm, {@code failovers} hand-overs driven by a track script (as {@link AwsTakeoverBench}'s (i)): the
 *       single Elastic IP, then the route in two tables, each on its own rig.</li>
 *   <li>kill -9 of the Master, {@code reps} times: floatd moving the route, then keepalived with the script, both from
 *       the new Master's MASTER (floatd's log line; the script's first line) to the last ReplaceRoute's arrival.</li>
 * </ol>
 *
 * <p>Arguments: {@code [failovers=20] [reps=5] [aws=/usr/bin/aws]}. Namespaces {@code rtb...} only.
 */
public final class AwsRouteTableBench {
    private AwsRouteTableBench() {
    }

    /** The kill runs' view of this shape ({@link AwsKills}). */
    private static final AwsKills.Shape SHAPE = new AwsKills.Shape(AwsRouteTableRig::create,
            AwsRouteTableRig::start, AwsRouteTableRig::awaitHolder, AwsRouteTableBench::kill);

    public static void main(String[] args) throws Exception {
        BenchReport.run(args, "awsrt-bench-", (dir, failovers, reps, aws) -> {
            AwsTakeoverBench.warmEndpoint();
            warmEndpointRoutes();
            List<Double> eip = AwsTakeoverBench.warmTakeovers(dir, failovers, "", "rtbe");
            List<double[]> rt = warmRouteTakeovers(dir, failovers);
            List<double[]> fd = floatdKills(reps);
            List<double[]> ka = keepalivedKills(dir, reps, aws);
            report(eip, rt, fd, ka, aws);
        });
    }

    /** As {@link AwsTakeoverBench#warmEndpoint()}, for the route calls: the endpoint's code compiled before measuring. */
    private static void warmEndpointRoutes() throws IOException {
        long t0 = System.nanoTime();
        int rounds = 500;
        Ec2TestEndpoint scratch = new Ec2TestEndpoint();
        scratch.instance(AwsRig.INSTANCE[0], ENI[0], "10.0.0.10").instance(AwsRig.INSTANCE[1], ENI[1], "10.0.0.11");
        for (String t : AwsRouteTableRig.TABLES) {
            scratch.routeTable(t, Ec2TestEndpoint.VPC, "10.0.0.0/16").route(t, AwsRouteTableRig.DEST, ENI[0]);
        }
        try (software.amazon.awssdk.services.ec2.Ec2Client ec2 = BenchReport.warmUpClient(scratch.uri())) {
            for (int i = 0; i < rounds; i++) {
                String to = ENI[1 - i % 2];
                ec2.describeRouteTables(r -> r.filters(f -> f.name("route-table-id").values(AwsRouteTableRig.TABLES)));
                for (String t : AwsRouteTableRig.TABLES) {
                    ec2.replaceRoute(r -> r.routeTableId(t).destinationCidrBlock(AwsRouteTableRig.DEST)
                            .networkInterfaceId(to));
                }
            }
        } finally {
            scratch.close();
        }
        System.out.printf("endpoint warmed (route calls): %d rounds in %.0f ms%n", rounds, (System.nanoTime() - t0) / 1e6);
    }

    /**
     * The takeovers among {@code changes} by node: per MASTER line of the node whose ENI the tables now route to,
     * {MASTER -> the last table's write arrives ms, first -> last write arrives ms}; only moves that reached both tables.
     */
    private static List<double[]> takeovers(List<RouteChange> changes, FloatdProcess[] nodes) {
        Map<Long, List<RouteChange>> byMaster = new TreeMap<>();
        for (RouteChange c : changes) {
            if (c.eniId() == null) {
                continue;
            }
            int i = List.of(ENI).indexOf(c.eniId());
            long master = AwsRig.loggedTimes(nodes[i], "Entering MASTER STATE")
                    .stream().filter(t -> t <= c.atEpochNanos()).max(Long::compare).orElseThrow();
            byMaster.computeIfAbsent(master, m -> new ArrayList<>()).add(c);
        }
        List<double[]> out = new ArrayList<>();
        byMaster.forEach((master, cs) -> {
            if (cs.stream().map(RouteChange::table).distinct().count() == AwsRouteTableRig.TABLES.length) {
                long first = cs.stream().mapToLong(RouteChange::atEpochNanos).min().orElseThrow();
                long last = cs.stream().mapToLong(RouteChange::atEpochNanos).max().orElseThrow();
                out.add(new double[] {(last - master) / 1e6, (last - first) / 1e6});
            }
        });
        return out;
    }

    /** Per failover: {MASTER -> last ReplaceRoute arrives ms, first -> last ReplaceRoute arrives ms}. */
    private static List<double[]> warmRouteTakeovers(Path dir, int failovers) throws IOException {
        return AwsKills.warm(SHAPE, "rtbw", dir, "rt", failovers, (rig, from, a, b) -> {
            System.out.println("(i) route-table daemon lines (node1):");
            b.log().lines().filter(l -> l.contains("takeover: entered MASTER") || l.contains("route "
                    + AwsRouteTableRig.DEST)).limit(3).forEach(l -> System.out.println("    " + l));
            return takeovers(AwsRouteTableRig.changesSince(rig, from), new FloatdProcess[] {a, b});
        });
    }

    /** Per rep: {kill -> last write ms, MASTER (log line) -> last write ms, first -> last write ms}. */
    private static List<double[]> floatdKills(int reps) {
        return AwsKills.floatd(SHAPE, "rtbf", reps);
    }

    private static double[] kill(AwsRig rig, long killedAt, long master) {
        List<RouteChange> cs = AwsRouteTableRig.changesSince(rig, killedAt).stream()
                .filter(c -> ENI[1].equals(c.eniId())).toList();
        long first = cs.stream().mapToLong(RouteChange::atEpochNanos).min().orElseThrow();
        long last = cs.stream().mapToLong(RouteChange::atEpochNanos).max().orElseThrow();
        return new double[] {(last - killedAt) / 1e6, (last - master) / 1e6, (last - first) / 1e6};
    }

    /** keepalived with notify_master: aws ec2 replace-route, once per route table. */
    private static List<double[]> keepalivedKills(Path base, int reps, String aws) throws IOException {
        // the tables route to node0 first, as if it had been Master: the scripts only replace, and node1's first
        // script (it starts alone) has run to its end once both tables route to node1
        return AwsKills.keepalived(SHAPE, "rtbk", base, reps, aws, AwsRouteTableBench::script, rig -> {
            for (String t : AwsRouteTableRig.TABLES) {
                rig.ec2.route(t, AwsRouteTableRig.DEST, ENI[0]);
            }
        });
    }

    /** The user's script for node {@code i}, as the keepalived recipes write it: one replace-route per table. */
    private static java.util.function.BiFunction<String, Path, String> script(int i) {
        return (cli, log) -> {
            StringBuilder s = new StringBuilder();
            for (String t : AwsRouteTableRig.TABLES) {
                s.append(cli).append(" ec2 replace-route --route-table-id ").append(t)
                        .append(" --destination-cidr-block ").append(AwsRouteTableRig.DEST)
                        .append(" --network-interface-id ").append(ENI[i]).append(" >> ").append(log).append(" 2>&1\n");
            }
            return s.toString();
        };
    }

    private static void report(List<Double> eip, List<double[]> rt, List<double[]> fd, List<double[]> ka, String aws) {
        BenchReport.twoWrites(new BenchReport.TwoWrites(
                "floatd, route in 2 tables (ReplaceRoute x2 parallel), warm",
                "floatd, route in 2 tables, after kill -9 of the Master",
                "keepalived + notify_master aws replace-route x2, kill -9",
                "first -> last table's write (arrivals at the endpoint):", "kill -9 -> last write arrives:",
                "route all (MASTER->last/spread)", "floatd kills (kill->last/MASTER->last/spread)"), eip, rt, fd, ka, aws);
    }
}
