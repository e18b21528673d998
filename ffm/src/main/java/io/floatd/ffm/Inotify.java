package io.floatd.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * inotify(7) through FFM: an instance, watches on paths, and a non-blocking read of its events ({@code struct
 * inotify_event}: wd, mask, cookie, len, then the name of a directory's entry, NUL-padded to len).
 */
public final class Inotify {
    public static final int IN_MODIFY = 0x2;
    public static final int IN_ATTRIB = 0x4;
    public static final int IN_CLOSE_WRITE = 0x8;
    public static final int IN_MOVED_FROM = 0x40;
    public static final int IN_MOVED_TO = 0x80;
    public static final int IN_CREATE = 0x100;
    public static final int IN_DELETE = 0x200;
    public static final int IN_DELETE_SELF = 0x400;
    public static final int IN_MOVE_SELF = 0x800;
    /** The queue overflowed: events were lost (wd -1). */
    public static final int IN_Q_OVERFLOW = 0x4000;
    /** inotify_init1 flags: the values of O_NONBLOCK and O_CLOEXEC (x86_64 and aarch64 alike). */
    public static final int IN_NONBLOCK = 0x800;
    public static final int IN_CLOEXEC = 0x80000;

    private static final MethodHandle INIT1 = Libc.errnoCall("inotify_init1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle ADD_WATCH =
            Libc.errnoCall("inotify_add_watch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    private Inotify() {
    }

    /** {@code inotify_init1(IN_NONBLOCK | IN_CLOEXEC)}: a descriptor to poll. */
    public static int init() throws NativeException {
        MemorySegment c = Libc.capture();
        try {
            return Libc.checked((int) INIT1.invokeExact(c, IN_NONBLOCK | IN_CLOEXEC), c, "inotify_init1");
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** {@code inotify_add_watch(fd, path, mask)}: the watch descriptor (the same one again for a watched inode). */
    public static int addWatch(int fd, String path, int mask) throws NativeException {
        MemorySegment c = Libc.capture();
        try (Arena a = Arena.ofConfined()) {
            return Libc.checked((int) ADD_WATCH.invokeExact(c, fd, a.allocateFrom(path), mask), c, "inotify_add_watch " + path);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** One event: the watch, what happened, and the entry's name for a directory's watch (else empty). */
    public record Event(int wd, int mask, String name) {
    }

    /** Every queued event of the non-blocking descriptor (none when the queue is empty). */
    public static java.util.List<Event> read(int fd, MemorySegment buffer) {
        java.util.List<Event> events = new java.util.ArrayList<>();
        while (true) {
            long n;
            try {
                n = Libc.read(fd, buffer, "inotify read");
            } catch (NativeException e) {
                return events; // EAGAIN: drained
            }
            if (n <= 0) {
                return events;
            }
            long at = 0;
            while (at + 16 <= n) {
                int wd = buffer.get(JAVA_INT, at);
                int mask = buffer.get(JAVA_INT, at + 4);
                int len = buffer.get(JAVA_INT, at + 12);
                String name = len == 0 ? "" : buffer.asSlice(at + 16, len).getString(0);
                events.add(new Event(wd, mask, name));
                at += 16 + len;
            }
        }
    }
}
