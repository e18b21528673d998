/**
 * Sending and receiving VRRP messages (IP protocol 112) on one interface: {@link io.floatd.vrrp.transport.VrrpTransport}
 * and its raw-socket implementation {@link io.floatd.vrrp.transport.RawIpTransport}, built on the FFM API.
 */
package io.floatd.vrrp.transport;
