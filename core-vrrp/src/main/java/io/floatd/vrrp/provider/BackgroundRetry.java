package io.floatd.vrrp.provider;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Tries a look-up again in the background until it succeeds or this is closed: after {@link #FIRST}, then twice as
 * long each time, up to {@link #MAX}; one virtual thread at most. The providers' peer look-ups use it, so a start-up
 * that met a throttled or failing API finds its peers later without blocking anything.
 */
public final class BackgroundRetry implements AutoCloseable {
    public static final Duration FIRST = Duration.ofSeconds(5);
    public static final Duration MAX = Duration.ofMinutes(5);

    private final String threadName;
    private final BooleanSupplier attempt;
    private final AtomicReference<Thread> running = new AtomicReference<>();
    private volatile boolean closed;

    /** @param attempt one try; true when done */
    public BackgroundRetry(String threadName, BooleanSupplier attempt) {
        this.threadName = threadName;
        this.attempt = attempt;
    }

    /** Starts the retries unless they run already (or this is closed). */
    public void start() {
        Thread t = Thread.ofVirtual().name(threadName).unstarted(() -> {
            Duration delay = FIRST;
            try {
                do {
                    Thread.sleep(delay);
                    delay = delay.multipliedBy(2).compareTo(MAX) > 0 ? MAX : delay.multipliedBy(2);
                } while (!closed && !attempt.getAsBoolean());
            } catch (InterruptedException e) {
                // closed
            } finally {
                running.compareAndSet(Thread.currentThread(), null);
            }
        });
        if (!closed && running.compareAndSet(null, t)) {
            t.start();
        }
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        Thread t = running.get();
        if (t != null) {
            t.interrupt();
        }
    }
}
