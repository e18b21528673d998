package io.floatd.vrrp.takeover;

import io.floatd.vrrp.runtime.NanoClock;
import java.util.ArrayList;
import java.util.List;

/** One takeover as a timeline of milestones, in milliseconds since the instance entered MASTER. */
public final class Timeline {
    private final String instance;
    private final long start;
    private final NanoClock clock;
    private final List<String> marks = new ArrayList<>();

    Timeline(String instance, long start, NanoClock clock) {
        this.instance = instance;
        this.start = clock == null ? 0 : start;
        this.clock = clock;
        marks.add("entered MASTER +0.0 ms");
    }

    synchronized void mark(String what) {
        marks.add(what + " +" + String.format("%.1f", (clock.nanoTime() - start) / 1e6) + " ms");
    }

    public synchronized List<String> marks() {
        return List.copyOf(marks);
    }

    @Override
    public synchronized String toString() {
        return "VRRP_Instance(" + instance + ") takeover: " + String.join(", ", marks);
    }
}
