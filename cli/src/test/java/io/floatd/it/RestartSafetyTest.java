package io.floatd.it;

import static io.floatd.it.AwsRig.INSTANCE;
import static io.floatd.it.AwsRig.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import io.floatd.testing.Lan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's restart safety with the AWS provider: a node killed with {@code kill -9} while Master, restarted as a
 * user runs it ({@code nopreempt}, so a returning node stays Backup), reads the real holder from EC2 at start and
 * writes nothing, whether the peer's takeover is over or still in flight when it starts.
 */
class RestartSafetyTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final String NOPREEMPT = "    nopreempt";
    private static final String FLOATING = "        recheck_interval 1";
    /** How long the endpoint holds each call of the peer's takeover: below the SDK's 2 s attempt limit. */
    private static final long SLOW_CALL_MILLIS = 1700;

    /** node0 (already killed) started again with the same configuration: nopreempt, as a user runs it. */
    private static FloatdProcess restartNode0(AwsRig rig) {
        rig.nodes[0].close();
        return rig.start(0, 150, "", NOPREEMPT, FLOATING);
    }

    /** The end of both stories: the peer is Master with the EIP, and the restarted node0 is Backup and wrote nothing. */
    private static void assertNode0StayedBackupAndWroteNothing(AwsRig rig, FloatdProcess a,
            List<Ec2TestEndpoint.Request> node0) {
        assertTrue(AwsRig.writes(node0).isEmpty(), "the restarted node wrote: " + node0);
        assertEquals(INSTANCE[1], rig.holder());
        assertEquals("BACKUP", a.lastState(), a.notifications().toString());
        assertEquals("MASTER", rig.nodes[1].lastState());
    }

    /** The requests that came from node {@code i}'s address at or after {@code since}. */
    private static List<Ec2TestEndpoint.Request> from(AwsRig rig, int i, long since) {
        return rig.ec2.requests().stream()
                .filter(r -> r.clientAddress().equals(Lan.address(i)) && r.atEpochNanos() >= since).toList();
    }

    /**
     * (a) The Master is killed, the peer takes the Elastic IP; the killed node comes back: it logs the holder it read
     * (the peer), stays Backup, and sends EC2 no write: no AssociateAddress (but the DryRun permission check), no
     * DisassociateAddress.
     */
    @Test
    void aMasterKilledAndRestartedReadsThePeerAsHolderAndWritesNothing() {
        try (AwsRig rig = AwsRig.create("rsa")) {
            rig.startPair("", NOPREEMPT, NOPREEMPT, FLOATING, START);
            long killedAt = FloatdProcess.epochNanos();
            rig.nodes[0].kill9();
            rig.awaitHolder(1, STEP);
            rig.nodes[1].awaitState("MASTER", STEP);
            int movesBefore = rig.ec2.changes().size();

            long restartedAt = FloatdProcess.epochNanos();
            FloatdProcess a = restartNode0(rig);
            a.awaitState("BACKUP", START);
            a.awaitLog("floating IP holder at start: peer (" + INSTANCE[1] + ")", STEP);
            FloatdProcess.sleep(3000); // 3 s: ~8 Master_Down_Intervals, 3 re-checks of the Master

            List<Ec2TestEndpoint.Request> node0 = from(rig, 0, restartedAt);
            System.out.printf("kill -9 at 0, EIP on node1 at +%.0f ms; restarted node0's requests: %s; %s%n",
                    millis(rig.movesTo(1, killedAt).getFirst().atEpochNanos() - killedAt), node0.stream()
                    .map(r -> r.action() + ("true".equals(r.params().get("DryRun")) ? " (DryRun)" : "")).toList(),
                    a.log().lines().filter(l -> l.contains("holder at start")).toList());
            assertTrue(node0.stream().anyMatch(r -> r.action().equals("DescribeAddresses")), "it read the holder: " + node0);
            assertEquals(movesBefore, rig.ec2.changes().size(), rig.ec2.changes().toString());
            assertNode0StayedBackupAndWroteNothing(rig, a, node0);
        }
    }

    /**
     * (b) The Master is killed and restarted at once, while the endpoint answers each of the peer's takeover calls
     * (the holder read, acquire's own read, AssociateAddress) only after 1.7 s, below the SDK's 2 s limit per call so
     * that nothing is retried: the restarted node starts, reads the holder (still itself: the association its crash
     * left; the daemon's own "holder at start" line may already come after the write) and meets the peer as Master
     * while the peer's takeover is in flight. Exactly one move in all: the peer's.
     */
    @Test
    void aNodeStartingDuringThePeersTakeoverCausesNoSecondMove() {
        try (AwsRig rig = AwsRig.create("rsb")) {
            rig.startPair("", NOPREEMPT, NOPREEMPT, FLOATING, START);
            long killedAt = FloatdProcess.epochNanos();
            rig.nodes[0].kill9();
            // after the kill: the dead Master's re-checks must not use them up
            rig.ec2.failNext("DescribeAddresses", 2, Fault.slow(SLOW_CALL_MILLIS));
            rig.ec2.failNext("AssociateAddress", 1, Fault.slow(SLOW_CALL_MILLIS));
            FloatdProcess a = restartNode0(rig);
            rig.awaitHolder(1, STEP);
            a.awaitState("BACKUP", START);
            FloatdProcess.sleep(3000);

            List<Ec2TestEndpoint.Request> writes = AwsRig.writes(rig.ec2.requests()).stream()
                    .filter(r -> r.atEpochNanos() >= killedAt).toList();
            String why = "\nnode0:\n" + a.log() + "\nnode1:\n" + rig.log(1);
            assertEquals(1, writes.size(), "writes after the kill: " + writes + why);
            assertEquals(Lan.address(1), writes.getFirst().clientAddress(), "the peer's takeover: " + writes);
            long inFlightFrom = from(rig, 1, killedAt).getFirst().atEpochNanos();
            long inFlightTo = writes.getFirst().atEpochNanos() + Duration.ofMillis(SLOW_CALL_MILLIS).toNanos();
            List<Ec2TestEndpoint.Request> node0 = from(rig, 0, killedAt);
            long firstRead = node0.stream().filter(r -> r.action().equals("DescribeAddresses")).findFirst()
                    .orElseThrow(() -> new AssertionError("the restarted node never read the holder: " + node0))
                    .atEpochNanos();
            System.out.printf("kill -9 + restart at 0: node1's takeover in flight at the endpoint from +%.0f ms to"
                            + " +%.0f ms; restarted node0 read the holder at +%.0f ms, BACKUP at +%.0f ms; moves %d; node0: %s%n",
                    millis(inFlightFrom - killedAt), millis(inFlightTo - killedAt), millis(firstRead - killedAt),
                    millis(a.notifiedAt("BACKUP", killedAt) - killedAt), rig.movesTo(1, killedAt).size(),
                    a.log().lines().filter(l -> l.contains("holder at start")).toList());
            // the test is only a test if the start-up landed inside the takeover
            assertTrue(firstRead > inFlightFrom && firstRead < inFlightTo,
                    "node0's start-up read was not inside node1's takeover; requests " + rig.ec2.requests() + why);
            // its start-up read came before the peer's write was applied: it saw the association its crash left
            assertTrue(a.log().contains("floating IP holder at start: "), "it logs the holder it read" + why);
            assertEquals(1, rig.ec2.changes().stream().filter(c -> c.atEpochNanos() >= killedAt).count(),
                    rig.ec2.changes().toString());
            assertNode0StayedBackupAndWroteNothing(rig, a, node0);
        }
    }
}
