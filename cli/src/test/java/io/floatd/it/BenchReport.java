package io.floatd.it;

import io.floatd.testing.Lan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;

/** What the AWS takeover benchmarks share: the health check they fail over on, and their report's lines. */
final class BenchReport {
    /** The {@code track_script} line a node's instance tracks {@link #appCheck} with. */
    static final String TRACK = "    track_script {\n        chk_app\n    }";

    private BenchReport() {
    }

    /**
     * A health check {@code chk_app} that fails while {@code dir/flag} exists (written to {@code dir/script}, the
     * flag removed): the {@code vrrp_script} block for the configuration's top.
     */
    static String appCheck(Path dir, String flag, String script) throws IOException {
        Path down = dir.resolve(flag);
        Files.deleteIfExists(down);
        Path chk = dir.resolve(script);
        Files.writeString(chk, "#!/bin/sh\n[ ! -e " + down + " ]\n");
        Files.setPosixFilePermissions(chk, PosixFilePermissions.fromString("rwxr-xr-x"));
        return """
                vrrp_script chk_app {
                    script "%s"
                    interval 0.2
                    fall 2
                    rise 2
                }
                """.formatted(chk);
    }

    /** Column {@code c} of the rows. */
    static List<Double> col(List<double[]> rows, int c) {
        return rows.stream().map(r -> r[c]).toList();
    }

    /** Column {@code c} of the rows, without the NaN of a failover that was not measured. */
    static List<Double> measured(List<double[]> rows, int c) {
        return rows.stream().map(r -> r[c]).filter(x -> !Double.isNaN(x)).toList();
    }

    /** One report line: {@code what} (padded to {@code width}), p50 and p99 of {@code xs}, and their count. */
    static String row(int width, String what, List<Double> xs) {
        return String.format(Locale.ROOT, "    %-" + width + "s p50 %7.1f ms  p99 %7.1f ms  (n=%d)", what,
                AwsTakeoverBench.pct(xs, 50), AwsTakeoverBench.pct(xs, 99), xs.size());
    }

    /** Each row as {@code format} writes its columns (the samples behind a report). */
    static List<String> each(String format, List<double[]> rows) {
        return rows.stream().map(r -> String.format(format, (Object[]) box(r))).toList();
    }

    private static Double[] box(double[] r) {
        Double[] b = new Double[r.length];
        for (int i = 0; i < r.length; i++) {
            b[i] = r[i];
        }
        return b;
    }

    /** A benchmark's runs, given its scratch directory and arguments. */
    interface Body {
        void run(Path dir, int failovers, int reps, String aws) throws Exception;
    }

    /**
     * A benchmark's main: arguments {@code [failovers=20] [reps=5] [aws=/usr/bin/aws]}, a scratch directory named
     * {@code prefix...} deleted after, then exit (the endpoint's and the SDK-free helpers' threads are daemons, but be
     * sure).
     */
    static void run(String[] args, String prefix, Body body) throws Exception {
        int failovers = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String aws = args.length > 2 ? args[2] : "/usr/bin/aws";
        Path dir = Files.createTempDirectory(prefix);
        try {
            body.run(dir, failovers, reps, aws);
        } finally {
            deleteTree(dir);
        }
        System.exit(0);
    }

    /** An SDK client of the scratch endpoint at {@code uri}, to compile the endpoint's code before measuring. */
    static software.amazon.awssdk.services.ec2.Ec2Client warmUpClient(java.net.URI uri) {
        return software.amazon.awssdk.services.ec2.Ec2Client.builder()
                .region(software.amazon.awssdk.regions.Region.of(AwsRig.REGION))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIAFLOATDTESTKEY000",
                                "bench-warm-up-only")))
                .endpointOverride(uri)
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
                .build();
    }

    /** Deletes {@code dir} and all below it (a benchmark's scratch directory). */
    static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The report's last line: the aws CLI keepalived ran, and the nodes' addresses. */
    static String rigLine(String aws) {
        return "    (" + aws + " = " + AwsTakeoverBench.version(aws) + ", nodes on " + Lan.address(0) + "/"
                + Lan.address(1) + ")";
    }

    /**
     * The words of a report on a move of two writes (two route tables, or unassign then assign), beside a single
     * Elastic IP: the rows' labels, the headings of the second and third blocks, and the labels of the samples.
     */
    record TwoWrites(String warm, String kill, String keepalived, String between, String untilLast, String warmAll,
            String killsAll) {
    }

    /**
     * The report: MASTER to the last write (EIP, warm, kill -9; keepalived), first to second write, kill -9 to the last
     * write, then the samples. Rows: warm {MASTER->last, first->last}; kills {kill->last, MASTER->last, first->last}.
     */
    static void twoWrites(TwoWrites w, List<Double> eip, List<double[]> warm, List<double[]> fd, List<double[]> ka,
            String aws) {
        Locale.setDefault(Locale.ROOT);
        System.out.println();
        System.out.println("entering MASTER -> all writes sent (the last write's arrival at the endpoint):");
        System.out.println(row(58, "floatd, single Elastic IP (AssociateAddress), warm", eip));
        System.out.println(row(58, w.warm(), measured(warm, 0)));
        System.out.println(row(58, w.kill(), measured(fd, 1)));
        System.out.println(row(58, w.keepalived(), measured(ka, 1)));
        System.out.println(w.between());
        System.out.println(row(58, "floatd, warm failovers", measured(warm, 1)));
        System.out.println(row(58, "floatd, kill -9", measured(fd, 2)));
        System.out.println(row(58, "keepalived + aws CLI, kill -9", measured(ka, 2)));
        System.out.println(w.untilLast());
        System.out.println(row(58, "floatd", measured(fd, 0)));
        System.out.println(row(58, "keepalived + aws CLI", measured(ka, 0)));
        System.out.println("    EIP all: " + eip.stream().map(x -> String.format("%.1f", x)).toList());
        System.out.println("    " + w.warmAll() + ": " + each("%.1f/%.1f", warm));
        System.out.println("    " + w.killsAll() + ": " + each("%.0f/%.1f/%.1f", fd));
        System.out.println("    keepalived kills: " + each("%.0f/%.0f/%.0f", ka));
        System.out.println(rigLine(aws));
    }
}
