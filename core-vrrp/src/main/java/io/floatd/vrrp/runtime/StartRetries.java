package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.InstanceOpener.Endpoint;
import io.floatd.vrrp.runtime.InstanceOpener.EndpointKey;
import io.floatd.vrrp.runtime.InstanceOpener.Opened;
import io.floatd.vrrp.runtime.VrrpDaemon.Instance;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The instances of a {@link VrrpDaemon} that could not start for a reason of the host (an interface missing or
 * without an address, a socket that cannot be bound): each is shown in FAULT by its placeholder and opened again off
 * the VRRP loop, on a thread of its own, with a backoff ({@link #RETRY_FIRST_MILLIS} doubling to
 * {@link #RETRY_MAX_MILLIS}) until it opens; then the daemon puts it in its placeholder's place.
 */
final class StartRetries {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    /** The first retry of an instance that could not start; each next one waits twice as long, up to the maximum. */
    static final long RETRY_FIRST_MILLIS = 500;
    static final long RETRY_MAX_MILLIS = 5000;

    /** Opens an instance again, as at start ({@link InstanceOpener#open}). */
    @FunctionalInterface
    interface Opening {
        Opened open(InstanceConfig ic, Map<EndpointKey, Endpoint> batch) throws IOException, ProviderException;
    }

    /** Puts an instance that opened in place of its placeholder (or closes what was opened, if it is not wanted). */
    @FunctionalInterface
    interface Replacing {
        void replace(Failed f, Opened opened, Map<EndpointKey, Endpoint> batch);
    }

    /** An instance that could not start: shown in FAULT by {@code placeholder}, opened again until it runs. */
    static final class Failed {
        final InstanceConfig config;
        final Instance placeholder;
        volatile String reason;
        volatile int attempts = 1;
        long delayMillis = RETRY_FIRST_MILLIS;
        ScheduledFuture<?> next;

        Failed(InstanceConfig config, Instance placeholder, String reason) {
            this.config = config;
            this.placeholder = placeholder;
            this.reason = reason;
        }
    }

    /** Instances that could not start, by name; each is in the daemon's instances as its placeholder. */
    private final Map<String, Failed> failed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("instance-retry").daemon(true).factory());
    private final BooleanSupplier stopped;
    private final Opening opening;
    private final Replacing replacing;

    StartRetries(BooleanSupplier stopped, Opening opening, Replacing replacing) {
        this.stopped = stopped;
        this.opening = opening;
        this.replacing = replacing;
    }

    void add(InstanceConfig ic, Instance placeholder, String why) {
        failed.put(ic.name(), new Failed(ic, placeholder, why));
    }

    /** The failure {@code i} stands for when it is a placeholder; null when it is a running instance. */
    Failed placeholderOf(Instance i) {
        Failed f = failed.get(i.config().name());
        return f != null && f.placeholder == i ? f : null;
    }

    /** {@code name} could not start and waits for its next retry. */
    boolean waiting(String name) {
        return failed.containsKey(name);
    }

    boolean none() {
        return failed.isEmpty();
    }

    /** {@code f} is still what its instance waits for (no reload took it out or replaced it meanwhile). */
    boolean current(Failed f) {
        return failed.get(f.config.name()) == f;
    }

    /** {@code f}'s instance opened: no more retries. */
    void remove(Failed f) {
        failed.remove(f.config.name());
    }

    /** {@code f}'s instance is taken out (a reload): no more retries, the next one cancelled. */
    void forget(Failed f) {
        failed.remove(f.config.name());
        if (f.next != null) {
            f.next.cancel(false);
        }
    }

    void schedule(Failed f) {
        if (stopped.getAsBoolean()) {
            return;
        }
        long delay = f.delayMillis;
        f.delayMillis = Math.min(f.delayMillis * 2, RETRY_MAX_MILLIS);
        try {
            f.next = retries.schedule(() -> retry(f), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** On the retry thread: opens the instance again; once it opens, it replaces its placeholder. */
    private void retry(Failed f) {
        String name = f.config.name();
        if (stopped.getAsBoolean() || failed.get(name) != f) {
            return;
        }
        Map<EndpointKey, Endpoint> batch = new LinkedHashMap<>();
        Opened o;
        try {
            o = opening.open(f.config, batch);
        } catch (IOException | ProviderException | RuntimeException e) {
            f.attempts++;
            String why = InstanceOpener.reason(e);
            if (!why.equals(f.reason)) {
                LOG.log(Level.WARNING, "VRRP_Instance({0}) still cannot start: {1}; retrying", name, why);
            }
            f.reason = why;
            schedule(f);
            return;
        }
        replacing.replace(f, o, batch);
    }

    /**
     * Why {@code instance} is not running, when it could not start (it shows FAULT meanwhile): {@code cannot start:
     * REASON (tried N times, retrying)}; empty when it runs.
     */
    Optional<String> startFailure(String instance) {
        Failed f = failed.get(instance);
        return f == null ? Optional.empty()
                : Optional.of("cannot start: " + f.reason + " (tried " + f.attempts + " time" + (f.attempts == 1 ? "" : "s")
                        + ", retrying)");
    }

    void close() {
        retries.shutdownNow();
    }
}
