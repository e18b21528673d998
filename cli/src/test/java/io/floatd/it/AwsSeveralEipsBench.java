package io.floatd.it;

import static io.floatd.it.AwsRig.INSTANCE;

import io.floatd.provider.aws.Ec2TestEndpoint;
import io.floatd.testing.Lan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (skipped unless {@code -Dfloatd.bench=several-eips}): entering MASTER → every
 * AssociateAddress at the endpoint, with one Elastic IP and with two (two {@code floating_ip} blocks), on the
 * {@link AwsRig} LAN. A track script on node0 hands over FAULT → node1 and back (rise + preemption) {@code
 * floatd.bench.flips} times (default 20) per configuration, after each daemon's warm-up. Start: the node's "Entering
 * MASTER STATE" log line (ms resolution); end: the arrival of the flip's last write; spread: between the two writes of
 * a flip. Run: {@code ./mvnw -B -o verify -pl cli -am -Dtest=AwsSeveralEipsBench -Dfloatd.bench=several-eips
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfloatd.fuzz.skip=true -Dfloatd.cds.skip=true}.
 */
@EnabledIfSystemProperty(named = "floatd.bench", matches = "several-eips")
class AwsSeveralEipsBench {
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final String ALLOC2 = AwsSeveralFloatingIpsTest.ALLOC2;

    @TempDir
    Path dir;

    private static String block(int i, String address) {
        return """
                    floating_ip {
                        provider aws
                        address %s
                        instance_id %s
                        region %s
                    }
                """.formatted(address, INSTANCE[i], AwsRig.REGION);
    }

    private String config(int i, int priority, Path chk, int blocks, String notify) {
        String top = i == 0 ? """
                vrrp_script chk_app {
                    script "%s"
                    interval 0.2
                    fall 2
                    rise 2
                }
                """.formatted(chk) : "";
        return top + """
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
                %s%s%s
                    notify "%s"
                }
                """.formatted(priority, Lan.address(i), Lan.address(1 - i),
                i == 0 ? "    track_script {\n        chk_app\n    }\n" : "",
                block(i, AwsRig.EIP), blocks == 2 ? block(i, ALLOC2) : "", notify);
    }

    /** Per flip: {MASTER → last write ms, spread between the writes ms}. */
    private List<double[]> run(int blocks, int flips) throws IOException {
        Path flag = dir.resolve("app-down-" + blocks);
        Path chk = dir.resolve("chk-" + blocks + ".sh");
        Files.writeString(chk, "#!/bin/sh\n[ ! -e " + flag + " ]\n");
        Files.setPosixFilePermissions(chk, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = AwsRig.create(blocks == 1 ? "mbc" : "mbd")) {
            rig.ec2.elasticIp(ALLOC2, AwsSeveralFloatingIpsTest.EIP2);
            FloatdProcess[] nodes = new FloatdProcess[2];
            for (int i = 0; i < 2; i++) {
                int node = i;
                nodes[i] = rig.nodes[i] = FloatdProcess.start(rig.host(i), rig.env(),
                        n -> config(node, node == 0 ? 150 : 100, chk, blocks, n));
                nodes[i].awaitState(i == 0 ? "MASTER" : "BACKUP", Duration.ofSeconds(60));
            }
            for (FloatdProcess p : nodes) {
                long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (p.log().split("request path compiled", -1).length - 1 < blocks && System.nanoTime() < end) {
                    FloatdProcess.sleep(200);
                }
            }
            FloatdProcess.sleep(1000);
            for (int k = 0; k < flips; k++) {
                boolean toPeer = k % 2 == 0;
                int to = toPeer ? 1 : 0;
                long from = FloatdProcess.epochNanos();
                if (toPeer) {
                    Files.createFile(flag);
                } else {
                    Files.delete(flag);
                }
                long end = System.nanoTime() + STEP.toNanos();
                List<Ec2TestEndpoint.Request> writes = List.of();
                while (System.nanoTime() < end) {
                    writes = AwsRig.writes(rig.ec2.requests()).stream()
                            .filter(r -> r.atEpochNanos() >= from && r.clientAddress().equals(Lan.address(to))).toList();
                    if (writes.size() >= blocks && INSTANCE[to].equals(rig.holder())) {
                        break;
                    }
                    FloatdProcess.sleep(10);
                }
                if (writes.size() < blocks) {
                    throw new AssertionError("flip " + k + ": writes " + writes + "\n" + nodes[to].log());
                }
                long last = writes.stream().mapToLong(Ec2TestEndpoint.Request::atEpochNanos).max().orElseThrow();
                long first = writes.stream().mapToLong(Ec2TestEndpoint.Request::atEpochNanos).min().orElseThrow();
                long master = AwsRig.loggedTimes(nodes[to], "Entering MASTER STATE").stream()
                        .filter(t -> t <= first).max(Long::compare).orElseThrow();
                out.add(new double[] {(last - master) / 1e6, (last - first) / 1e6});
                FloatdProcess.sleep(700);
            }
        }
        return out;
    }

    @Test
    void enteringMasterToEveryWriteWithOneAndTwoElasticIps() throws IOException {
        int flips = Integer.getInteger("floatd.bench.flips", 20);
        String load0 = Files.readString(Path.of("/proc/loadavg")).strip();
        List<double[]> one = run(1, flips);
        List<double[]> two = run(2, flips);
        String load1 = Files.readString(Path.of("/proc/loadavg")).strip();
        System.out.printf(Locale.ROOT, "several-eips bench, load %s -> %s%n", load0, load1);
        System.out.printf(Locale.ROOT, "  1 EIP : MASTER -> write        p50 %.1f ms, p99 %.1f ms (n=%d)%n",
                pct(one, 0, 50), pct(one, 0, 99), one.size());
        System.out.printf(Locale.ROOT, "  2 EIPs: MASTER -> both writes  p50 %.1f ms, p99 %.1f ms (n=%d);"
                + " spread p50 %.1f ms, p99 %.1f ms%n", pct(two, 0, 50), pct(two, 0, 99), two.size(),
                pct(two, 1, 50), pct(two, 1, 99));
    }

    private static double pct(List<double[]> rows, int c, double p) {
        List<Double> s = rows.stream().map(r -> r[c]).sorted().toList();
        int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, idx)));
    }
}
