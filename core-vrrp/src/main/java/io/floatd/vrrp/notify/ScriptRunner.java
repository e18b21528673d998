package io.floatd.vrrp.notify;

import io.floatd.ffm.NativeException;
import io.floatd.vrrp.script.CommandLine;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.script.ScriptEnv;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs one script to completion or to its timeout, blocking the calling thread (callers on a latency-sensitive
 * thread must hand it to another thread, as {@link NotifyDispatcher} does).
 *
 * <p>Each script starts as the leader of a new session and process group (through util-linux {@code setsid}),
 * so a timeout can kill everything it started, including children that outlive it or were re-parented to
 * init. Its stdin is {@code /dev/null} (a script waiting for input would otherwise hang until the timeout) and
 * its stdout and stderr are merged into a pipe read by the one {@link OutputReaper} thread, keeping only the last
 * {@link #OUTPUT_LIMIT} bytes, so a chatty script can neither block on a full pipe nor grow our heap. Once the
 * script has ended the pipe is closed: a background child still holding it costs floatd no thread and no descriptor.
 *
 * <p>The script's environment is a fixed minimal set plus its {@code script_env} ({@link ScriptEnv}), never
 * floatd's own, which may hold cloud credentials.
 *
 * <p>A script given a {@link RunAs} runs as that user: {@code setsid setpriv --reuid=UID --regid=GID
 * --init-groups -- COMMAND}. Both tools exec in place, so the script is still the leader of the process group
 * a timeout kills. Notify scripts and {@code vrrp_script} checks both come through here.
 */
public final class ScriptRunner {
    /** Bytes of output kept per run: enough for an error message or a short trace, small enough to log. */
    public static final int OUTPUT_LIMIT = 4096;
    /** Time a timed-out script gets between SIGTERM (so it can clean up) and SIGKILL. */
    public static final Duration KILL_GRACE = Duration.ofMillis(500);
    /**
     * How long to wait for the output pipe to reach end-of-file once the script has exited. A background child
     * that keeps the pipe open must not hold up the result; after this the pipe is closed under it.
     */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofMillis(200);
    private static final Path SETSID = findSetsid();
    private static final Path SETPRIV = find("setpriv");

    private final Duration timeout;
    private final Map<String, String> daemonEnv;

    public ScriptRunner(Duration timeout) {
        this(timeout, System.getenv());
    }

    /** @param daemonEnv what stands for floatd's environment: where {@code LANG} and {@code script_env NAME} come from */
    ScriptRunner(Duration timeout, Map<String, String> daemonEnv) {
        Objects.requireNonNull(timeout, "timeout");
        this.daemonEnv = Map.copyOf(daemonEnv);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Runs a configured script line with {@code extraArgs} appended. A line using shell syntax
     * ({@link CommandLine#needsShell}) runs as {@code /bin/sh -c 'LINE "$@"' sh EXTRA...}, which hands the extra
     * arguments over as positional parameters so they are never re-parsed by the shell; any other line is split
     * with {@link CommandLine#split} and executed directly.
     */
    public ScriptResult run(String line, List<String> extraArgs) {
        return run(line, extraArgs, null);
    }

    /** As {@link #run(String, List)}, as user {@code as} ({@code null}: floatd's own user). */
    public ScriptResult run(String line, List<String> extraArgs, RunAs as) {
        return run(line, extraArgs, as, ScriptEnv.NONE);
    }

    /** As {@link #run(String, List)}, as user {@code as} ({@code null}: floatd's own user), in environment {@code env}. */
    public ScriptResult run(String line, List<String> extraArgs, RunAs as, ScriptEnv env) {
        List<String> argv;
        if (line == null || line.isBlank()) {
            return ScriptResult.failedToStart(List.of(), "empty script line");
        }
        if (CommandLine.needsShell(line)) {
            argv = new ArrayList<>(List.of("/bin/sh", "-c", extraArgs.isEmpty() ? line : line + " \"$@\"", "sh"));
            argv.addAll(extraArgs);
        } else {
            try {
                argv = new ArrayList<>(CommandLine.split(line));
            } catch (IllegalArgumentException e) {
                return ScriptResult.failedToStart(List.of(line), e.getMessage());
            }
            if (argv.isEmpty()) {
                return ScriptResult.failedToStart(List.of(line), "empty script line");
            }
            argv.addAll(extraArgs);
        }
        return run(argv, as, env);
    }

    /** Runs {@code argv} directly (no shell). */
    public ScriptResult run(List<String> argv) {
        return run(argv, null);
    }

    /** Runs {@code argv} directly (no shell) as user {@code as} ({@code null}: floatd's own user). */
    public ScriptResult run(List<String> argv, RunAs as) {
        return run(argv, as, ScriptEnv.NONE);
    }

    /**
     * Runs {@code argv} directly (no shell) as user {@code as} ({@code null}: floatd's own user), in the
     * environment {@code env} describes (never floatd's own: see {@link ScriptEnv}).
     */
    public ScriptResult run(List<String> argv, RunAs as, ScriptEnv env) {
        if (argv.isEmpty()) {
            return ScriptResult.failedToStart(argv, "empty command");
        }
        Map<String, String> environment = env.environment(as, daemonEnv);
        // exec errors inside setsid would only surface as exit 126/127, indistinguishable from the script's own
        // exit codes, so the common causes are checked up front to report them as what they are
        String problem = checkExecutable(argv.getFirst(), environment.get("PATH"));
        if (problem != null) {
            return ScriptResult.failedToStart(argv, problem);
        }
        if (as != null && SETPRIV == null) {
            return ScriptResult.failedToStart(argv, "setpriv (util-linux) not found: cannot run as user " + as);
        }
        OutputReaper.Capture output;
        try {
            output = OutputReaper.shared().open(OUTPUT_LIMIT);
        } catch (NativeException e) {
            return ScriptResult.failedToStart(argv, "cannot make the output pipe: " + e.getMessage());
        }
        ProcessBuilder pb = new ProcessBuilder(launchLine(argv, as))
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.to(new File(output.writePath())))
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment);
        // the duration is only reported (logs, track_script status); the timeout is the wait below, not this clock
        long start = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            output.startedOrFailed();
            output.finish(Duration.ZERO);
            return ScriptResult.failedToStart(argv, String.valueOf(e.getMessage()));
        }
        output.startedOrFailed();
        return awaitEnd(argv, process, output, start);
    }

    /** {@code setsid [setpriv ...] ARGV}: a session of its own, as user {@code as} when one is given. */
    private static List<String> launchLine(List<String> argv, RunAs as) {
        List<String> launch = new ArrayList<>();
        if (SETSID != null) {
            launch.add(SETSID.toString());
        }
        if (as != null) {
            launch.addAll(as.prefix(SETPRIV));
        }
        launch.addAll(argv);
        return launch;
    }

    /** Waits for a started script's exit within the timeout (else kills its group) and collects its output. */
    private ScriptResult awaitEnd(List<String> argv, Process process, OutputReaper.Capture output, long start) {
        ScriptResult.Status status = ScriptResult.Status.EXITED;
        String reason = "";
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                status = ScriptResult.Status.TIMED_OUT;
                reason = "no exit within " + timeout + "; process group killed";
                killGroup(process, KILL_GRACE);
            }
        } catch (InterruptedException e) {
            status = ScriptResult.Status.KILLED;
            reason = "runner shutting down; process group killed";
            // the grace period is skipped: whoever interrupted us is waiting
            killGroup(process, Duration.ZERO);
            Thread.currentThread().interrupt();
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        // the script has ended: what it wrote is read, and the pipe closed even if a background child still holds it
        output.finish(DRAIN_AFTER_EXIT);
        int exit = status == ScriptResult.Status.EXITED ? process.exitValue() : -1;
        return new ScriptResult(argv, status, exit, reason, duration, output.tail.text(), output.tail.discarded());
    }

    private static void killGroup(Process process, Duration grace) {
        long pgid = process.pid();
        // children that already left the group (their own setsid) are still visible as descendants, for now
        List<ProcessHandle> descendants = process.descendants().toList();
        boolean inGroup = SETSID != null;
        if (inGroup && !grace.isZero()) {
            ProcessGroups.signal(pgid, ProcessGroups.SIGTERM);
            try {
                process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // always, even if the leader exited on SIGTERM: its children may have ignored the signal
        if (inGroup) {
            ProcessGroups.signal(pgid, ProcessGroups.SIGKILL);
        }
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        boolean interrupted = Thread.interrupted();
        try {
            // reaping takes microseconds after SIGKILL; the loop only guards against an unkillable (D state) process
            for (int i = 0; i < 50 && process.isAlive(); i++) {
                try {
                    process.waitFor(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Null if {@code command} can be executed, looked up in {@code path} (the script's PATH), else why not. */
    static String checkExecutable(String command, String path) {
        if (command.isEmpty()) {
            return "empty command";
        }
        if (command.indexOf('/') >= 0) {
            return checkFile(Path.of(command));
        }
        for (String dir : (path == null ? ScriptEnv.PATH : path).split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return null;
            }
        }
        return "command not found in PATH: " + command;
    }

    private static String checkFile(Path p) {
        if (!Files.exists(p)) {
            return "no such file: " + p;
        }
        if (Files.isDirectory(p)) {
            return "is a directory: " + p;
        }
        if (!Files.isExecutable(p)) {
            return "not executable (permission denied): " + p;
        }
        return null;
    }

    private static Path find(String tool) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path findSetsid() {
        Path setsid = find("setsid");
        if (setsid != null) {
            return setsid;
        }
        System.getLogger(ScriptRunner.class.getName()).log(System.Logger.Level.WARNING,
                "setsid (util-linux) not found: timed-out scripts are killed with their visible descendants only");
        return null;
    }
}
