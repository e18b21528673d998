/**
 * Sending and receiving VRRP messages on one interface, behind {@link io.floatd.vrrp.transport.VrrpTransport}: over
 * raw IP protocol 112 ({@link io.floatd.vrrp.transport.RawIpTransport}, multicast or unicast, IPv4 and IPv6), inside
 * UDP datagrams between unicast peers with an optional HMAC-SHA256 and counter
 * ({@link io.floatd.vrrp.transport.UdpTransport}, {@link io.floatd.vrrp.transport.AdvertAuth}), and VRRPv2 behind an
 * IPsec Authentication Header (protocol 51, keepalived's {@code auth_type AH}; {@link io.floatd.vrrp.transport.AhTransport}).
 * All three are thin: one FFM datagram-socket core ({@code DatagramSocketCore}) opens, binds, polls with an eventfd
 * wake-up, receives with ancillary data, sends and closes for each (receiving and closing through their one base,
 * {@code SocketTransport}), and each says only its socket options and how a
 * datagram is read. The UDP and AH transports' own checks (HMAC, counter, ICV, sequence number) are the first rungs
 * of the receive ladder: a failure is counted and logged through {@link io.floatd.vrrp.codec.DropLog} as the codec's
 * and the receiver's checks are. Beside UDP and AH transports, {@code ProtocolMismatchWatch} and
 * {@code AhMismatchWatch} listen on protocol 112 for a peer configured for the other transport;
 * {@link io.floatd.vrrp.transport.MemoryWire} connects daemons in one process for tests and the demo.
 */
package io.floatd.vrrp.transport;
