/**
 * What an instance reports to the rest of floatd: its state changes ({@code Transition}) and the listener interface
 * the takeovers, notify scripts, state files and observers implement ({@code TransitionListener}). The driver
 * ({@code runtime}) publishes; no listener depends on the driver.
 */
package io.floatd.vrrp.event;
