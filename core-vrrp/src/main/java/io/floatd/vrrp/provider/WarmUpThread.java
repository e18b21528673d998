package io.floatd.vrrp.provider;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a provider's JIT warm-up once per JVM, in the background, {@code delay} after start (so the first advert and
 * the start-up reads are not slowed), on a thread at the lowest CPU priority ({@link BackgroundPriority}). One line
 * when it is done (the benchmarks wait for it: "PROVIDER: request path compiled: ..."); a failure is logged at
 * debug level only, for the warm-up is an optimisation: the first takeover is then merely slower.
 */
public final class WarmUpThread {
    /** The warm-up itself; returns what it did, for the log line (e.g. "1500 rounds through loopback"). */
    @FunctionalInterface
    public interface Rounds {
        String run() throws Exception;
    }

    private WarmUpThread() {
    }

    /** Starts {@code rounds} unless {@code once} was set already. */
    public static void startOnce(AtomicBoolean once, String provider, Duration delay, Rounds rounds) {
        if (!once.compareAndSet(false, true)) {
            return;
        }
        System.Logger log = System.getLogger("floatd.provider." + provider);
        Thread.ofPlatform().name(provider + "-jit-warm-up").daemon(true).start(() -> {
            try {
                Thread.sleep(delay);
                BackgroundPriority.lowerCurrentThread();
                long t0 = System.nanoTime();
                String what = rounds.run();
                log.log(Level.INFO, "{0}: request path compiled: {1} in {2} ms", provider, what,
                        String.valueOf((System.nanoTime() - t0) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.log(Level.DEBUG, "{0}: JIT warm-up stopped: {1}", provider, e.toString());
            }
        });
    }
}
