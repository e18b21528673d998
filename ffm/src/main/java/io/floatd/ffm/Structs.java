package io.floatd.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Socket structures (sockaddr_in/in6/ll/nl, msghdr, cmsghdr, ifreq, sock_fprog) and the socket helpers
 * built on them. Layouts are those of Linux LP64 ABIs (x86-64, aarch64).
 */
public final class Structs {
    private Structs() {
    }

    /** Network byte order views. */
    public static final ValueLayout.OfShort BE_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt BE_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    public static final long SOCKADDR_IN_SIZE = 16;
    public static final long SOCKADDR_IN6_SIZE = 28;
    public static final long SOCKADDR_LL_SIZE = 20;
    public static final long SOCKADDR_NL_SIZE = 12;
    public static final long IFREQ_SIZE = 40;
    public static final int IFNAMSIZ = 16;

    public static final StructLayout IOVEC = MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    public static final long MSG_NAMELEN = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_namelen"));
    public static final long MSG_IOV = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_iov"));
    public static final long MSG_IOVLEN = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_iovlen"));
    public static final long MSG_CONTROL = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_control"));
    public static final long MSG_CONTROLLEN = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_controllen"));
    public static final long MSG_FLAGS = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_flags"));

    /** struct cmsghdr: size_t cmsg_len; int cmsg_level; int cmsg_type; then data aligned to 8. */
    public static final long CMSG_HDR = 16;

    /** {@code CMSG_ALIGN}: a control message's length rounded up to 8 bytes. */
    public static long cmsgAlign(long len) {
        return (len + 7) & ~7L;
    }

    /**
     * Points a {@code struct msghdr} at its buffers again before a {@code recvmsg}: the kernel rewrites the lengths
     * and flags on every call, so a reused header must be reset each time.
     */
    public static void resetMsghdr(MemorySegment msg, MemorySegment name, MemorySegment iov, MemorySegment control) {
        msg.set(ADDRESS, 0, name);
        msg.set(JAVA_INT, MSG_NAMELEN, (int) name.byteSize());
        msg.set(ADDRESS, MSG_IOV, iov);
        msg.set(JAVA_LONG, MSG_IOVLEN, 1L);
        msg.set(ADDRESS, MSG_CONTROL, control);
        msg.set(JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
        msg.set(JAVA_INT, MSG_FLAGS, 0);
    }

    /** A {@code poll(2)} timeout in whole milliseconds, rounded up, for a deadline on {@link System#nanoTime()}. */
    public static int pollMillis(long deadlineNanos) {
        long remaining = deadlineNanos - System.nanoTime();
        return remaining <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000);
    }

    /** A {@code sockaddr_in} or {@code sockaddr_in6} (port 0) for the address; IPv6 uses {@code scopeId}. */
    public static MemorySegment sockaddr(Arena arena, InetAddress address, int scopeId) {
        if (address instanceof Inet4Address) {
            MemorySegment sa = arena.allocate(SOCKADDR_IN_SIZE, 4);
            sa.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
            MemorySegment.copy(address.getAddress(), 0, sa, JAVA_BYTE, 4, 4);
            return sa;
        }
        MemorySegment sa = arena.allocate(SOCKADDR_IN6_SIZE, 4);
        sa.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
        MemorySegment.copy(address.getAddress(), 0, sa, JAVA_BYTE, 8, 16);
        sa.set(JAVA_INT, 24, scopeId);
        return sa;
    }

    /** Whether an IPv6 address needs a scope id (link-local unicast, or link/interface-local multicast). */
    public static boolean needsScope(InetAddress address) {
        return address instanceof Inet6Address a
                && (a.isLinkLocalAddress() || a.isMCLinkLocal() || a.isMCNodeLocal());
    }

    /** The {@code sockaddr_ll} for sending to {@code mac} on {@code ifIndex} with the given EtherType. */
    public static MemorySegment sockaddrLl(Arena arena, int ifIndex, int etherType, byte[] mac) {
        MemorySegment sa = arena.allocate(SOCKADDR_LL_SIZE, 4);
        sa.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        sa.set(BE_SHORT, 2, (short) etherType);
        sa.set(JAVA_INT, 4, ifIndex);
        sa.set(JAVA_BYTE, 11, (byte) mac.length);
        MemorySegment.copy(mac, 0, sa, JAVA_BYTE, 12, mac.length);
        return sa;
    }

    /** A {@code struct ifreq} with only the name set. */
    public static MemorySegment ifreq(Arena arena, String interfaceName) throws NativeException {
        byte[] name = interfaceName.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length >= IFNAMSIZ) {
            throw new NativeException("interface name '" + interfaceName + "'", Libc.EINVAL);
        }
        MemorySegment ifr = arena.allocate(IFREQ_SIZE, 8);
        MemorySegment.copy(name, 0, ifr, JAVA_BYTE, 0, name.length);
        return ifr;
    }

    /** The index of an interface, asked on {@code fd} (so in the network namespace of that socket). */
    public static int ifIndex(int fd, String interfaceName) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(arena, interfaceName);
            Libc.ioctl(fd, Libc.SIOCGIFINDEX, ifr, "interface " + interfaceName);
            return ifr.get(JAVA_INT, IFNAMSIZ);
        }
    }

    /** The hardware (MAC) address of an interface, asked on {@code fd}. */
    public static byte[] hwAddress(int fd, String interfaceName) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(arena, interfaceName);
            Libc.ioctl(fd, Libc.SIOCGIFHWADDR, ifr, "interface " + interfaceName);
            byte[] mac = new byte[6];
            MemorySegment.copy(ifr, JAVA_BYTE, IFNAMSIZ + 2, mac, 0, 6);
            return mac;
        }
    }

    /** {@code SO_BINDTODEVICE}: the socket sends and receives on that interface only. */
    public static void bindToDevice(int fd, String interfaceName) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(interfaceName);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, name, "SO_BINDTODEVICE " + interfaceName);
        }
    }

    /**
     * Attaches a classic BPF program that drops every packet, for sockets that only send: a raw socket
     * would otherwise queue every matching packet until its receive buffer fills.
     */
    public static void dropAllReceived(int fd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insn = arena.allocate(8, 8); // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }
            insn.set(JAVA_SHORT, 0, (short) 0x06); // BPF_RET | BPF_K, k = 0: accept 0 bytes
            MemorySegment prog = arena.allocate(16, 8); // struct sock_fprog { u16 len; ...; struct sock_filter *filter; }
            prog.set(JAVA_SHORT, 0, (short) 1);
            prog.set(ADDRESS, 8, insn);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, prog, "SO_ATTACH_FILTER");
        }
    }

    /** The IPv4 address in the 4 bytes of {@code seg} at {@code offset}. */
    public static InetAddress inet4(MemorySegment seg, long offset) {
        byte[] b = new byte[4];
        MemorySegment.copy(seg, JAVA_BYTE, offset, b, 0, 4);
        return address(b);
    }

    /** The IPv6 address in the 16 bytes at {@code offset}, scoped when it is link-local and {@code scopeId > 0}. */
    public static InetAddress inet6(MemorySegment seg, long offset, int scopeId) {
        byte[] b = new byte[16];
        MemorySegment.copy(seg, JAVA_BYTE, offset, b, 0, 16);
        try {
            boolean scoped = (b[0] == (byte) 0xfe && (b[1] & 0xc0) == 0x80) || (b[0] == (byte) 0xff && (b[1] & 0x0f) <= 2);
            return scoped && scopeId > 0 ? Inet6Address.getByAddress(null, b, scopeId) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An address as operators write it: dotted quad, or RFC 5952 text for IPv6 ({@code fd00::1}, not {@code fd00:0:0:0:0:0:0:1}). */
    public static String text(InetAddress address) {
        if (!(address instanceof Inet6Address ip6)) {
            return address.getHostAddress();
        }
        return Rfc5952.format(ip6);
    }

    /** The address of 4 or 16 raw bytes (no name look-up). */
    public static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
