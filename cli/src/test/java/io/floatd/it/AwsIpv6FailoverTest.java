package io.floatd.it;

import static io.floatd.it.AwsRig.ENI;
import static io.floatd.it.AwsRig.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.Ipv6Change;
import io.floatd.testing.Lan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two real floatd daemons ({@code --provider aws}, VRRPv3 over IPv4, advert_int 0.1) moving an IPv6 address between
 * their ENIs ({@code mode secondary_ip}, issue 16) through the AWS SDK against {@link Ec2TestEndpoint} in a third
 * namespace: kill -9 of the Master moves it (UnassignIpv6Addresses from the old Master's ENI, then
 * AssignIpv6Addresses to the new one's), and a node that enters MASTER already holding it writes nothing.
 */
class AwsIpv6FailoverTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(8);

    @Test
    void killMinus9OfTheMasterMovesTheIpv6AddressAndAHolderEnteringMasterWritesNothing() {
        try (AwsRig rig = AwsIpv6Rig.create("a6a")) {
            FloatdProcess a = AwsIpv6Rig.start(rig, 0, 150, "", "", "");
            a.awaitState("MASTER", START);
            AwsIpv6Rig.awaitHolder(rig, 0, START);
            assertEquals(List.of("AssignIpv6Addresses"), AwsRig.writesOf(rig.ec2.requests()),
                    "on no ENI at first: one assign, no unassign");
            FloatdProcess b = AwsIpv6Rig.start(rig, 1, 100, "", "", "");
            b.awaitState("BACKUP", START);
            b.awaitLog(AwsIpv6Rig.started(1), START);
            FloatdProcess.sleep(300);

            // kill -9 of the Master: node1 unassigns it from node0's ENI, then assigns it to its own
            long killedAt = FloatdProcess.epochNanos();
            a.kill9();
            b.awaitState("MASTER", STEP);
            AwsIpv6Rig.awaitHolder(rig, 1, STEP);
            List<Ipv6Change> moves = AwsIpv6Rig.changesSince(rig, killedAt);
            assertEquals(List.of(new Ipv6Change(AwsIpv6Rig.V6, ENI[0], false, moves.get(0).atEpochNanos()),
                    new Ipv6Change(AwsIpv6Rig.V6, ENI[1], true, moves.get(1).atEpochNanos())), moves);
            long masterAt = AwsRig.loggedTimes(b, "Entering MASTER STATE").getLast();
            String window = FloatdProcess.awaitNthLine(b, "on no interface for", 0, STEP);
            System.out.printf("kill -9 -> AssignIpv6Addresses at the endpoint %.1f ms (MASTER logged +%.0f ms); "
                            + "unassign -> assign at the endpoint %.2f ms%n  node1: %s%n",
                    millis(moves.get(1).atEpochNanos() - killedAt), millis(masterAt - killedAt),
                    millis(moves.get(1).atEpochNanos() - moves.get(0).atEpochNanos()), window.strip());
            List<Ec2TestEndpoint.Request> fromB = rig.ec2.requests().stream()
                    .filter(r -> r.atEpochNanos() >= killedAt && Ec2TestEndpoint.WRITES.contains(r.action())).toList();
            assertTrue(fromB.stream().allMatch(r -> r.clientAddress().equals(Lan.address(1))), fromB.toString());
            assertTrue(window.contains("moved from " + ENI[0]) && window.contains(" to " + ENI[1]), window);

            // node1 restarted while its ENI holds the address: it enters MASTER, reads itself as the holder, writes nothing
            b.kill9();
            List<Ec2TestEndpoint.Request> after = rig.requestsOfRestart(() -> AwsIpv6Rig.start(rig, 1, 100, "", "", ""),
                    START, STEP);
            assertEquals(List.of(), AwsRig.writesOf(after), "already holding: zero writes");
            assertTrue(after.stream().anyMatch(r -> r.action().equals("DescribeNetworkInterfaces")
                    && AwsIpv6Rig.V6.equals(r.params().get("Filter.1.Value.1"))), "the holder read: " + after);
            assertEquals(1, AwsIpv6Rig.holder(rig));
        }
    }
}
