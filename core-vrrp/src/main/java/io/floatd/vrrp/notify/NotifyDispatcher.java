package io.floatd.vrrp.notify;

import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.script.ScriptEnv;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs keepalived-style notify scripts for state transitions without ever blocking the caller (the VRRP loop).
 *
 * <p>For each transition, as keepalived does, the state-specific script ({@code notify_master},
 * {@code notify_backup}, {@code notify_fault}, {@code notify_stop}) runs first with no extra arguments, then the
 * generic {@code notify} script with {@code INSTANCE <name> <STATE> <priority>} appended to its own arguments.
 *
 * <p>Ordering: runs for one instance are strictly sequential, in the order of the transitions, so a slow
 * MASTER hook has finished (or been killed at its timeout) before the following BACKUP hook starts, and a
 * script never sees transitions out of order. keepalived itself forks notify scripts without waiting, so its
 * scripts may overlap and race; serialising them is deliberate. Different instances never wait for each other.
 *
 * <p>Bounded under flapping: an instance holds at most {@link #DEFAULT_QUEUE_BOUND} transitions, the one whose
 * scripts run and the latest one waiting. A transition that is still waiting when a newer one comes is superseded:
 * its scripts never start, and it is counted ({@link #skipped(String)}, {@code floatd_notify_skipped_total}). So
 * the latest state is always delivered, what runs keeps its order, and once the flapping stops the scripts are
 * done within the bound times the script time, instead of replaying every transition.
 *
 * <p>Every run is bounded by the script timeout (default {@link #DEFAULT_TIMEOUT}); a timed-out script is
 * killed with its whole process group. Scripts run as the hooks' {@link NotifyHooks#runAs() user} when set.
 * Failures are logged as a single WARNING line and counted.
 */
public final class NotifyDispatcher implements AutoCloseable {
    /**
     * Default per-script timeout. keepalived does not time out notify scripts at all (it does not wait for them);
     * floatd serialises them per instance, so a hung script would hold back the latest notification for that
     * instance and must be bounded. 30 s is far longer than any reasonable hook (moving an IP through a cloud
     * API takes a few seconds) yet short enough that a stuck one is noticed and cleared.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default time {@link #close()} lets queued and running scripts finish before killing them. */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(5);
    /**
     * Transitions an instance holds at most: the one whose scripts run, and the latest one waiting. A flapping link
     * then costs at most one run beyond the current one after the flapping stops, never a replay of every state.
     */
    public static final int DEFAULT_QUEUE_BOUND = 2;

    private static final Logger LOG = System.getLogger(NotifyDispatcher.class.getName());

    /** Totals since construction. {@code failures} includes {@code timeouts}. */
    public record Counters(long runs, long failures, long timeouts) {
    }

    /** Runs one script line: {@link ScriptRunner#run(String, List, RunAs, ScriptEnv)}, or a fake in tests. */
    @FunctionalInterface
    interface Runner {
        ScriptResult run(String line, List<String> extraArgs, RunAs as, ScriptEnv env);
    }

    private final Runner runner;
    private final Duration closeGrace;
    private final int queueBound;
    private final ExecutorService executor =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("notify-", 0).factory());
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    /** Transitions accepted but not yet fully processed; guarded by {@link #lock}. */
    private int pending;
    private boolean closed;

    public NotifyDispatcher() {
        this(DEFAULT_TIMEOUT, DEFAULT_CLOSE_GRACE);
    }

    public NotifyDispatcher(Duration scriptTimeout) {
        this(scriptTimeout, DEFAULT_CLOSE_GRACE);
    }

    public NotifyDispatcher(Duration scriptTimeout, Duration closeGrace) {
        this(closeGrace, new ScriptRunner(scriptTimeout)::run);
    }

    NotifyDispatcher(Duration closeGrace, Runner runner) {
        this(closeGrace, DEFAULT_QUEUE_BOUND, runner);
    }

    /** @param queueBound transitions an instance holds at most, running one included (at least 2) */
    NotifyDispatcher(Duration closeGrace, int queueBound, Runner runner) {
        if (queueBound < 2) {
            throw new IllegalArgumentException("queueBound must be at least 2 (one running, one waiting), but was " + queueBound);
        }
        this.runner = Objects.requireNonNull(runner, "runner");
        this.closeGrace = Objects.requireNonNull(closeGrace, "closeGrace");
        this.queueBound = queueBound;
    }

    /**
     * Queues the notify scripts for a transition of {@code instanceName} to {@code state} and returns at once.
     * Does nothing if no script is configured for it, or after {@link #close()} (logged).
     */
    public void stateChanged(String instanceName, NotifyState state, int priority, NotifyHooks hooks) {
        stateChanged(instanceName, state, priority, hooks, null);
    }

    /**
     * As above; the scripts start once {@code after} is done, or {@link #MAX_GATE} after this call, whichever comes
     * first (null: at once). The waiting is on the instance's notify lane, never on the caller's thread.
     */
    public void stateChanged(String instanceName, NotifyState state, int priority, NotifyHooks hooks,
            CompletionStage<?> after) {
        submit(instanceName, state, priority, hooks, after, false);
    }

    /**
     * Queues a vrrp_sync_group's notify scripts for its move to {@code state}, as keepalived runs them: the state's
     * own script ({@code notify_master} etc.) without arguments, the generic {@code notify} with
     * {@code GROUP NAME STATE 0}.
     */
    public void groupStateChanged(String groupName, NotifyState state, NotifyHooks hooks) {
        submit(groupName, state, 0, hooks, null, true);
    }

    private void submit(String instanceName, NotifyState state, int priority, NotifyHooks hooks, CompletionStage<?> after,
            boolean group) {
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(state, "state");
        if (hooks == null) {
            return;
        }
        String specific = hooks.forState(state);
        String generic = hooks.notifyScript();
        if (NotifyHooks.blank(specific) && NotifyHooks.blank(generic)) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                LOG.log(Level.WARNING, "notify for {0} {1} dropped: dispatcher closed", instanceName, state);
                return;
            }
            pending++;
        } finally {
            lock.unlock();
        }
        // the gate's end bounds a blocking wait (Future.get in the script thread): real time, not the injected clock
        Transition t = new Transition(instanceName, state, priority, specific, generic,
                hooks.runAs("notify_" + state.name().toLowerCase(java.util.Locale.ROOT)), hooks.runAs("notify"), hooks.env(),
                after == null ? null : after.toCompletableFuture(), System.nanoTime() + MAX_GATE.toNanos(), group);
        // a group has a lane of its own, apart from an instance of the same name
        lanes.computeIfAbsent(group ? "vrrp_sync_group " + instanceName : instanceName, Lane::new).submit(t);
    }

    public Counters counters() {
        return new Counters(runs.get(), failures.get(), timeouts.get());
    }

    /** Transitions of {@code instance} whose scripts never started because a newer one superseded them. */
    public long skipped(String instance) {
        Lane lane = lanes.get(instance);
        return lane == null ? 0 : lane.skipped.get();
    }

    /** Waits until every accepted transition has been processed; false if {@code timeout} passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (pending > 0) {
                if (left <= 0) {
                    return false;
                }
                left = idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting transitions, lets queued and running scripts finish for up to the close grace, then kills
     * whatever is still running (with its process group) and drops what has not started.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        try {
            if (!awaitIdle(closeGrace)) {
                LOG.log(Level.WARNING, "notify scripts still running after {0}; killing them", closeGrace);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        executor.shutdownNow();
        try {
            // killing a process group and reaping it is quick; this bound only covers a process stuck in the kernel
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "notify runner threads did not stop");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @param after what the scripts wait for (null: nothing); @param gateEndNanos when they stop waiting */
    /** @param runAs who the state's own script runs as; @param genericRunAs who {@code notify}'s runs as */
    private record Transition(String instance, NotifyState state, int priority, String specific, String generic, RunAs runAs,
            RunAs genericRunAs, ScriptEnv env, CompletableFuture<?> after, long gateEndNanos, boolean group) {
    }

    /** The longest a notify script waits for what it was queued behind (the cloud takeover's write). */
    public static final Duration MAX_GATE = Duration.ofMillis(250);

    private static void awaitGate(Transition t) {
        if (t.after() == null || t.after().isDone()) {
            return;
        }
        try {
            t.after().get(Math.max(0, t.gateEndNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException
                | TimeoutException e) {
            // the gate only orders the scripts after the write; a failed or slow write must not hold them back
        }
    }

    /**
     * Serialises one instance's transitions: at most one drain task per lane is running at any time, and the lane
     * holds at most {@link #queueBound} transitions (the running one included); a waiting one that would overflow
     * it is superseded by the newer ones and skipped.
     */
    private final class Lane {
        private final String instance;
        private final ArrayDeque<Transition> waiting = new ArrayDeque<>();
        private final AtomicLong skipped = new AtomicLong();
        private boolean draining;
        /** Whether the drain task has taken a transition and not finished it. */
        private boolean running;
        /** Skipped since the lane was last idle: logged once when it is. */
        private long skippedThisBurst;
        private Transition lastSkipped;

        Lane(String instance) {
            this.instance = instance;
        }

        void submit(Transition t) {
            boolean start;
            Transition superseded = null;
            synchronized (this) {
                if (waiting.size() + (running ? 1 : 0) >= queueBound) {
                    superseded = waiting.pollFirst();
                    skipped.incrementAndGet();
                    skippedThisBurst++;
                    lastSkipped = superseded;
                }
                waiting.add(t);
                start = !draining;
                draining = true;
            }
            if (superseded != null) {
                Transition s = superseded;
                LOG.log(Level.DEBUG, () -> instance + " " + s.state() + ": notify skipped, superseded by " + t.state()
                        + " before its scripts started");
                done(1);
            }
            if (start) {
                try {
                    executor.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closed between the check in stateChanged and here: account for what will never run
                    abandon();
                }
            }
        }

        private void drain() {
            while (true) {
                Transition t;
                synchronized (this) {
                    t = waiting.poll();
                    running = t != null;
                    if (t == null) {
                        draining = false;
                        if (skippedThisBurst > 0) {
                            LOG.log(Level.INFO, "{0}: {1} notify transition(s) skipped, superseded while earlier scripts ran"
                                    + " (last skipped: {2}); the latest state was delivered", instance, skippedThisBurst,
                                    lastSkipped.state());
                            skippedThisBurst = 0;
                        }
                        return;
                    }
                }
                try {
                    if (Thread.currentThread().isInterrupted()) {
                        LOG.log(Level.WARNING, "notify for {0} {1} dropped: dispatcher closed", instance, t.state());
                    } else {
                        process(t);
                    }
                } finally {
                    done(1);
                }
            }
        }

        private synchronized void abandon() {
            int n = waiting.size();
            waiting.clear();
            draining = false;
            running = false;
            done(n);
        }
    }

    private void process(Transition t) {
        awaitGate(t);
        if (Thread.currentThread().isInterrupted()) {
            LOG.log(Level.WARNING, "notify for {0} {1} dropped: dispatcher closed", t.instance(), t.state());
            return;
        }
        if (!NotifyHooks.blank(t.specific())) {
            runOne(t, "notify_" + t.state().name().toLowerCase(java.util.Locale.ROOT), t.specific(), List.of(), t.runAs());
        }
        if (!NotifyHooks.blank(t.generic()) && !Thread.currentThread().isInterrupted()) {
            runOne(t, "notify", t.generic(),
                    List.of(t.group() ? "GROUP" : "INSTANCE", t.instance(), t.state().name(), Integer.toString(t.priority())),
                    t.genericRunAs());
        }
    }

    private void runOne(Transition t, String hook, String line, List<String> args, RunAs as) {
        ScriptResult r = runner.run(line, args, as, t.env());
        runs.incrementAndGet();
        if (r.succeeded()) {
            LOG.log(Level.DEBUG, () -> t.instance() + " " + t.state() + ": " + hook + " ok in "
                    + r.duration().toMillis() + " ms");
            return;
        }
        failures.incrementAndGet();
        if (r.status() == ScriptResult.Status.TIMED_OUT) {
            timeouts.incrementAndGet();
        }
        LOG.log(Level.WARNING, t.instance() + " " + t.state() + ": " + hook + " script " + quote(line) + " "
                + r.describe() + " after " + r.duration().toMillis() + " ms" + outputSuffix(r));
    }

    private static String quote(String line) {
        return "'" + line + "'";
    }

    /** The end of the output, flattened to one line so each failure stays a single log line. */
    private static String outputSuffix(ScriptResult r) {
        String out = r.output().strip();
        if (out.isEmpty()) {
            return "";
        }
        int max = 300;
        if (out.length() > max) {
            out = "..." + out.substring(out.length() - max);
        }
        return "; output: " + out.replace("\r", "").replace('\n', '|');
    }

    private void done(int n) {
        if (n == 0) {
            return;
        }
        lock.lock();
        try {
            pending -= n;
            if (pending <= 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
