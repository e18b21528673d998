/**
 * The one door to a running daemon's state: a Unix socket ({@link io.floatd.vrrp.control.ControlSocket}, by default
 * {@code /run/floatd/control.sock}) whose peers the kernel names (SO_PEERCRED, {@link io.floatd.vrrp.control.PeerCredentials})
 * and {@link io.floatd.vrrp.control.ControlAccess} admits: root, or a group the administrator names. One request line,
 * one reply line ({@link io.floatd.vrrp.control.ControlProtocol}).
 */
package io.floatd.vrrp.control;
