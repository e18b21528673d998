package io.floatd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** READY=1 reaches a Unix datagram socket as systemd's, by path and by abstract name; no variable, nothing sent. */
@SuppressWarnings("restricted")
class SdNotifyTest {
    private static final Linker LINKER = Linker.nativeLinker();

    private static MethodHandle libc(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd);
    }

    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = libc("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** systemd's side: a datagram socket bound to {@code name} ({@code @} for abstract); receives one message. */
    private static String receiveWhile(String name, Runnable send) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) SOCKET.invokeExact(1, 2 | 0x80000, 0);
            assertTrue(fd >= 0);
            try {
                byte[] path = name.getBytes(StandardCharsets.UTF_8);
                MemorySegment addr = arena.allocate(110);
                addr.set(ValueLayout.JAVA_SHORT, 0, (short) 1);
                MemorySegment.copy(path, 0, addr, ValueLayout.JAVA_BYTE, 2, path.length);
                boolean abs = path[0] == '@';
                if (abs) {
                    addr.set(ValueLayout.JAVA_BYTE, 2, (byte) 0);
                }
                assertEquals(0, (int) BIND.invokeExact(fd, addr, 2 + path.length + (abs ? 0 : 1)));
                send.run();
                MemorySegment buf = arena.allocate(256);
                long n = (long) RECV.invokeExact(fd, buf, 256L, 0x40); // MSG_DONTWAIT: sent already
                assertTrue(n > 0, "nothing received");
                return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            } finally {
                int unused = (int) CLOSE.invokeExact(fd);
            }
        }
    }

    @Test
    void readyReachesAPathSocket(@TempDir Path dir) throws Throwable {
        String path = dir.resolve("notify").toString();
        String got = receiveWhile(path, () -> assertEquals(Optional.empty(), SdNotify.send(path, "READY=1")));
        assertEquals("READY=1", got);
    }

    /** One socket for all datagrams (WATCHDOG=1 every WatchdogSec/2 under the unit), not one per datagram. */
    @Test
    void everyDatagramLeavesThroughTheOneKeptSocket(@TempDir Path dir) throws Throwable {
        String path = dir.resolve("notify").toString();
        assertEquals("READY=1", receiveWhile(path, () -> assertEquals(Optional.empty(), SdNotify.send(path, "READY=1"))));
        int first = SdNotify.socketFd();
        assertTrue(first >= 0);
        String again = dir.resolve("notify2").toString(); // the first path's socket file stays behind after its close
        assertEquals("WATCHDOG=1", receiveWhile(again, () -> assertEquals(Optional.empty(), SdNotify.send(again, "WATCHDOG=1"))));
        assertEquals(first, SdNotify.socketFd(), "the same socket");
        assertTrue(java.nio.file.Files.exists(Path.of("/proc/self/fd/" + first)), "and it is open");
    }

    @Test
    void readyReachesAnAbstractSocket() throws Throwable {
        String name = "@floatd-test-" + ProcessHandle.current().pid();
        assertEquals("STOPPING=1", receiveWhile(name, () -> assertEquals(Optional.empty(), SdNotify.send(name, "STOPPING=1"))));
    }

    @Test
    void withoutTheVariableNothingIsSentAndABadOneIsSaid() {
        assertEquals(Optional.empty(), SdNotify.send(null, "READY=1"));
        assertEquals(Optional.empty(), SdNotify.send("", "READY=1"));
        assertTrue(SdNotify.send("relative/path", "READY=1").isPresent());
        assertTrue(SdNotify.send("/nonexistent/dir/notify", "READY=1").isPresent(), "no one listening: said, not thrown");
    }
}
