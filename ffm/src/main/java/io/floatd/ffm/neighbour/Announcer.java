package io.floatd.ffm.neighbour;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;

/**
 * The sockets and frames behind {@link Announcements}: gratuitous ARP for IPv4 (AF_PACKET, ETH_P_ARP) and unsolicited
 * Neighbour Advertisements for IPv6 (raw ICMPv6 socket; the kernel fills the checksum). Both sockets only send; they
 * also answer interface questions (index, MAC) in the network namespace they were opened in. Not thread-safe; closed once.
 */
final class Announcer implements AutoCloseable {
    static final int ETH_P_ARP = 0x0806;
    private static final int ETH_P_IP = 0x0800;
    private static final int ARPHRD_ETHER = 1;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private static final InetAddress ALL_NODES =
            Structs.address(new byte[] {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    private final int packetFd;
    private final int icmp6Fd;

    private Announcer(int packetFd, int icmp6Fd) {
        this.packetFd = packetFd;
        this.icmp6Fd = icmp6Fd;
    }

    /** Opens the packet socket and, with {@code ipv6}, the ICMPv6 one, in the calling thread's namespace. */
    static Announcer open(boolean ipv6) throws NativeException {
        // protocol 0: the socket receives nothing; the EtherType is given per frame in sockaddr_ll
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try {
            return new Announcer(fd, ipv6 ? openIcmp6() : -1);
        } catch (NativeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
    }

    int ifIndex(String device) throws NativeException {
        return Structs.ifIndex(packetFd, device);
    }

    /** The interface's MAC, or null when it is not an Ethernet-like interface (nothing to announce there). */
    byte[] ethernetAddress(String device) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Structs.ifreq(arena, device);
            Libc.ioctl(packetFd, Libc.SIOCGIFHWADDR, ifr, "interface " + device);
            if ((ifr.get(JAVA_SHORT, Structs.IFNAMSIZ) & 0xffff) != ARPHRD_ETHER) {
                return null;
            }
            return ifr.asSlice(Structs.IFNAMSIZ + 2, 6).toArray(JAVA_BYTE);
        }
    }

    /** One gratuitous ARP request, broadcast: sender = target = {@code vip}, sender MAC = {@code mac}. */
    void gratuitousArp(int ifIndex, byte[] mac, InetAddress vip) throws NativeException {
        byte[] ip = vip.getAddress();
        byte[] arp = new byte[28];
        arp[1] = 1; // htype Ethernet
        arp[2] = (byte) (ETH_P_IP >> 8);
        arp[3] = (byte) ETH_P_IP;
        arp[4] = 6;
        arp[5] = 4;
        arp[7] = 1; // ARPOP_REQUEST
        System.arraycopy(mac, 0, arp, 8, 6);
        System.arraycopy(ip, 0, arp, 14, 4);
        System.arraycopy(BROADCAST, 0, arp, 18, 6); // target MAC: as arping -U and keepalived send it
        System.arraycopy(ip, 0, arp, 24, 4);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment to = Structs.sockaddrLl(arena, ifIndex, ETH_P_ARP, BROADCAST);
            Libc.sendto(packetFd, arena.allocateFrom(JAVA_BYTE, arp), arp.length, 0, to, "send");
        }
    }

    /** One unsolicited Neighbour Advertisement to ff02::1 (hop limit 255, Override set, target link-layer option). */
    void unsolicitedNa(int ifIndex, byte[] mac, InetAddress vip) throws NativeException {
        if (icmp6Fd < 0) {
            throw new IllegalStateException("opened without IPv6: cannot announce " + Structs.text(vip));
        }
        byte[] na = new byte[32];
        na[0] = (byte) 136; // type: Neighbour Advertisement; code 0; checksum left to the kernel
        na[4] = 0x20; // flags: Override (not Router, not Solicited)
        System.arraycopy(vip.getAddress(), 0, na, 8, 16);
        na[24] = 2; // option: target link-layer address
        na[25] = 1; // length in units of 8 octets
        System.arraycopy(mac, 0, na, 26, 6);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment to = Structs.sockaddr(arena, ALL_NODES, ifIndex);
            Libc.sendto(icmp6Fd, arena.allocateFrom(JAVA_BYTE, na), na.length, 0, to, "send");
        }
    }

    private static int openIcmp6() throws NativeException {
        int fd = Libc.socket(Libc.AF_INET6, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_ICMPV6);
        try {
            Structs.dropAllReceived(fd);
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            return fd;
        } catch (NativeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
    }

    @Override
    public void close() {
        Libc.closeQuietly(packetFd);
        Libc.closeQuietly(icmp6Fd);
    }
}
