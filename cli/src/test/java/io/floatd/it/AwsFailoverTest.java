package io.floatd.it;

import static io.floatd.it.AwsRig.INSTANCE;
import static io.floatd.it.AwsRig.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real floatd daemons ({@code --provider aws}, VRRPv3, advert_int 0.1) moving one Elastic IP through the AWS
 * SDK against {@link Ec2TestEndpoint}, which listens inside a third namespace on the same LAN: the election, a
 * crash, a failing track script, a VRRP partition while both still reach EC2, and a throttled or failing EC2 API.
 * Bounds are generous: the machine is shared (2 cores).
 */
class AwsFailoverTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(8);
    private static final String WRITE = "AssociateAddress";

    @TempDir
    Path dir;

    @BeforeAll
    static void iptables() {
        if (Netns.runForResult(List.of("sh", "-c", "command -v iptables")).ok()) {
            return;
        }
        Netns.run("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
                + "--no-install-recommends iptables >/dev/null");
    }

    private Path checkScript(Path flag) throws IOException {
        Path p = dir.resolve("chk.sh");
        Files.writeString(p, "#!/bin/sh\n[ ! -e " + flag + " ]\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static String trackTop(Path chk) {
        return """
                vrrp_script chk_app {
                    script "%s"
                    interval 0.2
                    fall 2
                    rise 2
                }
                """.formatted(chk);
    }

    private static final String TRACK = "    track_script {\n        chk_app\n    }";

    /**
     * (a) The election puts the Elastic IP on node0 with one write; while nothing changes both only read
     * (DescribeAddresses: the Master every recheck_interval, the Backup every warm_interval). (b) kill -9 of the
     * Master: node1 is elected and associates the Elastic IP with its instance, timed from the kill to the request at
     * the endpoint, over the connection its warm reads kept open.
     */
    @Test
    void electionAssociatesOnceThenOnlyReadsAndACrashMovesTheEip() {
        try (AwsRig rig = AwsRig.create("awa")) {
            rig.startPair("", "", "        recheck_interval 0.5\n        warm_interval 1", START);
            FloatdProcess a = rig.nodes[0];
            FloatdProcess b = rig.nodes[1];
            // warm-up at start: each node reads the IP and sends a DryRun AssociateAddress (permission check)
            a.awaitLog("aws: Elastic IP " + AwsRig.EIP, STEP);
            List<Ec2TestEndpoint.Request> election = rig.ec2.requests();
            List<Ec2TestEndpoint.Request> electionWrites = AwsRig.writes(election);
            assertEquals(1, electionWrites.size(), "one write for the election: " + election);
            assertEquals(AwsRig.INSTANCE[0], electionWrites.getFirst().params().get("InstanceId"));
            assertEquals("true", electionWrites.getFirst().params().get("AllowReassociation"));
            assertEquals(io.floatd.testing.Lan.address(0), electionWrites.getFirst().clientAddress(), "from node0 over the bridge");
            assertTrue(election.stream().filter(r -> r.action().equals(WRITE)).anyMatch(
                    r -> "true".equals(r.params().get("DryRun"))), "DryRun at start: " + election);

            // (a) a second look: 3 s of a stable Master = ~6 re-checks at 0.5 s, nothing written
            int seen = election.size();
            FloatdProcess.sleep(3000);
            List<Ec2TestEndpoint.Request> quiet = rig.ec2.requests().subList(seen, rig.ec2.requests().size());
            System.out.println("stable Master, 3 s: " + quiet.size() + " requests: "
                    + quiet.stream().map(r -> r.action() + "@" + r.clientAddress()).toList());
            assertTrue(quiet.stream().allMatch(r -> r.action().equals("DescribeAddresses")), quiet.toString());
            List<Ec2TestEndpoint.Request> rechecks = from(quiet, 0);
            List<Ec2TestEndpoint.Request> warmReads = from(quiet, 1);
            assertEquals(quiet.size(), rechecks.size() + warmReads.size(), quiet.toString());
            assertTrue(rechecks.size() >= 3 && rechecks.size() <= 9, "re-checks every 0.5 s: " + rechecks.size());
            assertTrue(warmReads.size() >= 1 && warmReads.size() <= 5, "warm reads every 1 s: " + warmReads.size());
            assertEquals(AwsRig.INSTANCE[0], rig.holder());

            // (b) crash of the Master
            long killedAt = FloatdProcess.epochNanos();
            a.kill9();
            b.awaitState("MASTER", STEP);
            rig.awaitHolder(1, STEP);
            List<Ec2TestEndpoint.Change> moves = rig.movesTo(1, killedAt);
            assertEquals(1, moves.size(), rig.ec2.changes().toString());
            long masterAt = b.notifiedAt("MASTER", killedAt);
            long loggedMaster = AwsRig.loggedTimes(b, "Entering MASTER STATE").getLast();
            System.out.printf("kill -9 -> AssociateAddress at the endpoint %.1f ms (node1 logged MASTER at +%.0f ms,"
                            + " notified +%.1f ms)%n", millis(moves.getFirst().atEpochNanos() - killedAt),
                    millis(loggedMaster - killedAt), millis(masterAt - killedAt));
            // Master_Down_Interval is 3 * 0.1 s + skew (~0.06 s); the rest is one DescribeAddresses + one
            // AssociateAddress on an open connection
            assertTrue(moves.getFirst().atEpochNanos() - killedAt < Duration.ofMillis(2500).toNanos(),
                    "kill -> association " + millis(moves.getFirst().atEpochNanos() - killedAt) + " ms");
            b.awaitLog("takeover: entered MASTER", STEP);
            assertTrue(b.log().contains("Elastic IP " + AwsRig.EIP + " associated with " + INSTANCE[1]), b.log());
            Ec2TestEndpoint.Request write = AwsRig.writes(from(rig.ec2.requests(), 1)).getLast();
            assertEquals(warmReads.getLast().clientPort(), write.clientPort(),
                    "the takeover's write goes over the connection the Backup's reads kept open");
        }
    }

    private static List<Ec2TestEndpoint.Request> from(List<Ec2TestEndpoint.Request> requests, int node) {
        return requests.stream().filter(r -> r.clientAddress().equals(io.floatd.testing.Lan.address(node))).toList();
    }

    /** (c) A failing track script (weight 0): the Master goes FAULT, the peer becomes Master and takes the EIP. */
    @Test
    void failingTrackScriptMovesTheEipToThePeer() throws Exception {
        Path flag = dir.resolve("app-down");
        Path chk = checkScript(flag);
        try (AwsRig rig = AwsRig.create("awc")) {
            rig.startPair(trackTop(chk), TRACK, "        recheck_interval 0.5", START);
            FloatdProcess a = rig.nodes[0];
            FloatdProcess b = rig.nodes[1];

            long failedAt = FloatdProcess.epochNanos();
            Files.createFile(flag);
            a.awaitState("FAULT", STEP);
            b.awaitState("MASTER", STEP);
            rig.awaitHolder(1, STEP);
            List<Ec2TestEndpoint.Change> moves = rig.movesTo(1, failedAt);
            assertEquals(1, moves.size(), rig.ec2.changes().toString());
            assertTrue(moves.getFirst().atEpochNanos() > a.notifiedAt("FAULT", failedAt) - Duration.ofMillis(200).toNanos(),
                    "the EIP moves because of the FAULT: " + rig.ec2.changes() + " " + a.notifications());
            System.out.printf("check failing -> FAULT %.0f ms -> EIP on node1 %.0f ms%n",
                    millis(a.notifiedAt("FAULT", failedAt) - failedAt), millis(moves.getFirst().atEpochNanos() - failedAt));
            assertTrue(moves.getFirst().atEpochNanos() - failedAt < Duration.ofMillis(3000).toNanos());

            // and it stays there: the FAULT node does not take it back, the new Master's re-checks find it at home
            int changes = rig.ec2.changes().size();
            FloatdProcess.sleep(2000);
            assertEquals(changes, rig.ec2.changes().size(), rig.ec2.changes().toString());
            assertEquals(INSTANCE[1], rig.holder());
            assertEquals("FAULT", a.lastState());
        }
    }

    /**
     * (d) A VRRP partition (IP protocol 112 dropped both ways) while both nodes still reach EC2: node1 becomes
     * Master and takes the EIP; node0, finding the EIP it held on its peer, yields and stays Backup. At most one
     * move during the partition; after it heals exactly one Master, holding the EIP.
     */
    @Test
    void vrrpPartitionMovesTheEipAtMostOnceAndHealsToOneMaster() {
        try (AwsRig rig = AwsRig.create("awd")) {
            rig.startPair("", "", "        recheck_interval 0.5", START);
            FloatdProcess a = rig.nodes[0];
            FloatdProcess b = rig.nodes[1];

            long cutAt = FloatdProcess.epochNanos();
            for (int i = 0; i < 2; i++) {
                rig.host(i).exec("iptables", "-A", "INPUT", "-p", "112", "-j", "DROP");
            }
            FloatdProcess.sleep(5000);
            long healAt = FloatdProcess.epochNanos();
            for (int i = 0; i < 2; i++) {
                rig.host(i).exec("iptables", "-D", "INPUT", "-p", "112", "-j", "DROP");
            }
            List<Ec2TestEndpoint.Change> during = rig.ec2.changes().stream()
                    .filter(c -> c.atEpochNanos() >= cutAt && c.atEpochNanos() < healAt).toList();
            System.out.println("partition: moves " + during + "; node0 " + a.notifications() + "; node1 "
                    + b.notifications());
            assertTrue(during.size() <= 1, "EIP moves during the partition: " + during);
            // the old Master saw the EIP on its peer and neither took it back nor (inside 5 s) yielded: it yields only
            // when the EIP is still there a deadline (30 s) after, since a peer handing it over holds it on the way
            assertTrue(during.isEmpty() || a.log().contains("split brain")
                    || a.log().contains("while Master: yielding if it is still there in 30 s"), a.log());

            // healed: within a short time exactly one Master, holding the EIP, and it stays so
            long end = System.nanoTime() + STEP.toNanos();
            int stableFor = 0;
            String last = "";
            while (System.nanoTime() < end && stableFor < 10) {
                FloatdProcess.sleep(100);
                String sa = a.lastState();
                String sb = b.lastState();
                boolean oneMaster = sa.equals("MASTER") ^ sb.equals("MASTER");
                String master = sa.equals("MASTER") ? INSTANCE[0] : INSTANCE[1];
                last = sa + "/" + sb + " holder " + rig.holder();
                stableFor = oneMaster && master.equals(rig.holder()) ? stableFor + 1 : 0;
            }
            assertEquals(10, stableFor, "after healing: " + last + "\nchanges " + rig.ec2.changes()
                    + "\nnode0:\n" + a.log() + "\nnode1:\n" + b.log());
            List<Ec2TestEndpoint.Change> after = rig.ec2.changes().stream().filter(c -> c.atEpochNanos() >= healAt)
                    .toList();
            System.out.println("after healing: " + last + ", moves " + after);
            assertTrue(after.size() <= 1, after.toString());
        }
    }

    /**
     * (e) EC2 throttles (RequestLimitExceeded) the first calls of one takeover, then 503s (Unavailable) the first
     * calls of the next: both takeovers complete inside their deadline, and the daemon logs each problem in one
     * line, without a stack trace. The re-check is slowed to 60 s so that no re-check eats the injected faults.
     */
    @Test
    void throttledOrUnavailableEc2StillCompletesTheTakeoverInsideTheDeadline() throws Exception {
        Path flag = dir.resolve("app-down");
        Path chk = checkScript(flag);
        // warm_interval 0: the request counts below are exact, a Backup's read must not fall into them
        String floating = "        recheck_interval 60\n        warm_interval 0\n        deadline 5";
        try (AwsRig rig = AwsRig.create("awe")) {
            rig.startPair(trackTop(chk), TRACK, floating, START);
            FloatdProcess a = rig.nodes[0];
            FloatdProcess b = rig.nodes[1];

            // round 1: node1 takes over through 3 throttled calls
            int n = 3;
            int before = rig.ec2.requests().size();
            rig.ec2.failNext(n, Fault.throttle());
            long failedAt = FloatdProcess.epochNanos();
            Files.createFile(flag);
            b.awaitState("MASTER", STEP);
            rig.awaitHolder(1, STEP);
            long masterAt = AwsRig.loggedTimes(b, "Entering MASTER STATE").getLast();
            long movedAt = rig.movesTo(1, failedAt).getFirst().atEpochNanos();
            List<Ec2TestEndpoint.Request> round1 = rig.ec2.requests().subList(before, rig.ec2.requests().size());
            System.out.printf("throttled x%d: MASTER -> association %.0f ms; requests %s%n", n,
                    millis(movedAt - masterAt), round1.stream().map(r -> r.action() + "@" + r.clientAddress()).toList());
            assertTrue(movedAt - masterAt < Duration.ofSeconds(5).toNanos(), "inside the 5 s deadline");
            assertTrue(round1.stream().allMatch(r -> r.clientAddress().equals(io.floatd.testing.Lan.address(1))), round1.toString());
            assertEquals(n + 2, round1.size(), "3 refused reads, the holder read, the write (no second read): " + round1);
            b.awaitLog("takeover: entered MASTER", STEP);
            assertOneLinePerProblem(b.log(), "RequestLimitExceeded", n);

            // round 2: node0 recovers, preempts, and takes the EIP back through 3 x 503 Unavailable
            a.awaitState("FAULT", STEP);
            before = rig.ec2.requests().size();
            rig.ec2.failNext(n, Fault.unavailable());
            long recoveredAt = FloatdProcess.epochNanos();
            Files.delete(flag);
            a.awaitState("MASTER", STEP);
            rig.awaitHolder(0, STEP);
            masterAt = AwsRig.loggedTimes(a, "Entering MASTER STATE").getLast();
            movedAt = rig.movesTo(0, recoveredAt).getFirst().atEpochNanos();
            List<Ec2TestEndpoint.Request> round2 = rig.ec2.requests().subList(before, rig.ec2.requests().size());
            System.out.printf("503 x%d: MASTER -> association %.0f ms; requests %s%n", n,
                    millis(movedAt - masterAt), round2.stream().map(r -> r.action() + "@" + r.clientAddress()).toList());
            assertTrue(movedAt - masterAt < Duration.ofSeconds(5).toNanos(), "inside the 5 s deadline");
            // node1, which held the EIP, stepped down to node0: two advert intervals later it reads the holder and, if
            // node0's retries have not moved the EIP yet, hands it over (issue 13). Either way the EIP moves to node0,
            // by one write (two only when the two cross), and node0 asks at most its n refused calls, a read and a write
            List<Ec2TestEndpoint.Request> writes2 = AwsRig.writes(round2);
            assertTrue(!writes2.isEmpty() && writes2.size() <= 2
                    && writes2.stream().allMatch(r -> INSTANCE[0].equals(r.params().get("InstanceId"))), round2.toString());
            assertTrue(round2.stream().filter(r -> r.clientAddress().equals(io.floatd.testing.Lan.address(0))).count()
                    <= n + 2, round2.toString());
            FloatdProcess.sleep(300);
            assertEquals(2, a.log().split("takeover: entered MASTER", -1).length - 1, "two takeovers logged");
            assertOneLinePerProblem(a.log(), "Unavailable", n);
            assertFalse(a.log().contains("takeover failed"), a.log());
            assertFalse(b.log().contains("takeover failed"), b.log());
        }
    }

    /**
     * (f) Issue 8: EC2 fails half of all calls (throttling, 5xx, or an answer after the SDK's 2 s attempt timeout, picked
     * at random per request). Three takeovers under it: kill -9 of the Master (node1 takes over), node0 restarted
     * (it preempts and takes the Elastic IP back), kill -9 of node0 again; the first call after each kill is
     * throttled for certain, so that each of those takeovers meets at least one fault. Each moves the Elastic IP
     * inside the takeover's deadline (the default, 30 s), and no takeover is reported failed.
     */
    @Test
    void halfOfAllCallsFailingKillMinus9StillMovesTheEipInsideTheDeadline() {
        String floating = "        warm_interval 0";
        try (AwsRig rig = AwsRig.create("awf")) {
            rig.startPair("", "", floating, START);
            io.floatd.testing.FaultMix mix = io.floatd.testing.FaultMix.of("mixed", 0.5, 8, 2300);
            rig.ec2.faults(io.floatd.provider.aws.Ec2Faults.of(mix));
            List<FloatdProcess> killed = new java.util.ArrayList<>();
            int[] takeovers = {1, 0}; // node0's first takeover was at start
            try {
                for (int round = 0; round < 3; round++) {
                    int winner = round % 2 == 0 ? 1 : 0;
                    long at = FloatdProcess.epochNanos();
                    if (winner == 1) {
                        rig.ec2.failNext(1, Fault.throttle());
                        rig.nodes[0].kill9();
                        killed.add(rig.nodes[0]);
                    } else {
                        rig.start(0, 150, "", "", floating); // preempts node1 once up
                        takeovers[0] = 0;
                    }
                    FloatdProcess w = rig.nodes[winner];
                    w.awaitState("MASTER", START);
                    rig.awaitHolder(winner, Duration.ofSeconds(35));
                    long masterAt = AwsRig.loggedTimes(w, "Entering MASTER STATE").getLast();
                    long movedAt = rig.movesTo(winner, at).getFirst().atEpochNanos();
                    String takeover = FloatdProcess.awaitNthLine(w, "takeover: entered MASTER", takeovers[winner]++,
                            Duration.ofSeconds(35));
                    System.out.printf("half of all EC2 calls failing, round %d: node%d MASTER -> association %.0f ms;"
                            + " %s%n", round + 1, winner, millis(movedAt - masterAt), takeover);
                    assertTrue(movedAt - masterAt < Duration.ofSeconds(30).toNanos(), "inside the 30 s deadline: " + takeover);
                    // a restarted node builds its provider while it already runs (issue 19): when that build, against
                    // this EC2, outlasts its Master_Down_Interval, the Master it preempts has handed the EIP over
                    // (issue 13) before its own takeover reads, which then finds it held
                    java.util.regex.Matcher confirmed = java.util.regex.Pattern
                            .compile("(acquire confirmed|already held, no write) \\+([0-9.]+) ms").matcher(takeover);
                    assertTrue(confirmed.find() && Double.parseDouble(confirmed.group(2)) < 30_000,
                            "confirmed inside the deadline: " + takeover);
                    assertFalse(w.log().contains("takeover failed"), w.log());
                    if (winner == 1) {
                        assertTrue(w.log().contains("provider call failed, retrying"), "met a fault: " + w.log());
                    }
                }
                System.out.println("faults given: " + mix.given());
                assertTrue(mix.given().entrySet().stream().filter(e -> e.getKey() != io.floatd.testing.FaultMix.Fault.NONE)
                        .mapToInt(java.util.Map.Entry::getValue).sum() >= 1, "the mix injected faults: " + mix.given());
            } finally {
                killed.forEach(FloatdProcess::close);
            }
        }
    }

    /**
     * A takeover still in flight when its node stops being Master: node1's acquire is slowed at the endpoint
     * (its holder read, the DescribeAddresses before AssociateAddress, answers after 1.5 s) while node0 recovers and
 * preempts.
     * The Elastic IP must end on the Master, node0. Before the fix, node1's AssociateAddress was sent after its slow
     * read returned, ~0.9 s after node1 went BACKUP and after node0's takeover found the IP at home and wrote nothing;
     * the IP stayed on the Backup until node0's next re-check (60 s here), which took it for a split brain and yielded.
     * Now node1 leaving MASTER interrupts its in-flight call, and the SDK stops before sending the write.
     */
    @Test
    void staleAcquireOfAFormerMasterDoesNotLeaveTheEipOnTheBackup() throws Exception {
        Path flag = dir.resolve("app-down");
        Path chk = checkScript(flag);
        try (AwsRig rig = AwsRig.create("aws")) {
            // warm_interval 0: the slowed read must be node1's holder read, not another node's warm read
            rig.startPair(trackTop(chk), TRACK, "        recheck_interval 60\n        warm_interval 0", START);
            FloatdProcess a = rig.nodes[0];
            FloatdProcess b = rig.nodes[1];
            // node1's takeover: its holder read answers after 1.5 s; the write would follow it at once
            rig.ec2.failNext("DescribeAddresses", 1, Fault.slow(1500));
            long t0 = FloatdProcess.epochNanos();
            Files.createFile(flag);
            b.awaitNotified("MASTER", t0, STEP);
            Files.delete(flag); // node0 rises (2 x 0.2 s) and preempts while node1's acquire is in flight
            a.awaitNotified("MASTER", FloatdProcess.epochNanos() - Duration.ofSeconds(1).toNanos(), STEP);
            FloatdProcess.sleep(3000);
            System.out.println("stale acquire: changes " + rig.ec2.changes() + "\nnode0 " + a.notifications()
                    + "\nnode1 " + b.notifications() + "\nrequests " + rig.ec2.requests().stream()
                    .map(r -> r.action() + "@" + r.clientAddress()).toList());
            assertEquals("MASTER", a.lastState());
            assertEquals(INSTANCE[0], rig.holder(), "the EIP is on the Backup:\n" + b.log());
        }
    }

    /**
     * Every line of the log is a floatd line (time-stamped, or a configuration warning printed before logging
     * starts): no stack trace, no SDK dump; and the injected problem shows up in at least one and at most
     * {@code n} of them.
     */
    private static void assertOneLinePerProblem(String log, String code, int n) {
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        for (String l : lines) {
            assertTrue(l.matches("(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} )?floatd: .*"),
                    "not a floatd log line: " + l + "\n" + log);
        }
        long mentions = lines.stream().filter(l -> l.contains(code)).count();
        System.out.println(code + ": " + lines.stream().filter(l -> l.contains(code)).toList());
        assertTrue(mentions >= 1 && mentions <= n, mentions + " lines mention " + code + ":\n" + log);
    }
}
