package io.floatd.testing.sim;

import io.floatd.vrrp.takeover.TakeoverAction;
import io.floatd.vrrp.takeover.TakeoverEvent;

/**
 * One provider call the driver runs for a node's takeover machine. {@link #answered} once the driver has answered it
 * (its result, its attempt timeout, or a cancel): from then on the operation sends no further request, but requests
 * already sent are still handled by the server.
 */
public final class SimOp {
    final SimNode node;
    final int incarnation;
    final TakeoverAction.Call call;
    final long startedAt;
    /** When the node entered the state (MASTER, BACKUP...) in which it sent the call: when the write was decided. */
    final long epochAt;
    boolean answered;
    /** The driver gave up on the call (attempt timeout, cancel): the API may still carry out what was sent. */
    boolean gaveUp;
    /** How the driver answered it (null: not yet, or never: the node died). */
    TakeoverEvent.Outcome outcome;

    SimOp(SimNode node, int incarnation, TakeoverAction.Call call, long startedAt, long epochAt) {
        this.node = node;
        this.incarnation = incarnation;
        this.call = call;
        this.startedAt = startedAt;
        this.epochAt = epochAt;
    }

    public int node() {
        return node.index;
    }

    public TakeoverAction.Call call() {
        return call;
    }

    /** The provider operation ended: the driver answers the machine (unless it already has). */
    void finish(TakeoverEvent.Outcome outcome) {
        if (answered) {
            return;
        }
        answered = true;
        node.answered(this, outcome);
    }

    @Override
    public String toString() {
        return "n" + node.index + "#" + call.op() + " " + call.getClass().getSimpleName();
    }
}
