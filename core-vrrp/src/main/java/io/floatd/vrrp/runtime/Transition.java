package io.floatd.vrrp.runtime;

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
 */
public record Transition(String instance, VrrpState from, VrrpState to, String reason, int priority, long atNanos) {
}
