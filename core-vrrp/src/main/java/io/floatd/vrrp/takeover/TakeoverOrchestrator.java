package io.floatd.vrrp.takeover;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.NanoClock;
import io.floatd.vrrp.runtime.Transition;
import io.floatd.vrrp.runtime.TransitionListener;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    public TakeoverOrchestrator(String instance, FloatingIpProvider provider, NanoClock clock, boolean dryRun) {
        this.instance = instance;
        this.provider = provider;
        this.clock = clock;
        this.dryRun = dryRun;
        this.worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("takeover-" + instance).daemon(true).factory());
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
            if (provider.clearStale()) {
                LOG.log(Level.INFO, "VRRP_Instance({0}) removed what an earlier run left behind"
                        + " (this node is Backup and must not answer for the IP)", instance);
            }
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
            } else if (dryRun) {
                tl.mark("dry run: would acquire");
            } else if (gen == generation.get()) {
                tl.mark("acquire sent");
                provider.acquire();
                acquires.increment();
                lastHolder.set(Holder.self(""));
                tl.mark("acquire confirmed");
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

    public long failures() {
        return failures.sum();
    }

    /** Waits for queued operations (a release on shutdown) to finish, at most {@code millis}. */
    public void drain(long millis) throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        provider.close();
    }
}
