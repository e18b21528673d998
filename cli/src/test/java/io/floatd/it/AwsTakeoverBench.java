package io.floatd.it;

import static io.floatd.it.AwsRig.ALLOC;
import static io.floatd.it.AwsRig.INSTANCE;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS takeover benchmark (run by {@code bench/aws-takeover.sh} from the CLI's test class path): two nodes on a
 * test LAN, {@link Ec2TestEndpoint} inside a third namespace, everything measured at the endpoint (the arrival of
 * the AssociateAddress that moves the Elastic IP).
 *
 * <ol>
 *   <li>floatd, warm: from entering MASTER (the daemon's log line) to AssociateAddress at the endpoint, over
 *       {@code failovers} hand-overs driven by a track script (FAULT on node0, then rise and preemption back), both
 *       daemons running all along.</li>
 *   <li>kill -9 of the Master to the association, {@code reps} times: floatd, then keepalived with a
 *       {@code notify_master} script calling the {@code aws} CLI ({@code ec2 associate-address}) against the same
 *       endpoint; also the part after the election (MASTER to the association).</li>
 * </ol>
 *
 * <p>Arguments: {@code [failovers=20] [reps=5] [aws=/usr/bin/aws]}. Only loopback and the namespaces it creates
 * are used.
 */
public final class AwsTakeoverBench {
    static final Duration STEP = Duration.ofSeconds(15);

    private AwsTakeoverBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchReport.run(args, "aws-bench-", (dir, failovers, reps, aws) -> {
            warmEndpoint();
            List<Double> warm = warmTakeovers(dir, failovers, "");
            List<Double> hot = warmTakeovers(dir, failovers, "        recheck_interval 0.5");
            List<double[]> fd = floatdKills(reps, "bf");
            List<double[]> ka = keepalivedKills(dir, reps, aws, "bk");
            report(warm, hot, fd, ka, aws);
        });
    }

    /**
     * The endpoint stands in for EC2, which answers warm: its code (the JDK's HTTP server, the query parsing, the
     * XML) is compiled before anything is measured, by rounds of the two calls from an SDK client in this JVM
     * against a scratch endpoint on loopback (the same classes, so the same compiled code). Without this the
     * endpoint's first few dozen answers ran in the interpreter and took 2-5 ms each, counted against floatd.
     */
    static void warmEndpoint() throws IOException {
        long t0 = System.nanoTime();
        Ec2TestEndpoint scratch = new Ec2TestEndpoint();
        scratch.instance(INSTANCE[0], AwsRig.ENI[0], "10.0.0.10").instance(INSTANCE[1], AwsRig.ENI[1], "10.0.0.11")
                .elasticIp(ALLOC, AwsRig.EIP);
        try (software.amazon.awssdk.services.ec2.Ec2Client ec2 = BenchReport.warmUpClient(scratch.uri())) {
            for (int i = 0; i < ENDPOINT_WARM_ROUNDS; i++) {
                String instance = INSTANCE[i % 2];
                ec2.describeAddresses(r -> r.allocationIds(ALLOC));
                ec2.associateAddress(r -> r.allocationId(ALLOC).instanceId(instance).allowReassociation(true));
            }
        } finally {
            scratch.close();
        }
        System.out.printf("endpoint warmed: %d rounds in %.0f ms%n", ENDPOINT_WARM_ROUNDS, (System.nanoTime() - t0) / 1e6);
    }

    static final String WARMED = "aws: request path compiled";

    /** The daemon JVM's resident memory and the CPU it has used since it started, from /proc. */
    static String usage(FloatdProcess p) {
        try {
            String status = Files.readString(Path.of("/proc/" + p.pid() + "/status"));
            String rss = status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ? kB")
                    .replaceAll("\\D+", " ").trim();
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, in ticks of 10 ms
            return String.format(Locale.ROOT, "RSS %.1f MiB, CPU %.2f s since start", Long.parseLong(rss) / 1024.0, cpu);
        } catch (IOException | RuntimeException e) {
            return "usage unknown (" + e + ")";
        }
    }
    static final Duration WARM_UP_WAIT = Duration.ofSeconds(90);
    private static final int ENDPOINT_WARM_ROUNDS = 1000;

    // ---- (i) floatd, warm client ---------------------------------------------------------------------------------

    private static List<Double> warmTakeovers(Path dir, int failovers, String extraFloating) throws IOException {
        return warmTakeovers(dir, failovers, extraFloating, "bw");
    }

    /** (i) on a rig whose namespaces are named {@code prefix...} (other benchmarks reuse it). */
    static List<Double> warmTakeovers(Path dir, int failovers, String extraFloating, String prefix) throws IOException {
        Path flag = dir.resolve("app-down");
        String top = BenchReport.appCheck(dir, "app-down", "chk.sh");
        List<Double> out = new ArrayList<>();
        List<double[]> split = new ArrayList<>();
        try (AwsRig rig = AwsRig.create(prefix)) {
            rig.startPair(top, BenchReport.TRACK, extraFloating, STEP);
            FloatdProcess a = rig.nodes[0];
            FloatdProcess b = rig.nodes[1];
            System.out.println("(i) node1 before its JIT warm-up: " + usage(b));
            // "with the warm client": each daemon's one-off JIT warm-up done (it burns a core for a few seconds)
            a.awaitLog(WARMED, WARM_UP_WAIT);
            b.awaitLog(WARMED, WARM_UP_WAIT);
            FloatdProcess.sleep(1000);
            System.out.println("(i) node1 after its JIT warm-up: " + usage(b) + "; its line: "
                    + b.log().lines().filter(l -> l.contains(WARMED)).findFirst().orElse("?"));
            long from = FloatdProcess.epochNanos();
            for (int k = 0; k < failovers; k++) {
                boolean toPeer = k % 2 == 0;
                if (toPeer) {
                    Files.createFile(flag);
                } else {
                    Files.delete(flag);
                }
                rig.awaitHolder(toPeer ? 1 : 0, STEP);
                // let the old Master settle (FAULT, or BACKUP after preemption) and the connection idle a little,
                // as between real failovers
                FloatdProcess.sleep(700);
            }
            FloatdProcess[] nodes = {a, b};
            for (Ec2TestEndpoint.Change c : rig.ec2.changes()) {
                if (c.atEpochNanos() < from || c.instanceId() == null) {
                    continue;
                }
                int i = c.instanceId().equals(INSTANCE[0]) ? 0 : 1;
                long master = AwsRig.loggedTimes(nodes[i], "Entering MASTER STATE").stream()
                        .filter(t -> t <= c.atEpochNanos()).max(Long::compare).orElseThrow();
                out.add((c.atEpochNanos() - master) / 1e6);
                // where the time goes: MASTER -> the holder read's arrival, and that arrival -> the write's
                String node = io.floatd.testing.Lan.address(i);
                rig.ec2.requests().stream()
                        .filter(r -> r.action().equals("DescribeAddresses") && r.clientAddress().equals(node)
                                && r.atEpochNanos() >= master && r.atEpochNanos() <= c.atEpochNanos())
                        .reduce((x, y) -> y)
                        .ifPresent(r -> split.add(new double[] {(r.atEpochNanos() - master) / 1e6,
                                (c.atEpochNanos() - r.atEpochNanos()) / 1e6}));
            }
            System.out.printf("(i) split, medians: MASTER -> DescribeAddresses arrives %.1f ms, -> AssociateAddress"
                    + " arrives %.1f ms later (n=%d)%n", median(split, 0), median(split, 1), split.size());
            System.out.println("(i) daemon timelines (node1" + (extraFloating.isEmpty() ? "" : ", " + extraFloating.strip())
                    + "):");
            b.log().lines().filter(l -> l.contains("takeover: entered MASTER")).limit(3)
                    .forEach(l -> System.out.println("    " + l));
        }
        return out;
    }

    // ---- (ii) kill -9 -> association -----------------------------------------------------------------------------

    /** Per rep: {kill -> association ms, MASTER (log line) -> association ms}; namespaces {@code prefix...}. */
    static List<double[]> floatdKills(int reps, String prefix) {
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = AwsRig.create(prefix)) {
            rig.start(1, 100, "", "", "").awaitLog(WARMED, WARM_UP_WAIT);
            for (int r = 0; r < reps; r++) {
                FloatdProcess a = rig.start(0, 150, "", "", "");
                a.awaitState("MASTER", STEP);
                rig.nodes[1].awaitState("BACKUP", STEP);
                rig.awaitHolder(0, STEP);
                FloatdProcess.sleep(1500);
                long killedAt = FloatdProcess.epochNanos();
                a.kill9();
                rig.awaitHolder(1, STEP);
                long assoc = rig.movesTo(1, killedAt).getFirst().atEpochNanos();
                FloatdProcess.sleep(200);
                long master = AwsRig.loggedTimes(rig.nodes[1], "Entering MASTER STATE").getLast();
                out.add(new double[] {(assoc - killedAt) / 1e6, (assoc - master) / 1e6});
                a.close();
            }
        }
        return out;
    }

    /** keepalived in a namespace with a notify_master script that calls the aws CLI. */
    static final class Keepalived implements AutoCloseable {
        final Path dir;
        final Process process;

        Keepalived(Path dir, Process process) {
            this.dir = dir;
            this.process = process;
        }

        static Keepalived start(Netns ns, Path base, int i, int priority, Map<String, String> env, String endpoint,
                String aws) throws IOException {
            return start(ns, base, i, priority, env, (cli, log) -> "exec " + cli
                    + " ec2 associate-address --allocation-id " + ALLOC + " --instance-id " + INSTANCE[i]
                    + " --allow-reassociation >> " + log + " 2>&1\n", endpoint, aws);
        }

        /**
         * With {@code commands} as the script's body after the time stamp and the environment: given the aws CLI's
         * invocation ({@code aws --endpoint-url ... --region ...}) and the file its output goes to.
         */
        static Keepalived start(Netns ns, Path base, int i, int priority, Map<String, String> env,
                java.util.function.BiFunction<String, Path, String> commands, String endpoint, String aws)
                throws IOException {
            Path dir = Files.createTempDirectory(base, "ka" + i + "-");
            Path master = dir.resolve("notify_master.sh");
            StringBuilder s = new StringBuilder("#!/bin/sh\n");
            s.append("echo \"$(date +%s%N) MASTER\" >> ").append(dir.resolve("states")).append('\n');
            env.forEach((k, v) -> s.append("export ").append(k).append("='").append(v).append("'\n"));
            s.append(commands.apply(aws + " --endpoint-url " + endpoint + " --region " + AwsRig.REGION,
                    dir.resolve("aws.log")));
            Files.writeString(master, s);
            Files.setPosixFilePermissions(master, PosixFilePermissions.fromString("rwxr-xr-x"));
            String conf = """
                    global_defs {
                      router_id ka-node%d
                      script_user root
                    }
                    vrrp_instance VI_1 {
                      state BACKUP
                      interface eth0
                      virtual_router_id 51
                      priority %d
                      advert_int 0.1
                      version 3
                      unicast_src_ip %s
                      unicast_peer {
                        %s
                      }
                      virtual_ipaddress {
                        %s/32 dev eth0
                      }
                      notify_master "%s"
                    }
                    """.formatted(i, priority, Lan.address(i), Lan.address(1 - i), AwsRig.EIP, master);
            Files.writeString(dir.resolve("keepalived.conf"), conf);
            Process p = ns.spawn(List.of("keepalived", "--dont-fork", "--log-console", "--log-detail", "--vrrp",
                    "-f", dir.resolve("keepalived.conf").toString(), "-p", dir.resolve("keepalived.pid").toString(),
                    "-r", dir.resolve("vrrp.pid").toString()), dir.resolve("keepalived.log"));
            return new Keepalived(dir, p);
        }

        /** The epoch nanos of the last notify_master run, or -1. */
        long lastMaster() throws IOException {
            Path states = dir.resolve("states");
            if (!Files.exists(states)) {
                return -1;
            }
            List<String> lines = Files.readAllLines(states);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.getLast().split(" ")[0]);
        }

        Optional<Long> vrrpPid() {
            try {
                return Optional.of(Long.parseLong(Files.readString(dir.resolve("vrrp.pid")).trim()));
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** A crash: the parent is stopped first (it would respawn the child), then both get SIGKILL. */
        long kill9() {
            Netns.runForResult(List.of("kill", "-STOP", Long.toString(process.pid())));
            List<ProcessHandle> victims = new ArrayList<>(process.descendants().toList());
            vrrpPid().flatMap(ProcessHandle::of).ifPresent(victims::add);
            long at = FloatdProcess.epochNanos();
            victims.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return at;
        }

        String log() {
            try {
                return Files.readString(dir.resolve("keepalived.log")) + "\naws.log:\n"
                        + (Files.exists(dir.resolve("aws.log")) ? Files.readString(dir.resolve("aws.log")) : "");
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                kill9();
            }
        }
    }

    /** Per rep: {kill -> association ms, notify_master start -> association ms}; namespaces {@code prefix...}. */
    static List<double[]> keepalivedKills(Path base, int reps, String aws, String prefix) throws IOException {
        List<double[]> out = new ArrayList<>();
        try (AwsRig rig = AwsRig.create(prefix)) {
            Map<String, String> env = rig.env();
            env.remove("AWS_ENDPOINT_URL_EC2"); // the script passes --endpoint-url, as a user's would
            env.remove("AWS_ENDPOINT_URL");
            String endpoint = rig.ec2.uri().toString();
            try (Keepalived b = Keepalived.start(rig.host(1), base, 1, 100, env, endpoint, aws)) {
                // node1 alone becomes Master and runs its script; its association must land before node0 starts, or
                // the two scripts race and the slower one (node1's) leaves the EIP on the Backup
                awaitHolder(rig, 1, b, b);
                for (int r = 0; r < reps; r++) {
                    try (Keepalived a = Keepalived.start(rig.host(0), base, 0, 150, env, endpoint, aws)) {
                        awaitHolder(rig, 0, a, b);
                        FloatdProcess.sleep(1500);
                        long killedAt = a.kill9();
                        awaitHolder(rig, 1, a, b);
                        long assoc = rig.movesTo(1, killedAt).getFirst().atEpochNanos();
                        long master = b.lastMaster();
                        out.add(new double[] {(assoc - killedAt) / 1e6, (assoc - master) / 1e6});
                    }
                }
            }
        }
        return out;
    }

    private static void awaitHolder(AwsRig rig, int i, Keepalived a, Keepalived b) {
        long end = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < end) {
            if (INSTANCE[i].equals(rig.holder())) {
                return;
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("EIP not on node" + i + " but " + rig.holder() + "\nnode0:\n" + a.log()
                + "\nnode1:\n" + b.log() + "\nrequests " + rig.ec2.requests());
    }

    // ---- report ---------------------------------------------------------------------------------------------------

    private static double median(List<double[]> xs, int k) {
        return xs.isEmpty() ? Double.NaN : pct(xs.stream().map(x -> x[k]).toList(), 50);
    }

    static double pct(List<Double> xs, double p) {
        List<Double> s = xs.stream().sorted().toList();
        int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, idx)));
    }

    private static List<Double> col(List<double[]> rows, int c) {
        return BenchReport.col(rows, c);
    }

    private static void report(List<Double> warm, List<Double> hot, List<double[]> fd, List<double[]> ka, String aws) {
        Locale.setDefault(Locale.ROOT);
        System.out.println();
        System.out.printf("(i) floatd, MASTER (log line, ms resolution) -> AssociateAddress at the endpoint, %d warm"
                + " failovers: p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 <= 20 ms)%n", warm.size(),
                pct(warm, 50), pct(warm, 99), pct(warm, 100));
        System.out.println("    all: " + warm.stream().map(x -> String.format("%.1f", x)).toList());
        System.out.printf("    same with recheck_interval 0.5 (the read path kept hot by re-checks): p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", pct(hot, 50), pct(hot, 99), pct(hot, 100));
        System.out.println("    all: " + hot.stream().map(x -> String.format("%.1f", x)).toList());
        System.out.printf("(ii) kill -9 of the Master -> AssociateAddress at the endpoint, %d reps each:%n", fd.size());
        System.out.printf("    %-38s %14s %22s%n", "", "kill->assoc", "MASTER->assoc");
        System.out.printf("    %-38s %11.1f ms %19.1f ms%n", "floatd (median)", pct(col(fd, 0), 50), pct(col(fd, 1), 50));
        System.out.printf("    %-38s %11.1f ms %19.1f ms%n", "keepalived + notify_master aws (median)",
                pct(col(ka, 0), 50), pct(col(ka, 1), 50));
        System.out.printf("    ratio keepalived/floatd:                %9.1fx %20.1fx (target after the election >= 20x)%n",
                pct(col(ka, 0), 50) / pct(col(fd, 0), 50), pct(col(ka, 1), 50) / pct(col(fd, 1), 50));
        System.out.println("    floatd reps:     " + fd.stream().map(r -> String.format("%.0f/%.1f", r[0], r[1])).toList());
        System.out.println("    keepalived reps: " + ka.stream().map(r -> String.format("%.0f/%.0f", r[0], r[1])).toList());
        System.out.println("    (" + aws + " = " + version(aws) + ")");
    }

    static String version(String aws) {
        Netns.Result r = Netns.runForResult(List.of(aws, "--version"));
        Matcher m = Pattern.compile("aws-cli/\\S+ Python/\\S+").matcher(r.output());
        return m.find() ? m.group() : r.output().strip();
    }
}
