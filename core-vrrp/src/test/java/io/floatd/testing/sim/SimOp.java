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
    boolean answered;

    SimOp(SimNode node, int incarnation, TakeoverAction.Call call, long startedAt) {
        this.node = node;
        this.incarnation = incarnation;
        this.call = call;
        this.startedAt = startedAt;
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
