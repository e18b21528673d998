package io.floatd.vrrp.takeover;

import static io.floatd.vrrp.takeover.TakeoverState.NEVER;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverAction.Count;
import io.floatd.vrrp.takeover.TakeoverAction.Stat;
import io.floatd.vrrp.takeover.TakeoverEvent.Done;
import io.floatd.vrrp.takeover.TakeoverEvent.Failed;
import io.floatd.vrrp.takeover.TakeoverEvent.HolderRead;
import io.floatd.vrrp.takeover.TakeoverEvent.Outcome;
import io.floatd.vrrp.takeover.TakeoverState.Op;
import io.floatd.vrrp.takeover.TakeoverState.OpKind;
import io.floatd.vrrp.takeover.TakeoverState.Task;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The half of the {@link TakeoverMachine}'s transition table that says what the answer of a task's call leads to:
 * one method per task (TAKEOVER, HOLD, WATCH, STANDBY, HAND_OVER, RELEASE, CLEAR), called for answers of the current
 * epoch only. Pure: it changes the {@link TakeoverWork} and adds actions, nothing else.
 */
final class TakeoverAnswers {
    private final TakeoverParams p;

    TakeoverAnswers(TakeoverParams p) {
        this.p = p;
    }

    void takeoverEnded(TakeoverWork w, Op op, Outcome o, long now, List<TakeoverAction> out) {
        switch (o) {
            case HolderRead r -> {
                Holder h = r.holder();
                w.mark("holder read", h, out);
                if (h.isSelf() && w.wrote) {
                    // the write that failed was carried out after all (its answer was lost)
                    w.holdConfirmed = true;
                    out.add(new Count(Stat.ACQUIRE));
                    w.mark("acquire confirmed", null, out);
                    out.add(new TakeoverAction.StartAnnouncing(1));
                    succeeded(w, now, out);
                } else if (h.isSelf()) {
                    w.holdConfirmed = true;
                    out.add(new Count(Stat.SKIPPED_WRITE));
                    w.mark("already held, no write", null, out);
                    out.add(new TakeoverAction.StartAnnouncing(0));
                    succeeded(w, now, out);
                } else if (p.dryRun()) {
                    w.mark("dry run: would acquire", null, out);
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
                w.mark("acquire confirmed", null, out);
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

    private void succeeded(TakeoverWork w, long now, List<TakeoverAction> out) {
        w.lastError = null;
        w.settle(out);
        w.hold(now);
    }

    private void failed(TakeoverWork w, String message, long now, List<TakeoverAction> out) {
        w.lastError = message;
        out.add(new Count(Stat.FAILURE));
        if (!w.settled) {
            w.mark("failed", message, out);
            out.add(w.log(Level.ERROR, "takeover failed: " + message));
        } else {
            out.add(w.log(Level.ERROR, "taking the floating IP back failed: " + message));
        }
        w.settle(out);
        w.hold(now);
    }

    void recheckEnded(TakeoverWork w, Outcome o, long now, List<TakeoverAction> out) {
        w.recheckAt = now + w.recheck();
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
                    out.add(w.log(Level.INFO, "floating IP found on peer " + h.id() + " while Master: yielding if it is"
                            + " still there in " + TakeoverWork.seconds(p.policy().deadline().toNanos())));
                } else if (w.holdConfirmed && !outranks && now - w.deadline < 0) {
                    w.seen = h; // still waiting for a hand-over
                } else if (w.holdConfirmed && !outranks) {
                    out.add(new Count(Stat.YIELD));
                    out.add(w.log(Level.WARNING, "split brain: the floating IP this node held is now on peer " + h.id()
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
     * re-check intervals as the one before (up to {@link TakeoverMachine#MAX_DAMPING_INTERVALS}), so two Masters that
     * cannot recognise each other slow down instead of moving the IP at every re-check.
     */
    private void retake(TakeoverWork w, Holder h, boolean damped, long now, List<TakeoverAction> out) {
        String attempt = "";
        if (damped) {
            long cap = w.recheck() * TakeoverMachine.MAX_DAMPING_INTERVALS;
            if (w.retakes > 0 && now - w.retakeAt > 2 * cap) {
                w.retakes = 0; // quiet long enough: a new episode
            }
            long wait = w.retakes == 0 ? 0 : Math.min(cap, w.recheck() << Math.min(w.retakes, 20));
            if (now - w.retakeAt < wait && w.retakes > 0) {
                out.add(new Count(Stat.DAMPED));
                out.add(w.log(Level.WARNING, "floating IP found on " + h + " while Master: not taking it back before "
                        + TakeoverWork.seconds(w.retakeAt + wait - now) + " from now (taken back " + w.retakes
                        + " times in a row: damping)"));
                return;
            }
            w.retakes++;
            w.retakeAt = now;
            attempt = " (take-back " + w.retakes + " in a row; the next waits at least "
                    + TakeoverWork.seconds(Math.min(cap, w.recheck() << Math.min(w.retakes, 20))) + ")";
        }
        out.add(new Count(Stat.REACQUIRE));
        out.add(w.log(Level.WARNING, "floating IP found on " + h + " while Master: taking it back" + attempt));
        w.task = Task.TAKEOVER;
        w.seen = h;
        w.wrote = false;
        w.failures = 0;
        w.retryAt = NEVER;
        w.deadline = now + p.policy().deadline().toNanos();
    }

    void watchEnded(TakeoverWork w, Outcome o, long now, List<TakeoverAction> out) {
        w.recheckAt = now + w.watchInterval(now);
        if (o instanceof HolderRead r && (r.holder().kind() == Holder.Kind.NOBODY || r.holder().isSelf())) {
            out.add(w.log(Level.INFO, "floating IP is " + (r.holder().isSelf() ? "back on this node" : "free")
                    + " while no master is heard: reclaiming"));
            out.add(new TakeoverAction.Reclaim());
        } else if (o instanceof HolderRead r && now - w.deadline >= 0) {
            // A yielded node cannot tell a peer it cannot hear from a peer that is down: a peer killed after it took
            // the IP keeps it for good (simulation seeds 5455, 8220), and the yield, which ends only on an advert or
            // a free IP, kept the cluster without a Master for good. The yield lasts as long as the longest damping
            // of take-backs, so a split that lasts sees the IP move at most once per that time, and a dead holder
            // loses the IP after it.
            out.add(w.log(Level.WARNING, "floating IP still on " + r.holder() + " after "
                    + TakeoverWork.seconds(w.yieldLimit()) + " while no master is heard: the peer may be down; reclaiming"));
            out.add(new TakeoverAction.Reclaim());
            w.deadline = now + w.yieldLimit(); // should the reclaim not take: not before another limit
        }
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
    void standbyEnded(TakeoverWork w, Outcome o, long now, List<TakeoverAction> out) {
        long next = w.standbyInterval(now);
        w.recheckAt = next == NEVER ? NEVER : now + next;
        if (!(o instanceof HolderRead r) || !r.holder().isSelf() || p.dryRun()) {
            return;
        }
        // only while one of this node's own writes may still land: an IP put here by someone else is the Master's
        // business (two Backups that had stepped down to each other handed it back and forth, seed 1471540)
        if (w.handOverTo != null && w.role == VrrpState.BACKUP && w.followUntil != NEVER && now - w.followUntil < 0) {
            out.add(w.log(Level.WARNING, "floating IP found on this node after it stepped down to Master "
                    + w.handOverTo.getHostAddress() + ": handing it over again"));
            w.task = Task.HAND_OVER;
            w.seen = r.holder();
            w.failures = 0;
            w.retryAt = NEVER;
            w.deadline = now + p.policy().deadline().toNanos();
        } else if (p.releaseOnLeave() && (w.role == VrrpState.BACKUP || w.role == VrrpState.FAULT)) {
            out.add(w.log(Level.WARNING, "floating IP found on this node in " + w.role + ": releasing it again"));
            w.release(now);
        }
    }

    void handOverEnded(TakeoverWork w, Op op, Outcome o, long now, List<TakeoverAction> out) {
        String to = w.handOverTo.getHostAddress();
        switch (o) {
            case HolderRead r -> {
                if (r.holder().isSelf()) {
                    w.seen = r.holder(); // the hand-over goes at once
                } else {
                    w.standby(now); // not here: nothing to hand over
                }
            }
            case Done d -> {
                out.add(new Count(Stat.HANDOVER));
                out.add(w.log(Level.INFO, "stepped down to Master " + to + " while holding the floating IP: handed it"
                        + " over"));
                w.lastHolder = Holder.peer(to);
                w.standby(now);
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
                        out.add(w.log(Level.WARNING, "cannot hand the floating IP over to Master " + to + ": "
                                + f.message() + "; releasing it so that Master's re-check takes it"));
                        w.failures = 0;
                        w.retryAt = NEVER;
                        w.release(now);
                    } else {
                        out.add(w.log(Level.WARNING, "cannot hand the floating IP over to Master " + to + ": "
                                + f.message() + "; it stays on this node until that Master's re-check takes it"));
                        w.standby(now);
                    }
                });
            }
        }
    }

    void releaseEnded(TakeoverWork w, Outcome o, long now, List<TakeoverAction> out) {
        switch (o) {
            case Done d -> {
                out.add(new Count(Stat.RELEASE));
                w.lastHolder = null;
                out.add(w.log(Level.INFO, "released the floating IP on entering " + w.role));
                w.afterRelease(now);
            }
            case Failed f -> retryOrGiveUp(w, f, now, out, () -> {
                out.add(new Count(Stat.FAILURE));
                w.lastError = f.message();
                out.add(w.log(Level.WARNING, "release failed: " + f.message()));
                w.afterRelease(now);
            });
            case HolderRead r -> w.afterRelease(now);
        }
    }

    void clearEnded(TakeoverWork w, Outcome o, long now, List<TakeoverAction> out) {
        switch (o) {
            case Done d when d.changed() -> out.add(w.log(Level.INFO, "removed what an earlier run left behind"
                    + " (this node is Backup and must not answer for the IP)"));
            case Failed f when f.kind() != TakeoverEvent.Failure.CANCELLED -> {
                out.add(new Count(Stat.FAILURE));
                out.add(w.log(Level.WARNING, "cannot clear what an earlier run left: " + f.message()));
            }
            default -> { }
        }
        w.afterRelease(now); // STOP: nothing more to do
    }

    /**
     * A retryable failure waits a full-jitter backoff, {@code [0, min(max, initial * 2^(n-1))]}, and tries again
     * until the task's deadline; anything else, or the deadline, gives up.
     */
    private void retryOrGiveUp(TakeoverWork w, Failed f, long now, List<TakeoverAction> out, Runnable giveUp) {
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
        out.add(w.log(w.failures == 1 ? Level.WARNING : Level.DEBUG, "provider call failed, retrying in "
                + delay / 1_000_000 + " ms: " + f.message()));
    }
}
