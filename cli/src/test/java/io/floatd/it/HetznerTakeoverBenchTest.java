package io.floatd.it;

import io.floatd.provider.hetzner.HetznerTestEndpoint;
import io.floatd.testing.Lan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Only with {@code FLOATD_HZ_BENCH=1} (bench/hz-takeover.sh): the Hetzner floating IP takeover, floatd beside
 * keepalived + the usual Hetzner recipe (the floating IP as keepalived's {@code virtual_ipaddress}, and a
 * {@code notify_master} script that reads the server id from the metadata service and {@code curl}s
 * {@code POST /v1/floating_ips/{id}/actions/assign}, up to 10 tries with {@code sleep 3}). The rig of
 * {@link HetznerFailoverTest}: three namespaces, {@link HetznerTestEndpoint} in the third (an assign action succeeds
 * {@value #ACTION_MS} ms after its POST, whoever polls it), VRRPv3 {@code advert_int 0.1}, unicast, node0 priority
 * 150, node1 100. Per contender, {@code FLOATD_HZ_BENCH_REPS} (10) kills of node0 (floatd: kill -9; keepalived:
 * parent SIGSTOPped, both processes SIGKILLed), node1 taking over, node0 restarted after each (it preempts); then
 * {@code FLOATD_HZ_BENCH_LOCKED} (3) kills each where the first assign after the kill is answered 423 {@code locked}.
 * Times from the endpoint's log (arrival of the assign, the action's success); entering MASTER is floatd's log line
 * (ms, truncated; its notify MASTER runs after the takeover) and keepalived's notify script's {@code date +%s%N}
 * (after a fork: flatters keepalived). Every sample and the summary go to stdout as "hz-bench" lines.
 */
@Timeout(1800)
@EnabledIfEnvironmentVariable(named = "FLOATD_HZ_BENCH", matches = "1")
class HetznerTakeoverBenchTest {
    static final long FIP = HetznerPair.FIP;
    static final String IP = HetznerPair.IP;
    static final long[] SERVER = HetznerPair.SERVER;
    static final String TOKEN = "hzbench" + "7f3a9c1e5b8d2f6a0c4e9b3d7f1a5c8e2b6d0f4a9c3e7b1d5f8a2c6e0b4d9f3a7c1e";
    static final long ACTION_MS = 500;
    static final int VRID = 58;
    static final Duration START = Duration.ofSeconds(30);
    static final Duration STEP = Duration.ofSeconds(15);

    private final Random random = new Random(20);
    private final Samples floatd = new Samples("floatd");
    private final Samples keepalived = new Samples("keepalived");

    /** One contender's samples, in ms; a round whose first assign met 423 counts kill -> success only. */
    private record Samples(String who, List<Double> masterToPost, List<Double> killToPost, List<Double> killToDone,
            List<Double> lockedKillToDone) {
        Samples(String who) {
            this(who, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        /** Kill {@code i} (killed at, the new Master's MASTER, its assign's arrival, the action's success). */
        void add(int i, boolean lockedRound, long killedAt, long master, HetznerTestEndpoint.Request post,
                HetznerTestEndpoint.Completion done) {
            if (lockedRound) {
                lockedKillToDone.add(ms(done.atEpochNanos() - killedAt));
            } else {
                masterToPost.add(ms(post.atEpochNanos() - master));
                killToPost.add(ms(post.atEpochNanos() - killedAt));
                killToDone.add(ms(done.atEpochNanos() - killedAt));
            }
            System.out.printf("hz-bench sample %s%s kill %d  MASTER->assign %6.1f ms  kill->assign %6.1f ms"
                    + "  kill->success %7.1f ms%n", who, lockedRound ? " 423" : "", i, ms(post.atEpochNanos() - master),
                    ms(post.atEpochNanos() - killedAt), ms(done.atEpochNanos() - killedAt));
        }
    }

    @Test
    void benchmark() throws Exception {
        int reps = Integer.parseInt(System.getenv().getOrDefault("FLOATD_HZ_BENCH_REPS", "10"));
        int locked = Integer.parseInt(System.getenv().getOrDefault("FLOATD_HZ_BENCH_LOCKED", "3"));
        Path dir = Files.createTempDirectory("hz-bench-");
        Path token = dir.resolve("hcloud-token");
        Files.writeString(token, TOKEN + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        try (Lan lan = Lan.create("hzb", 3)) {
            HetznerTestEndpoint api = endpoint(lan);
            try {
                floatd(lan, api, token, reps, locked);
            } finally {
                api.close();
            }
            api = endpoint(lan);
            try {
                keepalived(lan, api, dir, reps, locked);
            } finally {
                api.close();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        report();
    }

    private static HetznerTestEndpoint endpoint(Lan lan) {
        return HetznerPair.endpoint(lan.host(2), TOKEN, false, ACTION_MS);
    }

    // ---- floatd ---------------------------------------------------------------------------------------------------

    private void floatd(Lan lan, HetznerTestEndpoint api, Path token, int reps, int locked) {
        List<FloatdProcess> all = new ArrayList<>();
        try {
            FloatdProcess n0 = startFloatd(lan, api, token, 0, 150, all);
            n0.awaitState("MASTER", START);
            FloatdProcess n1 = startFloatd(lan, api, token, 1, 100, all);
            n1.awaitState("BACKUP", START);
            awaitSuccess(api, SERVER[0], 0, STEP);
            // a warm daemon: its one-off JIT warm-up done
            n1.awaitLog("request path compiled", Duration.ofSeconds(90));
            for (int i = 1; i <= reps + locked; i++) {
                boolean lockedRound = beforeKill(api, i > reps);
                long killedAt = FloatdProcess.epochNanos();
                n0.kill9();
                n1.awaitNotified("MASTER", killedAt, STEP);
                // floatd's notify MASTER runs after its takeover: entering MASTER is its log line (ms, truncated)
                long master = enteredMaster(n1, killedAt);
                HetznerTestEndpoint.Completion done = awaitSuccess(api, SERVER[1], killedAt, STEP);
                HetznerTestEndpoint.Request post = firstPost(api, 1, killedAt);
                floatd.add(i, lockedRound, killedAt, master, post, done);
                long restartAt = FloatdProcess.epochNanos();
                n0 = startFloatd(lan, api, token, 0, 150, all);
                n0.awaitNotified("MASTER", restartAt, START);
                awaitSuccess(api, SERVER[0], restartAt, START);
            }
        } finally {
            all.forEach(FloatdProcess::close);
        }
    }

    private static FloatdProcess startFloatd(Lan lan, HetznerTestEndpoint api, Path token, int node, int priority,
            List<FloatdProcess> all) {
        FloatdProcess p = HetznerPair.startFloatd(lan, api, node, VRID, priority, IP, token);
        all.add(p);
        return p;
    }

    // ---- keepalived + notify_master curl --------------------------------------------------------------------------

    private void keepalived(Lan lan, HetznerTestEndpoint api, Path dir, int reps, int locked) throws IOException {
        Path master = dir.resolve("master.sh");
        Files.writeString(master, """
                #!/bin/bash
                # the usual Hetzner keepalived recipe: the floating IP is keepalived's VIP; this routes it here
                TOKEN='%s'
                API='%s'
                METADATA='%s'
                FIP=%d
                ID=$(curl -s $METADATA/hetzner/v1/metadata/instance-id)
                n=0
                while [ $n -lt 10 ]
                do
                    code=$(curl -s -o /dev/null -w '%%{http_code}' -X POST \\
                        -H "Content-Type: application/json" -H "Authorization: Bearer $TOKEN" \\
                        -d "{\\"server\\":$ID}" "$API/floating_ips/$FIP/actions/assign")
                    [ "$code" = 201 ] && break
                    n=$((n+1))
                    sleep 3
                done
                """.formatted(TOKEN, api.uri(), api.root(), FIP));
        Files.setPosixFilePermissions(master, PosixFilePermissions.fromString("rwx------"));
        List<Process> kas = new ArrayList<>();
        Process[] ka = new Process[2];
        try {
            ka[0] = startKeepalived(lan, dir, 0, 150);
            kas.add(ka[0]);
            awaitSuccess(api, SERVER[0], 0, START);
            ka[1] = startKeepalived(lan, dir, 1, 100);
            kas.add(ka[1]);
            FloatdProcess.sleep(2000);
            for (int i = 1; i <= reps + locked; i++) {
                boolean lockedRound = beforeKill(api, i > reps);
                long killedAt = FloatdProcess.epochNanos();
                KeepalivedContender.kill(ka[0]);
                HetznerTestEndpoint.Completion done = awaitSuccess(api, SERVER[1], killedAt, STEP);
                HetznerTestEndpoint.Request post = firstPost(api, 1, killedAt);
                long masterAt = KeepalivedContender.notifiedAfter(dir, 1, "MASTER", killedAt, STEP);
                keepalived.add(i, lockedRound, killedAt, masterAt, post, done);
                long restartAt = FloatdProcess.epochNanos();
                ka[0] = startKeepalived(lan, dir, 0, 150);
                kas.add(ka[0]);
                awaitSuccess(api, SERVER[0], restartAt, START);
            }
        } catch (AssertionError e) {
            KeepalivedContender.dump(dir);
            throw e;
        } finally {
            kas.forEach(KeepalivedContender::kill);
        }
    }

    private static Process startKeepalived(Lan lan, Path dir, int node, int priority) throws IOException {
        return KeepalivedContender.start(lan, dir, node, VRID, priority, IP);
    }

    // ---- measuring ------------------------------------------------------------------------------------------------

    /** Settles, and in a locked round has the first assign after the kill answered 423 {@code locked}. */
    private boolean beforeKill(HetznerTestEndpoint api, boolean lockedRound) {
        settle();
        if (lockedRound) {
            api.failNext("POST /v1/floating_ips/" + FIP + "/actions/assign", 423, Map.of(), "locked",
                    "floating_ip " + FIP + " is locked by an action that is still running");
        }
        return lockedRound;
    }

    private void settle() {
        FloatdProcess.sleep(1000 + random.nextInt(100)); // a random phase of the 0.1 s advert cycle
    }

    private static HetznerTestEndpoint.Request firstPost(HetznerTestEndpoint api, int node, long afterEpochNanos) {
        return HetznerPair.firstPost(api, node, afterEpochNanos);
    }

    private static HetznerTestEndpoint.Completion awaitSuccess(HetznerTestEndpoint api, long server, long after,
            Duration timeout) {
        return HetznerPair.awaitSuccess(api, server, after, timeout);
    }

    private static long enteredMaster(FloatdProcess p, long afterEpochNanos) {
        long end = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < end) {
            for (long t : AwsRig.loggedTimes(p, "Entering MASTER STATE")) {
                if (t >= afterEpochNanos - 1_000_000) {
                    return t;
                }
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("no 'Entering MASTER STATE' after " + afterEpochNanos + ":\n" + p.log());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private void report() {
        System.out.printf("hz-bench %-34s %3s %22s %22s %22s%n", "kill -9 of the Master, n", "n",
                "MASTER->assign p50/max", "kill->assign p50/max", "kill->success p50/max");
        row("floatd", floatd.masterToPost(), floatd.killToPost(), floatd.killToDone());
        row("keepalived + notify_master curl", keepalived.masterToPost(), keepalived.killToPost(),
                keepalived.killToDone());
        System.out.printf("hz-bench first assign answered 423 locked: kill->success p50/max floatd %.1f / %.1f ms (n=%d),"
                        + " keepalived %.1f / %.1f ms (n=%d)%n", p(floatd.lockedKillToDone(), 50),
                p(floatd.lockedKillToDone(), 100), floatd.lockedKillToDone().size(),
                p(keepalived.lockedKillToDone(), 50), p(keepalived.lockedKillToDone(), 100),
                keepalived.lockedKillToDone().size());
    }

    private static void row(String who, List<Double> a, List<Double> b, List<Double> c) {
        System.out.printf("hz-bench %-34s %3d %11.1f / %7.1f ms %11.1f / %7.1f ms %11.1f / %7.1f ms%n", who, a.size(),
                p(a, 50), p(a, 100), p(b, 50), p(b, 100), p(c, 50), p(c, 100));
    }

    private static double p(List<Double> v, double q) {
        return DigitalOceanFailoverTest.DoBench.percentile(v, q);
    }
}
