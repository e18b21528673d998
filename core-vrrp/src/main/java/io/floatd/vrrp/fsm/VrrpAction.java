package io.floatd.vrrp.fsm;

/** What the driver must do after a step. The state machine itself does no I/O. */
public sealed interface VrrpAction {

    /** Send one advertisement with this priority to every peer. */
    record SendAdvert(int priority) implements VrrpAction {
    }

    /** The state changed: log it, run notify hooks, and acquire or release the IP. */
    record StateChanged(VrrpState from, VrrpState to, String reason) implements VrrpAction {
    }
}
