package io.floatd.vrrp.transport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.vrrp.transport.internal.Libc;
import io.floatd.vrrp.transport.internal.NativeException;
import io.floatd.vrrp.transport.internal.ReceiveBuffers;
import io.floatd.vrrp.transport.internal.SendBuffers;
import io.floatd.vrrp.transport.internal.Structs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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
public final class RawIpTransport implements VrrpTransport {
    /** RFC 5798 §5.1.1.2 / §5.1.2.2. */
    public static final InetAddress VRRP_GROUP_V4 = Structs.address(new byte[] {(byte) 224, 0, 0, 18});
    public static final InetAddress VRRP_GROUP_V6 =
            Structs.address(new byte[] {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});

    private static final int RECEIVE_BUFFER = 65536;
    private static final int CONTROL_BUFFER = 256;

    private final InetAddress source;
    private final String interfaceName;
    private final int ifIndex;
    private final boolean ipv6;
    private final int sendFd;
    private final int receiveFd;
    private final int wakeFd;

    private final ReentrantReadWriteLock useLock = new ReentrantReadWriteLock();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReceiveBuffers rx;
    private final SendBuffers tx;
    private final String recvWhat;
    private volatile boolean closed;
    /** The groups the receive socket has joined: the RFC's one at open, others by {@link #joinGroup}. */
    private final java.util.Set<InetAddress> groups = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private RawIpTransport(InetAddress source, String interfaceName, int ifIndex, int sendFd, int receiveFd, int wakeFd) {
        this.source = source;
        this.interfaceName = interfaceName;
        this.ifIndex = ifIndex;
        this.ipv6 = source instanceof Inet6Address;
        this.sendFd = sendFd;
        this.receiveFd = receiveFd;
        this.wakeFd = wakeFd;
        this.rx = new ReceiveBuffers(receiveFd, wakeFd, RECEIVE_BUFFER, CONTROL_BUFFER);
        this.tx = new SendBuffers((arena, to) -> new SendBuffers.Destination(
                Structs.sockaddr(arena, to, Structs.needsScope(to) ? ifIndex : 0),
                "vrrp " + interfaceName + ": send to " + Structs.text(to)));
        this.recvWhat = "vrrp " + interfaceName + ": recvmsg";
        groups.add(ipv6 ? VRRP_GROUP_V6 : VRRP_GROUP_V4);
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
        int family = source instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6;
        int sendFd = -1;
        int receiveFd = -1;
        int wakeFd = -1;
        try {
            sendFd = Libc.socket(family, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_VRRP);
            int ifIndex = Structs.ifIndex(sendFd, interfaceName);
            Structs.dropAllReceived(sendFd);
            Structs.bindToDevice(sendFd, interfaceName);
            try (Arena arena = Arena.ofConfined()) {
                int scope = Structs.needsScope(source) ? ifIndex : 0;
                Libc.bind(sendFd, Structs.sockaddr(arena, source, scope), "bind " + Structs.text(source));
            }
            if (family == Libc.AF_INET) {
                Libc.setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_TTL, 255, "IP_TTL");
                Libc.setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
                Libc.setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
                MulticastMembership.outgoingInterface(sendFd, false, ifIndex);
            } else {
                Libc.setsockopt(sendFd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
                Libc.setsockopt(sendFd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
                Libc.setsockopt(sendFd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
                Libc.setsockopt(sendFd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_IF, ifIndex, "IPV6_MULTICAST_IF");
            }

            receiveFd = Libc.socket(family, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_VRRP);
            Structs.bindToDevice(receiveFd, interfaceName);
            try (Arena arena = Arena.ofConfined()) {
                if (family == Libc.AF_INET) {
                    Libc.setsockopt(receiveFd, Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "IP_PKTINFO");
                    MemorySegment mreqn = arena.allocate(12, 4); // struct ip_mreqn
                    MemorySegment.copy(VRRP_GROUP_V4.getAddress(), 0, mreqn, JAVA_BYTE, 0, 4);
                    mreqn.set(JAVA_INT, 8, ifIndex);
                    Libc.setsockopt(receiveFd, Libc.IPPROTO_IP, Libc.IP_ADD_MEMBERSHIP, mreqn, "join 224.0.0.18");
                } else {
                    Libc.setsockopt(receiveFd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
                    Libc.setsockopt(receiveFd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
                    MemorySegment mreq = arena.allocate(20, 4); // struct ipv6_mreq
                    MemorySegment.copy(VRRP_GROUP_V6.getAddress(), 0, mreq, JAVA_BYTE, 0, 16);
                    mreq.set(JAVA_INT, 16, ifIndex);
                    Libc.setsockopt(receiveFd, Libc.IPPROTO_IPV6, Libc.IPV6_JOIN_GROUP, mreq, "join ff02::12");
                }
            }
            wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            return new RawIpTransport(source, interfaceName, ifIndex, sendFd, receiveFd, wakeFd);
        } catch (NativeException e) {
            Libc.closeQuietly(sendFd);
            Libc.closeQuietly(receiveFd);
            Libc.closeQuietly(wakeFd);
            throw new IOException("vrrp " + interfaceName + ": " + e.getMessage(), e);
        }
    }

    public InetAddress source() {
        return source;
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int ifIndex() {
        return ifIndex;
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
        useLock.readLock().lock();
        try {
            ensureOpen();
            synchronized (groups) {
                if (groups.contains(group)) {
                    return;
                }
                MulticastMembership.join(receiveFd, group, ifIndex);
                groups.add(group);
            }
        } catch (NativeException e) {
            throw new IOException("vrrp " + interfaceName + ": " + e.getMessage(), e);
        } finally {
            useLock.readLock().unlock();
        }
    }

    @Override
    public void send(InetAddress destination, byte[] vrrpMessage) throws IOException {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(vrrpMessage, "vrrpMessage");
        if ((destination instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException("destination " + Structs.text(destination) + " is not of the family of "
                    + Structs.text(source));
        }
        useLock.readLock().lock();
        try {
            ensureOpen();
            SendBuffers.Destination to = tx.destination(destination);
            sendLock.lock();
            try {
                Libc.sendto(sendFd, tx.copy(vrrpMessage), vrrpMessage.length, Libc.MSG_DONTWAIT, to.sockaddr(), to.what());
            } finally {
                sendLock.unlock();
            }
        } finally {
            useLock.readLock().unlock();
        }
    }

    @Override
    public ReceivedDatagram receive(Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        useLock.readLock().lock();
        try {
            receiveLock.lock();
            try {
                return receiveUntil(deadline);
            } finally {
                receiveLock.unlock();
            }
        } finally {
            useLock.readLock().unlock();
        }
    }

    private ReceivedDatagram receiveUntil(long deadline) throws IOException {
        ensureOpen();
        MemorySegment fds = rx.fds;
        MemorySegment buf = rx.buf;
        MemorySegment name = rx.name;
        MemorySegment control = rx.control;
        MemorySegment iov = rx.iov;
        MemorySegment msg = rx.msg;
        while (true) {
            int waitMillis = Structs.pollMillis(deadline);
            fds.set(JAVA_SHORT, 6, (short) 0);
            fds.set(JAVA_SHORT, 14, (short) 0);
            int ready = Libc.poll(fds, 2, waitMillis);
            if (closed || fds.get(JAVA_SHORT, 14) != 0) {
                throw new AsynchronousCloseException();
            }
            if (ready > 0 && fds.get(JAVA_SHORT, 6) != 0) {
                Structs.resetMsghdr(msg, name, iov, control);
                long n;
                try {
                    n = Libc.recvmsg(receiveFd, msg, Libc.MSG_DONTWAIT, recvWhat);
                } catch (NativeException e) {
                    if (e.errno() != Libc.EAGAIN && e.errno() != Libc.EINTR) {
                        throw e;
                    }
                    n = -1;
                }
                if (n >= 0) {
                    ReceivedDatagram d = ipv6 ? parse6(msg, buf, name, control, (int) n) : parse4(msg, buf, control, (int) n);
                    if (d != null) {
                        return d;
                    }
                }
                continue; // a malformed or vanished packet: keep waiting
            }
            if (ready >= 0 && deadline - System.nanoTime() <= 0) {
                return null;
            }
        }
    }

    private ReceivedDatagram parse4(MemorySegment msg, MemorySegment buf, MemorySegment control, int n) {
        if (n < 20 || (msg.get(JAVA_INT, Structs.MSG_FLAGS) & Libc.MSG_TRUNC) != 0) {
            return null;
        }
        int vihl = buf.get(JAVA_BYTE, 0) & 0xff;
        int headerLength = (vihl & 0x0f) * 4;
        if (vihl >> 4 != 4 || headerLength < 20 || headerLength > n) {
            return null;
        }
        int ttl = buf.get(JAVA_BYTE, 8) & 0xff;
        InetAddress src = Structs.inet4(buf, 12);
        InetAddress dst = Structs.inet4(buf, 16);
        int index = ifIndex;
        long controlLength = msg.get(JAVA_LONG, Structs.MSG_CONTROLLEN);
        for (long off = 0; off + Structs.CMSG_HDR <= controlLength; ) {
            long len = control.get(JAVA_LONG, off);
            if (len < Structs.CMSG_HDR || off + len > controlLength) {
                break;
            }
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            if (level == Libc.IPPROTO_IP && type == Libc.IP_PKTINFO && len >= Structs.CMSG_HDR + 12) {
                index = control.get(JAVA_INT, off + Structs.CMSG_HDR);
            }
            off += Structs.cmsgAlign(len);
        }
        byte[] payload = buf.asSlice(headerLength, n - headerLength).toArray(JAVA_BYTE);
        return new ReceivedDatagram(src, dst, ttl, index, payload);
    }

    private ReceivedDatagram parse6(MemorySegment msg, MemorySegment buf, MemorySegment name, MemorySegment control, int n) {
        if ((msg.get(JAVA_INT, Structs.MSG_FLAGS) & Libc.MSG_TRUNC) != 0 || msg.get(JAVA_INT, Structs.MSG_NAMELEN) < 24) {
            return null;
        }
        InetAddress src = Structs.inet6(name, 8, name.get(JAVA_INT, 24));
        InetAddress dst = null;
        int hopLimit = -1;
        int index = ifIndex;
        long controlLength = msg.get(JAVA_LONG, Structs.MSG_CONTROLLEN);
        for (long off = 0; off + Structs.CMSG_HDR <= controlLength; ) {
            long len = control.get(JAVA_LONG, off);
            if (len < Structs.CMSG_HDR || off + len > controlLength) {
                break;
            }
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_PKTINFO && len >= Structs.CMSG_HDR + 20) {
                index = control.get(JAVA_INT, off + Structs.CMSG_HDR + 16);
                dst = Structs.inet6(control, off + Structs.CMSG_HDR, index);
            } else if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_HOPLIMIT && len >= Structs.CMSG_HDR + 4) {
                hopLimit = control.get(JAVA_INT, off + Structs.CMSG_HDR);
            }
            off += Structs.cmsgAlign(len);
        }
        if (dst == null || hopLimit < 0) {
            return null; // the kernel always gives both once asked; without them the TTL check cannot be made
        }
        byte[] payload = buf.asSlice(0, n).toArray(JAVA_BYTE);
        return new ReceivedDatagram(src, dst, hopLimit, index, payload);
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena arena = Arena.ofConfined()) {
            Libc.write(wakeFd, arena.allocateFrom(JAVA_LONG, 1L), "eventfd write");
        } catch (NativeException e) {
            // cannot happen for a fresh eventfd; receivers still see 'closed' at their next wake-up
        }
        useLock.writeLock().lock();
        try {
            Libc.closeQuietly(sendFd);
            Libc.closeQuietly(receiveFd);
            Libc.closeQuietly(wakeFd);
        } finally {
            useLock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "RawIpTransport[" + Structs.text(source) + " on " + interfaceName + "]";
    }
}
