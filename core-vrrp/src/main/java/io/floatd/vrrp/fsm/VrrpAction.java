package io.floatd.vrrp.fsm;

/** What the driver must do after a step. The state machine itself does no I/O. */
public sealed interface VrrpAction {

    /** Send one advertisement with this priority to every peer. */
    record SendAdvert(int priority) implements VrrpAction {
    }

    /** The state changed: log it, run notify hooks, and acquire or release the IP. */
    record StateChanged(VrrpState from, VrrpState to, String reason) implements VrrpAction {
    }

    /**
     * This Master heard another Master that ranks below it and stays Master: the two could not hear each other
     * (a partition just healed), and the other may have moved the floating IP meanwhile. Tell the provider side.
     */
    record OtherMasterHeard(java.net.InetAddress source, int priority) implements VrrpAction {
    }
}
