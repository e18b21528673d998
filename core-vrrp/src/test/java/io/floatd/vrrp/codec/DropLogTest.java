package io.floatd.vrrp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.testing.LogLines;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every rung's drop is counted; the warning comes at most once per reason per 10 s, on a clock the test moves. */
class DropLogTest {
    private static final String NAME = "floatd.test.droplog";
    private static final long SECOND = 1_000_000_000L;

    @Test
    void everyDropIsCountedButEachReasonIsLoggedAtMostOncePerTenSeconds() {
        AtomicLong now = new AtomicLong();
        DropCounters counters = new DropCounters();
        try (LogLines lines = new LogLines(NAME)) {
            DropLog log = new DropLog(counters, "udp ", System.getLogger(NAME), now::get);
            log.drop(DropReason.REPLAYED, "counter 7 is not above 9, the highest seen from this peer", "10.0.0.2", null);
            log.drop(DropReason.REPLAYED, "counter 8 is not above 9, the highest seen from this peer", "10.0.0.2", null);
            log.drop(DropReason.AUTH_HMAC_FAILED, "HMAC-SHA256 does not verify", "10.0.0.3", "VI_1");
            now.addAndGet(10 * SECOND);
            log.drop(DropReason.REPLAYED, "counter 9 is not above 9, the highest seen from this peer", "10.0.0.2", "");
            assertEquals(3, counters.count(DropReason.REPLAYED));
            assertEquals(1, counters.count(DropReason.AUTH_HMAC_FAILED));
            assertEquals(List.of(
                    "dropped udp advert from 10.0.0.2 (replayed): counter 7 is not above 9, the highest seen from this peer"
                            + " [1 dropped for this reason so far]",
                    "VRRP_Instance(VI_1) dropped udp advert from 10.0.0.3 (auth_hmac_failed): HMAC-SHA256 does not verify"
                            + " [1 dropped for this reason so far]",
                    "dropped udp advert from 10.0.0.2 (replayed): counter 9 is not above 9, the highest seen from this peer"
                            + " [3 dropped for this reason so far]"), lines.lines());
        }
    }

    @Test
    void protocol112DropsAreLoggedAsAdvertsAndAhOnesAsAhAdverts() {
        AtomicLong now = new AtomicLong();
        DropCounters counters = new DropCounters();
        try (LogLines lines = new LogLines(NAME)) {
            new DropLog(counters, "", System.getLogger(NAME), now::get)
                    .drop(DropReason.BAD_TTL, "ttl: 64 (expected: 255)", "10.0.0.2", "VI_1");
            new DropLog(counters, "AH ", System.getLogger(NAME), now::get)
                    .drop(DropReason.AH_REPLAYED, "sequence number 3 already processed (expected: above 5)", "10.0.0.2", "VI_2");
            assertEquals(List.of(
                    "VRRP_Instance(VI_1) dropped advert from 10.0.0.2 (bad_ttl): ttl: 64 (expected: 255)"
                            + " [1 dropped for this reason so far]",
                    "VRRP_Instance(VI_2) dropped AH advert from 10.0.0.2 (ah_replayed): sequence number 3 already processed"
                            + " (expected: above 5) [1 dropped for this reason so far]"), lines.lines());
        }
    }
}
