package io.floatd.vrrp.takeover;

import io.floatd.vrrp.config.GarpSettings;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.GratuitousAnnouncer;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.takeover.TakeoverAction.Call;
import io.floatd.vrrp.takeover.TakeoverEvent.Failure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The driver of one instance's {@link TakeoverMachine}: it decides nothing. Events (the election's transitions, a
 * lower Master's advert, the answers of provider calls, the machine's own timer) are stepped through the machine on
 * one virtual thread of this instance; the actions that come out are carried out: provider calls on a second virtual
 * thread, one at a time, each under the policy's attempt time limit and a circuit breaker, and answered back as
 * events; yields and reclaims posted to the VRRP loop; announcements, the takeover's timeline, log lines, counters.
 * Nothing here blocks the VRRP loop.
 */
public final class TakeoverOrchestrator implements TransitionListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.takeover");

    /**
     * When machines' timers and calls' time limits are due, for every instance of the daemon: its tasks only hand
     * work to an instance's thread, so one thread serves them all. Cancelled tasks leave the queue at once. Never shut
     * down, so scheduling on it cannot be rejected.
     */
    private static final ScheduledExecutorService TIMER = timer();

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("takeover-timer").daemon(true).factory());
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    private final String instance;
    private final CompletionStage<FloatingIpProvider> built;
    private final NanoClock clock;
    private final TakeoverPolicy policy;
    private final boolean dryRun;
    private final GarpSettings garpSettings;
    private final GarpSchedule.Timer garpTimer;
    /** The provider and what depends on it; null while the provider is being built (start-up). */
    private volatile Ready ready;
    /** What came before the provider was built, in order, for the machine once it is (loop thread only). */
    private final java.util.List<TakeoverEvent> waiting = new java.util.ArrayList<>();
    private final Consumer<VrrpEvent> events;
    /** Steps the machine: the only thread that reads or writes {@link #state} for a step. */
    private final ExecutorService loop;
    /** Makes the provider calls, one at a time. */
    private final ExecutorService caller;
    private final CircuitBreaker breaker;
    private volatile TakeoverState state;
    /** The call running now (loop thread only). */
    private Running running;
    private ScheduledFuture<?> wake;
    private long wakeAt = Long.MAX_VALUE;
    /** The notify gates of MASTER transitions not yet begun by the machine (VRRP loop adds, machine loop takes). */
    private final Queue<CompletableFuture<Void>> gates = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<Void> latestGate = CompletableFuture.completedFuture(null);
    private final Queue<Long> enteredMasterAt = new ArrayDeque<>();
    private Timeline timeline;
    /** {@link #drain} waiting for the machine to have nothing left to do (loop thread only). */
    private final java.util.List<CompletableFuture<Void>> idleWaiters = new java.util.ArrayList<>();
    private final AtomicReference<Timeline> lastTakeover = new AtomicReference<>();
    /** The epoch of the announcements now planned; a planned one of an ended mastership is dropped. */
    private volatile long announcing = Long.MIN_VALUE;
    private long announceEpochs;
    private volatile boolean closed;
    /** A rehearsal's orchestrator ({@link TakeoverRehearsal}): logs nothing. */
    private volatile boolean quiet;
    private final LongAdder calls = new LongAdder();
    private final Map<TakeoverAction.Stat, LongAdder> counts = new EnumMap<>(TakeoverAction.Stat.class);
    private final LongAdder garpsSent = new LongAdder();
    private final LongAdder breakerOpens = new LongAdder();
    private final LongAdder callsNotPermitted = new LongAdder();

    /** A provider call on its way: exactly one answer goes back to the machine, whichever of its ends comes first. */
    private final class Running {
        final long op;
        final AtomicBoolean answered = new AtomicBoolean();
        volatile Future<?> future;
        volatile ScheduledFuture<?> timeout;

        Running(long op) {
            this.op = op;
        }

        /**
         * Answers the call, unless it was cut already; {@code verdict} (the breaker's record) runs first, so the
         * breaker has counted this call before the machine can start the next one.
         */
        void answer(TakeoverEvent.Outcome outcome, Runnable verdict) {
            if (answered.compareAndSet(false, true)) {
                verdict.run();
                send(outcome);
            }
        }

        void answer(TakeoverEvent.Outcome outcome) {
            answer(outcome, () -> { });
        }

        /** Ends the call now with {@code why}, whatever it does after: the answer is claimed before the interrupt. */
        void cut(Failure why, String message, Runnable verdict) {
            if (answered.compareAndSet(false, true)) {
                Future<?> f = future;
                if (f != null) {
                    f.cancel(true); // a provider that reads and then writes stops before its write
                }
                verdict.run();
                send(new TakeoverEvent.Failed(why, message));
            }
        }

        private void send(TakeoverEvent.Outcome outcome) {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            post(() -> step(new TakeoverEvent.OpEnded(op, outcome)));
        }
    }

    /** The built provider, the machine its properties set ({@link TakeoverParams}) and its GARP schedule, or null. */
    private record Ready(FloatingIpProvider provider, TakeoverMachine machine, GarpSchedule garp) {
    }

    /**
     * @param garp when the provider is a {@link GratuitousAnnouncer}, how a Master repeats its announcements
     *     (keepalived's {@code garp_master_*}); {@code null} for no repeats
     */
    public TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            TakeoverPolicy policy, Consumer<VrrpEvent> events, GarpSettings garp) {
        this(instance, provider, clock, dryRun, policy, events, garp, null);
    }

    public TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            TakeoverPolicy policy, Consumer<VrrpEvent> events) {
        this(instance, provider, clock, dryRun, policy, events, null, null);
    }

    public TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            GarpSettings garp) {
        this(instance, provider, clock, dryRun, TakeoverPolicy.defaults(), e -> { }, garp, null);
    }

    /** With the default policy and no way to post events back (tests, demo). */
    public TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun) {
        this(instance, provider, clock, dryRun, TakeoverPolicy.defaults(), e -> { });
    }

    /** @param timer when GARPs are planned; {@code null} for the shared timer (tests pass theirs) */
    TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            GarpSettings garp, GarpSchedule.Timer timer) {
        this(instance, provider, clock, dryRun, TakeoverPolicy.defaults(), e -> { }, garp, timer);
    }

    private TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            TakeoverPolicy policy, Consumer<VrrpEvent> events, GarpSettings garp, GarpSchedule.Timer timer) {
        this(instance, CompletableFuture.completedFuture(provider), clock, dryRun, policy, events, garp, timer);
    }

    /**
     * An orchestrator whose provider is still being built (off the VRRP loop, while the instance starts): until it
     * is, the election's events wait here in order, and the machine gets them once the provider exists, so a
     * takeover that comes first waits for it; a provider that cannot be built gets none of them, so no call is made
     * (and {@code floatd run}, which waits for the builds, stops). The wait is bounded by the builds' bound.
     */
    public TakeoverOrchestrator(String instance, CompletionStage<FloatingIpProvider> provider, NanoClock clock,
            boolean dryRun, TakeoverPolicy policy, Consumer<VrrpEvent> events, GarpSettings garp) {
        this(instance, provider, clock, dryRun, policy, events, garp, null);
    }

    private TakeoverOrchestrator(String instance, CompletionStage<FloatingIpProvider> provider, NanoClock clock,
            boolean dryRun, TakeoverPolicy policy, Consumer<VrrpEvent> events, GarpSettings garp, GarpSchedule.Timer timer) {
        this.instance = instance;
        this.built = provider;
        this.clock = clock;
        this.policy = policy;
        this.events = events;
        this.dryRun = dryRun;
        this.garpSettings = garp;
        this.garpTimer = timer;
        // entropy for the retry jitter, not a time: two nodes must not draw the same backoffs (a fake clock would)
        this.state = TakeoverState.initial(System.nanoTime() ^ instance.hashCode());
        for (TakeoverAction.Stat s : TakeoverAction.Stat.values()) {
            counts.put(s, new LongAdder());
        }
        // virtual threads: a daemon serving 255 instances had ~1000 platform threads here, ~100 MiB of stacks
        this.loop = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("takeover-" + instance).factory());
        this.caller = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("provider-" + instance).factory());
        this.breaker = TakeoverBreaker.of(instance, policy, breakerOpens);
        CompletableFuture<FloatingIpProvider> now = provider.toCompletableFuture();
        if (now.isDone() && !now.isCompletedExceptionally()) {
            this.ready = ready(now.join());
        } else {
            provider.whenComplete((p, failure) -> post(() -> providerBuilt(p)));
        }
    }

    private Ready ready(FloatingIpProvider provider) {
        boolean release = policy.releaseOnLeave() != null ? policy.releaseOnLeave() : provider.releasesByDefault();
        TakeoverMachine machine = new TakeoverMachine(new TakeoverParams(instance, policy, release,
                provider.acquireChecksHolder(), provider.handsOver(), dryRun));
        boolean announces = garpSettings != null && provider instanceof GratuitousAnnouncer && !dryRun;
        return new Ready(provider, machine, announces ? new GarpSchedule(garpSettings,
                garpTimer != null ? garpTimer : GarpSchedule.Timer.of(TIMER), this::announce) : null);
    }

    /**
     * On the loop thread: the provider is built ({@code p}), or could not be (null): the events that waited go to the
     * machine in the order they came, or are dropped (no call is ever made without a provider that passed its checks).
     */
    private void providerBuilt(FloatingIpProvider p) {
        if (p != null && !closed) {
            ready = ready(p);
            java.util.List<TakeoverEvent> queued = java.util.List.copyOf(waiting);
            waiting.clear();
            queued.forEach(this::step);
        } else {
            waiting.clear();
            gates.forEach(g -> g.complete(null));
            latestGate.complete(null);
        }
    }

    // ---- events in ----

    @Override
    public void onTransition(Transition t) {
        if (t.from() == VrrpState.MASTER) {
            stopAnnouncing(); // at once, on the VRRP loop: no announcement may leave after the node left MASTER
        }
        if (t.to() == VrrpState.MASTER) {
            // notify_master waits for this gate, and asks for it right after this call returns, on the VRRP loop
            CompletableFuture<Void> g = new CompletableFuture<>();
            latestGate.complete(null); // superseded: whatever waited for it goes on
            latestGate = g;
            gates.add(g);
        } else {
            latestGate.complete(null);
        }
        TakeoverEvent.Transition e = new TakeoverEvent.Transition(t.from(), t.to(), t.master());
        post(() -> {
            if (t.to() == VrrpState.MASTER) {
                enteredMasterAt.add(t.atNanos());
            }
            step(e);
        });
    }

    @Override
    public void onOtherMasterHeard(String instance, java.net.InetAddress source, int priority) {
        post(() -> step(new TakeoverEvent.OtherMasterHeard(source, priority)));
    }

    /**
     * Reads the holder once at start-up: the first takeover then finds the provider's code loaded, its connections
     * open and the threads running, and the log tells where the IP is.
     */
    public void warmUp() {
        post(() -> step(new TakeoverEvent.Start()));
    }

    private void post(Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    // ---- the step ----

    private void step(TakeoverEvent event) {
        if (closed && !(event instanceof TakeoverEvent.OpEnded)) {
            return;
        }
        Ready r = ready;
        if (r == null) {
            waiting.add(event); // a call's answer cannot come before the provider: there was no call
            return;
        }
        TakeoverStep s = r.machine().next(state, event, clock.nanoTime());
        state = s.state();
        for (TakeoverAction a : s.actions()) {
            apply(a);
        }
        rewake();
        if (!idleWaiters.isEmpty() && state.quiescent()) {
            idleWaiters.forEach(w -> w.complete(null));
            idleWaiters.clear();
        }
    }

    private void apply(TakeoverAction a) {
        switch (a) {
            case Call c -> start(c);
            case TakeoverAction.Cancel c -> {
                if (running != null && running.op == c.op()) {
                    running.cut(Failure.CANCELLED, "superseded by a newer transition", breaker::releasePermission);
                }
            }
            case TakeoverAction.StartAnnouncing s -> {
                GarpSchedule garp = ready.garp();
                if (garp != null && !closed) {
                    announcing = ++announceEpochs;
                    garp.start(announcing, s.alreadySent());
                }
            }
            case TakeoverAction.StopAnnouncing s -> stopAnnouncing();
            case TakeoverAction.YieldToPeer y -> events.accept(new VrrpEvent.HolderMovedToPeer(y.holder()));
            case TakeoverAction.Reclaim r -> events.accept(new VrrpEvent.HolderFree());
            case TakeoverAction.TakeoverBegan b -> {
                CompletableFuture<Void> g = gates.poll();
                gate = g != null ? g : new CompletableFuture<>();
                Long at = enteredMasterAt.poll();
                timeline = new Timeline(instance, at != null ? at : clock.nanoTime(), clock);
            }
            case TakeoverAction.Mark m -> {
                if (timeline != null) {
                    timeline.mark(m.what(), m.detail());
                }
            }
            case TakeoverAction.Settled s -> {
                gate.complete(null);
                if (timeline != null) {
                    lastTakeover.set(timeline);
                    if (!quiet) {
                        LOG.log(Level.INFO, timeline.toString());
                    }
                    timeline = null;
                }
            }
            case TakeoverAction.Log l -> {
                if (!quiet) {
                    LOG.log(l.level(), l.message());
                }
            }
            case TakeoverAction.Count c -> counts.get(c.stat()).increment();
        }
    }

    /** One call: the breaker's permission, the provider on the caller thread, the attempt's time limit. */
    private void start(Call c) {
        Running r = new Running(c.op());
        running = r;
        if (!breaker.tryAcquirePermission()) {
            callsNotPermitted.increment();
            r.answer(new TakeoverEvent.Failed(Failure.NOT_PERMITTED,
                    "provider API circuit breaker is open (recent calls failed)"));
            return;
        }
        calls.increment();
        long limit = policy.attemptTimeout().toNanos();
        try {
            r.future = caller.submit(() -> invoke(c, r));
        } catch (RejectedExecutionException e) {
            breaker.releasePermission();
            r.answer(new TakeoverEvent.Failed(Failure.CANCELLED, "closed"));
            return;
        }
        r.timeout = TIMER.schedule(() -> {
            r.cut(Failure.TIMED_OUT, "provider call timed out after " + policy.attemptTimeout().toMillis() + " ms",
                    () -> breaker.onError(limit, TimeUnit.NANOSECONDS, new TimeoutException()));
        }, limit, TimeUnit.NANOSECONDS);
    }

    /** On the caller thread. */
    private void invoke(Call c, Running r) {
        long t0 = clock.nanoTime();
        FloatingIpProvider provider = ready.provider();
        if (r.answered.get()) {
            return; // cut before it began: the cut gave the breaker its verdict
        }
        try {
            TakeoverEvent.Outcome o = switch (c) {
                case TakeoverAction.ReadHolder x -> new TakeoverEvent.HolderRead(provider.holder());
                case TakeoverAction.Acquire x -> {
                    provider.acquire(x.seen());
                    yield new TakeoverEvent.Done(true);
                }
                case TakeoverAction.Release x -> {
                    provider.release();
                    yield new TakeoverEvent.Done(true);
                }
                case TakeoverAction.ClearStale x -> new TakeoverEvent.Done(provider.clearStale());
                case TakeoverAction.HandOver x -> {
                    provider.handOver(x.peer());
                    yield new TakeoverEvent.Done(true);
                }
            };
            r.answer(o, () -> breaker.onSuccess(clock.nanoTime() - t0, TimeUnit.NANOSECONDS));
        } catch (ProviderException e) {
            r.answer(new TakeoverEvent.Failed(e.retryable() ? Failure.RETRYABLE : Failure.FATAL, message(e)),
                    () -> breaker.onError(clock.nanoTime() - t0, TimeUnit.NANOSECONDS, e));
        } catch (RuntimeException e) {
            r.answer(new TakeoverEvent.Failed(Failure.FATAL, message(e)),
                    () -> breaker.onError(clock.nanoTime() - t0, TimeUnit.NANOSECONDS, e));
        }
    }

    /** Asks the shared timer for a {@link TakeoverEvent.Tick} when the machine wants one. */
    private void rewake() {
        long at = state.wakeAt();
        if (at == wakeAt || closed) {
            return;
        }
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        wakeAt = at;
        if (at != Long.MAX_VALUE) {
            long delay = Math.max(0, at - clock.nanoTime());
            wake = TIMER.schedule(() -> post(() -> {
                wakeAt = Long.MAX_VALUE;
                wake = null;
                step(new TakeoverEvent.Tick());
            }), delay, TimeUnit.NANOSECONDS);
        }
    }

    // on the caller thread, after whatever acquire or release came before: a GARP never follows the release that ended it
    private void announce(long epoch) {
        try {
            caller.execute(() -> {
                if (epoch != announcing) {
                    return;
                }
                try {
                    ((GratuitousAnnouncer) ready.provider()).sendGratuitous();
                    garpsSent.increment();
                } catch (ProviderException | RuntimeException e) {
                    counts.get(TakeoverAction.Stat.FAILURE).increment();
                    LOG.log(Level.WARNING, "VRRP_Instance({0}) gratuitous ARP/NA failed: {1}", instance, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : io.floatd.vrrp.log.Failures.describe(e);
    }

    /** Logs nothing from now on (a rehearsal's orchestrator). */
    void quiet() {
        quiet = true;
    }

    // ---- what status and notify read ----

    /**
     * Done when the takeover of the latest MASTER transition has settled (its write answered, found unneeded,
     * failed or superseded): what keepalived-style notify scripts wait for, as keepalived runs {@code notify_master}
     * after adding the addresses.
     */
    public CompletionStage<Void> takeoverSettled() {
        return latestGate;
    }

    /** Gratuitous ARP / NA rounds sent by the schedule (not counting the one of each acquire). */
    public long garpsSent() {
        return garpsSent.sum();
    }

    public Timeline lastTakeover() {
        return lastTakeover.get();
    }

    public Holder lastHolder() {
        return state.lastHolder();
    }

    public String lastError() {
        return state.lastError();
    }

    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /** The machine's state as of its last step (tests, status). */
    public TakeoverState machineState() {
        return state;
    }

    /**
     * Counters since start.
     *
     * @param breakerOpens how often the circuit breaker opened
     * @param callsNotPermitted attempts the open breaker refused (they never reached the API)
     * @param handovers IPs moved to the Master this node stepped down to
     * @param damped take-backs put off because this node had taken the IP back too often in a row
     */
    public record Stats(long calls, long acquires, long releases, long skippedWrites, long retries, long failures,
            long reacquires, long yields, long breakerOpens, long callsNotPermitted, long handovers, long damped) {
        public Stats(long calls, long acquires, long releases, long skippedWrites, long retries, long failures,
                long reacquires, long yields, long breakerOpens, long callsNotPermitted) {
            this(calls, acquires, releases, skippedWrites, retries, failures, reacquires, yields, breakerOpens,
                    callsNotPermitted, 0, 0);
        }
    }

    public Stats stats() {
        return new Stats(calls.sum(), n(TakeoverAction.Stat.ACQUIRE), n(TakeoverAction.Stat.RELEASE),
                n(TakeoverAction.Stat.SKIPPED_WRITE), n(TakeoverAction.Stat.RETRY), n(TakeoverAction.Stat.FAILURE),
                n(TakeoverAction.Stat.REACQUIRE), n(TakeoverAction.Stat.YIELD), breakerOpens.sum(),
                callsNotPermitted.sum(), n(TakeoverAction.Stat.HANDOVER), n(TakeoverAction.Stat.DAMPED));
    }

    private long n(TakeoverAction.Stat s) {
        return counts.get(s).sum();
    }

    // ---- the end ----

    /** Waits, at most {@code millis}, until nothing that changes where the IP is remains to do (a release on stop). */
    public void drain(long millis) throws InterruptedException {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        post(() -> {
            if (state.quiescent()) {
                idle.complete(null);
            } else {
                idleWaiters.add(idle);
            }
        });
        try {
            idle.get(millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            // what is left is cut off by close()
        }
        closed = true;
        stopTimers();
    }

    private void stopTimers() {
        post(() -> {
            if (wake != null) {
                wake.cancel(false);
            }
        });
        stopAnnouncing();
    }

    private void stopAnnouncing() {
        announcing = Long.MIN_VALUE;
        Ready r = ready;
        if (r != null && r.garp() != null) {
            r.garp().stop();
        }
    }

    @Override
    public void close() {
        closed = true;
        stopTimers();
        loop.shutdownNow();
        caller.shutdownNow();
        latestGate.complete(null);
        built.thenAccept(FloatingIpProvider::close); // now, or when a provider still being built is
    }
}
