package io.floatd.vrrp.runtime;

import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.InstanceState;
import io.floatd.vrrp.fsm.Step;
import io.floatd.vrrp.fsm.VrrpAction;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.fsm.VrrpStateMachine;
import io.floatd.vrrp.timer.NanoClock;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives one instance's state machine on the VRRP loop: feeds it events, applies its actions.
 * This is the only place that stores an instance's state, and it is touched only from the loop thread.
 */
public final class InstanceRunner {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    private final VrrpStateMachine machine;
    private final AdvertSender sender;
    private final NanoClock clock;
    private final List<TransitionListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder advertsSent = new LongAdder();
    private final LongAdder advertsReceived = new LongAdder();
    private final LongAdder transitions = new LongAdder();
    private volatile InstanceState state;
    private volatile long enteredStateAt;
    private volatile long lastAdvertAt = InstanceState.NEVER;
    /** The instance's vrrp_sync_group, or null; set and read on the loop. */
    private volatile SyncGate syncGate;

    public InstanceRunner(VrrpStateMachine machine, AdvertSender sender, NanoClock clock) {
        this.machine = machine;
        this.sender = sender;
        this.clock = clock;
        this.state = machine.initial();
        this.enteredStateAt = clock.nanoTime();
    }

    public String name() {
        return machine.params().name();
    }

    public void addListener(TransitionListener listener) {
        listeners.add(listener);
    }

    public void removeListener(TransitionListener listener) {
        listeners.remove(listener);
    }

    /** Puts the instance in a vrrp_sync_group ({@code null}: in none). */
    public void syncGate(SyncGate gate) {
        this.syncGate = gate;
    }

    /** The state as last written; safe to read from any thread. */
    public InstanceState state() {
        return state;
    }

    public long enteredStateAt() {
        return enteredStateAt;
    }

    /** When the last advert for this instance passed the receive checks (clock nanos), or {@link InstanceState#NEVER}. */
    public long lastAdvertAt() {
        return lastAdvertAt;
    }

    public NanoClock clock() {
        return clock;
    }

    public long deadline() {
        return state.deadline();
    }

    public long advertsSent() {
        return advertsSent.sum();
    }

    public long advertsReceived() {
        return advertsReceived.sum();
    }

    public long transitions() {
        return transitions.sum();
    }

    public void fireIfDue(long now) {
        if (state.hasDeadline() && now >= state.deadline()) {
            SyncGate gate = syncGate;
            if (gate != null && state.state() == VrrpState.BACKUP && !state.yielded() && !state.maintenance()
                    && !gate.mayBecomeMaster(name())) {
                // keepalived: "prefer backup state to avoid thrashing" until every member of the group wants MASTER
                handle(new VrrpEvent.SyncHold(gate.group()), now);
                return;
            }
            handle(new VrrpEvent.DeadlineReached(), now);
        }
    }

    public void advertReceived(VrrpEvent.AdvertReceived advert) {
        advertsReceived.increment();
        long now = clock.nanoTime();
        lastAdvertAt = now;
        InstanceState before = state;
        handle(advert, now);
        SyncGate gate = syncGate;
        // a Backup that re-armed its Master_Down_Timer on this advert accepted its sender as Master
        if (gate != null && advert.priority() != 0 && before.state() == VrrpState.BACKUP
                && state.state() == VrrpState.BACKUP && state.deadline() != before.deadline()) {
            gate.heardMaster(name());
        }
    }

    public void handle(VrrpEvent event) {
        handle(event, clock.nanoTime());
    }

    private void handle(VrrpEvent event, long now) {
        Step step = machine.next(state, event, now);
        boolean wasHeld = state.maintenance();
        int priorityBefore = state.effectivePriority();
        state = step.state();
        for (VrrpAction action : step.actions()) {
            switch (action) {
                case VrrpAction.SendAdvert send -> {
                    sender.sendAdvert(send.priority());
                    advertsSent.increment();
                }
                case VrrpAction.StateChanged change -> changed(change, now);
                case VrrpAction.OtherMasterHeard heard -> otherMaster(heard);
            }
        }
        if (state.maintenance() != wasHeld) {
            heldChanged(state.maintenance());
        }
        if (event instanceof VrrpEvent.PriorityChanged && state.effectivePriority() != priorityBefore) {
            priorityChanged(state.effectivePriority());
        }
    }

    private void priorityChanged(int priority) {
        for (TransitionListener l : listeners) {
            try {
                l.onPriorityChanged(name(), state.state(), priority);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "VRRP_Instance(" + name() + ") listener failed: " + io.floatd.vrrp.log.Failures.describe(e), e);
            }
        }
    }

    private void heldChanged(boolean held) {
        LOG.log(Level.INFO, held ? "VRRP_Instance({0}) held: handed over, staying Backup until floatd resume"
                : "VRRP_Instance({0}) resumed: taking part in the election again", name());
        for (TransitionListener l : listeners) {
            try {
                l.onHeldChanged(name(), held);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "VRRP_Instance(" + name() + ") listener failed: " + io.floatd.vrrp.log.Failures.describe(e), e);
            }
        }
    }

    private void otherMaster(VrrpAction.OtherMasterHeard heard) {
        for (TransitionListener l : listeners) {
            try {
                l.onOtherMasterHeard(name(), heard.source(), heard.priority());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "VRRP_Instance(" + name() + ") listener failed: " + io.floatd.vrrp.log.Failures.describe(e), e);
            }
        }
    }

    private void changed(VrrpAction.StateChanged change, long now) {
        transitions.increment();
        enteredStateAt = now;
        LOG.log(Level.INFO, "VRRP_Instance({0}) Entering {1} STATE ({2})", name(), change.to(), change.reason());
        Transition t = new Transition(name(), change.from(), change.to(), change.reason(), state.effectivePriority(), now,
                change.steppedDownTo(state, machine.params().primaryAddress()));
        for (TransitionListener l : listeners) {
            try {
                l.onTransition(t);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "VRRP_Instance(" + name() + ") listener failed: " + io.floatd.vrrp.log.Failures.describe(e), e);
            }
        }
    }

    public boolean isMaster() {
        return state.state() == VrrpState.MASTER;
    }
}
