package io.floatd.vrrp.takeover;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt n waits a uniform random time in [0, min(max, initial * 2^(n-1))].
 * Two nodes retrying against a throttled API then spread out instead of colliding in lockstep.
 */
final class FullJitterBackoff implements IntervalFunction {
    private final long initialMillis;
    private final long maxMillis;

    FullJitterBackoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The cap for attempt {@code n} (1-based), before jitter. */
    long ceiling(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        return Math.min(maxMillis, initialMillis << shift);
    }

    @Override
    public Long apply(Integer attempt) {
        return ThreadLocalRandom.current().nextLong(ceiling(attempt) + 1);
    }
}
