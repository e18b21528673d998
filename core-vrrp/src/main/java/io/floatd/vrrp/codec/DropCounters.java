package io.floatd.vrrp.codec;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-reason drop counts. The map is filled once in the constructor and never structurally modified, so readers
 * need no lock; {@link LongAdder} keeps the receive path from contending on one cache line.
 */
public final class DropCounters {
    private final EnumMap<DropReason, LongAdder> counters = new EnumMap<>(DropReason.class);

    public DropCounters() {
        for (DropReason reason : DropReason.values()) {
            counters.put(reason, new LongAdder());
        }
    }

    public void increment(DropReason reason) {
        counters.get(Objects.requireNonNull(reason, "reason")).increment();
    }

    public long count(DropReason reason) {
        return counters.get(Objects.requireNonNull(reason, "reason")).sum();
    }

    public long total() {
        long sum = 0;
        for (LongAdder adder : counters.values()) {
            sum += adder.sum();
        }
        return sum;
    }

    /** A copy with every reason present (zeros included), in declaration order; not an atomic cut across reasons. */
    public Map<DropReason, Long> snapshot() {
        EnumMap<DropReason, Long> copy = new EnumMap<>(DropReason.class);
        counters.forEach((reason, adder) -> copy.put(reason, adder.sum()));
        return Collections.unmodifiableMap(copy);
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
