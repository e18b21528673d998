package io.floatd.vrrp.takeover;

import io.floatd.vrrp.config.GarpSettings;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * When a Master repeats its gratuitous ARPs / NAs, as keepalived does: on entering Master a burst of
 * {@code masterRepeat} announcements {@code interval} apart, a second burst {@code masterDelay} later, and a burst of
 * {@code masterRefreshRepeat} every {@code masterRefresh} while still Master.
 *
 * <p>The schedule only says when; each announcement is handed to {@code send} with the epoch of the
 * {@link #start} that planned it, so the caller can drop one planned for a mastership that has ended.
 * {@link #stop()} cancels everything planned. Thread-safe.
 */
public final class GarpSchedule {
    /** Runs {@code task} after {@code delayNanos}; returns what cancels it. Injected so tests can drive time. */
    @FunctionalInterface
    public interface Timer {
        Runnable schedule(Runnable task, long delayNanos);

        static Timer of(ScheduledExecutorService executor) {
            return (task, delay) -> {
                ScheduledFuture<?> f = executor.schedule(task, delay, TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            };
        }
    }

    private final GarpSettings settings;
    private final Timer timer;
    private final LongConsumer send;
    private final Set<Planned> pending = ConcurrentHashMap.newKeySet();
    private long epoch;

    /** @param send called with the epoch of the {@link #start} that planned the announcement */
    public GarpSchedule(GarpSettings settings, Timer timer, LongConsumer send) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.send = Objects.requireNonNull(send, "send");
    }

    public GarpSettings settings() {
        return settings;
    }

    /**
     * Plans the announcements of a mastership that has just begun, replacing any earlier plan.
     *
     * @param epoch passed back to {@code send}
     * @param alreadySent announcements of the first burst already made (by the acquire that added the addresses)
     */
    public synchronized void start(long epoch, int alreadySent) {
        stop();
        this.epoch = epoch;
        long interval = settings.interval().toNanos();
        int first = Math.max(0, settings.masterRepeat() - alreadySent);
        burst(epoch, alreadySent > 0 ? interval : 0, first);
        if (!settings.masterDelay().isZero()) {
            burst(epoch, settings.masterDelay().toNanos(), settings.masterRepeat());
        }
        if (!settings.masterRefresh().isZero()) {
            refresh(epoch);
        }
    }

    /** Cancels everything planned. */
    public synchronized void stop() {
        epoch = Long.MIN_VALUE;
        for (Planned p : pending) {
            Runnable cancel = p.cancel;
            if (cancel != null) {
                cancel.run();
            }
        }
        pending.clear();
    }

    private void burst(long planEpoch, long atNanos, int count) {
        long interval = settings.interval().toNanos();
        for (int k = 0; k < count; k++) {
            plan(atNanos + k * interval, () -> send.accept(planEpoch));
        }
    }

    private void refresh(long planEpoch) {
        plan(settings.masterRefresh().toNanos(), () -> {
            synchronized (this) {
                if (epoch != planEpoch) {
                    return;
                }
                burst(planEpoch, 0, settings.masterRefreshRepeat());
                refresh(planEpoch);
            }
        });
    }

    private void plan(long delayNanos, Runnable task) {
        var planned = new Planned();
        synchronized (this) {
            pending.add(planned);
            planned.cancel = timer.schedule(() -> {
                pending.remove(planned);
                task.run();
            }, delayNanos);
        }
    }

    private static final class Planned {
        volatile Runnable cancel;
    }
}
