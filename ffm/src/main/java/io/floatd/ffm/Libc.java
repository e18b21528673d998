package io.floatd.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls floatd needs, bound once through the FFM API, and the Linux constants they take. Every call that can
 * fail captures {@code errno} ({@link Linker.Option#captureCallState}) and throws {@link NativeException} on failure.
 * Thread-safe: the calls keep no state here, and each thread captures its errno in its own memory. Linux only (x86-64
 * and aarch64 share every constant and layout used here).
 */
@SuppressWarnings("restricted")
public final class Libc {
    private Libc() {
    }

    // ---- constants (Linux) ----
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;

    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_BINDTODEVICE = 25;
    public static final int SO_ATTACH_FILTER = 26;

    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_ICMPV6 = 58;
    public static final int IPPROTO_VRRP = 112;

    public static final int IP_TTL = 2;
    public static final int IP_PKTINFO = 8;
    public static final int IP_MULTICAST_IF = 32;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IP_MULTICAST_LOOP = 34;
    public static final int IP_ADD_MEMBERSHIP = 35;

    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_MULTICAST_IF = 17;
    public static final int IPV6_MULTICAST_HOPS = 18;
    public static final int IPV6_MULTICAST_LOOP = 19;
    public static final int IPV6_JOIN_GROUP = 20;
    public static final int IPV6_RECVPKTINFO = 49;
    public static final int IPV6_PKTINFO = 50;
    public static final int IPV6_RECVHOPLIMIT = 51;
    public static final int IPV6_HOPLIMIT = 52;

    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;

    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    /** recvmsg: read the socket's error queue (IP_RECVERR) instead of its data. */
    public static final int MSG_ERRQUEUE = 0x2000;
    public static final int MSG_CTRUNC = 0x08;

    public static final short POLLIN = 0x1;
    public static final short POLLHUP = 0x10;
    public static final short POLLERR = 0x8;
    public static final short POLLNVAL = 0x20;

    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;

    // the control socket (io.floatd.vrrp.control) and the file-descriptor budget
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SO_PEERCRED = 17;
    public static final int SO_PEERGROUPS = 59;
    public static final int RLIMIT_NOFILE = 7;
    public static final int ERANGE = 34;
    public static final int ENOPROTOOPT = 92;
    public static final int ECONNREFUSED = 111;

    public static final long SIOCGIFHWADDR = 0x8927;
    public static final long SIOCGIFINDEX = 0x8933;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EPIPE = 32;
    public static final int EINVAL = 22;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;

    // ---- binding ----
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    /** A libc function that captures {@code errno}; for the sibling binding classes of this package too. */
    static MethodHandle errnoCall(String name, FunctionDescriptor fd, Linker.Option... more) {
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(more, 0, options, 1, more.length);
        return LINKER.downcallHandle(LIBC.findOrThrow(name), fd, options);
    }

    private static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT =
            errnoCall("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO =
            errnoCall("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM =
            errnoCall("recvfrom", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL = errnoCall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL =
            errnoCall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle EVENTFD = errnoCall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE = errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle OPEN = errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle PIPE2 = errnoCall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MKFIFO = errnoCall("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = errnoCall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle LISTEN = errnoCall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 =
            errnoCall("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT =
            errnoCall("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETRLIMIT = errnoCall("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = errnoCall("setrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(LIBC.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    static MemorySegment capture() {
        return CAPTURE.get();
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    static RuntimeException bug(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    static int checked(int rc, MemorySegment capture, String what) throws NativeException {
        if (rc < 0) {
            throw new NativeException(what, errno(capture));
        }
        return rc;
    }

    static long checked(long rc, MemorySegment capture, String what) throws NativeException {
        if (rc < 0) {
            throw new NativeException(what, errno(capture));
        }
        return rc;
    }

    /** {@code strerror(errno)}; never fails. */
    public static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            return p.equals(MemorySegment.NULL) ? "errno " + errno : p.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** {@code socket(domain, type, protocol)}: the new descriptor. */
    public static int socket(int domain, int type, int protocol) throws NativeException {
        MemorySegment c = capture();
        try {
            return checked((int) SOCKET.invokeExact(c, domain, type, protocol), c, "socket");
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code bind(fd, addr)}; {@code what} names the call in the exception. */
    public static void bind(int fd, MemorySegment addr, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            checked((int) BIND.invokeExact(c, fd, addr, (int) addr.byteSize()), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code setsockopt} with {@code value} as the option's bytes. */
    public static void setsockopt(int fd, int level, int name, MemorySegment value, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            checked((int) SETSOCKOPT.invokeExact(c, fd, level, name, value, (int) value.byteSize()), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code setsockopt} of an {@code int} option. */
    public static void setsockopt(int fd, int level, int name, int value, String what) throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            setsockopt(fd, level, name, a.allocateFrom(JAVA_INT, value), what);
        }
    }

    /** {@code sendto}; {@code addr} may be {@link MemorySegment#NULL}. */
    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, String what)
            throws NativeException {
        MemorySegment c = capture();
        int addrLen = addr.equals(MemorySegment.NULL) ? 0 : (int) addr.byteSize();
        try {
            return checked((long) SENDTO.invokeExact(c, fd, buf, len, flags, addr, addrLen), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code recv} (recvfrom without an address); returns the byte count or, with MSG_TRUNC, the real length. */
    public static long recv(int fd, MemorySegment buf, int flags, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            return checked((long) RECVFROM.invokeExact(c, fd, buf, buf.byteSize(), flags, MemorySegment.NULL,
                    MemorySegment.NULL), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code recvmsg(fd, msghdr, flags)}: the datagram's length. */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            return checked((long) RECVMSG.invokeExact(c, fd, msghdr, flags), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code poll}; returns the number of ready descriptors, or -1 when interrupted (EINTR). */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) throws NativeException {
        MemorySegment c = capture();
        try {
            int rc = (int) POLL.invokeExact(c, fds, nfds, timeoutMillis);
            if (rc < 0 && errno(c) == EINTR) {
                return -1;
            }
            return checked(rc, c, "poll");
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code close}, ignoring errors (the descriptor is gone either way on Linux). */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(capture(), fd);
        } catch (Throwable t) {
            // nothing to do
        }
    }

    /** {@code ioctl(fd, request, arg)}, e.g. {@link #SIOCGIFINDEX} on a {@code struct ifreq}. */
    public static int ioctl(int fd, long request, MemorySegment arg, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            return checked((int) IOCTL.invokeExact(c, fd, request, arg), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code eventfd(initval, flags)}: the new descriptor. */
    public static int eventfd(int initval, int flags) throws NativeException {
        MemorySegment c = capture();
        try {
            return checked((int) EVENTFD.invokeExact(c, initval, flags), c, "eventfd");
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /**
     * Adds 1 to an eventfd's counter, waking whatever polls it; never fails: the one error a non-blocking eventfd
     * gives here is EAGAIN, a counter already non-zero, whose poller wakes anyway.
     */
    public static void eventfdSignal(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            write(fd, arena.allocateFrom(JAVA_LONG, 1L), "eventfd write");
        } catch (NativeException e) {
            // EAGAIN: the counter is already non-zero, so the poller wakes anyway
        }
    }

    /** {@code write(fd, buf)}: the bytes written (perhaps fewer than {@code buf} holds). */
    public static long write(int fd, MemorySegment buf, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            return checked((long) WRITE.invokeExact(c, fd, buf, buf.byteSize()), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code read(fd, buf)}: the bytes read, 0 at end of file. */
    public static long read(int fd, MemorySegment buf, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            return checked((long) READ.invokeExact(c, fd, buf, buf.byteSize()), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code open(path, flags)} without a mode ({@link FileCalls#open} creates files). */
    public static int open(String path, int flags) throws NativeException {
        MemorySegment c = capture();
        try (Arena a = Arena.ofConfined()) {
            return checked((int) OPEN.invokeExact(c, a.allocateFrom(path), flags), c, "open " + path);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code pipe2(fds, flags)}: a new pipe, as {read end, write end}; both ends get {@code flags}. */
    public static int[] pipe2(int flags) throws NativeException {
        MemorySegment c = capture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            checked((int) PIPE2.invokeExact(c, fds, flags), c, "pipe2");
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code mkfifo(path, mode)}: creates a named pipe (the umask applies to {@code mode}). */
    public static void mkfifo(String path, int mode) throws NativeException {
        MemorySegment c = capture();
        try (Arena a = Arena.ofConfined()) {
            checked((int) MKFIFO.invokeExact(c, a.allocateFrom(path), mode), c, "mkfifo " + path);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code setns(fd, nstype)}: moves the calling thread into the namespace. */
    public static void setns(int fd, int nstype, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            checked((int) SETNS.invokeExact(c, fd, nstype), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code listen(fd, backlog)}. */
    public static void listen(int fd, int backlog, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            checked((int) LISTEN.invokeExact(c, fd, backlog), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code accept4(fd, NULL, NULL, flags)}: the connected socket's descriptor; the peer's address is not asked for. */
    public static int accept4(int fd, int flags, String what) throws NativeException {
        MemorySegment c = capture();
        try {
            return checked((int) ACCEPT4.invokeExact(c, fd, MemorySegment.NULL, MemorySegment.NULL, flags), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code getsockopt} into {@code value}; returns the length the kernel wrote (or needs, for a short buffer). */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, String what) throws NativeException {
        MemorySegment c = capture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocateFrom(JAVA_INT, (int) value.byteSize());
            checked((int) GETSOCKOPT.invokeExact(c, fd, level, name, value, len), c, what);
            return len.get(JAVA_INT, 0);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code getrlimit(resource)}: {soft, hard} ({@code RLIM_INFINITY} is -1). */
    public static long[] getrlimit(int resource) throws NativeException {
        MemorySegment c = capture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rl = a.allocate(16, 8);
            checked((int) GETRLIMIT.invokeExact(c, resource, rl), c, "getrlimit");
            return new long[] {rl.get(JAVA_LONG, 0), rl.get(JAVA_LONG, 8)};
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code setrlimit(resource, {soft, hard})}. */
    public static void setrlimit(int resource, long soft, long hard) throws NativeException {
        MemorySegment c = capture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rl = a.allocate(16, 8);
            rl.set(JAVA_LONG, 0, soft);
            rl.set(JAVA_LONG, 8, hard);
            checked((int) SETRLIMIT.invokeExact(c, resource, rl), c, "setrlimit");
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }
}
