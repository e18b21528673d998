/** The pure VRRP state machine of RFC 5798 §6: (state, event, now) in, new state and actions out. */
package io.floatd.vrrp.fsm;
