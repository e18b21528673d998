package io.floatd.vrrp.takeover;

import static io.floatd.vrrp.takeover.TakeoverState.NEVER;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverAction.Log;
import io.floatd.vrrp.takeover.TakeoverAction.Mark;
import io.floatd.vrrp.takeover.TakeoverState.Op;
import io.floatd.vrrp.takeover.TakeoverState.OpKind;
import io.floatd.vrrp.takeover.TakeoverState.Task;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.List;

/**
 * The state of a {@link TakeoverMachine} while one step works on it, with the moves its rules share (start a call,
 * enter HOLD, STANDBY or RELEASE, settle) and the intervals they wait; frozen into a {@link TakeoverState} at the end
 * of the step. Pure, like the machine.
 */
final class TakeoverWork {
    private final TakeoverParams p;
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

    TakeoverWork(TakeoverState s, TakeoverParams p) {
        this.p = p;
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

    /** The state at the end of the step. */
    TakeoverState freeze() {
        return new TakeoverState(role, epoch, task, handOverTo, inflight, nextOp, seen, wrote, failures, retryAt,
                deadline, recheckAt, outranks, holdConfirmed, yieldPending, settled, otherMasterCheckAt,
                lastHolder, lastError, retakes, retakeAt, rng, followUntil);
    }

    /** Starts a call: the one in flight, of this epoch. */
    void call(OpKind kind, List<TakeoverAction> out) {
        long id = nextOp++;
        inflight = new Op(id, kind, epoch);
        out.add(switch (kind) {
            case START_READ, READ -> new TakeoverAction.ReadHolder(id);
            case ACQUIRE -> {
                wrote = true;
                yield new TakeoverAction.Acquire(id, p.acquireChecksHolder() ? null : seen);
            }
            case RELEASE -> new TakeoverAction.Release(id);
            case CLEAR -> new TakeoverAction.ClearStale(id);
            case HAND_OVER -> new TakeoverAction.HandOver(id, handOverTo);
        });
    }

    void hold(long now) {
        task = Task.HOLD;
        seen = null;
        failures = 0;
        retryAt = NEVER;
        recheckAt = now + recheck();
    }

    void standby(long now) {
        task = Task.STANDBY;
        seen = null;
        failures = 0;
        retryAt = NEVER;
        long next = standbyInterval(now);
        recheckAt = next == NEVER ? NEVER : now + next;
    }

    /**
     * How long until a node that is not Master reads again: the warm interval (none when it is off or the provider
     * reads locally), and while one of its writes may still land ({@code followUntil}) at least every hand-over grace.
     */
    long standbyInterval(long now) {
        boolean warmReads = !p.policy().warmInterval().isZero() && !p.acquireChecksHolder();
        if (followUntil != NEVER && now - followUntil < 0 && !p.acquireChecksHolder()) {
            long follow = Math.max(p.policy().handOverGrace().toNanos(), 500_000_000L);
            return warmReads ? Math.min(follow, warm()) : follow;
        }
        return warmReads ? warm() : NEVER;
    }

    void release(long now) {
        task = Task.RELEASE;
        deadline = now + p.policy().deadline().toNanos();
    }

    void afterRelease(long now) {
        if (role == VrrpState.STOP || role == VrrpState.INIT) {
            task = Task.NONE;
        } else {
            standby(now);
        }
    }

    void settle(List<TakeoverAction> out) {
        if (!settled) {
            settled = true;
            out.add(new TakeoverAction.Settled());
        }
    }

    void mark(String what, Object detail, List<TakeoverAction> out) {
        if (!settled) {
            out.add(new Mark(what, detail));
        }
    }

    Log log(Level level, String message) {
        return new Log(level, "VRRP_Instance(" + p.instance() + ") " + message);
    }

    long recheck() {
        return p.policy().recheckInterval().toNanos();
    }

    private long warm() {
        return p.policy().warmInterval().toNanos();
    }

    static String seconds(long nanos) {
        return java.math.BigDecimal.valueOf(nanos / 1_000_000, 3).stripTrailingZeros().toPlainString() + " s";
    }

    /**
     * How often a yielded node reads: every half hand-over grace (one advert interval) for a deadline after the yield,
     * so that an IP handed back is reclaimed well inside the peer's Master_Down_Interval; then every re-check.
     */
    long watchInterval(long now) {
        long grace = p.policy().handOverGrace().toNanos();
        if (grace <= 0 || now - retryAt >= 0) {
            return recheck();
        }
        return Math.min(recheck(), Math.max(grace / 2, 50_000_000L));
    }

    /** How long a yield lasts at most: the longest damping of take-backs. */
    long yieldLimit() {
        return recheck() * TakeoverMachine.MAX_DAMPING_INTERVALS;
    }
}
