package io.floatd.vrrp.runtime;

import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.notify.NotifyHooks;
import io.floatd.vrrp.notify.NotifyState;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Hands each transition of one instance to its notify hooks, as keepalived runs them. keepalived adds the virtual
 * addresses before it runs {@code notify_master}; floatd's counterpart is the cloud takeover: the scripts of a
 * MASTER transition start once the takeover's write has been answered (or found unnecessary, or failed), at the
 * latest {@link NotifyDispatcher#MAX_GATE} later, so a script's fork does not compete with the write for the CPU.
 */
public final class NotifyOnTransition implements TransitionListener {
    private final NotifyDispatcher dispatcher;
    private final NotifyHooks hooks;
    private final Supplier<CompletionStage<?>> takeover;

    public NotifyOnTransition(NotifyDispatcher dispatcher, NotifyHooks hooks) {
        this(dispatcher, hooks, () -> null);
    }

    /** @param takeover the current takeover's completion (read on entering MASTER; null: none to wait for) */
    public NotifyOnTransition(NotifyDispatcher dispatcher, NotifyHooks hooks, Supplier<CompletionStage<?>> takeover) {
        this.dispatcher = dispatcher;
        this.hooks = hooks;
        this.takeover = takeover;
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
            dispatcher.stateChanged(t.instance(), state, priority, hooks,
                    t.to() == VrrpState.MASTER ? takeover.get() : null);
        }
    }
}
