package io.floatd.vrrp.takeover;

import io.floatd.vrrp.timer.NanoClock;
import java.util.ArrayList;
import java.util.List;

/**
 * One takeover as a timeline of milestones since the instance entered MASTER. Marks store raw clock values and
 * are formatted only when printed, so recording them costs nothing on the takeover path.
 */
public final class Timeline {
    /** One milestone, in nanoseconds since the instance entered MASTER. */
    public record Mark(String what, Object detail, long sinceMasterNanos) {
        @Override
        public String toString() {
            return what + (detail == null ? "" : ": " + detail) + " +" + (sinceMasterNanos / 100_000) / 10.0 + " ms";
        }
    }

    private final String instance;
    private final long start;
    private final NanoClock clock;
    private final List<Mark> marks = new ArrayList<>();

    Timeline(String instance, long start, NanoClock clock) {
        this.instance = instance;
        this.start = start;
        this.clock = clock;
        marks.add(new Mark("entered MASTER", null, 0));
    }

    synchronized void mark(String what) {
        mark(what, null);
    }

    /** A milestone with a detail that is turned into text only when the timeline is printed. */
    synchronized void mark(String what, Object detail) {
        marks.add(new Mark(what, detail, clock.nanoTime() - start));
    }

    public synchronized List<Mark> marks() {
        return List.copyOf(marks);
    }

    @Override
    public synchronized String toString() {
        List<String> parts = marks.stream().map(Mark::toString).toList();
        return "VRRP_Instance(" + instance + ") takeover: " + String.join(", ", parts);
    }
}
