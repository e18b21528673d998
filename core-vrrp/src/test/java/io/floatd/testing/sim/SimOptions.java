package io.floatd.testing.sim;

import io.floatd.testing.sim.Scenario.Cloud;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the generator may pick and how a run reports.
 *
 * @param clouds the cloud shapes to draw from
 * @param nodeCounts the cluster sizes to draw from (2 or 3)
 * @param faults the fault kinds to draw from
 * @param unrecognisedShare the share of cloud scenarios whose provider does not recognise the peers
 * @param traceLines how many trace lines a failure shows
 * @param recordTrace keep every trace line (for replay comparisons; slow)
 * @param sabotage a deliberately broken wiring, to prove the checker can fail
 */
public record SimOptions(Set<Cloud> clouds, Set<Integer> nodeCounts, Set<Fault> faults, double unrecognisedShare,
        int traceLines, boolean recordTrace, Sabotage sabotage) {

    /** The kinds of trouble a scenario can be given. */
    public enum Fault {
        /** Cuts, one direction at a time, healing in any order; isolating a node. */
        PARTITION,
        /** Advert loss on some links. */
        LOSS,
        /** Extra delay on some links. */
        DELAY,
        /** Throttling, 5xx, time-outs, lost answers, read lag, slow and failing actions. */
        API,
        /** kill -9 and restart. */
        CRASH,
        /** Graceful stop and start. */
        STOP,
        /** floatd handover / resume. */
        HANDOVER,
        /** Tracking moves the priority. */
        PRIORITY,
        /** Tracking raises FAULT. */
        FAULT_STATE
    }

    /** Ways to break the node's wiring on purpose. */
    public enum Sabotage {
        NONE,
        /** A node that steps down from MASTER to BACKUP sends one more acquire. */
        ACQUIRE_WHILE_BACKUP
    }

    public static SimOptions defaults() {
        return new SimOptions(EnumSet.allOf(Cloud.class), Set.of(2, 3), EnumSet.allOf(Fault.class), 0.25, 120, false,
                Sabotage.NONE);
    }

    public SimOptions withRecordTrace(boolean r) {
        return new SimOptions(clouds, nodeCounts, faults, unrecognisedShare, traceLines, r, sabotage);
    }

    public SimOptions withSabotage(Sabotage s) {
        return new SimOptions(clouds, nodeCounts, faults, unrecognisedShare, traceLines, recordTrace, s);
    }

    public SimOptions withClouds(Set<Cloud> c) {
        return new SimOptions(c, nodeCounts, faults, unrecognisedShare, traceLines, recordTrace, sabotage);
    }

    public SimOptions withFaults(Set<Fault> f) {
        return new SimOptions(clouds, nodeCounts, f, unrecognisedShare, traceLines, recordTrace, sabotage);
    }

    public SimOptions withNodeCounts(Set<Integer> n) {
        return new SimOptions(clouds, n, faults, unrecognisedShare, traceLines, recordTrace, sabotage);
    }

    public SimOptions withUnrecognisedShare(double s) {
        return new SimOptions(clouds, nodeCounts, faults, s, traceLines, recordTrace, sabotage);
    }
}
