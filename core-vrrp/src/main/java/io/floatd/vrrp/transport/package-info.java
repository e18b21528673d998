/**
 * Sending and receiving VRRP messages (IP protocol 112) on one interface: {@link io.floatd.vrrp.transport.VrrpTransport}
 * and its raw-socket implementation {@link io.floatd.vrrp.transport.RawIpTransport}, built on the FFM API; VRRPv2
 * behind an IPsec Authentication Header (protocol 51, keepalived's {@code auth_type AH}) in
 * {@link io.floatd.vrrp.transport.AhTransport}.
 */
package io.floatd.vrrp.transport;
