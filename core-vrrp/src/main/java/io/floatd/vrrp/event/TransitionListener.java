package io.floatd.vrrp.event;

/**
 * Receives every state change. Called on the VRRP loop: implementations hand the work to their own threads
 * and return at once.
 */
@FunctionalInterface
public interface TransitionListener {
    void onTransition(Transition transition);

    /**
     * This node, Master, heard another Master that ranks below it (a partition between them just healed) and
     * stays Master. Most listeners do not care.
     */
    default void onOtherMasterHeard(String instance, java.net.InetAddress source, int priority) {
    }

    /**
     * The instance was handed over ({@code floatd handover}: {@code held}, it stays Backup) or resumed. A Master's
     * handover also makes a transition to BACKUP, published before this.
     */
    default void onHeldChanged(String instance, boolean held) {
    }

    /**
     * Tracking moved the instance's effective priority to {@code priority} while it stays in {@code state}
     * (keepalived's {@code notify_priority_changes}).
     */
    default void onPriorityChanged(String instance, io.floatd.vrrp.fsm.VrrpState state, int priority) {
    }
}
