package io.floatd.vrrp.provider;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a provider's JIT warm-up once per JVM, in the background, {@link #DELAY} after start (so the first advert and
 * the start-up reads are not slowed), on a thread at the lowest CPU priority ({@link BackgroundPriority}). One line
 * when it is done (the benchmarks wait for it: "PROVIDER: request path compiled: ..."); a failure is logged at
 * debug level only, for the warm-up is an optimisation: the first takeover is then merely slower.
 */
public final class WarmUpThread {
    /** The warm-up itself: {@code n} rounds; returns what it did, for the log line (e.g. "through loopback"). */
    @FunctionalInterface
    public interface Rounds {
        String run(int n) throws Exception;
    }

    /**
     * Rounds run at the end on a virtual thread, as the orchestrator's provider calls do: the JDK starts its socket
     * poller for virtual threads on their first blocking socket call (6 ms, measured, on the first takeover when
     * nothing had done it before) and their park path differs from a platform thread's.
     */
    static final int VIRTUAL_ROUNDS = 20;

    /** After start-up's own work (the first adverts, the providers' start-up reads), so it delays none of it. */
    static final Duration DELAY = Duration.ofSeconds(2);

    /** Per call of a warm-up's client: generous, for it runs at the lowest CPU priority and may wait for a busy host. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private WarmUpThread() {
    }

    /**
     * Starts {@code count} rounds (then {@link #VIRTUAL_ROUNDS} more), {@link #DELAY} from now, unless {@code once}
     * was set already.
     */
    public static void startOnce(AtomicBoolean once, String provider, int count, Rounds rounds) {
        if (!once.compareAndSet(false, true)) {
            return;
        }
        System.Logger log = System.getLogger("floatd.provider." + provider);
        Thread.ofPlatform().name(provider + "-jit-warm-up").daemon(true).start(() -> {
            try {
                Thread.sleep(DELAY);
                BackgroundPriority.lowerCurrentThread();
                long t0 = System.nanoTime();
                String what = rounds.run(count);
                AtomicReference<Exception> failed = new AtomicReference<>();
                Thread.ofVirtual().name(provider + "-jit-warm-up-virtual").start(() -> {
                    try {
                        rounds.run(VIRTUAL_ROUNDS);
                    } catch (Exception e) {
                        failed.set(e);
                    }
                }).join();
                if (failed.get() != null) {
                    throw failed.get();
                }
                log.log(Level.INFO, "{0}: request path compiled: {1} rounds {2} in {3} ms", provider,
                        String.valueOf(count + VIRTUAL_ROUNDS), what, String.valueOf((System.nanoTime() - t0) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.log(Level.DEBUG, "{0}: JIT warm-up stopped: {1}", provider, e.toString());
            }
        });
    }
}
