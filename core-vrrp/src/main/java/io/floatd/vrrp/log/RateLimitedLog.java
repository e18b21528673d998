package io.floatd.vrrp.log;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One log line per interval for something that can repeat thousands of times a second (dropped adverts, failed
 * sends, refused connections, bad requests): the first occurrence is logged at once, later ones within the interval
 * are counted, not logged. One instance per kind of line; a caller with several kinds (drop reasons) keeps one each.
 */
public final class RateLimitedLog {
    private final System.Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long lastAt;
    private boolean logged;
    private long suppressed;

    public RateLimitedLog(System.Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    /** @param nanoTime the clock, {@link System#nanoTime} in production */
    public RateLimitedLog(System.Logger log, Duration interval, LongSupplier nanoTime) {
        this.log = Objects.requireNonNull(log, "log");
        this.intervalNanos = interval.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Logs the message, followed by how many were not logged since the last line ("(3 more since the last such line)"). */
    public synchronized void log(Level level, Supplier<String> message) {
        long more = admit();
        if (more >= 0) {
            log.log(level, message.get() + (more == 0 ? "" : " (" + more + " more since the last such line)"));
        }
    }

    /**
     * Logs a {@link System.Logger} format with its parameters, for lines that carry their own running count (so no
     * suffix is added).
     */
    public void log(Level level, String format, Object... params) {
        if (admit() >= 0) {
            log.log(level, format, params);
        }
    }

    /** The number of lines not logged since the last one when a line may be written now (and starts a new interval), else -1. */
    private synchronized long admit() {
        long now = nanoTime.getAsLong();
        if (logged && now - lastAt < intervalNanos) {
            suppressed++;
            return -1;
        }
        long more = suppressed;
        logged = true;
        lastAt = now;
        suppressed = 0;
        return more;
    }
}
