package io.floatd.vrrp.fsm;

/** What the driver must do after a step. The state machine itself does no I/O. */
public sealed interface VrrpAction {

    /** Send one advertisement with this priority to every peer. */
    record SendAdvert(int priority) implements VrrpAction {
    }

    /** The state changed: log it, run notify hooks, and acquire or release the IP. */
    record StateChanged(VrrpState from, VrrpState to, String reason) implements VrrpAction {
        /**
         * The Master this change steps down to, or null: a Master that went Backup and now names another node as
         * Master (neither a yield nor an operator's handover) stepped down to that node's advert.
         *
         * @param after the instance's state once the change is made
         * @param self this node's own address
         */
        public java.net.InetAddress steppedDownTo(InstanceState after, java.net.InetAddress self) {
            if (from == VrrpState.MASTER && to == VrrpState.BACKUP && !after.yielded() && !after.maintenance()
                    && after.masterAddress() != null && !after.masterAddress().equals(self)) {
                return after.masterAddress();
            }
            return null;
        }
    }

    /**
     * This Master heard another Master that ranks below it and stays Master: the two could not hear each other
     * (a partition just healed), and the other may have moved the floating IP meanwhile. Tell the provider side.
     */
    record OtherMasterHeard(java.net.InetAddress source, int priority) implements VrrpAction {
    }
}
