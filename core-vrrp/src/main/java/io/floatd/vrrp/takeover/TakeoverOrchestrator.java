package io.floatd.vrrp.takeover;

import io.floatd.vrrp.config.GarpSettings;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.GratuitousAnnouncer;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.NanoClock;
import io.floatd.vrrp.runtime.Transition;
import io.floatd.vrrp.runtime.TransitionListener;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Applies the election's outcome to one instance's provider, off the VRRP loop.
 *
 * <ul>
 *   <li>Entering MASTER: read the holder; when it is this node already, write nothing; otherwise acquire. Each
 *       provider call has a time limit; retryable failures are retried with full-jitter exponential backoff
 *       until the takeover's deadline; a circuit breaker stops hammering a broken API; a fatal failure is
 *       reported once, in one line, and not retried.</li>
 *   <li>While MASTER: the holder is re-read every re-check interval; an IP found on nobody or a stranger is
 *       taken back; an IP that this node held and now finds on a configured peer means both were Master while
 *       they could not hear each other, and this node yields (the state machine goes BACKUP and waits for
 *       adverts, or for the IP to be free). When the partition heals and this Master hears the other Master and
 *       outranks it, the holder is read at once and an IP on the peer is taken back.</li>
 *   <li>Single flight: provider calls run one at a time on one (virtual) thread, and each operation carries the
 *       generation of the transition that asked for it; a superseded operation stops before its next call, so
 *       an acquire can never land after the release that followed it.</li>
 * </ul>
 */
public final class TakeoverOrchestrator implements TransitionListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.takeover");

    private final String instance;
    private final FloatingIpProvider provider;
    private final NanoClock clock;
    private final boolean dryRun;
    private final TakeoverPolicy policy;
    private final Consumer<VrrpEvent> events;
    private final boolean releaseOnLeave;
    private final ExecutorService worker;
    private final ExecutorService caller;
    /**
     * When re-checks and gratuitous ARP/NA rounds are due, for every instance of the daemon: its tasks only hand work
     * to an instance's worker, so one thread serves them all. Cancelled tasks leave the queue at once (a transition
     * cancels an instance's re-check).
     */
    private static final ScheduledExecutorService TIMER = timer();

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("takeover-timer").daemon(true).factory());
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    private final TimeLimiter timeLimiter;
    private final CircuitBreaker breaker;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicReference<Timeline> lastTakeover = new AtomicReference<>();
    private final AtomicReference<Holder> lastHolder = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicReference<ScheduledFuture<?>> recheck = new AtomicReference<>();
    private final AtomicReference<Inflight> inflight = new AtomicReference<>();
    /** The current MASTER takeover: done once its write is answered, found unneeded, failed or superseded. */
    private volatile CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);
    private volatile boolean holdConfirmed;
    /** When another Master last made this node read the holder out of turn (clock nanos). */
    private final AtomicLong otherMasterCheckAt;
    private volatile boolean yielding;
    /** Set by {@link #drain} and {@link #close}: no re-check or GARP is planned on the shared timer afterwards. */
    private volatile boolean closed;
    private final LongAdder calls = new LongAdder();
    private final LongAdder acquires = new LongAdder();
    private final LongAdder releases = new LongAdder();
    private final LongAdder skippedWrites = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder reacquires = new LongAdder();
    private final LongAdder yields = new LongAdder();
    private final LongAdder garpsSent = new LongAdder();
    private final LongAdder breakerOpens = new LongAdder();
    private final LongAdder callsNotPermitted = new LongAdder();
    private final GarpSchedule garp;
    /** A rehearsal's orchestrator ({@link #rehearseOnce}): logs nothing. */
    private volatile boolean quiet;

    /** The provider call running now, and the generation that asked for it. */
    private record Inflight(long gen, java.util.concurrent.Future<?> future) {
    }

    /** Thrown inside an operation whose transition is no longer the newest. */
    private static final class Superseded extends Exception {
        Superseded() {
            super("superseded by a newer transition", null, false, false);
        }
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

    /** @param timer when GARPs are planned; {@code null} for a thread of this orchestrator's own (tests pass theirs) */
    TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            GarpSettings garp, GarpSchedule.Timer timer) {
        this(instance, provider, clock, dryRun, TakeoverPolicy.defaults(), e -> { }, garp, timer);
    }

    private TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            TakeoverPolicy policy, Consumer<VrrpEvent> events, GarpSettings garp, GarpSchedule.Timer timer) {
        this.instance = instance;
        this.provider = provider;
        this.clock = clock;
        this.dryRun = dryRun;
        this.policy = policy;
        this.events = events;
        this.releaseOnLeave = policy.releaseOnLeave() != null ? policy.releaseOnLeave() : provider.releasesByDefault();
        this.otherMasterCheckAt = new AtomicLong(clock.nanoTime() - policy.recheckInterval().toNanos());
        // virtual threads: a daemon serving 255 instances had ~1000 platform threads here, ~100 MiB of stacks
        this.worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("takeover-" + instance).factory());
        this.caller = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("provider-" + instance).factory());
        this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(policy.attemptTimeout()).cancelRunningFuture(true).build());
        this.breaker = CircuitBreaker.of("provider-" + instance, CircuitBreakerConfig.custom()
                .failureRateThreshold(policy.breakerFailureRate())
                .minimumNumberOfCalls(policy.breakerMinimumCalls())
                .slidingWindowSize(policy.breakerMinimumCalls())
                .waitDurationInOpenState(policy.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(TakeoverOrchestrator::retryable)
                .build());
        breaker.getEventPublisher()
                .onStateTransition(e -> breakerChanged(e.getStateTransition()))
                .onCallNotPermitted(e -> callsNotPermitted.increment());
        boolean announces = garp != null && provider instanceof GratuitousAnnouncer && !dryRun;
        this.garp = announces ? new GarpSchedule(garp, timer != null ? timer : GarpSchedule.Timer.of(TIMER), this::announce) : null;
    }

    /** One line per change of the breaker's state, saying why and what follows. */
    private void breakerChanged(CircuitBreaker.StateTransition t) {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        switch (t.getToState()) {
            case OPEN -> {
                breakerOpens.increment();
                LOG.log(Level.WARNING, "VRRP_Instance({0}) circuit breaker OPEN: {1} of the last {2} calls failed;"
                        + " no call for {3} ms", instance, String.valueOf(m.getNumberOfFailedCalls()),
                        String.valueOf(m.getNumberOfBufferedCalls()), String.valueOf(policy.breakerOpen().toMillis()));
            }
            case HALF_OPEN -> LOG.log(Level.WARNING, "VRRP_Instance({0}) circuit breaker HALF_OPEN: after {1} ms,"
                    + " one call goes through to try the API", instance, String.valueOf(policy.breakerOpen().toMillis()));
            case CLOSED -> LOG.log(Level.INFO, "VRRP_Instance({0}) circuit breaker CLOSED: the API answered again;"
                    + " calls go through", instance);
            default -> LOG.log(Level.WARNING, "VRRP_Instance({0}) circuit breaker {1}", instance, t);
        }
    }

    // on the worker, after whatever acquire or release came before: a GARP never follows the release that ended it
    private void announce(long gen) {
        try {
            worker.execute(() -> {
                if (gen != generation.get()) {
                    return;
                }
                try {
                    ((GratuitousAnnouncer) provider).sendGratuitous();
                    garpsSent.increment();
                } catch (ProviderException | RuntimeException e) {
                    failures.increment();
                    LOG.log(Level.WARNING, "VRRP_Instance({0}) gratuitous ARP/NA failed: {1}", instance, e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    private void startGarps(long gen, int alreadySent) {
        if (garp != null && gen == generation.get()) {
            garp.start(gen, alreadySent);
            if (closed) {
                garp.stop(); // closed while this takeover finished: the shared timer must not keep the refreshes
            }
        }
    }

    private void stopGarps() {
        if (garp != null) {
            garp.stop();
        }
    }

    /** Gratuitous ARP / NA rounds sent by the schedule (not counting the one of each acquire). */
    public long garpsSent() {
        return garpsSent.sum();
    }

    /** With the default policy and no way to post events back (tests, demo). */
    public TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun) {
        this(instance, provider, clock, dryRun, TakeoverPolicy.defaults(), e -> { });
    }

    /**
     * Reads the holder once at start-up: the first takeover then finds the provider's code loaded, its
     * connections open and the threads running, and the log tells where the IP is.
     */
    public void warmUp() {
        worker.execute(() -> {
            try {
                new Timeline(instance, clock.nanoTime(), clock).mark("warm-up", Holder.nobody());
                // one attempt, no retries: a takeover queued behind the warm-up must not wait for a dead API
                Holder holder = call(provider::holder, UNSUPERSEDABLE, clock.nanoTime());
                lastHolder.set(holder);
                LOG.log(Level.INFO, "VRRP_Instance({0}) floating IP holder at start: {1}", instance, holder);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "VRRP_Instance({0}) cannot read the floating IP holder at start: {1}",
                        instance, message(e));
            }
        });
    }

    private static final AtomicBoolean REHEARSED = new AtomicBoolean();
    private static final Duration REHEARSAL_DELAY = Duration.ofSeconds(1);

    /**
     * Runs the takeover path once, in the background and once per JVM, on an orchestrator of its own over a provider
     * that answers from memory: enter MASTER (holder read, acquire), then BACKUP. The code a first takeover runs for
     * the first time (the call sites' lambdas, spun on first use, and the classes behind them: 15 ms on a 2-CPU VM
     * before the first real AssociateAddress left) is then ready when an election is won. Silent, counted nowhere,
     * bounded to a few seconds.
     */
    public static void rehearseOnce(NanoClock clock) {
        if (!REHEARSED.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().name("takeover-rehearsal").daemon(true).start(() -> {
            try {
                Thread.sleep(REHEARSAL_DELAY); // after start-up's own work: the first advert is not delayed
                rehearse(clock);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** One rehearsal; true when its takeover settled (tests). */
    static boolean rehearse(NanoClock clock) {
        FloatingIpProvider stand = new FloatingIpProvider() {
            private volatile Holder holder = Holder.peer("rehearsal-peer");

            @Override
            public Holder holder() {
                return holder;
            }

            @Override
            public void acquire() {
                holder = Holder.self("rehearsal");
            }

            @Override
            public void release() {
                holder = Holder.nobody();
            }
        };
        TakeoverOrchestrator o = new TakeoverOrchestrator("rehearsal", stand, clock, false,
                TakeoverPolicy.defaults(), e -> { }, null, null);
        o.quiet = true;
        try {
            o.onTransition(new Transition("rehearsal", VrrpState.BACKUP, VrrpState.MASTER, "rehearsal", 100,
                    clock.nanoTime()));
            o.takeoverSettled().toCompletableFuture().get(5, TimeUnit.SECONDS);
            o.onTransition(new Transition("rehearsal", VrrpState.MASTER, VrrpState.BACKUP, "rehearsal", 100,
                    clock.nanoTime()));
            return true;
        } catch (Exception e) {
            return false; // an optimisation only
        } finally {
            o.close();
        }
    }

    /**
     * Done when the takeover of the latest MASTER transition has settled (its write answered, found unneeded,
     * failed or superseded): what keepalived-style notify scripts wait for, as keepalived runs {@code notify_master}
     * after adding the addresses.
     */
    public CompletionStage<Void> takeoverSettled() {
        return settled;
    }

    @Override
    public void onTransition(Transition t) {
        long gen = generation.incrementAndGet();
        settled.complete(null); // superseded: whatever waited for it goes on
        cancelInflight();
        stopRecheck();
        if (t.from() == VrrpState.MASTER) {
            stopGarps();
        }
        boolean ownYield = yielding && t.from() == VrrpState.MASTER && t.to() == VrrpState.BACKUP;
        if (t.to() == VrrpState.MASTER) {
            yielding = false;
            CompletableFuture<Void> done = new CompletableFuture<>();
            settled = done;
            try {
                worker.execute(() -> {
                    try {
                        acquire(gen, t.atNanos());
                    } finally {
                        done.complete(null);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                done.complete(null); // closed
                throw e;
            }
            return;
        }
        if (ownYield) {
            // the peer holds the IP now: nothing to release; watch for it to become free
            startRecheck(gen, Watch.YIELDING);
            return;
        }
        yielding = false;
        if (t.from() == VrrpState.MASTER) {
            worker.execute(() -> release(gen, t.to()));
        } else if (t.from() == VrrpState.INIT && t.to() == VrrpState.BACKUP) {
            worker.execute(() -> clearStale(gen));
        }
        if (t.to() == VrrpState.BACKUP || t.to() == VrrpState.FAULT) {
            startRecheck(gen, Watch.STANDBY);
        }
    }

    /**
     * The split brain is over and this node won: the other Master, which ranks below it, may have moved the IP
     * while the two could not hear each other, and stops being Master now. Read the holder at once, and take the
     * IP back from the peer instead of yielding to it: the yield is for a Master that hears no one, and this one has
     * just heard its peer and outranks it. Without this, the IP stayed on the new Backup until the next re-check,
     * which then took it for a split brain and yielded. At most once per re-check interval, so a one-way partition
     * (the other never hears our answer and keeps advertising) does not hammer the API.
     */
    @Override
    public void onOtherMasterHeard(String instance, java.net.InetAddress source, int priority) {
        long gen = generation.get();
        long now = clock.nanoTime();
        long last = otherMasterCheckAt.get();
        if (now - last < policy.recheckInterval().toNanos() || !otherMasterCheckAt.compareAndSet(last, now)) {
            return;
        }
        LOG.log(Level.INFO, "VRRP_Instance({0}) heard another Master {1} (priority {2}) after a split:"
                + " reading the floating IP holder now", this.instance, source.getHostAddress(), priority);
        try {
            worker.execute(() -> recheck(gen, Watch.MASTER, true));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    private void acquire(long gen, long enteredMasterAt) {
        if (gen != generation.get()) {
            return;
        }
        Timeline tl = new Timeline(instance, enteredMasterAt, clock);
        long deadline = clock.nanoTime() + policy.deadline().toNanos();
        try {
            Holder holder = null;
            if (!provider.acquireChecksHolder() || dryRun) {
                holder = call(provider::holder, gen, deadline);
                lastHolder.set(holder);
                tl.mark("holder read", holder);
            }
            if (holder != null && holder.isSelf()) {
                skippedWrites.increment();
                holdConfirmed = true;
                tl.mark("already held, no write");
                startGarps(gen, 0);
            } else if (dryRun) {
                tl.mark("dry run: would acquire");
            } else {
                tl.mark("acquire sent");
                callAcquire(holder, gen, deadline);
                acquires.increment();
                holdConfirmed = true;
                lastHolder.set(Holder.self(""));
                tl.mark("acquire confirmed");
                startGarps(gen, 1);
            }
            lastError.set(null);
        } catch (Superseded e) {
            tl.mark("superseded");
        } catch (Exception e) {
            failures.increment();
            lastError.set(message(e));
            tl.mark("failed", message(e));
            LOG.log(Level.ERROR, "VRRP_Instance({0}) takeover failed: {1}", instance, message(e));
        }
        lastTakeover.set(tl);
        if (!quiet) {
            LOG.log(Level.INFO, tl.toString());
        }
        if (gen == generation.get()) {
            startRecheck(gen, Watch.MASTER);
        }
    }

    private void release(long gen, VrrpState to) {
        holdConfirmed = false;
        if (gen != generation.get() || !releaseOnLeave) {
            return;
        }
        if (dryRun) {
            LOG.log(Level.INFO, "VRRP_Instance({0}) dry run: would release on {1}", instance, to);
            return;
        }
        try {
            call(() -> {
                provider.release();
                return null;
            }, gen, clock.nanoTime() + policy.deadline().toNanos());
            releases.increment();
            lastHolder.set(null);
            LOG.log(Level.INFO, "VRRP_Instance({0}) released the floating IP on entering {1}", instance, to);
        } catch (Superseded e) {
            // a newer transition (back to MASTER) owns the IP now
        } catch (Exception e) {
            failures.increment();
            lastError.set(message(e));
            LOG.log(Level.WARNING, "VRRP_Instance({0}) release failed: {1}", instance, message(e));
        }
    }

    private void clearStale(long gen) {
        if (gen != generation.get() || dryRun) {
            return;
        }
        try {
            if (call(provider::clearStale, gen, clock.nanoTime() + policy.deadline().toNanos())) {
                LOG.log(Level.INFO, "VRRP_Instance({0}) removed what an earlier run left behind"
                        + " (this node is Backup and must not answer for the IP)", instance);
            }
        } catch (Superseded e) {
            // became Master meanwhile
        } catch (Exception e) {
            failures.increment();
            LOG.log(Level.WARNING, "VRRP_Instance({0}) cannot clear what an earlier run left: {1}", instance, message(e));
        }
    }

    /**
     * A provider call started for an older transition is interrupted, so a provider that reads and then writes
     * (DescribeAddresses, then AssociateAddress) stops before its write: without this, a former Master's acquire
     * could still move the IP after it became Backup. A request already on the wire cannot be taken back; the
     * holder re-check of the current Master repairs that case.
     */
    private void cancelInflight() {
        Inflight running = inflight.get();
        if (running != null && running.gen() != UNSUPERSEDABLE) {
            running.future().cancel(true);
        }
    }

    /** Why the holder is re-read on an interval. */
    private enum Watch {
        /** To take the IP back from nobody or a stranger, or to yield it to the peer after a split brain. */
        MASTER,
        /** Yielded to the peer after a split brain: to reclaim the IP if it becomes free. */
        YIELDING,
        /**
         * Not Master: only to keep the API connection open and the code warm, so that the first call after an
         * election is one round trip (and status shows a fresh holder). Not done for a provider whose acquire
         * reads locally ({@link FloatingIpProvider#acquireChecksHolder()}): nothing there goes cold.
         */
        STANDBY
    }

    private void startRecheck(long gen, Watch watch) {
        Duration interval = watch == Watch.STANDBY ? policy.warmInterval() : policy.recheckInterval();
        if (watch == Watch.STANDBY && (interval.isZero() || provider.acquireChecksHolder())) {
            return;
        }
        long every = interval.toMillis();
        // once the worker is shut down, execute throws and the exception ends the periodic task
        ScheduledFuture<?> f = TIMER.scheduleWithFixedDelay(() -> worker.execute(() -> recheck(gen, watch, false)),
                every, every, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> old = recheck.getAndSet(f);
        if (old != null) {
            old.cancel(false);
        }
        if (closed) {
            stopRecheck(); // closed while a takeover finished: nothing left to re-check
        }
    }

    private void stopRecheck() {
        ScheduledFuture<?> old = recheck.getAndSet(null);
        if (old != null) {
            old.cancel(false);
        }
    }

    /** @param outranksPeer this Master has just heard its peer and won: an IP on the peer is taken back, not yielded */
    private void recheck(long gen, Watch watch, boolean outranksPeer) {
        if (gen != generation.get() || (dryRun && watch != Watch.STANDBY)) {
            return;
        }
        Holder holder;
        try {
            holder = call(provider::holder, gen, clock.nanoTime() + policy.attemptTimeout().toNanos() * 2);
        } catch (Exception e) {
            return; // a failed re-check changes nothing; the next one tries again
        }
        lastHolder.set(holder);
        if (watch == Watch.STANDBY) {
            return;
        }
        if (watch == Watch.YIELDING) {
            if (holder.kind() == Holder.Kind.NOBODY) {
                LOG.log(Level.INFO, "VRRP_Instance({0}) floating IP is free while no master is heard: reclaiming", instance);
                events.accept(new VrrpEvent.HolderFree());
            }
            return;
        }
        switch (holder.kind()) {
            case SELF -> holdConfirmed = true;
            case PEER -> {
                if (holdConfirmed && !outranksPeer) {
                    yields.increment();
                    yielding = true;
                    stopRecheck();
                    LOG.log(Level.WARNING, "VRRP_Instance({0}) split brain: the floating IP this node held is now on"
                            + " peer {1}; yielding until adverts return", instance, holder.id());
                    events.accept(new VrrpEvent.HolderMovedToPeer(holder.id()));
                } else {
                    reacquire(gen, holder);
                }
            }
            case NOBODY, OTHER -> reacquire(gen, holder);
        }
    }

    private void reacquire(long gen, Holder holder) {
        reacquires.increment();
        LOG.log(Level.WARNING, "VRRP_Instance({0}) floating IP found on {1} while Master: taking it back", instance, holder);
        try {
            callAcquire(holder, gen, clock.nanoTime() + policy.deadline().toNanos());
            holdConfirmed = true;
            acquires.increment();
        } catch (Superseded e) {
            // no longer Master
        } catch (Exception e) {
            failures.increment();
            lastError.set(message(e));
            LOG.log(Level.ERROR, "VRRP_Instance({0}) taking the floating IP back failed: {1}", instance, message(e));
        }
    }

    /**
     * Acquires, telling the provider what the holder read just found, so that it need not read again. A failed write
     * leaves the holder unknown (the API may have carried it out and lost the answer), so a retry reads first, and
     * writes only if the IP is not this node's by then. The read and the write are attempts of their own, each with
     * its own time limit and its own verdict at the circuit breaker, and the backoff grows over both: as one
     * read-then-write attempt, an API failing half of all requests failed three attempts in four, and the ten
     * failures in a row that open the breaker came often enough to lose takeovers to it.
     *
     * @param seen the holder just read, or {@code null} for a provider that reads for itself
     *     ({@link FloatingIpProvider#acquireChecksHolder()}): it is left to do so on every attempt
     */
    private void callAcquire(Holder seen, long gen, long deadlineNanos) throws Exception {
        AtomicInteger failed = new AtomicInteger();
        if (seen == null) {
            call(() -> {
                provider.acquire(null);
                return null;
            }, gen, deadlineNanos, failed);
            return;
        }
        AtomicReference<Holder> known = new AtomicReference<>(seen);
        while (true) {
            boolean done = call(() -> {
                Holder h = known.getAndSet(null);
                if (h == null) {
                    Holder now = provider.holder();
                    lastHolder.set(now);
                    if (now.isSelf()) {
                        return true; // the write that failed was carried out after all
                    }
                    known.set(now);
                    return false; // read; the write is the next attempt, at once
                }
                provider.acquire(h);
                return true;
            }, gen, deadlineNanos, failed);
            if (done) {
                return;
            }
            if (clock.nanoTime() - deadlineNanos >= 0) {
                throw ProviderException.fatal("the takeover's deadline passed before the write could be sent again"
                        + " (the last read found the IP on " + known.get() + ")");
            }
        }
    }

    /** The generation of a read that no transition makes obsolete (the start-up read). */
    private static final long UNSUPERSEDABLE = -1;

    private boolean current(long gen) {
        return gen == UNSUPERSEDABLE || gen == generation.get();
    }

    /** One provider operation under the policy: time limit per attempt, breaker, full-jitter retries to the deadline. */
    private <T> T call(Callable<T> op, long gen, long deadlineNanos) throws Exception {
        return call(op, gen, deadlineNanos, new AtomicInteger());
    }

    /** @param failed failures so far of the operation this call is part of: the backoff grows over all of them */
    private <T> T call(Callable<T> op, long gen, long deadlineNanos, AtomicInteger failed) throws Exception {
        AtomicInteger attempt = new AtomicInteger();
        FullJitterBackoff backoff = new FullJitterBackoff(policy.initialBackoff(), policy.maxBackoff());
        Retry retry = Retry.of("provider-" + instance, RetryConfig.<T>custom()
                .maxAttempts(Integer.MAX_VALUE)
                .intervalFunction(n -> backoff.apply(failed.incrementAndGet()))
                .retryOnException(e -> retryable(e) && current(gen) && clock.nanoTime() < deadlineNanos)
                .build());
        retry.getEventPublisher().onRetry(e -> {
            retries.increment();
            Level level = e.getNumberOfRetryAttempts() == 1 ? Level.WARNING : Level.DEBUG;
            LOG.log(level, "VRRP_Instance({0}) provider call failed, retrying in {1} ms: {2}", instance,
                    e.getWaitInterval().toMillis(), message(e.getLastThrowable()));
        });
        Callable<T> attemptOnce = () -> {
            if (!current(gen)) {
                throw new Superseded();
            }
            attempt.incrementAndGet();
            calls.increment();
            try {
                return timeLimiter.executeFutureSupplier(() -> {
                    java.util.concurrent.Future<T> f = caller.submit(op);
                    inflight.set(new Inflight(gen, f));
                    if (!current(gen)) {
                        f.cancel(true); // a transition came between the check above and the submit
                    }
                    return f;
                });
            } catch (java.util.concurrent.CancellationException e) {
                throw new Superseded();
            }
        };
        return Retry.decorateCallable(retry, CircuitBreaker.decorateCallable(breaker, attemptOnce)).call();
    }

    private static boolean retryable(Throwable e) {
        return e instanceof TimeoutException
                || e instanceof CallNotPermittedException
                || (e instanceof ProviderException pe && pe.retryable());
    }

    private static String message(Throwable e) {
        if (e instanceof TimeoutException) {
            return "provider call timed out";
        }
        if (e instanceof CallNotPermittedException) {
            return "provider API circuit breaker is open (recent calls failed)";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    public Timeline lastTakeover() {
        return lastTakeover.get();
    }

    public Holder lastHolder() {
        return lastHolder.get();
    }

    public String lastError() {
        return lastError.get();
    }

    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /** Counters since start. */
    /**
     * @param breakerOpens how often the circuit breaker opened
     * @param callsNotPermitted attempts the open breaker refused (they never reached the API)
     */
    public record Stats(long calls, long acquires, long releases, long skippedWrites, long retries, long failures,
            long reacquires, long yields, long breakerOpens, long callsNotPermitted) {
    }

    public Stats stats() {
        return new Stats(calls.sum(), acquires.sum(), releases.sum(), skippedWrites.sum(), retries.sum(),
                failures.sum(), reacquires.sum(), yields.sum(), breakerOpens.sum(), callsNotPermitted.sum());
    }

    /** Waits for queued operations (a release on shutdown) to finish, at most {@code millis}. */
    public void drain(long millis) throws InterruptedException {
        closed = true;
        stopRecheck();
        stopGarps();
        worker.shutdown();
        worker.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        stopRecheck();
        stopGarps();
        worker.shutdownNow();
        caller.shutdownNow();
        provider.close();
    }
}
