package io.floatd.it;

import static io.floatd.it.AwsRig.ENI;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.Ipv6Change;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The AWS IPv6 takeover benchmark ({@code bench/aws-takeover.sh --shape ipv6}, issue 16): entering MASTER to all
 * writes sent (the arrival at {@link Ec2TestEndpoint} of the last one), for an IPv6 address moved between two ENIs
 * ({@code mode secondary_ip}: UnassignIpv6Addresses, then AssignIpv6Addresses) beside a single Elastic IP
 * (AssociateAddress) in the same run, and beside keepalived with a {@code notify_master} script calling Debian's
 * {@code aws ec2 unassign-ipv6-addresses} then {@code assign-ipv6-addresses}; plus the window between the two writes
 * (the unassign's arrival to the assign's), when the address is on no interface.
 *
 * <ol>
 *   <li>floatd, warm, {@code failovers} hand-overs driven by a track script (as {@link AwsTakeoverBench}'s (i)): the
 *       single Elastic IP, then the IPv6 address, each on its own rig.</li>
 *   <li>kill -9 of the Master, {@code reps} times: floatd moving the IPv6 address, then keepalived with the script,
 *       both from the new Master's MASTER (floatd's log line; the script's first line) to the assign's arrival.</li>
 * </ol>
 *
 * <p>Arguments: {@code [failovers=20] [reps=5] [aws=/usr/bin/aws]}. Namespaces {@code a6...} only.
 */
public final class AwsIpv6TakeoverBench {
    private AwsIpv6TakeoverBench() {
    }

    /** The kill runs' view of this shape ({@link AwsKills}). */
    private static final AwsKills.Shape SHAPE = new AwsKills.Shape(AwsIpv6Rig::create, AwsIpv6Rig::start,
            AwsIpv6Rig::awaitHolder, AwsIpv6TakeoverBench::kill);

    public static void main(String[] args) throws Exception {
        BenchReport.run(args, "aws6-bench-", (dir, failovers, reps, aws) -> {
            AwsTakeoverBench.warmEndpoint();
            warmEndpointIpv6();
            List<Double> eip = AwsTakeoverBench.warmTakeovers(dir, failovers, "", "a6e");
            List<double[]> v6 = warmIpv6Takeovers(dir, failovers);
            List<double[]> fd = floatdKills(reps);
            List<double[]> ka = keepalivedKills(dir, reps, aws);
            report(eip, v6, fd, ka, aws);
        });
    }

    /** As {@link AwsTakeoverBench#warmEndpoint()}, for the IPv6 calls: the endpoint's code compiled before measuring. */
    private static void warmEndpointIpv6() throws IOException {
        long t0 = System.nanoTime();
        int rounds = 500;
        Ec2TestEndpoint scratch = new Ec2TestEndpoint();
        scratch.instance(AwsRig.INSTANCE[0], ENI[0], "10.0.0.10").instance(AwsRig.INSTANCE[1], ENI[1], "10.0.0.11")
                .subnet(Ec2TestEndpoint.DEFAULT_SUBNET, Ec2TestEndpoint.VPC, "10.0.0.0/24", AwsIpv6Rig.CIDR)
                .ipv6Address(ENI[0], AwsIpv6Rig.V6);
        try (software.amazon.awssdk.services.ec2.Ec2Client ec2 = BenchReport.warmUpClient(scratch.uri())) {
            for (int i = 0; i < rounds; i++) {
                String from = ENI[i % 2];
                String to = ENI[1 - i % 2];
                ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("ipv6-addresses.ipv6-address")
                        .values(AwsIpv6Rig.V6)));
                ec2.unassignIpv6Addresses(r -> r.networkInterfaceId(from).ipv6Addresses(AwsIpv6Rig.V6));
                ec2.assignIpv6Addresses(r -> r.networkInterfaceId(to).ipv6Addresses(AwsIpv6Rig.V6));
            }
        } finally {
            scratch.close();
        }
        System.out.printf("endpoint warmed (IPv6 calls): %d rounds in %.0f ms%n", rounds, (System.nanoTime() - t0) / 1e6);
    }

    /** Per failover: {MASTER -> assign arrives ms, unassign arrives -> assign arrives ms}. */
    private static List<double[]> warmIpv6Takeovers(Path dir, int failovers) throws IOException {
        return AwsKills.warm(SHAPE, "a6w", dir, "6", failovers, (rig, from, a, b) -> {
            List<double[]> out = new ArrayList<>();
            FloatdProcess[] nodes = {a, b};
            List<Ipv6Change> changes = AwsIpv6Rig.changesSince(rig, from);
            for (int k = 0; k < changes.size(); k++) {
                Ipv6Change c = changes.get(k);
                if (!c.assigned()) {
                    continue;
                }
                int i = List.of(ENI).indexOf(c.eniId());
                long master = AwsRig.loggedTimes(nodes[i], "Entering MASTER STATE").stream()
                        .filter(t -> t <= c.atEpochNanos()).max(Long::compare).orElseThrow();
                Ipv6Change before = k > 0 ? changes.get(k - 1) : null;
                double window = before != null && !before.assigned() && before.atEpochNanos() >= master
                        ? (c.atEpochNanos() - before.atEpochNanos()) / 1e6 : Double.NaN;
                out.add(new double[] {(c.atEpochNanos() - master) / 1e6, window});
            }
            System.out.println("(i) IPv6 daemon lines (node1):");
            b.log().lines().filter(l -> l.contains("takeover: entered MASTER") || l.contains("on no interface for"))
                    .limit(4).forEach(l -> System.out.println("    " + l));
            return out;
        });
    }

    /** Per rep: {kill -> assign ms, MASTER (log line) -> assign ms, unassign -> assign ms}. */
    private static List<double[]> floatdKills(int reps) {
        return AwsKills.floatd(SHAPE, "a6f", reps);
    }

    private static double[] kill(AwsRig rig, long killedAt, long master) {
        List<Ipv6Change> cs = AwsIpv6Rig.changesSince(rig, killedAt);
        Ipv6Change assign = cs.stream().filter(c -> c.assigned() && c.eniId().equals(ENI[1])).findFirst().orElseThrow();
        double window = cs.stream().filter(c -> !c.assigned() && c.atEpochNanos() <= assign.atEpochNanos())
                .reduce((x, y) -> y).map(u -> (assign.atEpochNanos() - u.atEpochNanos()) / 1e6).orElse(Double.NaN);
        return new double[] {(assign.atEpochNanos() - killedAt) / 1e6, (assign.atEpochNanos() - master) / 1e6, window};
    }

    /** keepalived with notify_master: aws ec2 unassign-ipv6-addresses (from the peer's ENI), then assign-ipv6-addresses. */
    private static List<double[]> keepalivedKills(Path base, int reps, String aws) throws IOException {
        return AwsKills.keepalived(SHAPE, "a6k", base, reps, aws, AwsIpv6TakeoverBench::script, rig -> { });
    }

    /**
     * The user's script for node {@code i}, as the keepalived recipes write it: take the address off the other
     * node's ENI (which fails, harmlessly, when it is not there), then put it on this node's.
     */
    private static java.util.function.BiFunction<String, Path, String> script(int i) {
        return (cli, log) -> cli + " ec2 unassign-ipv6-addresses --network-interface-id " + ENI[1 - i]
                + " --ipv6-addresses " + AwsIpv6Rig.V6 + " >> " + log + " 2>&1\n"
                + "exec " + cli + " ec2 assign-ipv6-addresses --network-interface-id " + ENI[i]
                + " --ipv6-addresses " + AwsIpv6Rig.V6 + " >> " + log + " 2>&1\n";
    }

    private static void report(List<Double> eip, List<double[]> v6, List<double[]> fd, List<double[]> ka, String aws) {
        BenchReport.twoWrites(new BenchReport.TwoWrites(
                "floatd, IPv6 (Unassign + AssignIpv6Addresses), warm",
                "floatd, IPv6, after kill -9 of the Master",
                "keepalived + notify_master aws unassign/assign, kill -9",
                "unassign -> assign window (arrivals at the endpoint; the address on no interface):",
                "kill -9 -> assign arrives:", "IPv6 all (MASTER->assign/window)",
                "floatd kills (kill->assign/MASTER->assign/window)"), eip, v6, fd, ka, aws);
    }
}
