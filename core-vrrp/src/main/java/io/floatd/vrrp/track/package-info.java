/**
 * Tracking: {@code vrrp_script} checks, {@code track_interface} links and {@code track_file} values, folded per
 * instance into FAULT and an effective priority that reach the VRRP loop as events, the moment they change.
 */
package io.floatd.vrrp.track;
