package io.floatd.vrrp.transport;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.ReceiveBuffers;
import io.floatd.ffm.SendBuffers;
import io.floatd.ffm.Structs;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The FFM datagram socket under every transport ({@link RawIpTransport}, {@link UdpTransport}, {@link AhTransport}):
 * open, bind to the interface, send, poll with a wake-up, receive with ancillary data, join groups, close. The
 * transports say only what differs: the socket(2) arguments and options, and how a received datagram is read.
 *
 * <p>One socket sends and receives, or two: a send socket that drops everything it would receive and a receive
 * socket, both bound to the interface with {@code SO_BINDTODEVICE}. A closing thread wakes receivers through an
 * eventfd polled along with the receive socket; descriptors are closed only once no call is using them (the read
 * side of {@code useLock} is held by every call but a send, which holds {@code sendLock}; {@link #close} takes the
 * write side, then the send lock).
 */
final class DatagramSocketCore {
    private static final int RECEIVE_BUFFER = 65536;
    private static final int CONTROL_BUFFER = 256;
    private static final int ERROR_QUEUE_READS = 64;

    /** What is done to a fresh socket after it is bound to the interface: options, bind. */
    @FunctionalInterface
    interface Setup {
        void apply(int fd, int ifIndex) throws NativeException;
    }

    /** One socket to open: the {@code socket(2)} arguments ({@code SOCK_CLOEXEC} is added) and its setup. */
    record Spec(int family, int type, int protocol, Setup setup) {
    }

    /** Reads the datagram of {@code length} bytes that {@code recvmsg} just put in {@code rx}; null to keep waiting. */
    @FunctionalInterface
    interface Parser {
        ReceivedDatagram parse(ReceiveBuffers rx, int length);
    }

    /** Reads one message of the socket's error queue ({@code IP_RECVERR}), now in {@code rx}. */
    @FunctionalInterface
    interface ErrorQueue {
        void queued(ReceiveBuffers rx);
    }

    private final String interfaceName;
    private final String errorPrefix;
    private final int ifIndex;
    private final int sendFd;
    private final int receiveFd;
    private final int wakeFd;
    private final ErrorQueue errorQueue;
    private final ReentrantReadWriteLock useLock = new ReentrantReadWriteLock();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReceiveBuffers rx;
    private final SendBuffers tx;
    private final String recvWhat;
    /** The groups the receive socket has joined. */
    private final Set<InetAddress> groups = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile AutoCloseable companion;

    private DatagramSocketCore(String interfaceName, String kind, int port, int ifIndex, int sendFd, int receiveFd,
            int wakeFd, ErrorQueue errorQueue) {
        this.interfaceName = interfaceName;
        this.errorPrefix = errorPrefix(interfaceName, kind);
        this.ifIndex = ifIndex;
        this.sendFd = sendFd;
        this.receiveFd = receiveFd;
        this.wakeFd = wakeFd;
        this.errorQueue = errorQueue;
        this.rx = new ReceiveBuffers(receiveFd, wakeFd, RECEIVE_BUFFER, CONTROL_BUFFER);
        this.tx = new SendBuffers((arena, to) -> new SendBuffers.Destination(
                withPort(Structs.sockaddr(arena, to, Structs.needsScope(to) ? ifIndex : 0), port),
                "vrrp " + interfaceName + ": " + kind + "send to " + Structs.text(to) + (port > 0 ? " port " + port : "")));
        this.recvWhat = "vrrp " + interfaceName + ": " + kind + "recvmsg";
    }

    /**
     * Opens the sockets in the calling thread's network namespace: {@code send}, then {@code receive} (null: the send
     * socket receives too), then the wake-up eventfd; on any failure all of them are closed again.
     *
     * @param kind what the transport is called in error texts: {@code ""}, {@code "udp "}, {@code "ah "}
     * @param port the destination port of every send (UDP), or 0
     * @param group a multicast group the receive socket joins at once, or null
     * @param errorQueue reads the socket's error queue (a socket with {@code IP_RECVERR}), or null
     * @throws IOException with the failing step and {@code strerror} text, e.g.
     *     {@code "vrrp eth0: bind 10.0.0.1: Cannot assign requested address"}
     */
    static DatagramSocketCore open(String interfaceName, String kind, int port, Spec send, Spec receive,
            InetAddress group, ErrorQueue errorQueue) throws IOException {
        Objects.requireNonNull(interfaceName, "interfaceName");
        int sendFd = -1;
        int receiveFd = -1;
        int wakeFd = -1;
        try {
            sendFd = Libc.socket(send.family(), send.type() | Libc.SOCK_CLOEXEC, send.protocol());
            int ifIndex = Structs.ifIndex(sendFd, interfaceName);
            if (receive != null) {
                Structs.dropAllReceived(sendFd);
            }
            Structs.bindToDevice(sendFd, interfaceName);
            send.setup().apply(sendFd, ifIndex);
            if (receive != null) {
                receiveFd = Libc.socket(receive.family(), receive.type() | Libc.SOCK_CLOEXEC, receive.protocol());
                Structs.bindToDevice(receiveFd, interfaceName);
                receive.setup().apply(receiveFd, ifIndex);
            }
            int rfd = receive != null ? receiveFd : sendFd;
            if (group != null) {
                MulticastMembership.join(rfd, group, ifIndex);
            }
            wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            DatagramSocketCore core = new DatagramSocketCore(interfaceName, kind, port, ifIndex, sendFd, rfd, wakeFd,
                    errorQueue);
            if (group != null) {
                core.groups.add(group);
            }
            return core;
        } catch (NativeException e) {
            Libc.closeQuietly(sendFd);
            Libc.closeQuietly(receiveFd);
            Libc.closeQuietly(wakeFd);
            throw new IOException(errorPrefix(interfaceName, kind) + e.getMessage(), e);
        }
    }

    private static String errorPrefix(String interfaceName, String kind) {
        return "vrrp " + interfaceName + (kind.isEmpty() ? "" : " " + kind.strip()) + ": ";
    }

    /** Sets the port of a {@code sockaddr_in} / {@code sockaddr_in6} (0: left as it is). */
    static MemorySegment withPort(MemorySegment sockaddr, int port) {
        if (port > 0) {
            sockaddr.set(Structs.BE_SHORT, 2, (short) port); // sin_port / sin6_port
        }
        return sockaddr;
    }

    /** The checks of a send: a message and a destination of the source's family (IPv4 or IPv6). */
    static void requireFamilyOf(InetAddress source, InetAddress destination, byte[] message) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(message, "vrrpMessage");
        if ((destination instanceof Inet6Address) != (source instanceof Inet6Address)) {
            throw new IllegalArgumentException("destination " + Structs.text(destination) + " is not of the family of "
                    + Structs.text(source));
        }
    }

    int ifIndex() {
        return ifIndex;
    }

    String interfaceName() {
        return interfaceName;
    }

    /** Sends {@code datagram} without blocking (a full send buffer is an error). */
    void send(InetAddress destination, byte[] datagram) throws IOException {
        send(destination, datagram, null);
    }

    /** Sends what {@code build} makes under the send lock (numbers that must leave in the order they were taken). */
    void send(InetAddress destination, Supplier<byte[]> build) throws IOException {
        send(destination, null, build);
    }

    private void send(InetAddress destination, byte[] datagram, Supplier<byte[]> build) throws IOException {
        // the send lock alone keeps close() from closing the descriptor under a send (close takes it after setting
        // 'closed'); not useLock's read side: the receiver holds that in its endless poll, so every other reader
        // took the read lock's slow path, a ThreadLocal entry (a WeakReference) set and removed per advert
        sendLock.lock();
        try {
            ensureOpen();
            SendBuffers.Destination to = tx.destination(destination);
            byte[] bytes = build == null ? datagram : build.get();
            Libc.sendto(sendFd, tx.copy(bytes), bytes.length, Libc.MSG_DONTWAIT, to.sockaddr(), to.what());
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} for a datagram that {@code parser} accepts; a null {@code timeout} waits with no
     * timeout (poll(2) with -1: only a datagram or the close's eventfd wakes the thread).
     *
     * @return what the parser made of it, or null when the timeout passed first
     * @throws AsynchronousCloseException when {@link #close} was called while waiting
     * @throws ClosedChannelException when already closed
     */
    ReceivedDatagram receive(Duration timeout, Parser parser) throws IOException {
        // the bound of a blocking poll(2): real time, not the injected clock
        long deadline = timeout == null ? 0 : System.nanoTime() + Math.max(0, timeout.toNanos());
        useLock.readLock().lock();
        try {
            receiveLock.lock();
            try {
                return receiveUntil(timeout == null, deadline, parser);
            } finally {
                receiveLock.unlock();
            }
        } finally {
            useLock.readLock().unlock();
        }
    }

    private ReceivedDatagram receiveUntil(boolean forever, long deadline, Parser parser) throws IOException {
        ensureOpen();
        MemorySegment fds = rx.fds;
        while (true) {
            int waitMillis = forever ? -1 : Structs.pollMillis(deadline);
            fds.set(JAVA_SHORT, 6, (short) 0);
            fds.set(JAVA_SHORT, 14, (short) 0);
            int ready = Libc.poll(fds, 2, waitMillis);
            if (closed || fds.get(JAVA_SHORT, 14) != 0) {
                throw new AsynchronousCloseException();
            }
            short revents = ready > 0 ? fds.get(JAVA_SHORT, 6) : 0;
            if (errorQueue != null && (revents & Libc.POLLERR) != 0) {
                drainErrors();
            }
            // a socket with an error queue may be ready with errors alone; any other readiness means a datagram
            if (errorQueue == null ? revents != 0 : (revents & Libc.POLLIN) != 0) {
                long n = receiveOne();
                if (n >= 0) {
                    ReceivedDatagram d = parser.parse(rx, (int) n);
                    if (d != null) {
                        return d;
                    }
                }
                continue; // a malformed, refused or vanished packet: keep waiting
            }
            if (revents != 0) {
                continue;
            }
            if (!forever && ready >= 0 && deadline - System.nanoTime() <= 0) {
                return null;
            }
        }
    }

    /** One {@code recvmsg}: the length, or -1 when there was nothing after all. */
    private long receiveOne() throws NativeException {
        rx.reset();
        try {
            return Libc.recvmsg(receiveFd, rx.msg, Libc.MSG_DONTWAIT, recvWhat);
        } catch (NativeException e) {
            // EAGAIN/EINTR; on a socket with an error queue also ECONNREFUSED left by an ICMP port unreachable
            if (errorQueue == null && e.errno() != Libc.EAGAIN && e.errno() != Libc.EINTR) {
                throw e;
            }
            return -1;
        }
    }

    private void drainErrors() {
        for (int i = 0; i < ERROR_QUEUE_READS; i++) {
            rx.reset();
            try {
                Libc.recvmsg(receiveFd, rx.msg, Libc.MSG_ERRQUEUE | Libc.MSG_DONTWAIT, "udp error queue");
            } catch (NativeException e) {
                return; // EAGAIN: drained
            }
            errorQueue.queued(rx);
        }
    }

    /** Joins {@code group} on the interface; a group already joined is not joined again. */
    void joinGroup(InetAddress group) throws IOException {
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
            throw new IOException(errorPrefix + e.getMessage(), e);
        } finally {
            useLock.readLock().unlock();
        }
    }

    /** Whether the receive socket has joined {@code group}. */
    boolean joined(InetAddress group) {
        return groups.contains(group);
    }

    /** {@code c} is closed along with the sockets (the protocol-112 watch beside a transport). */
    void closeWith(AutoCloseable c) {
        companion = c;
    }

    AutoCloseable companion() {
        return companion;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    /** Wakes any receiver, then closes the descriptors once no call uses them, then the companion; idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.eventfdSignal(wakeFd);
        useLock.writeLock().lock();
        sendLock.lock();
        try {
            Libc.closeQuietly(sendFd);
            if (receiveFd != sendFd) {
                Libc.closeQuietly(receiveFd);
            }
            Libc.closeQuietly(wakeFd);
        } finally {
            sendLock.unlock();
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
}
