package io.floatd.vrrp.event;

import io.floatd.vrrp.fsm.VrrpState;

/**
 * A state change of one instance, as published to notify hooks, providers and metrics.
 *
 * @param instance the vrrp_instance name
 * @param from the state left
 * @param to the state entered
 * @param reason why, in words an operator understands
 * @param priority the effective priority at the time
 * @param atNanos when, on the daemon's monotonic clock
 * @param master when a Master stepped down to a higher-priority Master's advert: that Master's address; else null
 */
public record Transition(String instance, VrrpState from, VrrpState to, String reason, int priority, long atNanos,
        java.net.InetAddress master) {
    /** A transition that steps down to no one in particular. */
    public Transition(String instance, VrrpState from, VrrpState to, String reason, int priority, long atNanos) {
        this(instance, from, to, reason, priority, atNanos, null);
    }
}
