/**
 * Tracking: {@code vrrp_script} checks, {@code track_interface} links, {@code track_file} values and
 * {@code vrrp_track_process} quorums, folded per instance into FAULT and an effective priority that reach the VRRP
 * loop as events, the moment they change.
 */
package io.floatd.vrrp.track;
