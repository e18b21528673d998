package io.floatd.vrrp.fsm;

import java.util.List;

/** The result of one step: the next state and the actions, in order. */
public record Step(InstanceState state, List<VrrpAction> actions) {
    public Step {
        actions = List.copyOf(actions);
    }

    static Step of(InstanceState state, VrrpAction... actions) {
        return new Step(state, List.of(actions));
    }

    /** The transition in this step, if any. */
    public VrrpAction.StateChanged transition() {
        for (VrrpAction a : actions) {
            if (a instanceof VrrpAction.StateChanged t) {
                return t;
            }
        }
        return null;
    }
}
