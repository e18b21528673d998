package io.floatd.ffm.testing;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Predicate;

/**
 * Frames of one EtherType as they arrive on one interface, whole (Ethernet header included): a raw AF_PACKET socket
 * opened through the module's own {@link Libc}, in the namespace of the thread that opens it.
 */
public final class PacketCapture implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(2048, 8);
    private final MemorySegment pollFd = arena.allocate(8, 4);

    private PacketCapture(int fd) {
        this.fd = fd;
    }

    /** Opens the socket bound to {@code interfaceName} for {@code etherType}; call it inside the namespace. */
    public static PacketCapture open(String interfaceName, int etherType) throws NativeException {
        int protocol = Short.toUnsignedInt(Short.reverseBytes((short) etherType)); // htons
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        try (Arena a = Arena.ofConfined()) {
            int ifIndex = Structs.ifIndex(fd, interfaceName);
            Libc.bind(fd, Structs.sockaddrLl(a, ifIndex, etherType, new byte[0]), "bind " + interfaceName);
            return new PacketCapture(fd);
        } catch (NativeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
    }

    /** The first frame that {@code wanted} accepts within {@code timeoutMillis}, or null when none came. */
    public byte[] next(Predicate<byte[]> wanted, int timeoutMillis) throws NativeException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            pollFd.set(ValueLayout.JAVA_INT, 0, fd);
            pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
            pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int millis = Structs.pollMillis(deadline);
            int ready = millis == 0 ? 0 : Libc.poll(pollFd, 1, millis);
            if (ready == 0) {
                return null;
            }
            if (ready < 0) {
                continue; // EINTR
            }
            long n = Libc.recv(fd, buffer, Libc.MSG_DONTWAIT, "capture");
            byte[] frame = buffer.asSlice(0, Math.min(n, buffer.byteSize())).toArray(ValueLayout.JAVA_BYTE);
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    @Override
    public void close() {
        Libc.closeQuietly(fd);
        arena.close();
    }
}
