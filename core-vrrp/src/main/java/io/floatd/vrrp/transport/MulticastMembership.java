package io.floatd.vrrp.transport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The socket options of multicast VRRP on one interface: which interface multicast leaves by
 * ({@code IP_MULTICAST_IF} / {@code IPV6_MULTICAST_IF}) and group membership ({@code IP_ADD_MEMBERSHIP} /
 * {@code IPV6_JOIN_GROUP}, which also makes the kernel answer IGMP / MLD queries for the group on that link).
 */
final class MulticastMembership {
    private MulticastMembership() {
    }

    /** Sends multicast out of {@code ifIndex} whatever the routing table says (RFC 5798 §5.1.1.2: the adverts are link-local). */
    static void outgoingInterface(int fd, boolean ipv6, int ifIndex) throws NativeException {
        if (ipv6) {
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_IF, ifIndex, "IPV6_MULTICAST_IF");
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mreqn = arena.allocate(12, 4); // struct ip_mreqn { multiaddr, address, ifindex }: by index only
            mreqn.set(JAVA_INT, 8, ifIndex);
            Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_IF, mreqn, "IP_MULTICAST_IF");
        }
    }

    /** Joins {@code group} on {@code ifIndex}; the receive socket then gets the group's packets from that link. */
    static void join(int fd, InetAddress group, int ifIndex) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            if (group instanceof Inet4Address) {
                MemorySegment mreqn = arena.allocate(12, 4); // struct ip_mreqn
                MemorySegment.copy(group.getAddress(), 0, mreqn, JAVA_BYTE, 0, 4);
                mreqn.set(JAVA_INT, 8, ifIndex);
                Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_ADD_MEMBERSHIP, mreqn, "join " + Structs.text(group));
            } else {
                MemorySegment mreq = arena.allocate(20, 4); // struct ipv6_mreq
                MemorySegment.copy(group.getAddress(), 0, mreq, JAVA_BYTE, 0, 16);
                mreq.set(JAVA_INT, 16, ifIndex);
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_JOIN_GROUP, mreq, "join " + Structs.text(group));
            }
        }
    }
}
