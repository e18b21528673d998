package io.floatd.provider.aws;

/**
 * What to send to EC2 to move an IPv6 address, given where the last read found it: a pure decision, no I/O (the
 * provider, {@link SecondaryIpv6Provider}, sends it). EC2 has no AllowReassignment for IPv6: an address on another
 * interface is taken off it ({@code UnassignIpv6Addresses}) before it is put on ours ({@code AssignIpv6Addresses}),
 * and in between it is on no interface at all (the window).
 *
 * <p>The failure orders, each decided here from a fresh read:
 * <ul>
 *   <li>the unassign went through, the assign did not: the next read finds the address on nobody, and the retry
 *       assigns only ({@link Step#ASSIGN}), with no unassign to repeat;</li>
 *   <li>the holder took it back between the two (the assign is refused as in use): {@link AfterRefusal#RETRY}, the
 *       next attempt starts from a new read;</li>
 *   <li>the assign is refused and the address is still on nobody: {@link AfterRefusal#FAIL}, the refusal is the
 *       answer (not in the subnet, or the interface cannot take more addresses);</li>
 *   <li>the assign is refused because it already is on the target (an earlier attempt's write answered late):
 *       {@link AfterRefusal#DONE}.</li>
 * </ul>
 */
final class Ipv6Move {
    private Ipv6Move() {
    }

    enum Step {
        /** Already where it should be: nothing is written. */
        NOTHING,
        /** On no interface: AssignIpv6Addresses to the target only. */
        ASSIGN,
        /** On our interface, to be given up: UnassignIpv6Addresses from it only. */
        UNASSIGN,
        /** On another interface: UnassignIpv6Addresses from it, then AssignIpv6Addresses to the target. */
        UNASSIGN_THEN_ASSIGN
    }

    /**
     * @param step what to send
     * @param from the interface to unassign from ({@link Step#UNASSIGN}, {@link Step#UNASSIGN_THEN_ASSIGN}), else null
     * @param to the interface to assign to ({@link Step#ASSIGN}, {@link Step#UNASSIGN_THEN_ASSIGN}), else null
     */
    record Plan(Step step, String from, String to) {
        static final Plan NOTHING = new Plan(Step.NOTHING, null, null);

        boolean writes() {
            return step != Step.NOTHING;
        }
    }

    /**
     * Bring the address to {@code target} (our interface on acquire, the peer's on a hand-over).
     *
     * @param holder the interface that has the address now, or null for none
     */
    static Plan moveTo(String holder, String target) {
        if (holder == null) {
            return new Plan(Step.ASSIGN, null, target);
        }
        if (holder.equals(target)) {
            return Plan.NOTHING;
        }
        return new Plan(Step.UNASSIGN_THEN_ASSIGN, holder, target);
    }

    /** Give the address up, but only from our own interface: another holder's hold is never removed. */
    static Plan release(String holder, String ours) {
        return ours.equals(holder) ? new Plan(Step.UNASSIGN, ours, null) : Plan.NOTHING;
    }

    /** What an AssignIpv6Addresses that EC2 refused means, after reading the holder again. */
    enum AfterRefusal {
        /** It is on the target after all. */
        DONE,
        /** Someone else has it now (re-taken in between): try again from a new read. */
        RETRY,
        /** Still on nobody: the refusal stands. */
        FAIL
    }

    /** @param holderNow the interface the read after the refusal found, or null */
    static AfterRefusal afterRefusedAssign(String holderNow, String target) {
        if (holderNow == null) {
            return AfterRefusal.FAIL;
        }
        return holderNow.equals(target) ? AfterRefusal.DONE : AfterRefusal.RETRY;
    }
}
