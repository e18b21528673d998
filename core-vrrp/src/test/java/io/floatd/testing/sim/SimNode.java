package io.floatd.testing.sim;

import io.floatd.vrrp.fsm.InstanceState;
import io.floatd.vrrp.fsm.Step;
import io.floatd.vrrp.fsm.VrrpAction;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpParams;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.fsm.VrrpStateMachine;
import io.floatd.vrrp.takeover.TakeoverAction;
import io.floatd.vrrp.takeover.TakeoverEvent;
import io.floatd.vrrp.takeover.TakeoverMachine;
import io.floatd.vrrp.takeover.TakeoverParams;
import io.floatd.vrrp.takeover.TakeoverState;
import io.floatd.vrrp.takeover.TakeoverStep;
import java.net.InetAddress;

/**
 * One node: the real {@link VrrpStateMachine} and the real {@link TakeoverMachine}, wired as the production drivers
 * wire them. Every VRRP {@code StateChanged} goes to the takeover machine as {@code Transition.of(change, after,
 * self)}, {@code OtherMasterHeard} as its takeover event; each takeover {@code Call} becomes one provider operation
 * ({@link SimOp}) under the policy's attempt timeout (past it: {@code Failed(TIMED_OUT)}) and is answered with
 * exactly one {@code OpEnded}; {@code Cancel} answers {@code Failed(CANCELLED)} at once (requests already sent are
 * still handled); {@code YieldToPeer} and {@code Reclaim} are posted to the VRRP machine as
 * {@code HolderMovedToPeer} and {@code HolderFree}; the takeover machine is stepped with {@code Tick} at
 * {@code wakeAt()}, the VRRP machine with {@code DeadlineReached} at its deadline.
 *
 * <p>A crash (kill -9) loses both machines' state and every answer still due, and leaves the IP where it is. A
 * graceful stop steps the VRRP machine with {@code Shutdown} and exits once the takeover machine is quiescent.
 */
public final class SimNode {
    /** Whether the daemon runs. */
    public enum Status { DOWN, RUNNING, STOPPING }

    final Simulation sim;
    final int index;
    final InetAddress address;
    private final VrrpStateMachine vm;
    private final TakeoverMachine tm;
    private final long attemptTimeout;

    Status status = Status.DOWN;
    /** Counts the daemon's processes: anything scheduled by an earlier one is ignored. */
    int incarnation;
    InstanceState vs;
    TakeoverState ts;
    private long vrrpTimerAt = Long.MIN_VALUE;
    private long wakeTimerAt = Long.MIN_VALUE;
    /** The call the driver has not answered yet (cleared when the answer reaches the machine). */
    SimOp inflight;

    /** What outlives the process: tracking's view of the node (a failed check stays failed across a restart). */
    private boolean faultEnv;
    private int priorityEnv;

    // bookkeeping for the invariants (the driver's view, not the machine's)
    /** The Master this node last stepped down to, while the task that followed may still hand over to it. */
    InetAddress steppedDownTo;
    /** When the VRRP state last changed. */
    long transitionAt;
    /** The last answer the machine got, if it was a holder read. */
    TakeoverEvent.Outcome lastAnswer;

    SimNode(Simulation sim, int index, InetAddress address, VrrpParams vp, TakeoverParams tp) {
        this.sim = sim;
        this.index = index;
        this.address = address;
        this.vm = new VrrpStateMachine(vp);
        this.tm = new TakeoverMachine(tp);
        this.attemptTimeout = tp.policy().attemptTimeout().toNanos();
    }

    public VrrpState state() {
        return vs == null ? null : vs.state();
    }

    public boolean live() {
        return status != Status.DOWN;
    }

    // ---- the daemon's life ----

    void start() {
        if (status == Status.RUNNING) {
            return;
        }
        if (status == Status.STOPPING) {
            die("killed: started again while stopping");
        }
        incarnation++;
        status = Status.RUNNING;
        vs = vm.initial();
        ts = tm.initial(sim.seed() * 31 + index * 1_000_003L + incarnation);
        vrrpTimerAt = Long.MIN_VALUE;
        wakeTimerAt = Long.MIN_VALUE;
        steppedDownTo = null;
        lastAnswer = null;
        sim.cloud.restarted(index);
        sim.trace(index, "life", "start #" + incarnation, null);
        takeover(new TakeoverEvent.Start());
        vrrp(new VrrpEvent.Startup());
        if (priorityEnv != 0) {
            vrrp(new VrrpEvent.PriorityChanged(priorityEnv));
        }
        if (faultEnv) {
            vrrp(new VrrpEvent.FaultRaised("tracked check failing"));
        }
    }

    void crash() {
        if (status != Status.DOWN) {
            die("kill -9");
        }
    }

    private void die(String why) {
        sim.trace(index, "life", why, vs == null ? null : vs.state());
        status = Status.DOWN;
        incarnation++;
        if (inflight != null) {
            inflight.answered = true; // its script stops; requests already sent are still handled
            inflight.gaveUp = true;
            inflight = null;
        }
        vs = null;
        ts = null;
    }

    void stop() {
        if (status != Status.RUNNING) {
            return;
        }
        status = Status.STOPPING;
        vrrp(new VrrpEvent.Shutdown());
    }

    /** A stopping daemon exits once nothing it does can still change where the IP is. */
    void maybeExit() {
        if (status == Status.STOPPING && vs.state() == VrrpState.STOP && ts.quiescent() && inflight == null) {
            die("exited");
        }
    }

    void fault(boolean raised) {
        faultEnv = raised;
        if (vs != null) {
            vrrp(raised ? new VrrpEvent.FaultRaised("tracked check failing") : new VrrpEvent.FaultCleared());
        }
    }

    void priority(int p) {
        priorityEnv = p;
        if (vs != null) {
            vrrp(new VrrpEvent.PriorityChanged(p == 0 ? vm.params().priority() : p));
        }
    }

    void handover(boolean on) {
        if (vs != null) {
            vrrp(on ? new VrrpEvent.Handover() : new VrrpEvent.Resume());
        }
    }

    void advert(InetAddress from, int priority, int intervalCentis) {
        if (vs != null) {
            vrrp(new VrrpEvent.AdvertReceived(from, priority, intervalCentis));
        }
    }

    // ---- the VRRP machine ----

    void vrrp(VrrpEvent e) {
        Step st = vm.next(vs, e, sim.now());
        vs = st.state();
        if (!(e instanceof VrrpEvent.AdvertReceived) || !st.actions().isEmpty()) {
            sim.trace(index, "vrrp", e, st.actions().isEmpty() ? vs.state() : vs.state() + " " + st.actions());
        }
        for (VrrpAction a : st.actions()) {
            switch (a) {
                case VrrpAction.SendAdvert s -> sim.net.send(index, s.priority(), vm.params().advertIntervalCentis());
                case VrrpAction.StateChanged c -> {
                    TakeoverEvent.Transition t = TakeoverEvent.Transition.of(c, vs, address);
                    transitionAt = sim.now();
                    steppedDownTo = t.master();
                    sim.invariants.onTransition(this, c);
                    takeover(t);
                    if (sim.options.sabotage() == SimOptions.Sabotage.ACQUIRE_WHILE_BACKUP
                            && c.from() == VrrpState.MASTER && c.to() == VrrpState.BACKUP) {
                        issue(new TakeoverAction.Acquire(1_000_000 + ts.nextOp(), null)); // the broken wiring
                    }
                }
                case VrrpAction.OtherMasterHeard h ->
                        takeover(new TakeoverEvent.OtherMasterHeard(h.source(), h.priority()));
            }
        }
        armVrrpTimer();
    }

    private void armVrrpTimer() {
        if (vs == null || !vs.hasDeadline() || vs.deadline() == vrrpTimerAt) {
            return;
        }
        long at = vs.deadline();
        vrrpTimerAt = at;
        int inc = incarnation;
        sim.at(Math.max(at, sim.now()), () -> {
            if (inc != incarnation) {
                return;
            }
            if (vrrpTimerAt == at) {
                vrrpTimerAt = Long.MIN_VALUE;
            }
            if (vs != null && vs.deadline() == at) {
                vrrp(new VrrpEvent.DeadlineReached());
                maybeExit();
            }
        });
    }

    /** An event for the VRRP loop from the takeover side: it is queued, as the driver posts it. */
    private void post(VrrpEvent e) {
        int inc = incarnation;
        sim.at(sim.now(), () -> {
            if (inc == incarnation && vs != null) {
                vrrp(e);
                maybeExit();
            }
        });
    }

    // ---- the takeover machine ----

    void takeover(TakeoverEvent e) {
        TakeoverStep st = tm.next(ts, e, sim.now());
        ts = st.state();
        sim.trace(index, "take", e, ts.task() + (st.actions().isEmpty() ? "" : " " + st.actions()));
        for (TakeoverAction a : st.actions()) {
            switch (a) {
                case TakeoverAction.Call c -> issue(c);
                case TakeoverAction.Cancel c -> cancel(c.op());
                case TakeoverAction.YieldToPeer y -> post(new VrrpEvent.HolderMovedToPeer(y.holder()));
                case TakeoverAction.Reclaim r -> post(new VrrpEvent.HolderFree());
                default -> { } // announcements, marks, logs, counters: in the trace line above
            }
        }
        armWake();
    }

    private void armWake() {
        if (ts == null) {
            return;
        }
        long at = ts.wakeAt();
        if (at == Long.MAX_VALUE || at == wakeTimerAt) {
            return;
        }
        wakeTimerAt = at;
        int inc = incarnation;
        sim.at(Math.max(at, sim.now()), () -> {
            if (inc != incarnation) {
                return;
            }
            if (wakeTimerAt == at) {
                wakeTimerAt = Long.MIN_VALUE;
            }
            if (ts != null && ts.wakeAt() == at) {
                takeover(new TakeoverEvent.Tick());
                maybeExit();
            }
        });
    }

    // ---- the driver's provider calls ----

    private void issue(TakeoverAction.Call c) {
        sim.invariants.onIssue(this, c);
        SimOp op = new SimOp(this, incarnation, c, sim.now(), transitionAt);
        inflight = op;
        sim.at(sim.now() + attemptTimeout, () -> {
            if (!op.answered) {
                op.answered = true;
                op.gaveUp = true;
                answered(op, new TakeoverEvent.Failed(TakeoverEvent.Failure.TIMED_OUT,
                        "timed out after " + attemptTimeout / 1_000_000 + " ms"));
            }
        });
        sim.cloud.call(op);
    }

    private void cancel(long id) {
        SimOp op = inflight;
        if (op == null || op.call.op() != id || op.answered) {
            return;
        }
        op.answered = true;
        op.gaveUp = true;
        sim.at(sim.now(), () -> answered(op, new TakeoverEvent.Failed(TakeoverEvent.Failure.CANCELLED, "cancelled")));
    }

    /** The driver's answer to one call reaches the machine. */
    void answered(SimOp op, TakeoverEvent.Outcome outcome) {
        op.outcome = outcome;
        if (op.incarnation != incarnation || vs == null) {
            return;
        }
        if (inflight == op) {
            inflight = null;
        }
        lastAnswer = outcome;
        takeover(new TakeoverEvent.OpEnded(op.call.op(), outcome));
        maybeExit();
    }

    @Override
    public String toString() {
        return "n" + index + "(" + (vs == null ? status : vs.state() + (vs.yielded() ? " yielded" : "")
                + (vs.maintenance() ? " maintenance" : "") + " prio " + vs.effectivePriority() + ", " + ts.task()) + ")";
    }
}
