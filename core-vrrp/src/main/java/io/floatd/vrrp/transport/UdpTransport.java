package io.floatd.vrrp.transport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropReason;
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
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * VRRP inside UDP datagrams between unicast peers, for networks that pass only TCP, UDP and ICMP (cloud firewalls).
 * The UDP payload is the VRRP message exactly as over protocol 112 (same codec, checksum over the real source and
 * destination), followed, when a key is configured, by an 8-byte counter and an HMAC-SHA256 ({@link AdvertAuth}).
 *
 * <p>A JDK {@code DatagramChannel} can neither set the unicast TTL nor report the received one, and the hop-count
 * check (RFC 5798 §7.1: 255, proving the sender is on-link) is kept for UDP, so this is one FFM socket, like
 * {@link RawIpTransport}: bound to {@code source:port} and the interface, {@code IP_TTL}/{@code IPV6_UNICAST_HOPS}
 * 255 on send, {@code IP_RECVTTL}/{@code IPV6_RECVHOPLIMIT} on receive, woken on close through an eventfd.
 *
 * <p>Datagrams that fail authentication never leave this class: they are counted in the daemon's drop counters
 * ({@code auth_hmac_failed}, {@code replayed}, {@code unsigned}, {@code truncated}) and logged at most every 10 s per
 * reason.
 */
public final class UdpTransport implements VrrpTransport {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    public static final int DEFAULT_PORT = 5112;
    private static final int IP_RECVTTL = 12;
    private static final int IP_RECVERR = 11;
    private static final int IPV6_RECVERR = 25;
    private static final int MSG_ERRQUEUE = 0x2000;
    private static final short POLLERR = 0x8;
    private static final int ECONNREFUSED = 111;
    private static final int RECEIVE_BUFFER = 65536;
    private static final int CONTROL_BUFFER = 256;
    private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final InetAddress source;
    private final String interfaceName;
    private final int port;
    private final int ifIndex;
    private final boolean ipv6;
    private final int fd;
    private final int wakeFd;
    private final AdvertAuth auth;
    private final DropCounters drops;
    private final Map<DropReason, Long> lastDropLog = new EnumMap<>(DropReason.class);
    private final ReentrantReadWriteLock useLock = new ReentrantReadWriteLock();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReceiveBuffers rx;
    private final SendBuffers tx;
    private final String recvWhat;
    private volatile boolean closed;
    private volatile AutoCloseable companion;
    /** Peers that answered with ICMP port unreachable since their last datagram reached us. */
    private final java.util.Set<InetAddress> unreachable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private UdpTransport(InetAddress source, String interfaceName, int port, int ifIndex, int fd, int wakeFd,
            AdvertAuth auth, DropCounters drops) {
        this.source = source;
        this.interfaceName = interfaceName;
        this.port = port;
        this.ifIndex = ifIndex;
        this.ipv6 = source instanceof Inet6Address;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.auth = auth;
        this.drops = drops == null ? new DropCounters() : drops;
        this.rx = new ReceiveBuffers(fd, wakeFd, RECEIVE_BUFFER, CONTROL_BUFFER);
        this.tx = new SendBuffers((arena, to) -> new SendBuffers.Destination(
                withPort(Structs.sockaddr(arena, to, Structs.needsScope(to) ? ifIndex : 0), port),
                "vrrp " + interfaceName + ": udp send to " + Structs.text(to) + " port " + port));
        this.recvWhat = "vrrp " + interfaceName + ": udp recvmsg";
    }

    /**
     * Opens the socket in the calling thread's network namespace.
     *
     * @param auth signs every datagram and verifies every received one; null for plain VRRP in UDP
     * @param drops where rejected datagrams are counted; null for a private counter
     */
    public static UdpTransport open(InetAddress source, String interfaceName, int port, AdvertAuth auth, DropCounters drops)
            throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, but was " + port);
        }
        int family = source instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6;
        int fd = -1;
        int wakeFd = -1;
        try {
            fd = Libc.socket(family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            int ifIndex = Structs.ifIndex(fd, interfaceName);
            Structs.bindToDevice(fd, interfaceName);
            if (family == Libc.AF_INET) {
                Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_TTL, 255, "IP_TTL");
                Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL");
                Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_RECVERR, 1, "IP_RECVERR");
            } else {
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
                Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
            }
            try (Arena arena = Arena.ofConfined()) {
                int scope = Structs.needsScope(source) ? ifIndex : 0;
                Libc.bind(fd, withPort(Structs.sockaddr(arena, source, scope), port),
                        "bind " + Structs.text(source) + " udp port " + port);
            }
            wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            return new UdpTransport(source, interfaceName, port, ifIndex, fd, wakeFd, auth, drops);
        } catch (NativeException e) {
            Libc.closeQuietly(fd);
            Libc.closeQuietly(wakeFd);
            throw new IOException("vrrp " + interfaceName + " udp: " + e.getMessage(), e);
        }
    }

    private static MemorySegment withPort(MemorySegment sockaddr, int port) {
        sockaddr.set(Structs.BE_SHORT, 2, (short) port); // sin_port / sin6_port
        return sockaddr;
    }

    public int port() {
        return port;
    }

    public InetAddress source() {
        return source;
    }

    /** Closes {@code c} along with this transport (the protocol-112 mismatch watch). */
    void closeWith(AutoCloseable c) {
        companion = c;
    }

    @Override
    public void send(InetAddress destination, byte[] vrrpMessage) throws IOException {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(vrrpMessage, "vrrpMessage");
        if ((destination instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException("destination " + Structs.text(destination) + " is not of the family of "
                    + Structs.text(source));
        }
        byte[] datagram = auth == null ? vrrpMessage : auth.seal(vrrpMessage);
        useLock.readLock().lock();
        try {
            ensureOpen();
            SendBuffers.Destination to = tx.destination(destination);
            sendLock.lock();
            try {
                Libc.sendto(fd, tx.copy(datagram), datagram.length, Libc.MSG_DONTWAIT, to.sockaddr(), to.what());
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
            if (ready > 0 && (fds.get(JAVA_SHORT, 6) & POLLERR) != 0) {
                drainErrors(msg, name, iov, control);
            }
            if (ready > 0 && (fds.get(JAVA_SHORT, 6) & Libc.POLLIN) != 0) {
                Structs.resetMsghdr(msg, name, iov, control);
                long n;
                try {
                    n = Libc.recvmsg(fd, msg, Libc.MSG_DONTWAIT, recvWhat);
                } catch (NativeException e) {
                    // EAGAIN/EINTR, or ECONNREFUSED left by an ICMP port unreachable: keep waiting
                    n = -1;
                }
                if (n >= 0) {
                    ReceivedDatagram d = parse(msg, buf, name, control, (int) n);
                    if (d != null) {
                        return d;
                    }
                }
                continue;
            }
            if (ready > 0 && fds.get(JAVA_SHORT, 6) != 0) {
                continue;
            }
            if (ready >= 0 && deadline - System.nanoTime() <= 0) {
                return null;
            }
        }
    }

    /**
     * Reads the ICMP errors queued by IP_RECVERR. A port unreachable from a peer means nothing listens on its UDP
     * port: floatd is stopped there, or configured for protocol 112 or another port. Logged once per peer until a
     * datagram from it arrives again.
     */
    private void drainErrors(MemorySegment msg, MemorySegment name, MemorySegment iov, MemorySegment control) {
        for (int i = 0; i < 64; i++) {
            Structs.resetMsghdr(msg, name, iov, control);
            try {
                Libc.recvmsg(fd, msg, MSG_ERRQUEUE | Libc.MSG_DONTWAIT, "udp error queue");
            } catch (NativeException e) {
                return; // EAGAIN: drained
            }
            long controlLength = msg.get(JAVA_LONG, Structs.MSG_CONTROLLEN);
            int errno = 0;
            for (long off = 0; off + Structs.CMSG_HDR <= controlLength; ) {
                long len = control.get(JAVA_LONG, off);
                if (len < Structs.CMSG_HDR + 4 || off + len > controlLength) {
                    break;
                }
                errno = control.get(JAVA_INT, off + Structs.CMSG_HDR); // struct sock_extended_err.ee_errno
                off += Structs.cmsgAlign(len);
            }
            if (errno != ECONNREFUSED) {
                continue;
            }
            InetAddress peer = ipv6 ? Structs.inet6(name, 8, name.get(JAVA_INT, 24)) : Structs.inet4(name, 4);
            if (unreachable.add(peer)) {
                LOG.log(Level.ERROR, "peer {0} does not listen on UDP port {1} (ICMP port unreachable): floatd is stopped"
                        + " there, or it expects VRRP over protocol 112 or another port; this instance sends VRRP over UDP"
                        + " port {1}", Structs.text(peer), String.valueOf(port));
            }
        }
    }

    /** Peers that answered our adverts with ICMP port unreachable and have sent nothing since. */
    public java.util.Set<InetAddress> unreachablePeers() {
        return java.util.Set.copyOf(unreachable);
    }

    private ReceivedDatagram parse(MemorySegment msg, MemorySegment buf, MemorySegment name, MemorySegment control, int n) {
        if ((msg.get(JAVA_INT, Structs.MSG_FLAGS) & Libc.MSG_TRUNC) != 0) {
            return null;
        }
        InetAddress src = ipv6 ? Structs.inet6(name, 8, name.get(JAVA_INT, 24)) : Structs.inet4(name, 4);
        int ttl = -1;
        long controlLength = msg.get(JAVA_LONG, Structs.MSG_CONTROLLEN);
        for (long off = 0; off + Structs.CMSG_HDR <= controlLength; ) {
            long len = control.get(JAVA_LONG, off);
            if (len < Structs.CMSG_HDR || off + len > controlLength) {
                break;
            }
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            if (len >= Structs.CMSG_HDR + 4 && ((level == Libc.IPPROTO_IP && type == Libc.IP_TTL)
                    || (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_HOPLIMIT))) {
                ttl = control.get(JAVA_INT, off + Structs.CMSG_HDR);
            }
            off += Structs.cmsgAlign(len);
        }
        if (ttl < 0) {
            return null; // the kernel always gives it once asked; without it the TTL check cannot be made
        }
        byte[] payload = buf.asSlice(0, n).toArray(JAVA_BYTE);
        if (auth != null) {
            switch (auth.open(src, payload)) {
                case AdvertAuth.Accepted a -> payload = a.message();
                case AdvertAuth.Rejected r -> {
                    drop(src, r);
                    return null;
                }
            }
        }
        if (unreachable.remove(src)) {
            LOG.log(Level.INFO, "peer {0} now sends VRRP over UDP port {1}", Structs.text(src), String.valueOf(port));
        }
        return new ReceivedDatagram(src, source, ttl, ifIndex, payload);
    }

    private void drop(InetAddress src, AdvertAuth.Rejected r) {
        drops.increment(r.reason());
        long now = System.nanoTime();
        synchronized (lastDropLog) {
            Long last = lastDropLog.get(r.reason());
            if (last != null && now - last < DROP_LOG_INTERVAL_NANOS) {
                return;
            }
            lastDropLog.put(r.reason(), now);
        }
        LOG.log(Level.WARNING, "dropped udp advert from {0} ({1}): {2} [{3} dropped for this reason so far]",
                Structs.text(src), r.reason().metricName(), r.detail(), drops.count(r.reason()));
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
        AutoCloseable c = companion;
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc.write(wakeFd, arena.allocateFrom(JAVA_LONG, 1L), "eventfd write");
        } catch (NativeException e) {
            // receivers still see 'closed' at their next wake-up
        }
        useLock.writeLock().lock();
        try {
            Libc.closeQuietly(fd);
            Libc.closeQuietly(wakeFd);
        } finally {
            useLock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "UdpTransport[" + Structs.text(source) + ":" + port + " on " + interfaceName
                + (auth == null ? "" : ", HMAC-SHA256") + "]";
    }
}
