package io.floatd.testing.sim;

import java.util.List;

/** An invariant failed: the message names the seed and the step, and ends with the last trace lines. */
public final class SimulationFailure extends AssertionError {
    private final long seed;
    private final long step;
    private final String invariant;

    SimulationFailure(long seed, long step, String invariant, String scenario, List<String> trace) {
        super("seed=" + seed + " step=" + step + ": " + invariant + "\nscenario: " + scenario
                + "\nlast " + trace.size() + " trace lines:\n  " + String.join("\n  ", trace)
                + "\nreplay: new Simulation(" + seed + "L, options).run()");
        this.seed = seed;
        this.step = step;
        this.invariant = invariant;
    }

    public long seed() {
        return seed;
    }

    public long step() {
        return step;
    }

    /** The invariant's one line, without the trace. */
    public String invariant() {
        return invariant;
    }
}
