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
    /**
     * vrrp_sync_group: another member of this instance's sync group became Master, so this Backup becomes Master
     * too (keepalived's vrrp_sync_master). Ignored outside BACKUP and while handed over.
     */
    record SyncMaster(String group) implements VrrpEvent {
    }

    /**
     * vrrp_sync_group: another member stepped down from MASTER to BACKUP, so this Master does too, without a
     * priority-0 advert (keepalived's vrrp_sync_backup leaves MASTER as on a higher-priority advert).
     */
    record SyncBackup(String group) implements VrrpEvent {
    }

    /**
     * vrrp_sync_group: this Backup's Master_Down_Timer ran out, but not every other member wants MASTER yet
     * (keepalived's vrrp_sync_can_goto_master): it stays Backup and waits one more Master_Down_Interval.
     */
    record SyncHold(String group) implements VrrpEvent {
    }
}
