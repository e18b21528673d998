package io.floatd.vrrp.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.testing.LogLines;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One line per interval, on a clock the test moves (no sleeping). */
class RateLimitedLogTest {
    private static final String NAME = "floatd.test.ratelimited";
    private static final long SECOND = 1_000_000_000L;

    @Test
    void firstLineIsLoggedAtOnceLaterOnesWithinTheIntervalAreCountedAndNamedInTheNextLine() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        try (LogLines lines = new LogLines(NAME)) {
            RateLimitedLog log = new RateLimitedLog(System.getLogger(NAME), Duration.ofSeconds(10), now::get);
            log.log(Level.WARNING, () -> "refused a");
            now.addAndGet(3 * SECOND);
            log.log(Level.WARNING, () -> "refused b");
            now.addAndGet(6 * SECOND);
            log.log(Level.WARNING, () -> "refused c");
            now.addAndGet(SECOND); // 10 s after the first line
            log.log(Level.WARNING, () -> "refused d");
            now.addAndGet(10 * SECOND);
            log.log(Level.WARNING, () -> "refused e");
            assertEquals(List.of("refused a", "refused d (2 more since the last such line)", "refused e"), lines.lines());
        }
    }

    @Test
    void formattedLinesCarryTheirOwnCountAndGetNoSuffix() {
        AtomicLong now = new AtomicLong();
        try (LogLines lines = new LogLines(NAME)) {
            RateLimitedLog log = new RateLimitedLog(System.getLogger(NAME), Duration.ofSeconds(10), now::get);
            for (int i = 1; i <= 3; i++) {
                log.log(Level.WARNING, "cannot send advert to {0} ({1} send errors so far)", "10.0.0.2", i);
            }
            now.addAndGet(10 * SECOND);
            log.log(Level.WARNING, "cannot send advert to {0} ({1} send errors so far)", "10.0.0.2", 4);
            assertEquals(List.of("cannot send advert to 10.0.0.2 (1 send errors so far)",
                    "cannot send advert to 10.0.0.2 (4 send errors so far)"), lines.lines());
        }
    }
}
