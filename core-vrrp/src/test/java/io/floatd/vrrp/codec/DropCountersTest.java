package io.floatd.vrrp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DropCountersTest {

    @Test
    void countsPerReasonAndInTotal() {
        DropCounters c = new DropCounters();
        c.increment(DropReason.BAD_CHECKSUM);
        c.increment(DropReason.BAD_CHECKSUM);
        c.increment(DropReason.NOT_A_PEER);
        assertEquals(2, c.count(DropReason.BAD_CHECKSUM));
        assertEquals(1, c.count(DropReason.NOT_A_PEER));
        assertEquals(0, c.count(DropReason.BAD_TTL));
        assertEquals(3, c.total());
    }

    @Test
    void snapshotHasEveryReasonInOrderAndIsImmutable() {
        DropCounters c = new DropCounters();
        c.increment(DropReason.AUTH_FAILED);
        Map<DropReason, Long> snap = c.snapshot();
        assertEquals(List.of(DropReason.values()), List.copyOf(snap.keySet()));
        assertEquals(1L, snap.get(DropReason.AUTH_FAILED));
        assertThrows(UnsupportedOperationException.class, () -> snap.put(DropReason.BAD_TTL, 5L));
        c.increment(DropReason.AUTH_FAILED);
        assertEquals(1L, snap.get(DropReason.AUTH_FAILED), "a snapshot does not follow later counts");
    }

    @Test
    void concurrentIncrementsAreNotLost() throws Exception {
        DropCounters c = new DropCounters();
        int threads = 8;
        int perThread = 20_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                DropReason reason = DropReason.values()[t % DropReason.values().length];
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        c.increment(reason);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertEquals((long) threads * perThread, c.total());
    }

    @Test
    void metricNamesAreUniqueLowerSnakeCase() {
        Set<String> names = new HashSet<>();
        for (DropReason r : DropReason.values()) {
            assertTrue(r.metricName().matches("[a-z]+(_[a-z]+)*"), r.metricName());
            assertTrue(names.add(r.metricName()), r.metricName());
            assertEquals(r.name().toLowerCase(), r.metricName());
        }
    }
}
