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

    public TakeoverMachine(TakeoverParams params) {
        this.p = params;
    }

    public TakeoverParams params() {
        return p;
    }

    public TakeoverState initial(long seed) {
        return TakeoverState.initial(seed);
    }

    public TakeoverStep next(TakeoverState s, TakeoverEvent event, long now) {
        W w = new W(s);
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
    private void start(W w, List<TakeoverAction> out) {
        if (w.inflight == null && w.role == VrrpState.INIT) {
            call(w, OpKind.START_READ, out);
        }
    }

    private void transition(W w, TakeoverEvent.Transition t, long now, List<TakeoverAction> out) {
        // the clean-up of what an earlier run left is owed until it has run: a start-up that goes INIT -> BACKUP ->
        // FAULT at once (tracking fails at start) must still remove a VIP the crashed run left (simulation seed 72)
        boolean clearOwed = w.task == Task.CLEAR;
        Op running = w.inflight;
        w.epoch++;
        w.role = t.to();
        if (!w.settled) {
            out.add(new Mark("superseded", null));
            settle(w, out);
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
        boolean leftMaster = t.from() == VrrpState.MASTER;
        switch (t.to()) {
            case MASTER -> {
                w.task = Task.TAKEOVER;
                w.followUntil = NEVER;
                w.deadline = now + p.policy().deadline().toNanos();
                w.settled = false;
                out.add(new TakeoverAction.TakeoverBegan());
            }
            case BACKUP -> {
                if (ownYield) {
                    // the peer holds the IP now: nothing to give up; watch for it to become free or come back. Fast
                    // at first: a yield decided as a heal began (the peer heard this node, stepped down and is handing
                    // the IP over) must see the IP back and reclaim before the peer, hearing no one, is elected again
                    // (simulation seeds 1182894, 1192482, 1656468: three moves after the heal instead of one)
                    w.task = Task.WATCH;
                    w.retryAt = now + p.policy().deadline().toNanos(); // in WATCH: the fast reads' end
                    w.recheckAt = now + watchInterval(w, now);
                    w.deadline = now + yieldLimit(); // the watch's own deadline: see watchEnded
                } else if (leftMaster && t.master() != null && p.handsOver() && !p.dryRun()) {
                    // before a release: the Master heard may never hear this node, and a released IP would wait for
                    // its next re-check on nobody (simulation seed 1026878); a hand-over that cannot be made releases
                    w.task = Task.HAND_OVER;
                    w.handOverTo = t.master();
                    // a Master that has just preempted takes the IP itself meanwhile: no second write crosses its own
                    w.retryAt = now + p.policy().handOverGrace().toNanos();
                    w.deadline = now + p.policy().deadline().toNanos();
                } else if (leftMaster && p.releaseOnLeave()) {
                    release(w, now);
                } else if ((t.from() == VrrpState.INIT || clearOwed) && !p.dryRun()) {
                    w.task = Task.CLEAR;
                } else {
                    standby(w, now);
                }
            }
            case FAULT -> {
                if (leftMaster && p.releaseOnLeave()) {
                    release(w, now);
                } else if (clearOwed) {
                    w.task = Task.CLEAR;
                } else {
                    standby(w, now);
                }
            }
            case STOP -> {
                if (leftMaster && p.releaseOnLeave()) {
                    release(w, now);
                } else if (clearOwed) {
                    w.task = Task.CLEAR;
                } else {
                    w.task = Task.NONE;
                }
            }
            case INIT -> w.task = Task.NONE;
        }
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

    private static boolean writes(Task t) {
        return t == Task.TAKEOVER || t == Task.RELEASE || t == Task.HAND_OVER || t == Task.CLEAR;
    }

    /**
     * A lower Master's advert: the two could not hear each other, and the other may have moved the IP meanwhile. Read
     * at once, and take the IP back from the peer instead of yielding to it (the yield is for a Master that hears no
     * one). At most once per re-check interval, so a one-way partition does not hammer the API.
     */
    private void otherMaster(W w, TakeoverEvent.OtherMasterHeard h, long now, List<TakeoverAction> out) {
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
        if (w.otherMasterCheckAt != NEVER && now - w.otherMasterCheckAt < recheck()) {
            return;
        }
        w.otherMasterCheckAt = now;
        w.outranks = true;
        w.recheckAt = now;
        out.add(log(Level.INFO, "heard another Master " + h.source().getHostAddress() + " (priority " + h.priority()
                + ") after a split: reading the floating IP holder now"));
    }

    private void ended(W w, TakeoverEvent.OpEnded e, long now, List<TakeoverAction> out) {
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
                case HolderRead r -> out.add(log(Level.INFO, "floating IP holder at start: " + r.holder()));
                case Failed f when f.kind() != TakeoverEvent.Failure.CANCELLED ->
                        out.add(log(Level.WARNING, "cannot read the floating IP holder at start: " + f.message()));
                default -> { }
            }
            return;
        }
        if (op.epoch() != w.epoch) {
            stale(w, op, o, now, out);
            return;
        }
        switch (w.task) {
            case TAKEOVER -> takeoverEnded(w, op, o, now, out);
            case HOLD -> recheckEnded(w, o, now, out);
            case WATCH -> watchEnded(w, o, now, out);
            case STANDBY -> standbyEnded(w, o, now, out);
            case HAND_OVER -> handOverEnded(w, op, o, now, out);
            case RELEASE -> releaseEnded(w, o, now, out);
            case CLEAR -> clearEnded(w, o, now, out);
            case NONE -> { }
        }
    }

    // the answer of a call whose epoch has ended: it tells where the IP is, and decides nothing
    private void stale(W w, Op op, Outcome o, long now, List<TakeoverAction> out) {
        if (o instanceof Failed f && f.kind() != TakeoverEvent.Failure.FATAL
                && (op.kind() == OpKind.ACQUIRE || op.kind() == OpKind.HAND_OVER) && w.role != VrrpState.MASTER) {
            // unanswered, not refused: the API may still carry it out (a DigitalOcean assign action runs on after its
            // call was cut), after the step-down's own read found the IP elsewhere, and nothing would look again
            // with warm reads off (simulation seed 2259237): keep reading for a deadline
            w.followUntil = now + p.policy().deadline().toNanos();
            if (w.task == Task.STANDBY) {
                w.recheckAt = now + standbyInterval(w, now);
            }
            return;
        }
        if (!(o instanceof Done)) {
            return;
        }
        switch (op.kind()) {
            case ACQUIRE -> {
                w.lastHolder = Holder.self("");
                out.add(log(Level.INFO, "an acquire sent before the node left MASTER was carried out: the floating IP"
                        + " is on this node"));
            }
            case HAND_OVER, RELEASE -> w.lastHolder = null;
            default -> { }
        }
    }

    // ---- tasks ----

    private void takeoverEnded(W w, Op op, Outcome o, long now, List<TakeoverAction> out) {
        switch (o) {
            case HolderRead r -> {
                Holder h = r.holder();
                mark(w, "holder read", h, out);
                if (h.isSelf() && w.wrote) {
                    // the write that failed was carried out after all (its answer was lost)
                    w.holdConfirmed = true;
                    out.add(new Count(Stat.ACQUIRE));
                    mark(w, "acquire confirmed", null, out);
                    out.add(new TakeoverAction.StartAnnouncing(1));
                    succeeded(w, now, out);
                } else if (h.isSelf()) {
                    w.holdConfirmed = true;
                    out.add(new Count(Stat.SKIPPED_WRITE));
                    mark(w, "already held, no write", null, out);
                    out.add(new TakeoverAction.StartAnnouncing(0));
                    succeeded(w, now, out);
                } else if (p.dryRun()) {
                    mark(w, "dry run: would acquire", null, out);
                    succeeded(w, now, out);
                } else if (w.failures > 0 && now - w.deadline >= 0) {
                    failed(w, "the takeover's deadline passed before the write could be sent again (the last read"
                            + " found the IP on " + h + ")", now, out);
                } else {
                    w.seen = h; // the write goes at once
                }
            }
            case Done d -> {
                w.holdConfirmed = true;
                w.lastHolder = Holder.self("");
                out.add(new Count(Stat.ACQUIRE));
                mark(w, "acquire confirmed", null, out);
                out.add(new TakeoverAction.StartAnnouncing(1));
                succeeded(w, now, out);
            }
            case Failed f -> {
                if (op.kind() == OpKind.ACQUIRE) {
                    w.seen = null; // the write may have been carried out and its answer lost: read before writing again
                }
                retryOrGiveUp(w, f, now, out, () -> failed(w, f.message(), now, out));
            }
        }
    }

    private void succeeded(W w, long now, List<TakeoverAction> out) {
        w.lastError = null;
        settle(w, out);
        hold(w, now);
    }

    private void failed(W w, String message, long now, List<TakeoverAction> out) {
        w.lastError = message;
        out.add(new Count(Stat.FAILURE));
        if (!w.settled) {
            mark(w, "failed", message, out);
            out.add(log(Level.ERROR, "takeover failed: " + message));
        } else {
            out.add(log(Level.ERROR, "taking the floating IP back failed: " + message));
        }
        settle(w, out);
        hold(w, now);
    }

    private void recheckEnded(W w, Outcome o, long now, List<TakeoverAction> out) {
        w.recheckAt = now + recheck();
        boolean outranks = w.outranks;
        w.outranks = false;
        if (!(o instanceof HolderRead r)) {
            return; // a failed re-check changes nothing; the next one tries again
        }
        Holder h = r.holder();
        Holder before = w.seen;
        w.seen = null;
        switch (h.kind()) {
            case SELF -> w.holdConfirmed = true;
            case PEER -> {
                if (w.holdConfirmed && !outranks && !h.equals(before)) {
                    // Not at the first sighting: a peer that stepped down to this Master holds the IP for a while on
                    // its way here (its acquire landed, its hand-over has not yet: a DigitalOcean action takes
                    // seconds, and is retried). Yielding to it made this Master go quiet, the peer's election took
                    // over, and the two passed the IP back and forth with the network healthy (simulation seeds
                    // 15610, 38007). A hand-over lands within the peer's deadline; a split brain outlasts it. Waiting
                    // costs nothing: this Master writes nothing meanwhile. (In HOLD, seen is the peer last found
                    // holding the IP, deadline when the yield is due.)
                    w.seen = h;
                    w.deadline = now + p.policy().deadline().toNanos();
                    out.add(log(Level.INFO, "floating IP found on peer " + h.id() + " while Master: yielding if it is"
                            + " still there in " + seconds(p.policy().deadline().toNanos())));
                } else if (w.holdConfirmed && !outranks && now - w.deadline < 0) {
                    w.seen = h; // still waiting for a hand-over
                } else if (w.holdConfirmed && !outranks) {
                    out.add(new Count(Stat.YIELD));
                    out.add(log(Level.WARNING, "split brain: the floating IP this node held is now on peer " + h.id()
                            + "; yielding until adverts return"));
                    out.add(new TakeoverAction.YieldToPeer(h.id()));
                    w.yieldPending = true;
                    w.recheckAt = NEVER;
                } else {
                    retake(w, h, true, now, out);
                }
            }
            case NOBODY -> retake(w, h, false, now, out);
            case OTHER -> retake(w, h, true, now, out);
        }
    }

    /**
     * Takes the IP back while Master. From a peer or a stranger, damped: each take-back in a row waits twice as many
     * re-check intervals as the one before (up to {@link #MAX_DAMPING_INTERVALS}), so two Masters that cannot
     * recognise each other slow down instead of moving the IP at every re-check.
     */
    private void retake(W w, Holder h, boolean damped, long now, List<TakeoverAction> out) {
        String attempt = "";
        if (damped) {
            long cap = recheck() * MAX_DAMPING_INTERVALS;
            if (w.retakes > 0 && now - w.retakeAt > 2 * cap) {
                w.retakes = 0; // quiet long enough: a new episode
            }
            long wait = w.retakes == 0 ? 0 : Math.min(cap, recheck() << Math.min(w.retakes, 20));
            if (now - w.retakeAt < wait && w.retakes > 0) {
                out.add(new Count(Stat.DAMPED));
                out.add(log(Level.WARNING, "floating IP found on " + h + " while Master: not taking it back before "
                        + seconds(w.retakeAt + wait - now) + " from now (taken back " + w.retakes
                        + " times in a row: damping)"));
                return;
            }
            w.retakes++;
            w.retakeAt = now;
            attempt = " (take-back " + w.retakes + " in a row; the next waits at least "
                    + seconds(Math.min(cap, recheck() << Math.min(w.retakes, 20))) + ")";
        }
        out.add(new Count(Stat.REACQUIRE));
        out.add(log(Level.WARNING, "floating IP found on " + h + " while Master: taking it back" + attempt));
        w.task = Task.TAKEOVER;
        w.seen = h;
        w.wrote = false;
        w.failures = 0;
        w.retryAt = NEVER;
        w.deadline = now + p.policy().deadline().toNanos();
    }

    private void watchEnded(W w, Outcome o, long now, List<TakeoverAction> out) {
        w.recheckAt = now + watchInterval(w, now);
        if (o instanceof HolderRead r && (r.holder().kind() == Holder.Kind.NOBODY || r.holder().isSelf())) {
            out.add(log(Level.INFO, "floating IP is " + (r.holder().isSelf() ? "back on this node" : "free")
                    + " while no master is heard: reclaiming"));
            out.add(new TakeoverAction.Reclaim());
        } else if (o instanceof HolderRead r && now - w.deadline >= 0) {
            // A yielded node cannot tell a peer it cannot hear from a peer that is down: a peer killed after it took
            // the IP keeps it for good (simulation seeds 5455, 8220), and the yield, which ends only on an advert or
            // a free IP, kept the cluster without a Master for good. The yield lasts as long as the longest damping
            // of take-backs, so a split that lasts sees the IP move at most once per that time, and a dead holder
            // loses the IP after it.
            out.add(log(Level.WARNING, "floating IP still on " + r.holder() + " after " + seconds(yieldLimit())
                    + " while no master is heard: the peer may be down; reclaiming"));
            out.add(new TakeoverAction.Reclaim());
            w.deadline = now + yieldLimit(); // should the reclaim not take: not before another limit
        }
    }

    /**
     * How often a yielded node reads: every half hand-over grace (one advert interval) for a deadline after the yield,
     * so that an IP handed back is reclaimed well inside the peer's Master_Down_Interval; then every re-check.
     */
    private long watchInterval(W w, long now) {
        long grace = p.policy().handOverGrace().toNanos();
        if (grace <= 0 || now - w.retryAt >= 0) {
            return recheck();
        }
        return Math.min(recheck(), Math.max(grace / 2, 50_000_000L));
    }

    /** How long a yield lasts at most: the longest damping of take-backs. */
    private long yieldLimit() {
        return recheck() * MAX_DAMPING_INTERVALS;
    }

    /**
     * A warm read that finds the IP on this node while it is not Master. A write cut short when the node stepped down
     * (a cancelled or timed-out acquire that the API carried out after all, a DigitalOcean assign action completing
     * after the hand-over's read found the IP elsewhere) put it here after the step-down was done with it, and the
     * IP sat on a Backup until the Master's re-check, which yielded to it as to a split brain (simulation seeds 163,
     * 735). The step-down finishes its job: the hand-over goes again to the Master this node stepped down to (same
     * epoch, same Master), or, with {@code release}, the IP is released again (with {@code release}, a Backup never
     * keeps the IP, whatever put it there).
     */
    private void standbyEnded(W w, Outcome o, long now, List<TakeoverAction> out) {
        long next = standbyInterval(w, now);
        w.recheckAt = next == NEVER ? NEVER : now + next;
        if (!(o instanceof HolderRead r) || !r.holder().isSelf() || p.dryRun()) {
            return;
        }
        // only while one of this node's own writes may still land: an IP put here by someone else is the Master's
        // business (two Backups that had stepped down to each other handed it back and forth, seed 1471540)
        if (w.handOverTo != null && w.role == VrrpState.BACKUP && w.followUntil != NEVER && now - w.followUntil < 0) {
            out.add(log(Level.WARNING, "floating IP found on this node after it stepped down to Master "
                    + w.handOverTo.getHostAddress() + ": handing it over again"));
            w.task = Task.HAND_OVER;
            w.seen = r.holder();
            w.failures = 0;
            w.retryAt = NEVER;
            w.deadline = now + p.policy().deadline().toNanos();
        } else if (p.releaseOnLeave() && (w.role == VrrpState.BACKUP || w.role == VrrpState.FAULT)) {
            out.add(log(Level.WARNING, "floating IP found on this node in " + w.role + ": releasing it again"));
            release(w, now);
        }
    }

    private void handOverEnded(W w, Op op, Outcome o, long now, List<TakeoverAction> out) {
        String to = w.handOverTo.getHostAddress();
        switch (o) {
            case HolderRead r -> {
                if (r.holder().isSelf()) {
                    w.seen = r.holder(); // the hand-over goes at once
                } else {
                    standby(w, now); // not here: nothing to hand over
                }
            }
            case Done d -> {
                out.add(new Count(Stat.HANDOVER));
                out.add(log(Level.INFO, "stepped down to Master " + to + " while holding the floating IP: handed it"
                        + " over"));
                w.lastHolder = Holder.peer(to);
                standby(w, now);
            }
            case Failed f -> {
                w.seen = null;
                retryOrGiveUp(w, f, now, out, () -> {
                    out.add(new Count(Stat.FAILURE));
                    w.lastError = f.message();
                    if (f.kind() == TakeoverEvent.Failure.FATAL) {
                        // The provider cannot name that Master (peers it does not recognise): give the IP up instead.
                        // Left on this Backup, it waited for the Master's re-check, and a Master damped during the
                        // split that never heard this node as a Master (the heal opened its direction first) let it
                        // sit there for up to MAX_DAMPING_INTERVALS re-checks (simulation seed 10311). Free, it is
                        // taken at the Master's next re-check, undamped.
                        out.add(log(Level.WARNING, "cannot hand the floating IP over to Master " + to + ": "
                                + f.message() + "; releasing it so that Master's re-check takes it"));
                        w.failures = 0;
                        w.retryAt = NEVER;
                        release(w, now);
                    } else {
                        out.add(log(Level.WARNING, "cannot hand the floating IP over to Master " + to + ": "
                                + f.message() + "; it stays on this node until that Master's re-check takes it"));
                        standby(w, now);
                    }
                });
            }
        }
    }

    private void releaseEnded(W w, Outcome o, long now, List<TakeoverAction> out) {
        switch (o) {
            case Done d -> {
                out.add(new Count(Stat.RELEASE));
                w.lastHolder = null;
                out.add(log(Level.INFO, "released the floating IP on entering " + w.role));
                afterRelease(w, now);
            }
            case Failed f -> retryOrGiveUp(w, f, now, out, () -> {
                out.add(new Count(Stat.FAILURE));
                w.lastError = f.message();
                out.add(log(Level.WARNING, "release failed: " + f.message()));
                afterRelease(w, now);
            });
            case HolderRead r -> afterRelease(w, now);
        }
    }

    private void clearEnded(W w, Outcome o, long now, List<TakeoverAction> out) {
        switch (o) {
            case Done d when d.changed() -> out.add(log(Level.INFO, "removed what an earlier run left behind"
                    + " (this node is Backup and must not answer for the IP)"));
            case Failed f when f.kind() != TakeoverEvent.Failure.CANCELLED -> {
                out.add(new Count(Stat.FAILURE));
                out.add(log(Level.WARNING, "cannot clear what an earlier run left: " + f.message()));
            }
            default -> { }
        }
        afterRelease(w, now); // STOP: nothing more to do
    }

    /**
     * A retryable failure waits a full-jitter backoff, {@code [0, min(max, initial * 2^(n-1))]}, and tries again
     * until the task's deadline; anything else, or the deadline, gives up.
     */
    private void retryOrGiveUp(W w, Failed f, long now, List<TakeoverAction> out, Runnable giveUp) {
        w.lastError = f.message();
        if (!f.kind().retryable() || now - w.deadline >= 0) {
            giveUp.run();
            return;
        }
        w.failures++;
        long ceiling = Math.min(p.policy().maxBackoff().toNanos(),
                p.policy().initialBackoff().toNanos() << Math.min(w.failures - 1, 30));
        long delay = Math.floorMod(w.nextRandom(), ceiling + 1);
        w.retryAt = now + delay;
        out.add(new Count(Stat.RETRY));
        out.add(log(w.failures == 1 ? Level.WARNING : Level.DEBUG, "provider call failed, retrying in "
                + delay / 1_000_000 + " ms: " + f.message()));
    }

    // ---- what runs next ----

    /** Starts the call the current task needs now, if none runs: the one place that decides what to call. */
    private void pump(W w, long now, List<TakeoverAction> out) {
        if (w.inflight != null) {
            return;
        }
        switch (w.task) {
            case TAKEOVER -> {
                if (due(w.retryAt, now)) {
                    if (w.seen == null && (!p.acquireChecksHolder() || p.dryRun())) {
                        call(w, OpKind.READ, out);
                    } else {
                        mark(w, "acquire sent", null, out);
                        call(w, OpKind.ACQUIRE, out);
                    }
                }
            }
            case HAND_OVER -> {
                if (due(w.retryAt, now)) {
                    call(w, w.seen == null ? OpKind.READ : OpKind.HAND_OVER, out);
                }
            }
            case RELEASE -> {
                if (p.dryRun()) {
                    out.add(log(Level.INFO, "dry run: would release on " + w.role));
                    afterRelease(w, now);
                } else if (due(w.retryAt, now)) {
                    call(w, OpKind.RELEASE, out);
                }
            }
            case CLEAR -> call(w, OpKind.CLEAR, out);
            case HOLD, WATCH, STANDBY -> {
                if (w.recheckAt != NEVER && now - w.recheckAt >= 0) {
                    call(w, OpKind.READ, out);
                }
            }
            case NONE -> { }
        }
    }

    private static boolean due(long at, long now) {
        return at == NEVER || now - at >= 0;
    }

    private void call(W w, OpKind kind, List<TakeoverAction> out) {
        long id = w.nextOp++;
        w.inflight = new Op(id, kind, w.epoch);
        out.add(switch (kind) {
            case START_READ, READ -> new TakeoverAction.ReadHolder(id);
            case ACQUIRE -> {
                w.wrote = true;
                yield new TakeoverAction.Acquire(id, p.acquireChecksHolder() ? null : w.seen);
            }
            case RELEASE -> new TakeoverAction.Release(id);
            case CLEAR -> new TakeoverAction.ClearStale(id);
            case HAND_OVER -> new TakeoverAction.HandOver(id, w.handOverTo);
        });
    }

    private void hold(W w, long now) {
        w.task = Task.HOLD;
        w.seen = null;
        w.failures = 0;
        w.retryAt = NEVER;
        w.recheckAt = now + recheck();
    }

    private void standby(W w, long now) {
        w.task = Task.STANDBY;
        w.seen = null;
        w.failures = 0;
        w.retryAt = NEVER;
        long next = standbyInterval(w, now);
        w.recheckAt = next == NEVER ? NEVER : now + next;
    }

    /**
     * How long until a node that is not Master reads again: the warm interval (none when it is off or the provider
     * reads locally), and while one of its writes may still land ({@code followUntil}) at least every hand-over grace.
     */
    private long standbyInterval(W w, long now) {
        boolean warmReads = !p.policy().warmInterval().isZero() && !p.acquireChecksHolder();
        if (w.followUntil != NEVER && now - w.followUntil < 0 && !p.acquireChecksHolder()) {
            long follow = Math.max(p.policy().handOverGrace().toNanos(), 500_000_000L);
            return warmReads ? Math.min(follow, warm()) : follow;
        }
        return warmReads ? warm() : NEVER;
    }

    private void release(W w, long now) {
        w.task = Task.RELEASE;
        w.deadline = now + p.policy().deadline().toNanos();
    }

    private void afterRelease(W w, long now) {
        if (w.role == VrrpState.STOP || w.role == VrrpState.INIT) {
            w.task = Task.NONE;
        } else {
            standby(w, now);
        }
    }

    private void settle(W w, List<TakeoverAction> out) {
        if (!w.settled) {
            w.settled = true;
            out.add(new TakeoverAction.Settled());
        }
    }

    private static void mark(W w, String what, Object detail, List<TakeoverAction> out) {
        if (!w.settled) {
            out.add(new Mark(what, detail));
        }
    }

    private Log log(Level level, String message) {
        return new Log(level, "VRRP_Instance(" + p.instance() + ") " + message);
    }

    private long recheck() {
        return p.policy().recheckInterval().toNanos();
    }

    private long warm() {
        return p.policy().warmInterval().toNanos();
    }

    private static String seconds(long nanos) {
        return java.math.BigDecimal.valueOf(nanos / 1_000_000, 3).stripTrailingZeros().toPlainString() + " s";
    }

    /** The state while one step works on it; frozen into a {@link TakeoverState} at the end of the step. */
    private static final class W {
        VrrpState role;
        long epoch;
        Task task;
        InetAddress handOverTo;
        Op inflight;
        long nextOp;
        Holder seen;
        boolean wrote;
        int failures;
        long retryAt;
        long deadline;
        long recheckAt;
        boolean outranks;
        boolean holdConfirmed;
        boolean yieldPending;
        boolean settled;
        long otherMasterCheckAt;
        Holder lastHolder;
        String lastError;
        int retakes;
        long retakeAt;
        long rng;
        long followUntil;

        W(TakeoverState s) {
            role = s.role();
            epoch = s.epoch();
            task = s.task();
            handOverTo = s.handOverTo();
            inflight = s.inflight();
            nextOp = s.nextOp();
            seen = s.seen();
            wrote = s.wrote();
            failures = s.failures();
            retryAt = s.retryAt();
            deadline = s.deadline();
            recheckAt = s.recheckAt();
            outranks = s.outranks();
            holdConfirmed = s.holdConfirmed();
            yieldPending = s.yieldPending();
            settled = s.settled();
            otherMasterCheckAt = s.otherMasterCheckAt();
            lastHolder = s.lastHolder();
            lastError = s.lastError();
            retakes = s.retakes();
            retakeAt = s.retakeAt();
            rng = s.rng();
            followUntil = s.followUntil();
        }

        /** SplitMix64: one step of the jitter's generator. */
        long nextRandom() {
            rng += 0x9E3779B97F4A7C15L;
            long z = rng;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        TakeoverState freeze() {
            return new TakeoverState(role, epoch, task, handOverTo, inflight, nextOp, seen, wrote, failures, retryAt,
                    deadline, recheckAt, outranks, holdConfirmed, yieldPending, settled, otherMasterCheckAt,
                    lastHolder, lastError, retakes, retakeAt, rng, followUntil);
        }
    }
}
