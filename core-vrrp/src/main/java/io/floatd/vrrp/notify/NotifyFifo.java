package io.floatd.vrrp.notify;

import io.floatd.vrrp.transport.internal.Libc;
import io.floatd.vrrp.transport.internal.NativeException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.concurrent.atomic.AtomicLong;

/**
 * keepalived's {@code notify_fifo}: a named pipe that gets one line per state change, such as
 * {@code INSTANCE "VI_1" MASTER 150} (observed from keepalived 2.2.7, which writes BACKUP, MASTER, FAULT and STOP
 * lines, STOP with the instance's priority).
 *
 * <p>Never blocks: the FIFO is opened {@code O_WRONLY|O_NONBLOCK}, which fails at once while nobody reads it, and
 * every line is shorter than {@code PIPE_BUF}, so a write either lands whole or fails with {@code EAGAIN} when the
 * reader lags. Lines that cannot be written are dropped and counted, and logged once until a reader is back.
 * keepalived instead keeps the FIFO open read-write and lets lines pile up for a reader that may never come; a line
 * read long after the fact would lie about the present, so floatd drops it.
 *
 * <p>Not thread-safe: one writer thread calls {@link #write}; the counters may be read from anywhere.
 */
public final class NotifyFifo implements AutoCloseable {
    private static final Logger LOG = System.getLogger(NotifyFifo.class.getName());
    private static final int PIPE_BUF = 4096;

    private final Path path;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private int fd = -1;
    private boolean complained;

    /** Creates the FIFO (mode 0600, as keepalived) when nothing is at {@code path}. */
    public NotifyFifo(Path path) {
        this.path = path;
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Libc.mkfifo(path.toString(), 0600);
            } catch (NativeException e) {
                if (e.errno() != Libc.EEXIST) {
                    LOG.log(Level.WARNING, "notify_fifo {0}: cannot create it: {1}", path, e.reason());
                }
            }
        }
    }

    /** The line keepalived writes for an instance's state change. */
    public static String line(String instance, NotifyState state, int priority) {
        return "INSTANCE \"" + instance + "\" " + state + " " + priority;
    }

    public Path path() {
        return path;
    }

    /** Writes one line (a newline is added) if a reader is there; otherwise drops it. Returns whether it was written. */
    public boolean write(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (bytes.length > PIPE_BUF) {
            return drop("a line longer than " + PIPE_BUF + " bytes would not be written atomically");
        }
        if (fd < 0 && !open()) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(bytes.length);
            buf.copyFrom(MemorySegment.ofArray(bytes));
            Libc.write(fd, buf, "write " + path);
            written.incrementAndGet();
            complained = false;
            return true;
        } catch (NativeException e) {
            if (e.errno() != Libc.EAGAIN) {
                // EPIPE: the reader went away; the next line opens again and finds out whether another came
                closeFd();
            }
            return drop(e.errno() == Libc.EAGAIN ? "the reader is not keeping up" : e.reason());
        }
    }

    private boolean open() {
        try {
            if (!isFifo()) {
                return drop("it is not a FIFO");
            }
            fd = Libc.open(path.toString(), Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            return true;
        } catch (NativeException e) {
            return drop(e.errno() == Libc.ENXIO ? "nobody is reading it" : e.reason());
        }
    }

    private boolean isFifo() {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class).isOther();
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private boolean drop(String why) {
        long n = dropped.incrementAndGet();
        if (!complained) {
            complained = true;
            LOG.log(Level.WARNING, "notify_fifo {0}: dropping lines while {1} ({2} dropped so far; logged once until a line gets through)",
                    path, why, n);
        }
        return false;
    }

    /** Lines written since construction. */
    public long written() {
        return written.get();
    }

    /** Lines dropped since construction: no reader, a reader too slow, or no FIFO at the path. */
    public long dropped() {
        return dropped.get();
    }

    private void closeFd() {
        if (fd >= 0) {
            Libc.closeQuietly(fd);
            fd = -1;
        }
    }

    @Override
    public void close() {
        closeFd();
    }
}
