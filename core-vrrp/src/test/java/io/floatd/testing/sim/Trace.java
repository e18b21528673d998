package io.floatd.testing.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The run's event trace: a ring of the last lines (kept as references and formatted only when a failure shows
 * them, so tracing costs almost nothing), and optionally every line, formatted, for replay comparisons. A line is
 * {@code time node tag what -> result}, the time in seconds since the simulation started.
 */
public final class Trace {
    private final int capacity;
    private final long[] times;
    private final int[] nodes;
    private final String[] tags;
    private final Object[] whats;
    private final Object[] results;
    private long count;
    private final List<String> all;

    public Trace(int capacity, boolean recordAll) {
        this.capacity = Math.max(1, capacity);
        this.times = new long[this.capacity];
        this.nodes = new int[this.capacity];
        this.tags = new String[this.capacity];
        this.whats = new Object[this.capacity];
        this.results = new Object[this.capacity];
        this.all = recordAll ? new ArrayList<>() : null;
    }

    /** One line; {@code node} -1 for the cluster (network, cloud, scenario); {@code result} may be null. */
    public void add(long time, int node, String tag, Object what, Object result) {
        int i = (int) (count % capacity);
        times[i] = time;
        nodes[i] = node;
        tags[i] = tag;
        whats[i] = what;
        results[i] = result;
        count++;
        if (all != null) {
            all.add(format(time, node, tag, what, result));
        }
    }

    public long size() {
        return count;
    }

    /** The last {@code n} lines, oldest first. */
    public List<String> last(int n) {
        List<String> out = new ArrayList<>();
        long from = Math.max(0, count - Math.min(n, capacity));
        for (long k = from; k < count; k++) {
            int i = (int) (k % capacity);
            out.add(format(times[i], nodes[i], tags[i], whats[i], results[i]));
        }
        return out;
    }

    /** Every line, when recording all (else empty). */
    public List<String> all() {
        return all == null ? List.of() : List.copyOf(all);
    }

    static String format(long time, int node, String tag, Object what, Object result) {
        String who = node < 0 ? "  " : "n" + node;
        String line = String.format("%10.6f %s %-6s %s", (time - Simulation.T0) / 1e9, who, tag, what);
        return result == null ? line : line + " -> " + result;
    }
}
