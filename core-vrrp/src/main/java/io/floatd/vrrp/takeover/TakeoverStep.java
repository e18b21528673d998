package io.floatd.vrrp.takeover;

import java.util.List;

/** The result of one step of the takeover machine: the next state and the actions, in order. */
public record TakeoverStep(TakeoverState state, List<TakeoverAction> actions) {
    public TakeoverStep {
        actions = List.copyOf(actions);
    }
}
