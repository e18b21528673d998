package io.floatd.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * The local syslog daemon's socket ({@code /dev/log}: rsyslog's, syslog-ng's, busybox syslogd's, or journald's
 * under systemd), a Unix datagram socket as glibc's syslog(3) uses it: connected once, one datagram per message,
 * connected again once when the daemon was restarted. Java has no Unix datagram socket, so libc's calls through FFM
 * as {@link SdNotify}'s. A message that cannot be sent is dropped: logging must not stop the daemon.
 */
final class SyslogSocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH = 108;

    /** The libc calls, linked once. */
    @SuppressWarnings("restricted")
    private static final class Calls {
        private static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle SOCKET = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("socket"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle CONNECT = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("connect"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle SEND = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("send"),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT));
        static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private final String path;
    private int fd = -1;

    private SyslogSocket(String path) {
        this.path = path;
    }

    /**
     * Connected to {@code path}, or a one-line reason why not (no syslog daemon listening, not a datagram socket).
     */
    static SyslogSocket open(String path) throws java.io.IOException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length == 0 || p[0] != '/' || p.length >= SUN_PATH) {
            throw new java.io.IOException(path + ": not an absolute path under 108 bytes");
        }
        SyslogSocket s = new SyslogSocket(path);
        if (!s.connect()) {
            throw new java.io.IOException("cannot connect to " + path + " (is a syslog daemon running and is it a"
                    + " datagram socket?)");
        }
        return s;
    }

    private boolean connect() {
        try (Arena arena = Arena.ofConfined()) {
            int s = (int) Calls.SOCKET.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (s < 0) {
                return false;
            }
            byte[] p = path.getBytes(StandardCharsets.UTF_8);
            MemorySegment addr = arena.allocate(2 + SUN_PATH);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(p, 0, addr, ValueLayout.JAVA_BYTE, 2, p.length);
            if ((int) Calls.CONNECT.invokeExact(s, addr, 2 + p.length + 1) != 0) {
                int unused = (int) Calls.CLOSE.invokeExact(s);
                return false;
            }
            fd = s;
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Sends {@code message}; once more on a fresh connection if the daemon went away; false when dropped. */
    synchronized boolean send(String message) {
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (fd < 0 && !connect()) {
                return false;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, msg);
                if ((long) Calls.SEND.invokeExact(fd, buf, (long) msg.length, MSG_NOSIGNAL) == msg.length) {
                    return true;
                }
                close();
            } catch (Throwable t) {
                return false;
            }
        }
        return false;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                int unused = (int) Calls.CLOSE.invokeExact(fd);
            } catch (Throwable ignored) {
                // nothing to do: the descriptor is gone either way
            }
            fd = -1;
        }
    }
}
