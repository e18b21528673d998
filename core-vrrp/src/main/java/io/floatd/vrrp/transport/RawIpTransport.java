package io.floatd.vrrp.transport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.ReceiveBuffers;
import io.floatd.ffm.Structs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * VRRP over raw IP sockets (protocol 112), IPv4 or IPv6 by the family of the source address.
 *
 * <p>Two sockets, as keepalived does: the <em>send</em> socket is bound to the source address (so the kernel
 * uses it as the packets' source) and drops everything it would receive; the <em>receive</em> socket is bound only
 * to the interface, because a raw socket bound to an address only gets packets addressed to exactly that address,
 * which would hide the VRRP multicast group. The receive socket joins the group ({@code 224.0.0.18} or
 * {@code ff02::12}) on the interface. Both are bound to the interface with {@code SO_BINDTODEVICE}; TTL / hop limit
 * is 255 for unicast and multicast, and multicast loopback is off.
 *
 * <p>A closing thread wakes receivers through an eventfd polled along with the receive socket; descriptors are
 * closed only once no call is using them.
 */
public final class RawIpTransport extends SocketTransport {
    /** RFC 5798 §5.1.1.2 / §5.1.2.2. */
    public static final InetAddress VRRP_GROUP_V4 = Structs.address(new byte[] {(byte) 224, 0, 0, 18});
    public static final InetAddress VRRP_GROUP_V6 =
            Structs.address(new byte[] {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});

    private final InetAddress source;
    private final boolean ipv6;
    private final DatagramSocketCore socket;

    private RawIpTransport(InetAddress source, DatagramSocketCore socket) {
        this.source = source;
        this.ipv6 = source instanceof Inet6Address;
        this.socket = socket;
    }

    /**
     * Opens the sockets in the calling thread's network namespace.
     *
     * @param source this node's address on the interface, used as the source of every message
     * @param interfaceName the interface to send and receive on
     * @throws IOException with the failing step and {@code strerror} text, e.g.
     *     {@code "vrrp eth0: bind 10.0.0.1: Cannot assign requested address"}
     */
    public static RawIpTransport open(InetAddress source, String interfaceName) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(interfaceName, "interfaceName");
        boolean v4 = source instanceof Inet4Address;
        int family = v4 ? Libc.AF_INET : Libc.AF_INET6;
        var send = new DatagramSocketCore.Spec(family, Libc.SOCK_RAW, Libc.IPPROTO_VRRP, (fd, ifIndex) -> {
            try (Arena arena = Arena.ofConfined()) {
                int scope = Structs.needsScope(source) ? ifIndex : 0;
                Libc.bind(fd, Structs.sockaddr(arena, source, scope), "bind " + Structs.text(source));
            }
            if (v4) {
                Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_TTL, 255, "IP_TTL");
                Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
                Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
            } else {
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            }
            MulticastMembership.outgoingInterface(fd, !v4, ifIndex);
        });
        var receive = new DatagramSocketCore.Spec(family, Libc.SOCK_RAW, Libc.IPPROTO_VRRP, (fd, ifIndex) -> {
            if (v4) {
                Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "IP_PKTINFO");
            } else {
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
            }
        });
        return new RawIpTransport(source, DatagramSocketCore.open(interfaceName, "", 0, send, receive,
                v4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6, null));
    }

    public InetAddress source() {
        return source;
    }

    public String interfaceName() {
        return socket.interfaceName();
    }

    public int ifIndex() {
        return socket.ifIndex();
    }

    /**
     * Joins another VRRP group on the interface ({@code mcast_dst_ip}, {@code vrrp_mcast_group4/6}); a group
     * already joined is not joined again.
     */
    @Override
    public void joinGroup(InetAddress group) throws IOException {
        Objects.requireNonNull(group, "group");
        if ((group instanceof Inet6Address) != ipv6 || !group.isMulticastAddress()) {
            throw new IllegalArgumentException(Structs.text(group) + " is not a multicast group of the family of "
                    + Structs.text(source));
        }
        socket.joinGroup(group);
    }

    @Override
    public void send(InetAddress destination, byte[] vrrpMessage) throws IOException {
        DatagramSocketCore.requireFamilyOf(source, destination, vrrpMessage);
        socket.send(destination, vrrpMessage);
    }

    @Override
    DatagramSocketCore socket() {
        return socket;
    }

    @Override
    ReceivedDatagram parse(ReceiveBuffers rx, int n) {
        return ipv6 ? parse6(rx, n) : parse4(rx, n);
    }

    /** An IPv4 raw socket hands over the IP header: TTL and addresses come from it, the interface from IP_PKTINFO. */
    private ReceivedDatagram parse4(ReceiveBuffers rx, int n) {
        if (n < 20 || rx.truncated()) {
            return null;
        }
        int vihl = rx.buf.get(JAVA_BYTE, 0) & 0xff;
        int headerLength = (vihl & 0x0f) * 4;
        if (vihl >> 4 != 4 || headerLength < 20 || headerLength > n) {
            return null;
        }
        int ttl = rx.buf.get(JAVA_BYTE, 8) & 0xff;
        InetAddress src = Structs.inet4(rx.buf, 12);
        InetAddress dst = Structs.inet4(rx.buf, 16);
        int index = rx.cmsgInt(Libc.IPPROTO_IP, Libc.IP_PKTINFO, 12, 0, socket.ifIndex());
        return new ReceivedDatagram(src, dst, ttl, index, rx.bytes(headerLength, n - headerLength));
    }

    /** An IPv6 raw socket gives the payload only: the destination and interface from IPV6_PKTINFO, the hop limit too. */
    private ReceivedDatagram parse6(ReceiveBuffers rx, int n) {
        if (rx.truncated() || rx.nameLength() < 24) {
            return null;
        }
        InetAddress src = rx.sender(true);
        long pktinfo = rx.cmsgData(Libc.IPPROTO_IPV6, Libc.IPV6_PKTINFO, 20);
        int hopLimit = rx.cmsgInt(Libc.IPPROTO_IPV6, Libc.IPV6_HOPLIMIT, 4, 0, -1);
        if (pktinfo < 0 || hopLimit < 0) {
            return null; // the kernel always gives both once asked; without them the TTL check cannot be made
        }
        int index = rx.control.get(JAVA_INT, pktinfo + 16);
        InetAddress dst = Structs.inet6(rx.control, pktinfo, index);
        return new ReceivedDatagram(src, dst, hopLimit, index, rx.bytes(0, n));
    }

    @Override
    public String toString() {
        return "RawIpTransport[" + Structs.text(source) + " on " + socket.interfaceName() + "]";
    }
}
