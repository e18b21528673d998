package io.floatd.it;

import static io.floatd.it.AwsRig.INSTANCE;
import static io.floatd.it.AwsRig.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testing.Lan;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: two real floatd daemons, each with two {@code floating_ip { provider aws }} blocks (two Elastic IPs),
 * through the AWS SDK against {@link Ec2TestEndpoint} in a third namespace (see {@link AwsRig}). kill -9 of the Master
 * moves both Elastic IPs to the Backup, the two AssociateAddress calls sent in parallel (one block's orchestrator
 * never waits for the other's); a node that enters MASTER already holding both sends no write, only reads. And an
 * Elastic IP block beside a {@code provider linux-l2} block puts the instance's virtual_ipaddress on the Master's
 * interface too (the overlay-IP use: the Master must hold the address locally for its service to accept it).
 */
class AwsSeveralFloatingIpsTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(8);
    static final String EIP2 = "203.0.113.20";
    static final String ALLOC2 = "eipalloc-0fedcba9876543210";
    private static final Set<String> ALLOCS = Set.of(AwsRig.ALLOC, ALLOC2);
    /** How long the endpoint holds back the first AssociateAddress after the kill: a slow API for one block. */
    private static final long SLOW_MS = 1500;

    private static String eip(int i, String address) {
        return """
                    floating_ip {
                        provider aws
                        address %s
                        instance_id %s
                        region %s
                        recheck_interval 1
                    }
                """.formatted(address, INSTANCE[i], AwsRig.REGION);
    }

    /** Two Elastic IPs: one by its public IP, one by its allocation id. */
    private static String twoEips(int i) {
        return eip(i, AwsRig.EIP) + eip(i, ALLOC2);
    }

    private static String config(int i, int priority, String blocks, String notify) {
        return """
                global_defs {
                    router_id aws-node%d
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    version 3
                    advert_int 0.1
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                %s
                    notify "%s"
                }
                """.formatted(i, priority, Lan.address(i), Lan.address(1 - i), blocks, notify);
    }

    private static FloatdProcess start(AwsRig rig, int i, int priority, String blocks) {
        rig.nodes[i] = FloatdProcess.start(rig.host(i), rig.env(), n -> config(i, priority, blocks, n));
        return rig.nodes[i];
    }

    private static String holder(AwsRig rig, String alloc) {
        Ec2TestEndpoint.Association a = rig.ec2.address(alloc);
        return a == null ? null : a.instanceId();
    }

    private static void awaitBoth(AwsRig rig, int node, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (INSTANCE[node].equals(holder(rig, AwsRig.ALLOC)) && INSTANCE[node].equals(holder(rig, ALLOC2))) {
                return;
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("the Elastic IPs are on " + holder(rig, AwsRig.ALLOC) + " and " + holder(rig, ALLOC2)
                + ", not both on node" + node + "\nrequests: " + rig.ec2.requests() + "\nnode0:\n" + rig.log(0)
                + "\nnode1:\n" + rig.log(1));
    }

    private static List<Ec2TestEndpoint.Request> writesFrom(AwsRig rig, int node, long after) {
        return AwsRig.writes(rig.ec2.requests()).stream()
                .filter(r -> r.clientAddress().equals(Lan.address(node)) && r.atEpochNanos() >= after).toList();
    }

    @Test
    void killOfTheMasterMovesBothElasticIpsInParallelAndAHolderEnteringMasterWritesNothing() {
        try (AwsRig rig = AwsRig.create("mba")) {
            rig.ec2.elasticIp(ALLOC2, EIP2);
            FloatdProcess a = start(rig, 0, 150, twoEips(0));
            a.awaitState("MASTER", START);
            awaitBoth(rig, 0, START);
            FloatdProcess b = start(rig, 1, 100, twoEips(1));
            b.awaitState("BACKUP", START);
            // each block's provider logs its line after its warm-up calls: both blocks of node1 are ready
            b.awaitLog("aws: Elastic IP " + AwsRig.EIP + " (mode eip)", START);
            b.awaitLog("aws: Elastic IP " + ALLOC2 + " (mode eip)", START);
            FloatdProcess.sleep(300); // and node1's INIT -> BACKUP reads
            assertEquals(2, writesFrom(rig, 0, 0).size(), "node0's election: one write per Elastic IP: " + rig.ec2.requests());

            // kill -9 of the Master; the first AssociateAddress to arrive is answered SLOW_MS late: were the blocks
            // moved one after the other, the second would arrive only after it
            rig.ec2.failNext("AssociateAddress", 1, Ec2TestEndpoint.Fault.slow(SLOW_MS));
            long killedAt = FloatdProcess.epochNanos();
            a.kill9();
            b.awaitState("MASTER", STEP);
            awaitBoth(rig, 1, STEP);
            List<Ec2TestEndpoint.Change> moves = rig.ec2.changes().stream()
                    .filter(c -> c.atEpochNanos() >= killedAt && INSTANCE[1].equals(c.instanceId())).toList();
            assertEquals(ALLOCS, moves.stream().map(Ec2TestEndpoint.Change::allocationId).collect(Collectors.toSet()),
                    "one association per Elastic IP: " + rig.ec2.changes());
            assertEquals(2, moves.size(), rig.ec2.changes().toString());
            List<Ec2TestEndpoint.Request> sent = writesFrom(rig, 1, killedAt);
            assertEquals(2, sent.size(), "two AssociateAddress, one per block: " + sent);
            long first = Math.min(sent.get(0).atEpochNanos(), sent.get(1).atEpochNanos());
            long spread = Math.abs(sent.get(0).atEpochNanos() - sent.get(1).atEpochNanos());
            System.out.printf("kill -9 -> first AssociateAddress at the endpoint %.1f ms, second %.1f ms later"
                    + " (spread; the first answered %d ms late)%n", millis(first - killedAt), millis(spread), SLOW_MS);
            assertTrue(spread < Duration.ofMillis(SLOW_MS / 2).toNanos(),
                    "both writes sent in parallel: spread " + millis(spread) + " ms");
            assertTrue(first - killedAt < Duration.ofMillis(2500).toNanos(), "kill -> writes " + millis(first - killedAt) + " ms");
            // each block's timeline, told apart by its address
            b.awaitLog("VRRP_Instance(VI_1 " + AwsRig.EIP + ") takeover: entered MASTER", STEP);
            b.awaitLog("VRRP_Instance(VI_1 " + ALLOC2 + ") takeover: entered MASTER", STEP);

            // node1, holding both, restarts (kill -9, then start): alone, it enters MASTER and finds both at home
            b.kill9();
            long restartedAt = FloatdProcess.epochNanos();
            int changes = rig.ec2.changes().size();
            FloatdProcess b2 = start(rig, 1, 100, twoEips(1));
            b2.awaitState("MASTER", START);
            b2.awaitLog("VRRP_Instance(VI_1 " + AwsRig.EIP + ") takeover: entered MASTER", STEP);
            b2.awaitLog("VRRP_Instance(VI_1 " + ALLOC2 + ") takeover: entered MASTER", STEP);
            FloatdProcess.sleep(1500); // a re-check of each block (recheck_interval 1) finds them at home too
            List<Ec2TestEndpoint.Request> after = rig.ec2.requests().stream()
                    .filter(r -> r.atEpochNanos() >= restartedAt).toList();
            assertEquals(List.of(), writesFrom(rig, 1, restartedAt), "no write when both are held: " + after);
            assertEquals(changes, rig.ec2.changes().size(), rig.ec2.changes().toString());
            assertTrue(after.stream().anyMatch(r -> r.action().equals("DescribeAddresses")), "reads only: " + after);
            assertEquals(2, b2.log().split("already held, no write", -1).length - 1, b2.log());
            System.out.println("restart holding both: " + after.size() + " requests, 0 writes: "
                    + after.stream().map(r -> r.action() + ("true".equals(r.params().get("DryRun")) ? "(DryRun)" : ""))
                            .collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting())));
        }
    }

    private static final String OVERLAY = "192.168.100.10";

    private static boolean hasOverlay(AwsRig rig, int node) {
        return rig.host(node).exec("ip", "-o", "-4", "addr", "show", "dev", Lan.IFNAME).contains(OVERLAY + "/32");
    }

    private static void awaitOverlay(AwsRig rig, int node, boolean present, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (hasOverlay(rig, node) != present) {
            if (System.nanoTime() > end) {
                throw new AssertionError(OVERLAY + (present ? " not" : " still") + " on node" + node + "'s " + Lan.IFNAME
                        + "\nnode0:\n" + rig.log(0) + "\nnode1:\n" + rig.log(1));
            }
            FloatdProcess.sleep(20);
        }
    }

    @Test
    void aLinuxL2BlockBesideAnElasticIpPutsTheVirtualAddressOnTheMastersInterface() {
        String blocks0 = eip(0, AwsRig.EIP) + "    floating_ip {\n        provider linux-l2\n    }\n"
                + "    virtual_ipaddress {\n        " + OVERLAY + "/32\n    }\n";
        try (AwsRig rig = AwsRig.create("mbb")) {
            FloatdProcess a = start(rig, 0, 150, blocks0);
            a.awaitState("MASTER", START);
            rig.awaitHolder(0, START);
            awaitOverlay(rig, 0, true, STEP);
            FloatdProcess b = start(rig, 1, 100, blocks0.replace(INSTANCE[0], INSTANCE[1]));
            b.awaitState("BACKUP", START);
            b.awaitLog("aws: Elastic IP " + AwsRig.EIP + " (mode eip)", START);
            assertTrue(!hasOverlay(rig, 1), "a Backup does not hold the overlay address");

            a.kill9();
            b.awaitState("MASTER", STEP);
            rig.awaitHolder(1, STEP);
            awaitOverlay(rig, 1, true, STEP);
            b.awaitLog("VRRP_Instance(VI_1 " + AwsRig.EIP + ") takeover: entered MASTER", STEP);
            b.awaitLog("VRRP_Instance(VI_1 linux-l2) takeover: entered MASTER", STEP);
        }
    }
}
