package io.floatd.vrrp.runtime;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.notify.NotifyHooks;
import io.floatd.vrrp.notify.NotifyState;

/** Hands each transition of one instance to its notify hooks, as keepalived runs them. */
public final class NotifyOnTransition implements TransitionListener {
    private final NotifyDispatcher dispatcher;
    private final NotifyHooks hooks;

    public NotifyOnTransition(NotifyDispatcher dispatcher, NotifyHooks hooks) {
        this.dispatcher = dispatcher;
        this.hooks = hooks;
    }

    @Override
    public void onTransition(Transition t) {
        NotifyState state = switch (t.to()) {
            case MASTER -> NotifyState.MASTER;
            case BACKUP -> NotifyState.BACKUP;
            case FAULT -> NotifyState.FAULT;
            case STOP -> NotifyState.STOP;
            case INIT -> null;
        };
        if (state != null && !hooks.isEmpty()) {
            // keepalived reports the priority of a stopping instance as 0, as its last advert said
            int priority = t.to() == VrrpState.STOP && t.from() == VrrpState.MASTER ? 0 : t.priority();
            dispatcher.stateChanged(t.instance(), state, priority, hooks);
        }
    }
}
