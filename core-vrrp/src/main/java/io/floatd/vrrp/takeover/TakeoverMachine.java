package io.floatd.vrrp.takeover;

import static io.floatd.vrrp.takeover.TakeoverState.NEVER;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverAction.Count;
import io.floatd.vrrp.takeover.TakeoverAction.Log;
import io.floatd.vrrp.takeover.TakeoverAction.Mark;
import io.floatd.vrrp.takeover.TakeoverAction.Stat;
import io.floatd.vrrp.takeover.TakeoverEvent.Done;
import io.floatd.vrrp.takeover.TakeoverEvent.Failed;
import io.floatd.vrrp.takeover.TakeoverEvent.HolderRead;
import io.floatd.vrrp.takeover.TakeoverEvent.Outcome;
import io.floatd.vrrp.takeover.TakeoverState.Op;
import io.floatd.vrrp.takeover.TakeoverState.OpKind;
import io.floatd.vrrp.takeover.TakeoverState.Task;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the floating IP should be, and what to call to put it there, for one instance. Pure, like
 * {@link io.floatd.vrrp.fsm.VrrpStateMachine}: {@link #next} takes the state, one event and the time, and returns
 * the new state and the actions; the driver ({@link TakeoverOrchestrator}) makes the calls and feeds their answers
 * back. One call at a time; a transition starts a new epoch, and the answer of a call of an older epoch decides
 * nothing. A write in flight at a transition is cut short only when the next task writes nothing; otherwise the
 * next task's first call waits for its answer (a cut request may still be carried out by the API, after the write
 * that followed it). Rules marked (seed N) were found by the cluster simulation ({@code io.floatd.testing.sim}).
 *
 * <p>Transition table (role → task; a task's calls and what their answers lead to):
 * <ul>
 *   <li>→ MASTER: TAKEOVER. Read the holder (a provider whose acquire reads locally skips it); this node: no write
 *       (counted), announcements start, settled; else acquire with the holder just read. A retryable failure waits a
 *       full-jitter backoff and tries again, a failed write reads before it writes again (a read that then finds the
 *       IP here confirms it); past the deadline, or on a fatal failure, one line and the takeover is over. Then
 *       HOLD.</li>
 *   <li>HOLD: read every re-check interval. This node: confirmed. A configured peer, after this mastership had
 *       confirmed the IP (and no lower Master was just heard), and still there a deadline after the first sighting
 *       (a peer stepping down to this Master holds it on its way here, seeds 15610, 38007): a split brain in which
 *       the peer moved last, so yield (the election goes BACKUP and waits for adverts). Nobody: take it back at once.
 *       A peer before this mastership had the IP, a peer just after hearing that lower Master, or a stranger: take it
 *       back, damped (each take-back in a row waits twice as many re-checks, up to {@link #MAX_DAMPING_INTERVALS}),
 *       so two nodes that take it from each other slow down instead of ping-ponging; a lower Master heard ends the
 *       damping (seeds 2031, 2580).</li>
 *   <li>MASTER → BACKUP after a higher Master's advert: HAND_OVER when the provider can (before a {@code release}:
 *       seed 1026878), since that Master may never hear this node (a heal that opens its direction first) and so
 *       never learn that the IP is on a Backup: after a grace of two advert intervals (a Master that has just
 *       preempted takes the IP itself meanwhile), read; this node: move it to that Master; elsewhere: nothing. A
 *       hand-over the provider cannot make releases instead (seed 10311).</li>
 *   <li>MASTER → BACKUP, FAULT or STOP with {@code release}: RELEASE. INIT → BACKUP: CLEAR, owed across transitions
 *       until it has run (seed 72). MASTER → BACKUP after this machine's own yield: WATCH, reading every advert
 *       interval for a deadline, then every re-check, and reclaiming when the IP is free or back on this node (seeds
 *       1182894, 1192482), or still on the peer after {@link #MAX_DAMPING_INTERVALS} re-checks (the peer may be
 *       down: seeds 5455, 8220). Otherwise STANDBY: a read every warm interval keeps the API connection open; while
 *       a write of this node's may still land (it ended unanswered after the node left MASTER), it reads at least
 *       every grace and, finding the IP here, hands it over or releases it again (seeds 735, 21905, 2259237, 1471540).
 *       </li>
 * </ul>
 */
public final class TakeoverMachine {
    /** The damping of take-backs stops growing at this many re-check intervals. */
    public static final int MAX_DAMPING_INTERVALS = 32;

    private final TakeoverParams p;
    private final TakeoverAnswers answers;

    public TakeoverMachine(TakeoverParams params) {
        this.p = params;
        this.answers = new TakeoverAnswers(params);
    }

    public TakeoverParams params() {
        return p;
    }

    public TakeoverState initial(long seed) {
        return TakeoverState.initial(seed);
    }

    public TakeoverStep next(TakeoverState s, TakeoverEvent event, long now) {
        TakeoverWork w = new TakeoverWork(s, p);
        List<TakeoverAction> out = new ArrayList<>();
        switch (event) {
            case TakeoverEvent.Start e -> start(w, out);
            case TakeoverEvent.Transition t -> transition(w, t, now, out);
            case TakeoverEvent.OtherMasterHeard h -> otherMaster(w, h, now, out);
            case TakeoverEvent.Tick t -> { }
            case TakeoverEvent.OpEnded e -> ended(w, e, now, out);
        }
        pump(w, now, out);
        return new TakeoverStep(w.freeze(), out);
    }

    // ---- events ----

    // one read at start, so the log says where the IP is; nothing waits for it
    private void start(TakeoverWork w, List<TakeoverAction> out) {
        if (w.inflight == null && w.role == VrrpState.INIT) {
            w.call(OpKind.START_READ, out);
        }
    }

    private void transition(TakeoverWork w, TakeoverEvent.Transition t, long now, List<TakeoverAction> out) {
        // the clean-up of what an earlier run left is owed until it has run: a start-up that goes INIT -> BACKUP ->
        // FAULT at once (tracking fails at start) must still remove a VIP the crashed run left (simulation seed 72)
        boolean clearOwed = w.task == Task.CLEAR;
        Op running = w.inflight;
        w.epoch++;
        w.role = t.to();
        if (!w.settled) {
            out.add(new Mark("superseded", null));
            w.settle(out);
        }
        if (t.from() == VrrpState.MASTER) {
            out.add(new TakeoverAction.StopAnnouncing());
            w.holdConfirmed = false;
        }
        boolean ownYield = w.yieldPending && t.from() == VrrpState.MASTER && t.to() == VrrpState.BACKUP;
        w.yieldPending = false;
        w.seen = null;
        w.wrote = false;
        w.failures = 0;
        w.retryAt = NEVER;
        w.recheckAt = NEVER;
        w.outranks = false;
        w.handOverTo = null;
        nextTask(w, t, ownYield, clearOwed, now, out);
        if (running != null && running.kind().writes() && !writes(w.task)) {
            // an acquire must not land after the node left MASTER, nor a release after it came back
            out.add(new TakeoverAction.Cancel(running.id()));
        }
        // A write in flight is not cut short when the new task writes too (a release or hand-over after an acquire,
        // an acquire after a release or hand-over): the new task's first call waits for its answer (single flight),
        // so the two are carried out in the order they were sent. A cancelled request may still be carried out by
        // the API, and then after the write that followed it: an acquire landed on a node that had just released or
        // handed the IP over (simulation seeds 163, 46, 8), or a hand-over on a node that had just taken the IP back.
    }

    /** The task the new role starts with (the transition table in the class comment). */
    private void nextTask(TakeoverWork w, TakeoverEvent.Transition t, boolean ownYield, boolean clearOwed, long now,
            List<TakeoverAction> out) {
        boolean leftMaster = t.from() == VrrpState.MASTER;
        switch (t.to()) {
            case MASTER -> {
                w.task = Task.TAKEOVER;
                w.followUntil = NEVER;
                w.deadline = now + p.policy().deadline().toNanos();
                w.settled = false;
                out.add(new TakeoverAction.TakeoverBegan());
            }
            case BACKUP -> backupTask(w, t, ownYield, clearOwed, leftMaster, now);
            case FAULT -> {
                if (leftMaster && p.releaseOnLeave()) {
                    w.release(now);
                } else if (clearOwed) {
                    w.task = Task.CLEAR;
                } else {
                    w.standby(now);
                }
            }
            case STOP -> {
                if (leftMaster && p.releaseOnLeave()) {
                    w.release(now);
                } else if (clearOwed) {
                    w.task = Task.CLEAR;
                } else {
                    w.task = Task.NONE;
                }
            }
            case INIT -> w.task = Task.NONE;
        }
    }

    private void backupTask(TakeoverWork w, TakeoverEvent.Transition t, boolean ownYield, boolean clearOwed,
            boolean leftMaster, long now) {
        if (ownYield) {
            // the peer holds the IP now: nothing to give up; watch for it to become free or come back. Fast
            // at first: a yield decided as a heal began (the peer heard this node, stepped down and is handing
            // the IP over) must see the IP back and reclaim before the peer, hearing no one, is elected again
            // (simulation seeds 1182894, 1192482, 1656468: three moves after the heal instead of one)
            w.task = Task.WATCH;
            w.retryAt = now + p.policy().deadline().toNanos(); // in WATCH: the fast reads' end
            w.recheckAt = now + w.watchInterval(now);
            w.deadline = now + w.yieldLimit(); // the watch's own deadline: see watchEnded
        } else if (leftMaster && t.master() != null && p.handsOver() && !p.dryRun()) {
            // before a release: the Master heard may never hear this node, and a released IP would wait for
            // its next re-check on nobody (simulation seed 1026878); a hand-over that cannot be made releases
            w.task = Task.HAND_OVER;
            w.handOverTo = t.master();
            // a Master that has just preempted takes the IP itself meanwhile: no second write crosses its own
            w.retryAt = now + p.policy().handOverGrace().toNanos();
            w.deadline = now + p.policy().deadline().toNanos();
        } else if (leftMaster && p.releaseOnLeave()) {
            w.release(now);
        } else if ((t.from() == VrrpState.INIT || clearOwed) && !p.dryRun()) {
            w.task = Task.CLEAR;
        } else {
            w.standby(now);
        }
    }

    private static boolean writes(Task t) {
        return t == Task.TAKEOVER || t == Task.RELEASE || t == Task.HAND_OVER || t == Task.CLEAR;
    }

    /**
     * A lower Master's advert: the two could not hear each other, and the other may have moved the IP meanwhile. Read
     * at once, and take the IP back from the peer instead of yielding to it (the yield is for a Master that hears no
     * one). At most once per re-check interval, so a one-way partition does not hammer the API.
     */
    private void otherMaster(TakeoverWork w, TakeoverEvent.OtherMasterHeard h, long now, List<TakeoverAction> out) {
        if (w.role != VrrpState.MASTER) {
            return;
        }
        // the other Master is heard again, so the split is over (at least this way round): the take-back that follows
        // is the heal's, not one more round between Masters that cannot hear each other, and is not damped. Else a
        // Master damped during the split left the IP on the lower node, once that one stepped down, for up to
        // MAX_DAMPING_INTERVALS re-checks (simulation seeds 2031, 2580)
        w.retakes = 0;
        if (w.task != Task.HOLD) {
            return; // a takeover still running reads and writes anyway
        }
        if (w.otherMasterCheckAt != NEVER && now - w.otherMasterCheckAt < w.recheck()) {
            return;
        }
        w.otherMasterCheckAt = now;
        w.outranks = true;
        w.recheckAt = now;
        out.add(w.log(Level.INFO, "heard another Master " + h.source().getHostAddress() + " (priority " + h.priority()
                + ") after a split: reading the floating IP holder now"));
    }

    private void ended(TakeoverWork w, TakeoverEvent.OpEnded e, long now, List<TakeoverAction> out) {
        Op op = w.inflight;
        if (op == null || op.id() != e.op()) {
            return; // not the call this machine is waiting for
        }
        w.inflight = null;
        Outcome o = e.outcome();
        if (o instanceof HolderRead r) {
            w.lastHolder = r.holder();
        }
        if (op.kind() == OpKind.START_READ) {
            switch (o) {
                case HolderRead r -> out.add(w.log(Level.INFO, "floating IP holder at start: " + r.holder()));
                case Failed f when f.kind() != TakeoverEvent.Failure.CANCELLED ->
                        out.add(w.log(Level.WARNING, "cannot read the floating IP holder at start: " + f.message()));
                default -> { }
            }
            return;
        }
        if (op.epoch() != w.epoch) {
            stale(w, op, o, now, out);
            return;
        }
        switch (w.task) {
            case TAKEOVER -> answers.takeoverEnded(w, op, o, now, out);
            case HOLD -> answers.recheckEnded(w, o, now, out);
            case WATCH -> answers.watchEnded(w, o, now, out);
            case STANDBY -> answers.standbyEnded(w, o, now, out);
            case HAND_OVER -> answers.handOverEnded(w, op, o, now, out);
            case RELEASE -> answers.releaseEnded(w, o, now, out);
            case CLEAR -> answers.clearEnded(w, o, now, out);
            case NONE -> { }
        }
    }

    // the answer of a call whose epoch has ended: it tells where the IP is, and decides nothing
    private void stale(TakeoverWork w, Op op, Outcome o, long now, List<TakeoverAction> out) {
        if (o instanceof Failed f && f.kind() != TakeoverEvent.Failure.FATAL
                && (op.kind() == OpKind.ACQUIRE || op.kind() == OpKind.HAND_OVER) && w.role != VrrpState.MASTER) {
            // unanswered, not refused: the API may still carry it out (a DigitalOcean assign action runs on after its
            // call was cut), after the step-down's own read found the IP elsewhere, and nothing would look again
            // with warm reads off (simulation seed 2259237): keep reading for a deadline
            w.followUntil = now + p.policy().deadline().toNanos();
            if (w.task == Task.STANDBY) {
                w.recheckAt = now + w.standbyInterval(now);
            }
            return;
        }
        if (!(o instanceof Done)) {
            return;
        }
        switch (op.kind()) {
            case ACQUIRE -> {
                w.lastHolder = Holder.self("");
                out.add(w.log(Level.INFO, "an acquire sent before the node left MASTER was carried out: the floating IP"
                        + " is on this node"));
            }
            case HAND_OVER, RELEASE -> w.lastHolder = null;
            default -> { }
        }
    }

    // ---- what runs next ----

    /** Starts the call the current task needs now, if none runs: the one place that decides what to call. */
    private void pump(TakeoverWork w, long now, List<TakeoverAction> out) {
        if (w.inflight != null) {
            return;
        }
        switch (w.task) {
            case TAKEOVER -> {
                if (due(w.retryAt, now)) {
                    if (w.seen == null && (!p.acquireChecksHolder() || p.dryRun())) {
                        w.call(OpKind.READ, out);
                    } else {
                        w.mark("acquire sent", null, out);
                        w.call(OpKind.ACQUIRE, out);
                    }
                }
            }
            case HAND_OVER -> {
                if (due(w.retryAt, now)) {
                    w.call(w.seen == null ? OpKind.READ : OpKind.HAND_OVER, out);
                }
            }
            case RELEASE -> {
                if (p.dryRun()) {
                    out.add(w.log(Level.INFO, "dry run: would release on " + w.role));
                    w.afterRelease(now);
                } else if (due(w.retryAt, now)) {
                    w.call(OpKind.RELEASE, out);
                }
            }
            case CLEAR -> w.call(OpKind.CLEAR, out);
            case HOLD, WATCH, STANDBY -> {
                if (w.recheckAt != NEVER && now - w.recheckAt >= 0) {
                    w.call(OpKind.READ, out);
                }
            }
            case NONE -> { }
        }
    }

    private static boolean due(long at, long now) {
        return at == NEVER || now - at >= 0;
    }
}
