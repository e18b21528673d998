package io.floatd.it;

import static io.floatd.it.AwsRig.ENI;
import static io.floatd.it.AwsRig.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.RouteChange;
import io.floatd.testing.Lan;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two real floatd daemons ({@code --provider aws}, VRRPv3, advert_int 0.1) moving an overlay IP's route in two route
 * tables ({@code mode route_table}, issue 16) through the AWS SDK against {@link Ec2TestEndpoint} in a third
 * namespace: kill -9 of the Master points the route in both tables at the new Master's ENI, the two ReplaceRoute
 * calls at the endpoint at the same time, and a node that enters MASTER already holding both routes writes nothing.
 */
class AwsRouteTableFailoverTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(8);

    @Test
    void killMinus9OfTheMasterMovesTheRouteInBothTablesInParallelAndAHolderEnteringMasterWritesNothing() {
        try (AwsRig rig = AwsRouteTableRig.create("rta")) {
            FloatdProcess a = AwsRouteTableRig.start(rig, 0, 150, "", "", "");
            a.awaitState("MASTER", START);
            AwsRouteTableRig.awaitHolder(rig, 0, START);
            assertEquals(List.of("CreateRoute", "CreateRoute"), AwsRig.writesOf(rig.ec2.requests()),
                    "no route at first: created in both tables");
            FloatdProcess b = AwsRouteTableRig.start(rig, 1, 100, "", "", "");
            b.awaitState("BACKUP", START);
            b.awaitLog(AwsRouteTableRig.started(1), START);
            FloatdProcess.sleep(300);

            // kill -9 of the Master: node1 repoints both tables; each write waits at the endpoint for the other
            // (5 s at most): both in flight at once means they were sent in parallel
            rig.ec2.gatherRouteWrites(2);
            long killedAt = FloatdProcess.epochNanos();
            a.kill9();
            b.awaitState("MASTER", STEP);
            AwsRouteTableRig.awaitHolder(rig, 1, STEP);
            List<RouteChange> moves = AwsRouteTableRig.changesSince(rig, killedAt).stream()
                    .sorted(Comparator.comparing(RouteChange::table)).toList();
            assertEquals(2, moves.size(), moves.toString());
            for (int t = 0; t < 2; t++) {
                assertEquals(new RouteChange(AwsRouteTableRig.TABLES[t], AwsRouteTableRig.DEST, ENI[1], "ReplaceRoute",
                        moves.get(t).atEpochNanos()), moves.get(t));
            }
            assertEquals(2, rig.ec2.maxRouteWritesInFlight(), "the two ReplaceRoute calls were in flight together");
            List<Ec2TestEndpoint.Request> fromB = rig.ec2.requests().stream()
                    .filter(r -> r.atEpochNanos() >= killedAt && Ec2TestEndpoint.WRITES.contains(r.action())).toList();
            assertTrue(fromB.stream().allMatch(r -> r.clientAddress().equals(Lan.address(1))), fromB.toString());
            long masterAt = AwsRig.loggedTimes(b, "Entering MASTER STATE").getLast();
            System.out.printf("kill -9 -> ReplaceRoute at the endpoint %.1f / %.1f ms (MASTER logged +%.0f ms)%n  node1: %s%n",
                    millis(moves.get(0).atEpochNanos() - killedAt), millis(moves.get(1).atEpochNanos() - killedAt),
                    millis(masterAt - killedAt), b.log().lines().filter(l -> l.contains("route " + AwsRouteTableRig.DEST))
                            .reduce((x, y) -> y).orElse("?"));

            // node1 restarted while both tables route to its ENI: it enters MASTER, reads itself as the holder,
            // writes nothing
            b.kill9();
            List<Ec2TestEndpoint.Request> after = rig.requestsOfRestart(() -> AwsRouteTableRig.start(rig, 1, 100, "", "", ""),
                    START, STEP);
            assertEquals(List.of(), AwsRig.writesOf(after), "already holding both routes: zero writes");
            assertTrue(after.stream().anyMatch(r -> r.action().equals("DescribeRouteTables")
                    && "route-table-id".equals(r.params().get("Filter.1.Name"))), "the holder read: " + after);
            assertEquals(1, AwsRouteTableRig.holder(rig));
        }
    }

    private static boolean hasOverlay(AwsRig rig, int node) {
        return rig.host(node).exec("ip", "-o", "-4", "addr", "show", "dev", Lan.IFNAME)
                .contains(AwsRouteTableRig.OVERLAY + "/32");
    }

    private static void awaitOverlay(AwsRig rig, int node, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!hasOverlay(rig, node)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(AwsRouteTableRig.OVERLAY + " not on node" + node + "'s " + Lan.IFNAME
                        + "\nnode0:\n" + rig.log(0) + "\nnode1:\n" + rig.log(1));
            }
            FloatdProcess.sleep(20);
        }
    }

    /** The documented set-up: the overlay IP in virtual_ipaddress, a linux-l2 block beside the route_table one. */
    @Test
    void aLinuxL2BlockBesideTheRouteTableBlockPutsTheOverlayIpOnTheMastersInterface() {
        String local = "    virtual_ipaddress {\n        " + AwsRouteTableRig.OVERLAY + "/32\n    }\n"
                + "    floating_ip {\n        provider linux-l2\n    }\n";
        try (AwsRig rig = AwsRouteTableRig.create("rtv")) {
            FloatdProcess a = AwsRouteTableRig.startAsWritten(rig, 0, 150, local);
            a.awaitState("MASTER", START);
            AwsRouteTableRig.awaitHolder(rig, 0, START);
            awaitOverlay(rig, 0, STEP);
            FloatdProcess b = AwsRouteTableRig.startAsWritten(rig, 1, 100, local);
            b.awaitState("BACKUP", START);
            b.awaitLog(AwsRouteTableRig.started(1), START);
            assertTrue(!hasOverlay(rig, 1), "a Backup does not hold the overlay IP");

            a.kill9();
            b.awaitState("MASTER", STEP);
            AwsRouteTableRig.awaitHolder(rig, 1, STEP);
            awaitOverlay(rig, 1, STEP);
            b.awaitLog("VRRP_Instance(VI_1 " + AwsRouteTableRig.OVERLAY + ") takeover: entered MASTER", STEP);
            b.awaitLog("VRRP_Instance(VI_1 linux-l2) takeover: entered MASTER", STEP);
        }
    }
}
