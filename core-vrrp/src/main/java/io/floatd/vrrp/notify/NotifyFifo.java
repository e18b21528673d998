package io.floatd.vrrp.notify;

import io.floatd.ffm.FileCalls;
import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * keepalived's {@code notify_fifo}: a named pipe that gets one line per state change, such as
 * {@code INSTANCE "VI_1" MASTER 150} (observed from keepalived 2.2.7, which writes BACKUP, MASTER, FAULT and STOP
 * lines, STOP with the instance's priority).
 *
 * <p>Only a FIFO is written, and never through a link: the path is opened {@code O_WRONLY|O_NOFOLLOW|O_NONBLOCK},
 * then the descriptor (not the path, which could change in between) is checked to be a FIFO. A symbolic link, a
 * regular file, a terminal or any device at the path is refused with one log line naming it, and its lines are
 * dropped: floatd runs as root, and a user's link in /tmp to their terminal or to a disk must not receive root's
 * writes.
 *
 * <p>Never blocks: opening a FIFO {@code O_NONBLOCK} for writing fails at once ({@code ENXIO}) while nobody reads
 * it, and every line is shorter than {@code PIPE_BUF}, so a write either lands whole or fails with {@code EAGAIN}
 * when the reader lags. Lines that cannot be written are dropped and counted, and logged once until a reader is back.
 * keepalived instead keeps the FIFO open read-write and lets lines pile up for a reader that may never come; a line
 * read long after the fact would lie about the present, so floatd drops it.
 *
 * <p>Not thread-safe: one writer thread calls {@link #write}; the counters may be read from anywhere.
 */
public final class NotifyFifo implements AutoCloseable {
    private static final Logger LOG = System.getLogger(NotifyFifo.class.getName());
    private static final int PIPE_BUF = 4096;
    private static final String NO_READER = "nobody is reading it";
    /** Readable and writable by root only: a reader consumes the lines, so no other user may open it. */
    static final int MODE = 0600;

    private final Path path;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private int fd = -1;
    private boolean complained;

    /**
     * Creates the FIFO (mode 0600) when nothing is at {@code path}, and says at once, in one log line, when what is
     * there can never be written (a link, a file, a device), rather than at the first state change.
     */
    public NotifyFifo(Path path) {
        this.path = path;
        try {
            Libc.mkfifo(path.toString(), MODE); // fails with EEXIST for anything there, a dangling link included
        } catch (NativeException e) {
            if (e.errno() != Libc.EEXIST) {
                LOG.log(Level.WARNING, "notify_fifo {0}: cannot create it: {1}", path, e.reason());
                complained = true;
            }
        }
        String refused = open();
        if (refused != null && !complained && !refused.equals(NO_READER)) {
            complain(refused, 0);
        }
    }

    /** The line keepalived writes for a vrrp_sync_group's state change (a group's priority is always 0). */
    public static String groupLine(String group, NotifyState state) {
        return "GROUP \"" + group + "\" " + state + " 0";
    }

    /** The line keepalived writes for an instance's state change. */
    public static String line(String instance, NotifyState state, int priority) {
        return "INSTANCE \"" + instance + "\" " + state + " " + priority;
    }

    /**
     * The line keepalived writes when tracking moves an instance's priority and {@code notify_priority_changes} is
     * set: {@code INSTANCE "VI_1" MASTER_PRIORITY 140}, {@code BACKUP_PRIORITY} in any state but Master.
     */
    public static String priorityLine(String instance, boolean master, int priority) {
        return "INSTANCE \"" + instance + "\" " + (master ? "MASTER_PRIORITY" : "BACKUP_PRIORITY") + " " + priority;
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
        if (fd < 0) {
            String refused = open();
            if (refused != null) {
                return drop(refused);
            }
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

    /** Opens the FIFO for writing; returns why not, or {@code null} once {@link #fd} is open. */
    private String open() {
        int opened;
        try {
            // O_NOCTTY: if a terminal is there after all, opening it must not make it floatd's controlling terminal
            opened = FileCalls.open(path.toString(), FileCalls.O_WRONLY | FileCalls.O_NOFOLLOW | FileCalls.O_NONBLOCK
                    | FileCalls.O_NOCTTY | FileCalls.O_CLOEXEC, 0);
        } catch (NativeException e) {
            return switch (e.errno()) {
                case FileCalls.ENXIO -> NO_READER;
                case FileCalls.ELOOP -> "refused: it is a symbolic link (floatd never writes through one)";
                case FileCalls.ENOENT -> "it does not exist";
                default -> e.reason();
            };
        }
        try {
            FileCalls.Stat st = FileCalls.fstat(opened);
            if (!st.isFifo()) {
                Libc.closeQuietly(opened);
                return "refused: it is " + st.kind() + ", not a FIFO";
            }
        } catch (NativeException e) {
            Libc.closeQuietly(opened);
            return e.reason();
        }
        fd = opened;
        return null;
    }

    private boolean drop(String why) {
        long n = dropped.incrementAndGet();
        if (!complained) {
            complain(why, n);
        }
        return false;
    }

    /** @param droppedSoFar the lines dropped, or 0 at start, before any was written */
    private void complain(String why, long droppedSoFar) {
        complained = true;
        LOG.log(Level.WARNING, "notify_fifo {0}: {1}; its lines {2} (logged once until one gets through)", path, why,
                droppedSoFar == 0 ? "will be dropped" : "are dropped, " + droppedSoFar + " so far");
    }

    /** Lines written since construction. */
    public long written() {
        return written.get();
    }

    /** Lines dropped since construction: no reader, a reader too slow, or no FIFO (or a link) at the path. */
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
