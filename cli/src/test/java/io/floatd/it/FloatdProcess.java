package io.floatd.it;

import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real floatd daemon ({@code floatd run -f CONF}) in its own JVM inside a test namespace, with a notify
 * script that appends {@code <epoch-nanos> <STATE>} lines to a state file, so tests see transitions as a
 * user's notify script would.
 */
public final class FloatdProcess implements AutoCloseable {
    /** The stack and heap {@code bin/floatd} and the packaged launcher give the daemon, for tests about its limits. */
    public static final List<String> PRODUCTION_JVM = List.of("-Xss512k", "-XX:MaxRAM=256m");

    private final Netns ns;
    private final Path dir;
    private final Path log;
    private final Path stateFile;
    private final java.util.Map<String, String> env;
    private List<String> jvmArgs = List.of();
    private Process process;

    private FloatdProcess(Netns ns, Path dir, java.util.Map<String, String> env) {
        this.ns = ns;
        this.dir = dir;
        this.env = env;
        this.log = dir.resolve("floatd.log");
        this.stateFile = dir.resolve("states");
    }

    /** Writes the notify script, then the config made by {@code configFor(notifyScriptPath)}, and starts floatd. */
    public static FloatdProcess start(Netns ns, java.util.function.Function<String, String> configFor, String... extraArgs) {
        return start(ns, java.util.Map.of(), configFor, extraArgs);
    }

    /** As {@link #start(Netns, java.util.function.Function, String...)}, with {@code env} added to floatd's environment. */
    public static FloatdProcess start(Netns ns, java.util.Map<String, String> env,
            java.util.function.Function<String, String> configFor, String... extraArgs) {
        return start(ns, env, List.of(), configFor, extraArgs);
    }

    /** As {@link #start(Netns, java.util.function.Function, String...)}, with these JVM options (e.g. {@link #PRODUCTION_JVM}). */
    public static FloatdProcess startWithJvm(Netns ns, List<String> jvmArgs,
            java.util.function.Function<String, String> configFor, String... extraArgs) {
        return start(ns, java.util.Map.of(), jvmArgs, configFor, extraArgs);
    }

    private static FloatdProcess start(Netns ns, java.util.Map<String, String> env, List<String> jvmArgs,
            java.util.function.Function<String, String> configFor, String... extraArgs) {
        try {
            Path dir = Files.createTempDirectory("floatd-it-");
            FloatdProcess p = new FloatdProcess(ns, dir, new java.util.TreeMap<>(env));
            p.jvmArgs = List.copyOf(jvmArgs);
            Path script = dir.resolve("notify.sh");
            Files.writeString(script, "#!/bin/sh\necho \"$(date +%s%N) $3 $4\" >> " + p.stateFile + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path conf = dir.resolve("floatd.conf");
            Files.writeString(conf, configFor.apply(script.toString()));
            p.launch(conf, env, extraArgs);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> command(String... args) {
        return command(List.of(), args);
    }

    /** {@code floatd ARGS} with these JVM options after the usual ones. */
    public static List<String> command(List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"); // the jar's manifest Add-Opens (SignalRouter)
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        // the launchers' footprint flags (bin/floatd): the benchmarks' daemons give memory back as users' do
        cmd.addAll(List.of("-XX:MaxHeapFreeRatio=20", "-XX:MinHeapFreeRatio=10", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:AsyncDeflationInterval=0", "-XX:ServiceThreadCleanupInterval=60000"));
        cmd.addAll(jvmArgs);
        // benchmarks compare JVM variants of the daemon (later options win)
        String extra = System.getProperty("floatd.daemon.jvmArgs", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.floatd.cli.FloatdCommand");
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void launch(Path conf, java.util.Map<String, String> env, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("run", "-f", conf.toString()));
        args.addAll(List.of(extraArgs));
        if (!args.contains("--control-socket")) {
            // a socket of its own: two daemons of a test share the host's file system (and /run/floatd)
            args.addAll(List.of("--control-socket", controlSocket().toString()));
        }
        // log lines carry their timestamp only outside systemd (see LogSetup): loggedAt needs them
        // _JAVA_SR_SIGNUM as the launchers set it (SIGUSR2 is floatd's statistics); a test's env may override it
        List<String> cmd = new ArrayList<>(List.of("env", "-u", "JOURNAL_STREAM", "_JAVA_SR_SIGNUM=44"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(command(jvmArgs, args.toArray(String[]::new)));
        process = ns.spawn(cmd, log);
    }

    public Path dir() {
        return dir;
    }

    /** This daemon's control socket (unless the test chose another with --control-socket). */
    public Path controlSocket() {
        return dir.resolve("control.sock");
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static final java.time.format.DateTimeFormatter LOG_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    /**
     * The epoch nanos (millisecond precision) of the first log line containing {@code text}, or -1: the daemon's own
     * view of when something happened, without signal delivery or notify-script latency.
     */
    public long loggedAt(String text) {
        for (String line : log().split("\n")) {
            if (line.contains(text) && line.length() > 23) {
                try {
                    java.time.Instant t = java.time.Instant.from(LOG_TIME.parse(line.substring(0, 23)));
                    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
                } catch (java.time.format.DateTimeParseException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The states notified so far, as {@code epochNanos STATE priority} lines. */
    public List<String> notifications() {
        try {
            return Files.exists(stateFile) ? Files.readAllLines(stateFile) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    public String lastState() {
        List<String> n = notifications();
        return n.isEmpty() ? "" : n.get(n.size() - 1).split(" ")[1];
    }

    /** The epoch nanos of the first notification of {@code state} after {@code afterEpochNanos}, or -1. */
    public long notifiedAt(String state, long afterEpochNanos) {
        for (String line : notifications()) {
            String[] f = line.split(" ");
            if (f.length >= 2 && f[1].equals(state) && Long.parseLong(f[0]) >= afterEpochNanos) {
                return Long.parseLong(f[0]);
            }
        }
        return -1;
    }

    /** Waits (bounded) for the log's line number {@code index} (0-based) containing {@code text}, and returns it. */
    public static String awaitNthLine(FloatdProcess p, String text, int index, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = p.log().lines().filter(l -> l.contains(text)).toList();
            if (lines.size() > index) {
                return lines.get(index);
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("no line " + (index + 1) + " with '" + text + "' within " + timeout + ":\n" + p.log());
            }
            sleep(10);
        }
    }

    /** The wall clock as epoch nanos, comparable with the notify script's {@code date +%s%N}. */
    public static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Waits (bounded) for a notification of {@code state} at or after {@code afterEpochNanos} and returns its epoch
     * nanos; fails with the log otherwise.
     */
    public long awaitNotified(String state, long afterEpochNanos, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            long at = notifiedAt(state, afterEpochNanos);
            if (at >= 0) {
                return at;
            }
            sleep(5); // a script can still be writing after floatd exited, so a dead process is no reason to stop early
        }
        throw new AssertionError("floatd in " + ns + " did not notify " + state + " within " + timeout
                + " (notified: " + notifications() + ")\n" + log());
    }

    /** Waits (bounded) until the last notified state is {@code state}; fails with the log otherwise. */
    public void awaitState(String state, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (state.equals(lastState())) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("floatd exited " + process.exitValue() + " before reaching " + state + ":\n" + log());
            }
            sleep(20);
        }
        throw new AssertionError("floatd in " + ns + " did not reach " + state + " within " + timeout
                + " (last: " + lastState() + ")\n" + log());
    }

    /** Waits until the log contains {@code text}. */
    public void awaitLog(String text, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (log().contains(text)) {
                return;
            }
            sleep(20);
        }
        throw new AssertionError("floatd log in " + ns + " has no '" + text + "' after " + timeout + ":\n" + log());
    }

    /** A crash: SIGKILL, nothing sent, nothing removed. */
    public void kill9() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitExit(Duration.ofSeconds(5));
    }

    /** A graceful stop (SIGTERM; {@code ip netns exec} execs, so the process is the floatd JVM); returns its exit code. */
    public int stop(Duration timeout) {
        process.destroy();
        return waitExit(timeout);
    }

    private int waitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("floatd did not exit within " + timeout + ":\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Netns namespace() {
        return ns;
    }

    public boolean alive() {
        return process.isAlive();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill9();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
