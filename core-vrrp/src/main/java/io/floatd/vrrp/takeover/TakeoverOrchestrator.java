package io.floatd.vrrp.takeover;

import io.floatd.vrrp.config.GarpSettings;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.GratuitousAnnouncer;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.NanoClock;
import io.floatd.vrrp.runtime.Transition;
import io.floatd.vrrp.runtime.TransitionListener;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Applies the election's outcome to one instance's provider.
 *
 * <p>Single flight: operations run one at a time on the instance's own thread, and each carries the
 * generation of the transition that asked for it; an operation whose generation is no longer the newest is
 * skipped, so an acquire can never land after the release that followed it.
 */
public final class TakeoverOrchestrator implements TransitionListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.takeover");

    private final String instance;
    private final FloatingIpProvider provider;
    private final NanoClock clock;
    private final boolean dryRun;
    private final ExecutorService worker;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicReference<Timeline> lastTakeover = new AtomicReference<>();
    private final AtomicReference<Holder> lastHolder = new AtomicReference<>();
    private final LongAdder acquires = new LongAdder();
    private final LongAdder releases = new LongAdder();
    private final LongAdder skippedWrites = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder garpsSent = new LongAdder();
    private final ScheduledExecutorService garpTimer;
    private final GarpSchedule garp;

    public TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun) {
        this(instance, provider, clock, dryRun, null, null);
    }

    /**
     * @param garp when the provider is a {@link GratuitousAnnouncer}, how a Master repeats its announcements;
     *     {@code null} for no repeats
     */
    public TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            GarpSettings garp) {
        this(instance, provider, clock, dryRun, garp, null);
    }

    /** @param timer when GARPs are planned; {@code null} for a thread of this orchestrator's own (tests pass theirs) */
    TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun,
            GarpSettings garp, GarpSchedule.Timer timer) {
        this.instance = instance;
        this.provider = provider;
        this.clock = clock;
        this.dryRun = dryRun;
        this.worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("takeover-" + instance).daemon(true).factory());
        boolean announces = garp != null && provider instanceof GratuitousAnnouncer && !dryRun;
        this.garpTimer = announces && timer == null
                ? Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("garp-" + instance).daemon(true).factory())
                : null;
        this.garp = announces ? new GarpSchedule(garp, timer != null ? timer : GarpSchedule.Timer.of(garpTimer), this::announce) : null;
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

    /**
     * Reads the holder once at start-up, off the loop: the first takeover then finds the provider's code loaded,
     * its sockets or connections open, and the worker thread running, and the log tells where the IP is.
     */
    public void warmUp() {
        worker.execute(() -> {
            try {
                new Timeline(instance, clock.nanoTime(), clock).mark("warm-up", Holder.nobody());
                Holder holder = provider.holder();
                lastHolder.set(holder);
                LOG.log(Level.INFO, "VRRP_Instance({0}) floating IP holder at start: {1}", instance, holder);
            } catch (ProviderException | RuntimeException e) {
                LOG.log(Level.WARNING, "VRRP_Instance({0}) cannot read the floating IP holder at start: {1}",
                        instance, e.getMessage());
            }
        });
    }

    @Override
    public void onTransition(Transition t) {
        long gen = generation.incrementAndGet();
        if (garp != null && t.from() == VrrpState.MASTER) {
            garp.stop();
        }
        if (t.to() == VrrpState.MASTER) {
            worker.execute(() -> acquire(gen, t.atNanos()));
        } else if (t.from() == VrrpState.MASTER) {
            worker.execute(() -> release(gen, t.to()));
        } else if (t.from() == VrrpState.INIT && t.to() == VrrpState.BACKUP) {
            worker.execute(() -> clearStale(gen));
        }
    }

    private void clearStale(long gen) {
        if (gen != generation.get() || dryRun) {
            return;
        }
        try {
            provider.clearStale();
        } catch (ProviderException | RuntimeException e) {
            failures.increment();
            LOG.log(Level.WARNING, "VRRP_Instance({0}) cannot clear what an earlier run left: {1}", instance, e.getMessage());
        }
    }

    private void acquire(long gen, long enteredMasterAt) {
        if (gen != generation.get()) {
            return;
        }
        Timeline tl = new Timeline(instance, enteredMasterAt, clock);
        try {
            Holder holder = provider.holder();
            lastHolder.set(holder);
            tl.mark("holder read", holder);
            if (holder.isSelf()) {
                skippedWrites.increment();
                tl.mark("already held, no write");
                startGarps(gen, 0);
            } else if (dryRun) {
                tl.mark("dry run: would acquire");
            } else if (gen == generation.get()) {
                tl.mark("acquire sent");
                provider.acquire();
                acquires.increment();
                lastHolder.set(Holder.self(""));
                tl.mark("acquire confirmed");
                startGarps(gen, 1);
            } else {
                tl.mark("superseded before acquire");
            }
        } catch (ProviderException e) {
            failures.increment();
            tl.mark("failed", e.getMessage());
        } catch (RuntimeException e) {
            failures.increment();
            tl.mark("failed", e);
        }
        lastTakeover.set(tl);
        LOG.log(Level.INFO, tl.toString());
    }

    private void startGarps(long gen, int alreadySent) {
        if (garp != null && gen == generation.get()) {
            garp.start(gen, alreadySent);
        }
    }

    private void release(long gen, VrrpState to) {
        if (gen != generation.get()) {
            return;
        }
        if (dryRun) {
            LOG.log(Level.INFO, "VRRP_Instance({0}) dry run: would release on {1}", instance, to);
            return;
        }
        try {
            provider.release();
            releases.increment();
            lastHolder.set(null);
            LOG.log(Level.INFO, "VRRP_Instance({0}) released the floating IP on entering {1}", instance, to);
        } catch (ProviderException e) {
            failures.increment();
            LOG.log(Level.WARNING, "VRRP_Instance({0}) release failed: {1}", instance, e.getMessage());
        } catch (RuntimeException e) {
            failures.increment();
            LOG.log(Level.WARNING, "VRRP_Instance({0}) release failed: {1}", instance, e.toString());
        }
    }

    private void stopGarps() {
        if (garp != null) {
            garp.stop();
        }
        if (garpTimer != null) {
            garpTimer.shutdownNow();
        }
    }

    public Timeline lastTakeover() {
        return lastTakeover.get();
    }

    public Holder lastHolder() {
        return lastHolder.get();
    }

    public long acquires() {
        return acquires.sum();
    }

    public long releases() {
        return releases.sum();
    }

    public long skippedWrites() {
        return skippedWrites.sum();
    }

    /** Gratuitous ARP / NA rounds sent by the schedule (not counting the one of each acquire). */
    public long garpsSent() {
        return garpsSent.sum();
    }

    public long failures() {
        return failures.sum();
    }

    /** Waits for queued operations (a release on shutdown) to finish, at most {@code millis}. */
    public void drain(long millis) throws InterruptedException {
        stopGarps();
        worker.shutdown();
        worker.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        stopGarps();
        worker.shutdownNow();
        provider.close();
    }
}
