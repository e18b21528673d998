package io.floatd.testing.sim;

import java.util.List;

/**
 * What one run measured.
 *
 * @param moves how many times the IP moved to a node that did not have it
 * @param maxMovesPerMinute the most moves in any 60 s window
 * @param settledAfter how long after the cluster became healthy for the last time the IP was last seen misplaced
 *     (no single live Master holding it); 0 when it never was
 * @param settleBound the bound the settle invariant allowed this scenario
 * @param moveLog every move: when (nanos from the start) and to which node
 * @param lastMisplacedNanos when (nanos from the start) the IP was last not on exactly one live Master, -1 never
 * @param finalMaster the Master at the end (-1: none or several)
 * @param trace every trace line, when the options record them
 */
public record SimResult(long seed, Scenario.Cloud cloud, int nodes, long steps, long simulatedNanos, int moves,
        int maxMovesPerMinute, long settledAfter, long settleBound, List<Move> moveLog, long lastMisplacedNanos,
        int finalMaster, List<String> trace) {

    /** The IP moved to {@code to} at {@code at}. */
    public record Move(long at, int to) {
    }
}
