package io.floatd.vrrp.transport.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * inotify(7) through FFM: an instance, watches on paths, and a non-blocking drain of its events (the caller polls
 * the descriptor and re-reads what it watches on any event, so the events' contents are not parsed).
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

    /** Reads (and drops) every queued event of the non-blocking descriptor; true when there was at least one. */
    public static boolean drain(int fd, MemorySegment buffer) {
        boolean any = false;
        while (true) {
            try {
                if (Libc.read(fd, buffer, "inotify read") <= 0) {
                    return any;
                }
                any = true;
            } catch (NativeException e) {
                return any; // EAGAIN: drained
            }
        }
    }
}
