package io.floatd.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The native memory one socket's sender uses: a message buffer reused for every send, and one socket address (with
 * the text that names it in errors) per destination, built at the first send to it. A daemon sends one advert per
 * instance, peer and interval; each used to allocate, copy and format anew. {@link #copy} is not thread-safe: the
 * transport's send lock guards it. The memory is freed with the transport, by the garbage collector.
 */
public final class SendBuffers {
    /**
     * Where a message goes.
     *
     * @param sockaddr the socket address to pass to sendto
     * @param what how errors name the send
     */
    public record Destination(MemorySegment sockaddr, String what) {
    }

    private final Arena arena = Arena.ofAuto();
    private final Map<InetAddress, Destination> destinations = new ConcurrentHashMap<>();
    private final Function<InetAddress, Destination> make;
    private MemorySegment message = MemorySegment.NULL;

    /** @param make builds the destination of an address, allocating its sockaddr from the arena given */
    public SendBuffers(java.util.function.BiFunction<Arena, InetAddress, Destination> make) {
        this.make = a -> make.apply(arena, a);
    }

    /** The destination of {@code address}, built at its first use and kept. */
    public Destination destination(InetAddress address) {
        return destinations.computeIfAbsent(address, make);
    }

    /** The message, copied into the reused buffer (grown when a longer one comes). */
    public MemorySegment copy(byte[] bytes) {
        if (message.byteSize() < bytes.length) {
            message = arena.allocate(Math.max(bytes.length, 512), 8);
        }
        MemorySegment.copy(bytes, 0, message, JAVA_BYTE, 0, bytes.length);
        return message;
    }
}
