package io.floatd.cli;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One log line per interval for something that can repeat thousands of times a second (refused connections, bad
 * requests): the first occurrence is logged at once, later ones within the interval are counted, and the next
 * line says how many were not logged.
 */
final class RateLimitedLog {
    private final System.Logger log;
    private final long intervalNanos;
    private long lastAt;
    private boolean logged;
    private long suppressed;

    RateLimitedLog(System.Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    synchronized void log(Level level, Supplier<String> message) {
        long now = System.nanoTime();
        if (logged && now - lastAt < intervalNanos) {
            suppressed++;
            return;
        }
        String more = suppressed == 0 ? "" : " (" + suppressed + " more since the last such line)";
        log.log(level, message.get() + more);
        logged = true;
        lastAt = now;
        suppressed = 0;
    }
}
