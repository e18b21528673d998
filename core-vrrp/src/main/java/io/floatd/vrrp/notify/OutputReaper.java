package io.floatd.vrrp.notify;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that reads the output of every running script, through {@code poll} over non-blocking pipes.
 *
 * <p>A script's stdout and stderr go to a pipe of ours; a background child the script leaves behind inherits it.
 * Reading it with a thread per script would leave that thread blocked in {@code read}, with the pipe, for as long
 * as the child lives (a {@code sleep 300 &} costs a thread and a descriptor for five minutes). Here, once the
 * script has ended, its {@link Capture} is {@linkplain Capture#finish finished}: whatever is still buffered is
 * read and the read end is closed. A child that writes afterwards gets {@code EPIPE} (or {@code SIGPIPE}); a child
 * that does not write never notices. Nothing of floatd's waits for it.
 *
 * <p>Each capture keeps the last bytes in a {@link TailBuffer}, so a chatty script costs neither heap nor a full
 * pipe. Only this thread reads or closes a capture's read end, so a descriptor is never closed while polled.
 */
final class OutputReaper {
    private static final Logger LOG = System.getLogger(OutputReaper.class.getName());
    private static final int CHUNK = 64 * 1024;
    /** Reads per capture per round, so one loud script does not starve the others' results. */
    private static final int READS_PER_ROUND = 16;
    /** The most a finished capture reads before closing, when a background child keeps writing. */
    private static final int FINAL_READS = 16;
    /** How long {@link Capture#finish} waits for this thread to close the read end: it only reads what is buffered. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final int POLL_BYTES = 8;

    private static OutputReaper shared;

    private final int wakeFd;
    private final ConcurrentLinkedQueue<Capture> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Capture> finishing = new ConcurrentLinkedQueue<>();

    private OutputReaper() throws NativeException {
        wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        Thread.ofPlatform().daemon().name("script-output").start(this::loop);
    }

    /** The reaper of this JVM, started on first use. */
    static synchronized OutputReaper shared() throws NativeException {
        if (shared == null) {
            shared = new OutputReaper();
        }
        return shared;
    }

    /** A new pipe whose output is kept up to {@code limit} bytes; its write end is for one script to start with. */
    Capture open(int limit) throws NativeException {
        int[] fds = Libc.pipe2(Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        Capture c = new Capture(this, fds[0], fds[1], new TailBuffer(limit));
        added.add(c);
        wake();
        return c;
    }

    private void wake() {
        Libc.eventfdSignal(wakeFd);
    }

    private void loop() {
        List<Capture> live = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(CHUNK);
            MemorySegment counter = arena.allocate(JAVA_LONG);
            byte[] bytes = new byte[CHUNK];
            while (true) {
                try {
                    round(live, buf, counter, bytes);
                } catch (RuntimeException | NativeException e) {
                    // never expected; the loop must outlive it, or every later script's output would pile up
                    LOG.log(Level.ERROR, "script output reader: " + io.floatd.vrrp.log.Failures.describe(e), e);
                    try {
                        TimeUnit.MILLISECONDS.sleep(100);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private void round(List<Capture> live, MemorySegment buf, MemorySegment counter, byte[] bytes) throws NativeException {
        for (Capture c; (c = added.poll()) != null; ) {
            live.add(c);
        }
        for (Capture c; (c = finishing.poll()) != null; ) {
            // what the script wrote before it ended is in the pipe already; a child's later writes are not waited for
            for (int i = 0; i < FINAL_READS && !c.isClosed() && read(c, buf, bytes); i++) {
                // keep reading
            }
            if (!c.isClosed()) {
                c.close();
            }
        }
        live.removeIf(Capture::isClosed);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate((long) POLL_BYTES * (live.size() + 1), 4);
            fds.set(JAVA_INT, 0, wakeFd);
            fds.set(JAVA_SHORT, 4, Libc.POLLIN);
            for (int i = 0; i < live.size(); i++) {
                fds.set(JAVA_INT, (long) POLL_BYTES * (i + 1), live.get(i).readFd);
                fds.set(JAVA_SHORT, (long) POLL_BYTES * (i + 1) + 4, Libc.POLLIN);
            }
            // the bound only guards against a lost wake-up; every change writes the eventfd
            int ready = Libc.poll(fds, live.size() + 1, 1000);
            if (ready <= 0) {
                return;
            }
            if (fds.get(JAVA_SHORT, 6) != 0) {
                try {
                    Libc.read(wakeFd, counter, "eventfd read");
                } catch (NativeException e) {
                    // EAGAIN: someone else's wake-up was consumed with this round
                }
            }
            for (int i = 0; i < live.size(); i++) {
                short revents = fds.get(JAVA_SHORT, (long) POLL_BYTES * (i + 1) + 6);
                if (revents == 0) {
                    continue;
                }
                Capture c = live.get(i);
                boolean more = true;
                for (int n = 0; n < READS_PER_ROUND && more; n++) {
                    more = read(c, buf, bytes);
                }
            }
        }
    }

    /**
     * One read; false when nothing more is there now. At end of file (every writer gone) or on an error the read
     * end is closed at once: nothing more can come, and a hung-up pipe would make every poll return at once.
     */
    private static boolean read(Capture c, MemorySegment buf, byte[] bytes) {
        long n;
        try {
            n = Libc.read(c.readFd, buf, "read script output");
        } catch (NativeException e) {
            if (e.errno() != Libc.EAGAIN) {
                c.close();
            }
            return false;
        }
        if (n == 0) {
            c.close();
            return false;
        }
        MemorySegment.copy(buf, JAVA_BYTE, 0, bytes, 0, (int) n);
        c.tail.write(bytes, 0, (int) n);
        return n == CHUNK;
    }

    /**
     * One script's output pipe. The runner starts the script with {@link #writePath()} as its stdout, calls
     * {@link #startedOrFailed()}, and once the script has ended, {@link #finish}; then {@link #tail} holds the output.
     */
    static final class Capture {
        private final OutputReaper reaper;
        final int readFd;
        private int writeFd;
        final TailBuffer tail;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private boolean closed;

        private Capture(OutputReaper reaper, int readFd, int writeFd, TailBuffer tail) {
            this.reaper = reaper;
            this.readFd = readFd;
            this.writeFd = writeFd;
            this.tail = tail;
        }

        /**
         * A path that opens this pipe's write end: the JDK opens a redirect target in this process before it forks,
         * so {@code /proc/self/fd/N} is our descriptor (a new, blocking open of the same pipe).
         */
        String writePath() {
            return "/proc/self/fd/" + writeFd;
        }

        /** Closes our copy of the write end: from now on only the script (and what it starts) holds it. */
        void startedOrFailed() {
            Libc.closeQuietly(writeFd);
            writeFd = -1;
        }

        /**
         * Waits until every writer is gone (the reaper then closes the read end) or {@code grace} has passed, then has
         * the reaper read what is buffered and close the read end; returns once it is closed (bounded).
         */
        void finish(Duration grace) {
            boolean interrupted = false;
            lock.lock();
            try {
                long left = grace.toNanos();
                while (!closed && left > 0) {
                    try {
                        left = changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        // the close below must still happen, or the descriptor would leak
                        interrupted = true;
                        left = 0;
                    }
                }
            } finally {
                lock.unlock();
            }
            reaper.finishing.add(this);
            reaper.wake();
            lock.lock();
            try {
                long left = CLOSE_WAIT.toNanos();
                while (!closed && left > 0) {
                    try {
                        left = changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (!closed) {
                    LOG.log(Level.WARNING, "script output pipe not closed within {0}", CLOSE_WAIT);
                }
            } finally {
                lock.unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean isClosed() {
            lock.lock();
            try {
                return closed;
            } finally {
                lock.unlock();
            }
        }

        /** Reaper thread only. */
        private void close() {
            Libc.closeQuietly(readFd);
            lock.lock();
            try {
                closed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
