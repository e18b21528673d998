package io.floatd.vrrp.fsm;

import java.net.InetAddress;

/** What can happen to an instance. Adverts arrive here only after the receive checks passed. */
public sealed interface VrrpEvent {

    /** The instance starts (RFC 5798 §6.4.1). */
    record Startup() implements VrrpEvent {
    }

    /** The instance stops gracefully: a Master sends priority 0 first. */
    record Shutdown() implements VrrpEvent {
    }

    /** The instance's single deadline passed: the Adver_Timer in MASTER, the Master_Down_Timer in BACKUP. */
    record DeadlineReached() implements VrrpEvent {
    }

    /** A valid advertisement from a configured peer. */
    record AdvertReceived(InetAddress source, int priority, int advertIntervalCentis) implements VrrpEvent {
    }

    /** Tracking moved the effective priority (weights). */
    record PriorityChanged(int effectivePriority) implements VrrpEvent {
    }

    /** Tracking says this node must not serve (a failed check without weight, a link down). */
    record FaultRaised(String reason) implements VrrpEvent {
    }

    /** Every tracked item is healthy again. */
    record FaultCleared() implements VrrpEvent {
    }

    /**
     * The provider says the floating IP this Master held is now on a configured peer: the two became Master
     * while they could not hear each other, and the peer moved it last. This node yields.
     */
    record HolderMovedToPeer(String holder) implements VrrpEvent {
    }

    /** While yielded, the provider found the floating IP held by nobody. */
    record HolderFree() implements VrrpEvent {
    }

    /** Planned maintenance: a Master resigns with priority 0; the node stays Backup until {@link Resume}. */
    record Handover() implements VrrpEvent {
    }

    /** Ends a {@link Handover}: the node takes part in the election again. */
    record Resume() implements VrrpEvent {
    }
}
