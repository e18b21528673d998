package io.floatd.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * systemd's readiness protocol (sd_notify(3)): one datagram such as {@code READY=1} to the AF_UNIX socket named by
 * {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace). keepalived's units are
 * {@code Type=notify} (Debian's: {@code ExecStart=/usr/sbin/keepalived --dont-fork $DAEMON_ARGS}), so floatd, run from
 * such a unit with the binary's name changed, speaks this protocol ({@link SystemdNotifier}); without
 * the variable nothing is sent. Java has no Unix datagram socket, so libc's
 * socket/sendto through FFM. A failure is returned, never thrown: readiness must not stop the daemon.
 */
final class SdNotify {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH = 108;

    /** One unconnected datagram socket kept for every datagram (was: socket, sendto, close per WATCHDOG=1); -1: none. */
    private static int fd = -1;

    private SdNotify() {
    }

    /** The libc calls, linked once (a downcall handle per datagram spun new classes each time). */
    @SuppressWarnings("restricted")
    private static final class Calls {
        private static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle SOCKET = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("socket"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle SENDTO = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("sendto"),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /** Sends {@code state} to {@code socket}; returns empty when sent or not asked for (no socket), else why not. */
    static synchronized java.util.Optional<String> send(String socket, String state) {
        if (socket == null || socket.isEmpty()) {
            return java.util.Optional.empty();
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path[0] == '@';
        if (!abstractName && path[0] != '/' || path.length >= SUN_PATH) {
            return java.util.Optional.of("NOTIFY_SOCKET " + socket + ": not an absolute path or @name under 108 bytes");
        }
        try (Arena arena = Arena.ofConfined()) {
            if (fd < 0) {
                fd = (int) Calls.SOCKET.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd < 0) {
                    return java.util.Optional.of("NOTIFY_SOCKET: socket() failed");
                }
            }
            // struct sockaddr_un: sa_family_t, then sun_path; an abstract name starts with a NUL and has no terminator
            MemorySegment addr = arena.allocate(2 + SUN_PATH);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(path, 0, addr, ValueLayout.JAVA_BYTE, 2, path.length);
            if (abstractName) {
                addr.set(ValueLayout.JAVA_BYTE, 2, (byte) 0);
            }
            int addrLen = 2 + path.length + (abstractName ? 0 : 1);
            byte[] msg = state.getBytes(StandardCharsets.UTF_8);
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, msg);
            long sent = (long) Calls.SENDTO.invokeExact(fd, buf, (long) msg.length, MSG_NOSIGNAL, addr, addrLen);
            if (sent == msg.length) {
                return java.util.Optional.empty();
            }
            // a failed send (no one listening, systemd restarted): a fresh socket next time
            int unused = (int) Calls.CLOSE.invokeExact(fd);
            fd = -1;
            return java.util.Optional.of("NOTIFY_SOCKET " + socket + ": sendto() failed");
        } catch (Throwable t) {
            return java.util.Optional.of("NOTIFY_SOCKET " + socket + ": " + io.floatd.vrrp.log.Failures.describe(t));
        }
    }

    /** The kept socket's descriptor, -1 before the first datagram or after a failed one (for tests). */
    static synchronized int socketFd() {
        return fd;
    }
}
