package io.floatd.it;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiving end of sd_notify(3), as systemd holds it: an AF_UNIX datagram socket bound to a path that a service
 * finds in {@code $NOTIFY_SOCKET}. Java has no Unix datagram socket, so libc through FFM. Test code.
 */
final class NotifySocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int MSG_DONTWAIT = 0x40;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = handle("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Path path;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(4096);
    private final List<String> received = new ArrayList<>();

    @SuppressWarnings("restricted")
    private static MethodHandle handle(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), d);
    }

    NotifySocket(Path path) throws Throwable {
        this.path = path;
        Files.deleteIfExists(path);
        this.fd = (int) SOCKET.invokeExact(AF_UNIX, SOCK_DGRAM, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket(AF_UNIX, SOCK_DGRAM) failed");
        }
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        MemorySegment addr = arena.allocate(110);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(p, 0, addr, ValueLayout.JAVA_BYTE, 2, p.length);
        if ((int) BIND.invokeExact(fd, addr, 2 + p.length + 1) != 0) {
            throw new IllegalStateException("bind(" + path + ") failed");
        }
    }

    Path path() {
        return path;
    }

    /** Every datagram received so far (one string each), after reading what is waiting. */
    synchronized List<String> received() throws Throwable {
        while (true) {
            long n = (long) RECV.invokeExact(fd, buf, buf.byteSize(), MSG_DONTWAIT);
            if (n < 0) {
                return List.copyOf(received);
            }
            received.add(new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
        }
    }

    /**
     * Waits (bounded) until a datagram after the first {@code from} has a line starting with {@code prefix} (a datagram
     * may carry several assignments, e.g. {@code READY=1\nSTATUS=...}); returns its index.
     */
    int await(String prefix, int from, Duration timeout) throws Throwable {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> all = received();
            for (int i = from; i < all.size(); i++) {
                if (all.get(i).startsWith(prefix) || all.get(i).contains("\n" + prefix)) {
                    return i;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no datagram with a line starting '" + prefix + "' after #" + from + " within " + timeout + ": " + all);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            int unused = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
        Files.deleteIfExists(path);
    }
}
