package io.floatd.vrrp.track;

import io.floatd.vrrp.config.VrrpScriptConfig;
import io.floatd.vrrp.script.CommandLine;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.notify.ScriptResult;
import io.floatd.vrrp.notify.ScriptRunner;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code vrrp_script}, run every interval on its own (virtual) thread, never on the VRRP loop and never two
 * runs at once: a run that overruns the interval delays the next one. A run that exceeds {@code timeout} has its
 * process group killed and counts as a failure, as does a script that cannot start. Output is drained and only
 * its tail kept ({@link ScriptRunner#OUTPUT_LIMIT}). The script is shared by every instance tracking it.
 */
public final class TrackScript implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    /** Counters, for status output and tests. */
    public record Stats(long runs, long failures, long timeouts, Duration lastDuration) {
    }

    /** Who hears about the check's health changes (first result included). */
    @FunctionalInterface
    public interface Listener {
        void changed(boolean healthy, String detail);
    }

    private final VrrpScriptConfig config;
    private final List<String> argv;
    private final RunAs runAs;
    private final ScriptRunner runner;
    private final CheckCounter counter;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private volatile Duration lastDuration = Duration.ZERO;
    private volatile boolean running;
    private Thread thread;

    public TrackScript(VrrpScriptConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.argv = argv(config);
        this.runAs = runAs(config);
        this.runner = new ScriptRunner(config.timeout());
        this.counter = new CheckCounter(config.rise(), config.fall(), config.initFail());
    }

    /**
     * Who the check runs as: its {@code user} (the parser fills in {@code script_user} when it has none), or
     * floatd's own user; switched by {@link ScriptRunner}, as for notify scripts.
     *
     * @throws IllegalArgumentException if the user or group does not exist
     */
    static RunAs runAs(VrrpScriptConfig config) {
        return config.user() == null ? null : RunAs.lookUp(config.user(), config.group());
    }

    /** The command as executed: through {@code /bin/sh -c} only when the line uses shell syntax, as notify scripts. */
    static List<String> argv(VrrpScriptConfig config) {
        List<String> argv = new ArrayList<>();
        if (CommandLine.needsShell(config.script())) {
            argv.addAll(List.of("/bin/sh", "-c", config.script()));
        } else {
            argv.addAll(CommandLine.split(config.script()));
        }
        return List.copyOf(argv);
    }

    public String name() {
        return config.name();
    }

    public VrrpScriptConfig config() {
        return config;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Whether the check counts as healthy; {@code null} before its first result. */
    public synchronized Boolean healthy() {
        return counter.healthy();
    }

    public Stats stats() {
        return new Stats(runs.get(), failures.get(), timeouts.get(), lastDuration);
    }

    /** Starts checking now (the first run is immediate, as in keepalived). */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = Thread.ofVirtual().name("vrrp-script-" + config.name()).start(this::loop);
    }

    private void loop() {
        long interval = config.interval().toNanos();
        // the checker thread's own schedule: it sleeps in real time between runs, so it reads the real clock
        long next = System.nanoTime();
        while (running) {
            ScriptResult result = runner.run(argv, runAs, config.env());
            if (!running) {
                return;
            }
            record(result);
            next += interval;
            long wait = next - System.nanoTime();
            if (wait < 0) {
                // overran: start the next run now, and count intervals from here
                next = System.nanoTime();
                wait = 0;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Applies one result: counters, fall/rise, logs, listeners. Package-private for tests. */
    void record(ScriptResult result) {
        runs.incrementAndGet();
        lastDuration = result.duration();
        boolean success = result.succeeded();
        if (!success) {
            failures.incrementAndGet();
        }
        if (result.status() == ScriptResult.Status.TIMED_OUT) {
            timeouts.incrementAndGet();
        }
        Boolean change;
        boolean first;
        synchronized (this) {
            first = counter.healthy() == null;
            change = counter.record(success);
        }
        if (!success) {
            LOG.log(Level.DEBUG, "VRRP_Script({0}) run failed ({1}){2}", config.name(), why(result),
                    result.output().isBlank() ? "" : ": " + result.output().strip());
        }
        if (change == null) {
            return;
        }
        String detail;
        if (change) {
            LOG.log(Level.INFO, "VRRP_Script({0}) succeeded", config.name());
            detail = first ? "first check" : "rise " + config.rise() + " reached";
        } else {
            LOG.log(Level.INFO, "VRRP_Script({0}) failed ({1})", config.name(), why(result));
            detail = first ? "first check: " + why(result) : "fall " + config.fall() + " reached";
        }
        for (Listener l : listeners) {
            try {
                l.changed(change, detail);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "VRRP_Script(" + config.name() + ") listener failed: " + io.floatd.vrrp.log.Failures.describe(e), e);
            }
        }
    }

    private String why(ScriptResult r) {
        return switch (r.status()) {
            case EXITED -> "exited with status " + r.exitCode();
            case TIMED_OUT -> "timed out after " + seconds(config.timeout()) + " s";
            case FAILED_TO_START -> "could not start: " + r.reason();
            case KILLED -> "killed";
        };
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    /** The initial health, for the instances' starting point: failed with init_fail, else unknown. */
    String initialDetail() {
        return config.initFail() ? "init_fail: needs " + config.rise() + " successful run" + (config.rise() == 1 ? "" : "s") : "";
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(ScriptRunner.KILL_GRACE.toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "TrackScript[" + config.name() + " every " + seconds(config.interval()) + " s]";
    }
}
