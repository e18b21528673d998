package io.floatd.vrrp.track;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The kernel's process events connector (netlink {@code NETLINK_CONNECTOR}, group {@code CN_IDX_PROC}): a message
 * per fork, exec, name change and exit of every process on the host, as keepalived uses for track_process.
 *
 * <p>The kernel answers subscriptions only from the initial network namespace (and the initial PID and user
 * namespaces, with CAP_NET_ADMIN). When floatd runs in another network namespace (as {@code ip netns exec} does),
 * the socket is opened in the namespace of its main thread, its parent process or PID 1, the first of them where
 * the kernel answers and that floatd may enter, on a thread of its own that returns to its namespace at once; the
 * socket keeps the namespace it was made in. Otherwise {@link #open()} fails and the caller scans {@code /proc}.
 *
 * <p>Blocking waits ({@link #await}) are in poll(2) with a wake-up descriptor, so that {@link #close()} ends them.
 */
final class ProcConnector implements AutoCloseable {
    static final int NETLINK_CONNECTOR = 11;
    static final int ENOBUFS = 105;
    private static final int PROC_CN_MCAST_LISTEN = 1;
    private static final int PROC_CN_MCAST_IGNORE = 2;
    private static final int NLMSG_DONE = 3;
    private static final int BUFFER = 4096;
    /** How long the kernel's answer to the subscription may take (it comes at once when it comes). */
    private static final int ACK_MILLIS = 1000;

    /** What {@link #drain} found. */
    enum Drain { EMPTY, OVERFLOW }

    private final int fd;
    private final int wake;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(BUFFER, 8);
    private final MemorySegment pollFds = arena.allocate(16, 8);
    private final List<ProcEvent> early = new ArrayList<>();
    private final String where;

    private ProcConnector(int fd, int wake, String where) {
        this.fd = fd;
        this.wake = wake;
        this.where = where;
    }

    /** Where the socket is: "this network namespace" or "the initial network namespace". */
    String where() {
        return where;
    }

    /**
     * Opens, subscribes and waits for the kernel's acknowledgement.
     *
     * @throws NativeException when the connector cannot be used (no kernel support, no permission, a container)
     */
    static ProcConnector open() throws NativeException {
        try {
            return subscribe(socket(), "this network namespace");
        } catch (NativeException e) {
            if (e.errno() != Libc.ECONNREFUSED) {
                throw e;
            }
        }
        // another network namespace: the kernel's connector socket lives in the initial one only
        List<String> candidates = new ArrayList<>(List.of("/proc/self/ns/net"));
        ProcessHandle.current().parent().ifPresent(p -> candidates.add("/proc/" + p.pid() + "/ns/net"));
        candidates.add("/proc/1/ns/net");
        java.util.Set<String> tried = new java.util.HashSet<>();
        tried.add(namespaceId("/proc/thread-self/ns/net"));
        NativeException last = new NativeException("subscribe to process events in this network namespace", Libc.ECONNREFUSED);
        for (String ns : candidates) {
            String id = namespaceId(ns);
            if (id != null && !tried.add(id)) {
                continue;
            }
            try {
                return subscribe(socketIn(ns), "the network namespace of " + ns);
            } catch (NativeException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The namespace's identity ({@code net:[inode]}), or null when it cannot be read. */
    private static String namespaceId(String path) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of(path)).toString();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static int socket() throws NativeException {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, NETLINK_CONNECTOR);
        try (Arena a = Arena.ofConfined()) {
            attachFilter(fd, a);
            MemorySegment nl = a.allocate(Structs.SOCKADDR_NL_SIZE, 4);
            nl.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            nl.set(JAVA_INT, 8, ProcEvent.CN_IDX_PROC); // nl_groups
            Libc.bind(fd, nl, "bind process events connector");
            return fd;
        } catch (NativeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
    }

    // classic BPF (linux/filter.h): struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }
    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int JEQ_X = 0x1d;
    private static final int TAX = 0x07;
    private static final int RET_K = 0x06;

    /**
     * Has the kernel drop what floatd never acts on, so that it is not woken for it: events of threads (a JVM or
     * a build starts and ends threads by the thousand), and uid, gid, sid, ptrace and coredump events. Kept: the
     * subscription's answer, and fork (of a process), exec, comm and exit of a thread group's leader.
     */
    private static void attachFilter(int fd, Arena a) throws NativeException {
        int what = ProcEvent.NLMSG_HDRLEN + ProcEvent.CN_MSG_LEN;
        int data = ProcEvent.DATA;
        int[][] program = {
            {LD_W_ABS, 0, 0, what},
            {JEQ_K, 13, 0, loaded(ProcEvent.PROC_EVENT_NONE)},   // -> accept
            {JEQ_K, 8, 0, loaded(ProcEvent.PROC_EVENT_FORK)},    // -> child check
            {JEQ_K, 3, 0, loaded(ProcEvent.PROC_EVENT_EXEC)},    // -> task check
            {JEQ_K, 2, 0, loaded(ProcEvent.PROC_EVENT_COMM)},
            {JEQ_K, 1, 0, loaded(ProcEvent.PROC_EVENT_EXIT)},
            {RET_K, 0, 0, 0},
            // exec, comm, exit: process_pid == process_tgid
            {LD_W_ABS, 0, 0, data + 4},
            {TAX, 0, 0, 0},
            {LD_W_ABS, 0, 0, data},
            {JEQ_X, 4, 5, 0},
            // fork: child_pid == child_tgid
            {LD_W_ABS, 0, 0, data + 12},
            {TAX, 0, 0, 0},
            {LD_W_ABS, 0, 0, data + 8},
            {JEQ_X, 0, 1, 0},
            {RET_K, 0, 0, 0xffff},
            {RET_K, 0, 0, 0},
        };
        MemorySegment insns = a.allocate(8L * program.length, 8);
        for (int i = 0; i < program.length; i++) {
            insns.set(JAVA_SHORT, 8L * i, (short) program[i][0]);
            insns.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 8L * i + 2, (byte) program[i][1]);
            insns.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 8L * i + 3, (byte) program[i][2]);
            insns.set(JAVA_INT, 8L * i + 4, program[i][3]);
        }
        MemorySegment prog = a.allocate(16, 8); // struct sock_fprog { u16 len; struct sock_filter *filter; }
        prog.set(JAVA_SHORT, 0, (short) program.length);
        prog.set(java.lang.foreign.ValueLayout.ADDRESS, 8, insns);
        Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, prog, "SO_ATTACH_FILTER");
    }

    /** A host-order field as BPF's big-endian word load sees it. */
    private static int loaded(int value) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(value) : value;
    }

    /** setns(2) changes the calling thread only: a platform thread of its own enters, opens, and goes back. */
    private static int socketIn(String namespace) throws NativeException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("proc-connector-open").daemon(true).start(() -> {
            int self = -1;
            int init = -1;
            try {
                self = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
                init = Libc.open(namespace, Libc.O_RDONLY | Libc.O_CLOEXEC);
                Libc.setns(init, Libc.CLONE_NEWNET, "setns to " + namespace);
                try {
                    result.set(socket());
                } finally {
                    // a thread left in the wrong namespace would be a bug elsewhere: fail loudly if the way back fails
                    Libc.setns(self, Libc.CLONE_NEWNET, "setns back");
                }
            } catch (NativeException e) {
                result.compareAndSet(null, e);
            } finally {
                Libc.closeQuietly(self);
                Libc.closeQuietly(init);
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NativeException("open process events connector (interrupted)", Libc.EINTR);
        }
        Object r = result.get();
        if (r instanceof Integer fd) {
            return fd;
        }
        throw r instanceof NativeException ne ? ne : new NativeException("open process events connector", Libc.EINVAL);
    }

    private static ProcConnector subscribe(int fd, String where) throws NativeException {
        int wake = -1;
        try {
            wake = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            ProcConnector c = new ProcConnector(fd, wake, where);
            c.send(PROC_CN_MCAST_LISTEN);
            c.awaitAck();
            return c;
        } catch (NativeException e) {
            Libc.closeQuietly(fd);
            Libc.closeQuietly(wake);
            throw e;
        }
    }

    private void send(int op) throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            int len = ProcEvent.NLMSG_HDRLEN + ProcEvent.CN_MSG_LEN + 4;
            MemorySegment m = a.allocate(len, 4);
            m.set(JAVA_INT, 0, len); // nlmsg_len
            m.set(JAVA_SHORT, 4, (short) NLMSG_DONE); // nlmsg_type
            m.set(JAVA_INT, 16, ProcEvent.CN_IDX_PROC); // cn_msg.id.idx
            m.set(JAVA_INT, 20, ProcEvent.CN_VAL_PROC); // cn_msg.id.val
            m.set(JAVA_SHORT, 32, (short) 4); // cn_msg.len: the operation that follows
            m.set(JAVA_INT, 36, op);
            Libc.sendto(fd, m, len, 0, MemorySegment.NULL, op == PROC_CN_MCAST_LISTEN ? "subscribe to process events"
                    : "unsubscribe from process events");
        }
    }

    /**
     * The kernel acknowledges a subscription with a PROC_EVENT_NONE carrying an errno (EPERM without
     * CAP_NET_ADMIN or outside the initial PID namespace); without one within a second, it sends nothing.
     * Events before the answer are kept for {@link #drain}.
     */
    private void awaitAck() throws NativeException {
        // the bound of a blocking netlink receive: real time
        long end = System.nanoTime() + ACK_MILLIS * 1_000_000L;
        while (true) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0 || !await((int) left)) {
                throw new NativeException("no answer from the process events connector within " + ACK_MILLIS + " ms",
                        Libc.ENXIO);
            }
            long n = receive();
            if (n < 0) {
                continue;
            }
            ProcEvent e = ProcEvent.decode(buffer.asByteBuffer().order(ByteOrder.nativeOrder()), (int) n);
            if (e.what() == ProcEvent.What.ACK) {
                if (e.error() != 0) {
                    throw new NativeException("subscribe to process events", e.error());
                }
                return;
            }
            early.add(e);
        }
    }

    /** One message, or -1 when none is queued; throws on errors other than "nothing queued". */
    private long receive() throws NativeException {
        try {
            return Libc.recv(fd, buffer, Libc.MSG_DONTWAIT, "receive process events");
        } catch (NativeException e) {
            if (e.errno() == Libc.EAGAIN || e.errno() == Libc.EINTR) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * Hands every queued event to {@code sink}, without blocking.
     *
     * @return OVERFLOW when the kernel dropped events (the receive buffer was full): the caller re-scans
     */
    Drain drain(Consumer<ProcEvent> sink) throws NativeException {
        if (!early.isEmpty()) {
            early.forEach(sink);
            early.clear();
        }
        while (true) {
            long n;
            try {
                n = receive();
            } catch (NativeException e) {
                if (e.errno() == ENOBUFS) {
                    return Drain.OVERFLOW;
                }
                throw e;
            }
            if (n < 0) {
                return Drain.EMPTY;
            }
            // one event per message: the kernel never chains them (proc_event's alignment forbids it)
            sink.accept(ProcEvent.decode(buffer.asByteBuffer().order(ByteOrder.nativeOrder()), (int) n));
        }
    }

    /**
     * Waits until events are queued, {@link #wakeUp()} is called, or {@code timeoutMillis} pass (-1: no limit).
     *
     * @return whether events are queued (or the socket has an error to report)
     */
    boolean await(int timeoutMillis) throws NativeException {
        if (!early.isEmpty()) {
            return true;
        }
        pollFds.set(JAVA_INT, 0, fd);
        pollFds.set(JAVA_SHORT, 4, Libc.POLLIN);
        pollFds.set(JAVA_SHORT, 6, (short) 0);
        pollFds.set(JAVA_INT, 8, wake);
        pollFds.set(JAVA_SHORT, 12, Libc.POLLIN);
        pollFds.set(JAVA_SHORT, 14, (short) 0);
        int rc = Libc.poll(pollFds, 2, timeoutMillis);
        if (rc <= 0) {
            return false;
        }
        if (pollFds.get(JAVA_SHORT, 14) != 0) {
            try (Arena a = Arena.ofConfined()) {
                Libc.read(wake, a.allocate(JAVA_LONG), "read wake-up");
            } catch (NativeException e) {
                // already drained
            }
        }
        return pollFds.get(JAVA_SHORT, 6) != 0;
    }

    /** Ends a running {@link #await} at once. */
    void wakeUp() {
        try (Arena a = Arena.ofConfined()) {
            Libc.write(wake, a.allocateFrom(JAVA_LONG, 1L), "wake up");
        } catch (NativeException e) {
            // the counter is full: a wake-up is pending anyway
        }
    }

    /** Doubles the socket's receive buffer after an overflow (capped by the kernel's rmem_max); the new size. */
    int growReceiveBuffer() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, v, "SO_RCVBUF");
            // the kernel reports twice what was set; setting that asks for double
            int now = v.get(JAVA_INT, 0);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, now, "SO_RCVBUF");
            Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, v, "SO_RCVBUF");
            return v.get(JAVA_INT, 0);
        } catch (NativeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            send(PROC_CN_MCAST_IGNORE);
        } catch (NativeException e) {
            // closing anyway
        }
        Libc.closeQuietly(fd);
        Libc.closeQuietly(wake);
        arena.close();
    }
}
