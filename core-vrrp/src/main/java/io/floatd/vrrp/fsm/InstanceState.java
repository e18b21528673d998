package io.floatd.vrrp.fsm;

import java.net.InetAddress;

/**
 * An instance's variables between two steps (immutable).
 *
 * @param state the protocol state
 * @param effectivePriority the priority in use (configured, moved by tracking weights)
 * @param masterAdverIntervalCentis v3: learned from the Master's adverts (RFC 5798 §6.1); v2: our own interval
 * @param deadline the one timer (nanos on the injected clock): Adver_Timer in MASTER, Master_Down_Timer in BACKUP;
 *     {@link #NO_DEADLINE} in INIT, FAULT and STOP
 * @param deadlineReason why the deadline is what it is, told in the transition it triggers
 * @param masterAddress the last Master heard (null when none)
 * @param masterPriority the priority of the last Master heard
 * @param lowerMasterSince when a lower-priority Master was first tolerated under preempt_delay, or {@link #NEVER}
 * @param startedAt when the instance started, for preempt_delay "after startup"
 * @param yielded this node gave the floating IP up to a peer it could not hear (split brain) and must not take
 *     mastership back on its own timer until it hears an advert again or the IP is free
 * @param maintenance an operator handed mastership over ({@code floatd handover}): stay Backup until resumed
 */
public record InstanceState(
        VrrpState state,
        int effectivePriority,
        int masterAdverIntervalCentis,
        long deadline,
        String deadlineReason,
        InetAddress masterAddress,
        int masterPriority,
        long lowerMasterSince,
        long startedAt,
        boolean yielded,
        boolean maintenance) {

    public static final long NO_DEADLINE = Long.MAX_VALUE;
    public static final long NEVER = Long.MIN_VALUE;

    public static InstanceState initial(VrrpParams params) {
        return new InstanceState(VrrpState.INIT, params.priority(), params.advertIntervalCentis(),
                NO_DEADLINE, "", null, 0, NEVER, NEVER, false, false);
    }

    public boolean hasDeadline() {
        return deadline != NO_DEADLINE;
    }

    InstanceState withState(VrrpState newState, long newDeadline, String reason) {
        return new InstanceState(newState, effectivePriority, masterAdverIntervalCentis, newDeadline, reason,
                masterAddress, masterPriority, lowerMasterSince, startedAt, yielded, maintenance);
    }

    InstanceState withDeadline(long newDeadline, String reason) {
        return withState(state, newDeadline, reason);
    }

    InstanceState withMaster(InetAddress address, int priority, int adverIntervalCentis) {
        return new InstanceState(state, effectivePriority, adverIntervalCentis, deadline, deadlineReason,
                address, priority, lowerMasterSince, startedAt, yielded, maintenance);
    }

    InstanceState withPriority(int priority) {
        return new InstanceState(state, priority, masterAdverIntervalCentis, deadline, deadlineReason,
                masterAddress, masterPriority, lowerMasterSince, startedAt, yielded, maintenance);
    }

    InstanceState withLowerMasterSince(long since) {
        return new InstanceState(state, effectivePriority, masterAdverIntervalCentis, deadline, deadlineReason,
                masterAddress, masterPriority, since, startedAt, yielded, maintenance);
    }

    InstanceState withYielded(boolean y) {
        return new InstanceState(state, effectivePriority, masterAdverIntervalCentis, deadline, deadlineReason,
                masterAddress, masterPriority, lowerMasterSince, startedAt, y, maintenance);
    }

    InstanceState withMaintenance(boolean m) {
        return new InstanceState(state, effectivePriority, masterAdverIntervalCentis, deadline, deadlineReason,
                masterAddress, masterPriority, lowerMasterSince, startedAt, yielded, m);
    }

    InstanceState withStartedAt(long at) {
        return new InstanceState(state, effectivePriority, masterAdverIntervalCentis, deadline, deadlineReason,
                masterAddress, masterPriority, lowerMasterSince, at, yielded, maintenance);
    }
}
