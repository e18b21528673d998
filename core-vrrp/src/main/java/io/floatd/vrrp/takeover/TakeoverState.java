package io.floatd.vrrp.takeover;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.Holder;
import java.net.InetAddress;

/**
 * One instance's takeover variables between two steps (immutable). Times are nanos on the injected clock;
 * {@link #NEVER} for none.
 *
 * @param role the election's state, as last told
 * @param epoch counts transitions: a call started in an older epoch is stale, and its answer decides nothing
 * @param task what this epoch is doing with the IP
 * @param handOverTo the Master this node stepped down to, for this epoch ({@link Task#HAND_OVER}, then STANDBY)
 * @param inflight the provider call running now, or null: never more than one
 * @param nextOp the number the next call gets
 * @param seen the holder the current task read last, passed to the write that follows; null: read first. In
 *     {@link Task#HOLD}: the peer first seen holding the IP, to which this Master yields if it is still there at
 *     {@code deadline}
 * @param wrote the current task has sent its write at least once (a read that then finds the IP here confirms it)
 * @param failures failed attempts of the current task (its backoff grows over them)
 * @param retryAt when the current task tries again; in {@link Task#WATCH}, when the yield's fast reads end
 * @param deadline when the current write task gives up; in {@link Task#HOLD}, when a peer seen holding the IP is
 *     yielded to; in {@link Task#WATCH}, when a yield ends although the IP is still on the peer (it may be down)
 * @param recheckAt when the next holder read of {@link Task#HOLD}, {@link Task#WATCH} or {@link Task#STANDBY} is due
 * @param outranks the next re-check follows an advert of a lower Master: an IP on the peer is taken back, not yielded
 * @param holdConfirmed this mastership has seen the IP on this node (a read found it, or its write was answered)
 * @param yieldPending this machine told the election to yield; the MASTER → BACKUP that follows is that yield
 * @param settled no takeover of the current mastership is waiting to finish (the notify gate is open)
 * @param otherMasterCheckAt when a lower Master's advert last made this node read out of turn
 * @param lastHolder the holder as last read, or null
 * @param lastError the last failure's message, cleared by a takeover that succeeds
 * @param retakes how many times in a row this node took the IP back from a peer or a stranger (damping)
 * @param retakeAt when it last did
 * @param followUntil until when a node that is not Master keeps reading after one of its writes ended unanswered
 *     (cut short or timed out after it left MASTER): the API may still carry it out, and the IP land on this Backup
 * @param rng the state of the backoff's jitter (SplitMix64): the machine stays a function of its inputs
 */
public record TakeoverState(
        VrrpState role,
        long epoch,
        Task task,
        InetAddress handOverTo,
        Op inflight,
        long nextOp,
        Holder seen,
        boolean wrote,
        int failures,
        long retryAt,
        long deadline,
        long recheckAt,
        boolean outranks,
        boolean holdConfirmed,
        boolean yieldPending,
        boolean settled,
        long otherMasterCheckAt,
        Holder lastHolder,
        String lastError,
        int retakes,
        long retakeAt,
        long rng,
        long followUntil) {

    public static final long NEVER = Long.MIN_VALUE;

    /** What the current epoch does with the IP. */
    public enum Task {
        /** INIT or STOP with nothing to give up. */
        NONE,
        /** MASTER: read the holder, then write unless it is this node's; retried to the deadline. */
        TAKEOVER,
        /** MASTER, the takeover over: read the holder every re-check interval. */
        HOLD,
        /** Stepped down to a higher Master while holding the IP: read, then move it to that Master. */
        HAND_OVER,
        /** Left MASTER with {@code release}: give the IP up. */
        RELEASE,
        /** Started as Backup: remove what an earlier run left behind. */
        CLEAR,
        /** Yielded to a peer after a split: read every re-check interval; reclaim when the IP is free or back. */
        WATCH,
        /** BACKUP or FAULT: read every warm interval to keep the connection open (or nothing). */
        STANDBY
    }

    /** What a call does. */
    public enum OpKind {
        START_READ, READ, ACQUIRE, RELEASE, CLEAR, HAND_OVER;

        /** Whether the call changes where the IP is: such a call is cut short when its epoch ends. */
        boolean writes() {
            return this != START_READ && this != READ;
        }
    }

    /** A provider call in flight. */
    public record Op(long id, OpKind kind, long epoch) {
    }

    public static TakeoverState initial(long seed) {
        return new TakeoverState(VrrpState.INIT, 0, Task.NONE, null, null, 1, null, false, 0, NEVER, NEVER, NEVER, false,
                false, false, true, NEVER, null, null, 0, NEVER, seed, NEVER);
    }

    /**
     * When the driver must next step the machine with a {@link TakeoverEvent.Tick}, or {@link Long#MAX_VALUE}: only
     * while no call runs (the call's answer is the next event otherwise).
     */
    public long wakeAt() {
        if (inflight != null) {
            return Long.MAX_VALUE;
        }
        long at = switch (task) {
            case TAKEOVER, HAND_OVER, RELEASE -> retryAt;
            case HOLD, WATCH, STANDBY -> recheckAt;
            case NONE, CLEAR -> NEVER;
        };
        return at == NEVER ? Long.MAX_VALUE : at;
    }

    /** Nothing left to do that changes where the IP is (a stop may end the process now). */
    public boolean quiescent() {
        return inflight == null && task != Task.TAKEOVER && task != Task.HAND_OVER && task != Task.RELEASE
                && task != Task.CLEAR;
    }
}
