package io.floatd.vrrp.transport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.vrrp.codec.AhPacket;
import io.floatd.vrrp.codec.AhSequence;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.IpsecAh;
import io.floatd.vrrp.transport.internal.Libc;
import io.floatd.vrrp.transport.internal.NativeException;
import io.floatd.vrrp.transport.internal.ReceiveBuffers;
import io.floatd.vrrp.transport.internal.SendBuffers;
import io.floatd.vrrp.transport.internal.Structs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * VRRPv2 with {@code auth_type AH} over IPv4, as keepalived 2.2.7 sends it: every advert is an IPv4 packet of
 * protocol 51 whose {@link IpsecAh} header is followed by the VRRP message ({@link AhPacket}).
 *
 * <p>Two raw sockets of protocol 51, as keepalived's: the <em>send</em> socket builds the IPv4 header itself
 * ({@code IP_HDRINCL}, because the ICV covers it) and drops everything it would receive; the <em>receive</em>
 * socket gets every AH packet on the interface, IP header included, and joins 224.0.0.18. Both are bound to the
 * interface. The IPv4 Identification goes up by one per packet and skips 0 (which the kernel would overwrite after
 * the ICV was made).
 *
 * <p>Each instance on the socket registers its VRID with its key and {@link AhSequence}. A received packet is
 * verified with its VRID's key (ICV, SPI, then sequence number) before anything else looks at it; a packet that
 * fails is counted in the daemon's drop counters and never leaves this class. What passes is handed on as the bare
 * VRRP message, for the ordinary VRRP checks.
 */
public final class AhTransport implements VrrpTransport {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    private static final int IP_HDRINCL = 3;
    private static final int RECEIVE_BUFFER = 65536;
    private static final int CONTROL_BUFFER = 256;
    private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;

    /** One instance's key, counter, and whether it is unicast (then the TTL is left out of the ICV). */
    private record Session(String instance, byte[] key, AhSequence sequence, boolean unicast) {
    }

    private final Inet4Address source;
    private final String interfaceName;
    private final int ifIndex;
    private final int sendFd;
    private final int receiveFd;
    private final int wakeFd;
    private final DropCounters drops;
    private final Map<Integer, Session> sessions = new ConcurrentHashMap<>();
    /** The groups the receive socket has joined: 224.0.0.18 at open, others ({@code mcast_dst_ip}) by {@link #joinGroup}. */
    private final java.util.Set<InetAddress> groups = ConcurrentHashMap.newKeySet();
    private final Map<DropReason, Long> lastDropLog = new EnumMap<>(DropReason.class);
    private final ReentrantReadWriteLock useLock = new ReentrantReadWriteLock();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReceiveBuffers rx;
    private final SendBuffers tx;
    private int identification;
    private volatile AutoCloseable companion;
    private volatile boolean closed;

    private AhTransport(Inet4Address source, String interfaceName, int ifIndex, int sendFd, int receiveFd, int wakeFd,
            DropCounters drops) {
        this.source = source;
        this.interfaceName = interfaceName;
        this.ifIndex = ifIndex;
        this.sendFd = sendFd;
        this.receiveFd = receiveFd;
        this.wakeFd = wakeFd;
        this.drops = drops == null ? new DropCounters() : drops;
        this.rx = new ReceiveBuffers(receiveFd, wakeFd, RECEIVE_BUFFER, CONTROL_BUFFER);
        this.tx = new SendBuffers((arena, to) -> new SendBuffers.Destination(Structs.sockaddr(arena, to, 0),
                "vrrp " + interfaceName + ": ah send to " + Structs.text(to)));
        groups.add(RawIpTransport.VRRP_GROUP_V4);
    }

    /**
     * Opens the sockets in the calling thread's network namespace.
     *
     * @param drops where rejected packets are counted; null for a private counter
     * @throws IOException with the failing step and {@code strerror} text
     */
    public static AhTransport open(Inet4Address source, String interfaceName, DropCounters drops) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(interfaceName, "interfaceName");
        int sendFd = -1;
        int receiveFd = -1;
        int wakeFd = -1;
        try {
            sendFd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, IpsecAh.PROTOCOL_AH);
            int ifIndex = Structs.ifIndex(sendFd, interfaceName);
            Structs.dropAllReceived(sendFd);
            Structs.bindToDevice(sendFd, interfaceName);
            try (Arena arena = Arena.ofConfined()) {
                // the header carries the source; binding proves it is an address of this node
                Libc.bind(sendFd, Structs.sockaddr(arena, source, 0), "bind " + Structs.text(source));
            }
            Libc.setsockopt(sendFd, Libc.IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL");
            // our own multicast adverts would come back with our own sequence number: a replay every interval
            Libc.setsockopt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
            // multicast adverts leave by the instance's interface whatever the routing table says
            MulticastMembership.outgoingInterface(sendFd, false, ifIndex);

            receiveFd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, IpsecAh.PROTOCOL_AH);
            Structs.bindToDevice(receiveFd, interfaceName);
            Libc.setsockopt(receiveFd, Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "IP_PKTINFO");
            try (Arena arena = Arena.ofConfined()) {
                // keepalived's multicast AH adverts go to the VRRP group, as the others
                MemorySegment mreqn = arena.allocate(12, 4); // struct ip_mreqn
                MemorySegment.copy(RawIpTransport.VRRP_GROUP_V4.getAddress(), 0, mreqn, JAVA_BYTE, 0, 4);
                mreqn.set(JAVA_INT, 8, ifIndex);
                Libc.setsockopt(receiveFd, Libc.IPPROTO_IP, Libc.IP_ADD_MEMBERSHIP, mreqn, "join 224.0.0.18");
            }
            wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            return new AhTransport(source, interfaceName, ifIndex, sendFd, receiveFd, wakeFd, drops);
        } catch (NativeException e) {
            Libc.closeQuietly(sendFd);
            Libc.closeQuietly(receiveFd);
            Libc.closeQuietly(wakeFd);
            throw new IOException("vrrp " + interfaceName + " ah: " + e.getMessage(), e);
        }
    }

    /**
     * Adverts for {@code vrid} are signed and verified with {@code key} (8 bytes, {@link AhPacket#key}). Registering
     * again with the same key keeps the sequence counter (a reload does not restart it, as in keepalived).
     *
     * @return the instance's sequence counter
     */
    public AhSequence register(int vrid, String instance, byte[] key, boolean unicast) {
        Objects.requireNonNull(key, "key");
        return sessions.compute(vrid, (k, old) -> new Session(instance, key.clone(),
                old != null && MessageDigest.isEqual(old.key(), key) ? old.sequence() : new AhSequence(), unicast))
                .sequence();
    }

    /**
     * Receives AH adverts sent to this group on the interface from now on ({@code mcast_dst_ip},
     * {@code vrrp_mcast_group4}); 224.0.0.18 is joined at open, a group already joined is not joined again. The
     * protocol-112 watch beside this transport joins it too, so a peer without AH is noticed there as well.
     */
    @Override
    public void joinGroup(InetAddress group) throws IOException {
        Objects.requireNonNull(group, "group");
        if (!(group instanceof Inet4Address) || !group.isMulticastAddress()) {
            throw new IllegalArgumentException("AH is IPv4 only, but " + Structs.text(group)
                    + " is not an IPv4 multicast group");
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
            throw new IOException("vrrp " + interfaceName + " ah: " + e.getMessage(), e);
        } finally {
            useLock.readLock().unlock();
        }
        if (companion instanceof AhMismatchWatch watch) {
            watch.joinGroup(group);
        }
    }

    /** Whether an advert to {@code destination} is for this node: its own address or a group it joined. */
    boolean receivesFor(InetAddress destination) {
        return source.equals(destination) || groups.contains(destination);
    }

    public void unregister(int vrid) {
        sessions.remove(vrid);
    }

    /** The name of the instance registered for {@code vrid}, or null. */
    String instanceFor(int vrid) {
        Session s = sessions.get(vrid);
        return s == null ? null : s.instance();
    }

    /** {@code other} is closed with this transport (the protocol-112 watch beside it). */
    void closeWith(AutoCloseable other) {
        companion = other;
    }

    public InetAddress source() {
        return source;
    }

    /** Wraps the VRRPv2 message in IPv4 + AH with the next sequence number of its VRID and sends it. */
    @Override
    public void send(InetAddress destination, byte[] vrrpMessage) throws IOException {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(vrrpMessage, "vrrpMessage");
        if (!(destination instanceof Inet4Address to4)) {
            throw new IllegalArgumentException("AH is IPv4 only, but the destination is " + Structs.text(destination));
        }
        Session session = vrrpMessage.length > 1 ? sessions.get(vrrpMessage[1] & 0xFF) : null;
        if (session == null) {
            throw new IllegalStateException("no AH key registered for this message's VRID");
        }
        useLock.readLock().lock();
        try {
            ensureOpen();
            SendBuffers.Destination to = tx.destination(destination);
            sendLock.lock();
            try {
                identification = (identification + 1) & 0xFFFF;
                if (identification == 0) {
                    identification = 1;
                }
                byte[] packet = AhPacket.encode(source, to4, identification, session.sequence().next(), vrrpMessage,
                        session.key(), session.unicast());
                Libc.sendto(sendFd, tx.copy(packet), packet.length, Libc.MSG_DONTWAIT, to.sockaddr(), to.what());
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
        while (true) {
            int waitMillis = Structs.pollMillis(deadline);
            rx.fds.set(JAVA_SHORT, 6, (short) 0);
            rx.fds.set(JAVA_SHORT, 14, (short) 0);
            int ready = Libc.poll(rx.fds, 2, waitMillis);
            if (closed || rx.fds.get(JAVA_SHORT, 14) != 0) {
                throw new AsynchronousCloseException();
            }
            if (ready > 0 && rx.fds.get(JAVA_SHORT, 6) != 0) {
                Structs.resetMsghdr(rx.msg, rx.name, rx.iov, rx.control);
                long n;
                try {
                    n = Libc.recvmsg(receiveFd, rx.msg, Libc.MSG_DONTWAIT, "vrrp " + interfaceName + ": ah recvmsg");
                } catch (NativeException e) {
                    if (e.errno() != Libc.EAGAIN && e.errno() != Libc.EINTR) {
                        throw e;
                    }
                    n = -1;
                }
                if (n >= 0 && (rx.msg.get(JAVA_INT, Structs.MSG_FLAGS) & Libc.MSG_TRUNC) == 0) {
                    ReceivedDatagram d = accept(rx.buf.asSlice(0, n).toArray(JAVA_BYTE), packetInfoIndex());
                    if (d != null) {
                        return d;
                    }
                }
                continue;
            }
            if (ready >= 0 && deadline - System.nanoTime() <= 0) {
                return null;
            }
        }
    }

    private int packetInfoIndex() {
        int index = ifIndex;
        long controlLength = rx.msg.get(JAVA_LONG, Structs.MSG_CONTROLLEN);
        for (long off = 0; off + Structs.CMSG_HDR <= controlLength; ) {
            long len = rx.control.get(JAVA_LONG, off);
            if (len < Structs.CMSG_HDR || off + len > controlLength) {
                break;
            }
            if (rx.control.get(JAVA_INT, off + 8) == Libc.IPPROTO_IP && rx.control.get(JAVA_INT, off + 12) == Libc.IP_PKTINFO
                    && len >= Structs.CMSG_HDR + 12) {
                index = rx.control.get(JAVA_INT, off + Structs.CMSG_HDR);
            }
            off += Structs.cmsgAlign(len);
        }
        return index;
    }

    /**
     * Verifies one received IPv4 packet (header included) and returns its VRRP message, or null after counting why
     * it was dropped. Package-private for tests that feed packets without sockets.
     */
    ReceivedDatagram accept(byte[] p, int index) {
        if (p.length < 20 || (p[0] & 0xF0) != 0x40 || (p[0] & 0x0F) < 5) {
            return null; // the kernel hands a raw IPv4 socket only IPv4 packets
        }
        int headerLength = (p[0] & 0x0F) * 4;
        InetAddress src = AhPacket.source(p);
        int vridAt = headerLength + IpsecAh.LENGTH + 1;
        if (p.length <= vridAt) {
            drop(src, DropReason.TRUNCATED, p.length + " bytes, shorter than IPv4 + AH + VRRP headers", null);
            return null;
        }
        int vrid = p[vridAt] & 0xFF;
        Session session = sessions.get(vrid);
        if (session == null) {
            drop(src, DropReason.UNKNOWN_VRID, "vrid: " + vrid + " (expected: an auth_type AH instance's)", null);
            return null;
        }
        int ttl = p[8] & 0xFF;
        InetAddress dst = Structs.address(java.util.Arrays.copyOfRange(p, 16, 20));
        switch (AhPacket.open(p, p.length, session.key(), session.unicast())) {
            case AhPacket.Rejected r -> {
                drop(src, r.reason(), r.detail(), session.instance());
                return null;
            }
            case AhPacket.Verified v -> {
                long before = session.sequence().current();
                if (!session.sequence().accept(v.ah().sequence())) {
                    drop(src, DropReason.AH_REPLAYED, "sequence number " + v.ah().sequence()
                            + " already processed (expected: above " + before + ")", session.instance());
                    return null;
                }
                byte[] vrrp = java.util.Arrays.copyOfRange(p, v.vrrpOffset(), p.length);
                return new ReceivedDatagram(src, dst, ttl, index, vrrp);
            }
        }
    }

    private void drop(InetAddress src, DropReason reason, String detail, String instance) {
        drops.increment(reason);
        long now = System.nanoTime();
        synchronized (lastDropLog) {
            Long last = lastDropLog.get(reason);
            if (last != null && now - last < DROP_LOG_INTERVAL_NANOS) {
                return;
            }
            lastDropLog.put(reason, now);
        }
        LOG.log(Level.WARNING, "{0}dropped AH advert from {1} ({2}): {3} [{4} dropped for this reason so far]",
                instance == null ? "" : "VRRP_Instance(" + instance + ") ", Structs.text(src), reason.metricName(),
                detail, drops.count(reason));
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
        AutoCloseable c = companion;
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // the watch closes its own socket; nothing to report
            }
        }
    }

    @Override
    public String toString() {
        return "AhTransport[" + Structs.text(source) + " on " + interfaceName + "]";
    }
}
