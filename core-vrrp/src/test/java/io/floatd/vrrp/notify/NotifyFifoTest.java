package io.floatd.vrrp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.ffm.FileCalls;
import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.testing.LogLines;
import io.floatd.vrrp.script.RunAs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * notify_fifo writes only to a FIFO, never through a link: floatd runs as root, and the path is often in a directory
 * other users can write. Each refusal is one log line naming the path and what is there.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NotifyFifoTest {
    private static final String LINE = NotifyFifo.line("VI_1", NotifyState.MASTER, 150);

    @TempDir
    Path tmp;

    @BeforeEach
    void asRoot() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "these tests run as root (they act as another user too)");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x")); // nobody may pass through
    }

    /** A directory as the report's /tmp was: anyone may create and replace entries in it (no sticky bit). */
    private Path worldWritable() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    private static void asNobody(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"));
        argv.addAll(List.of(command));
        run(argv.toArray(String[]::new));
    }

    /** The read end of a FIFO, opened without waiting for a writer. */
    private static int reader(Path fifo) throws NativeException {
        return FileCalls.open(fifo.toString(), FileCalls.O_RDONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0);
    }

    /** What is waiting in the FIFO ("" when nothing is). */
    private static String drain(int fd) throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(4096);
            long n = Libc.read(fd, buf, "read");
            return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (NativeException e) {
            if (e.errno() == Libc.EAGAIN) {
                return "";
            }
            throw e;
        }
    }

    private static LogLines log() {
        return new LogLines(NotifyFifo.class.getName());
    }

    @Test
    void aUsersSymlinkInAWorldWritableDirectoryIsNeverWrittenThrough() throws Exception {
        Path shared = worldWritable();
        // the user's FIFO, which they read, stands in for their terminal: a sink root must not write to
        Path sink = shared.resolve("their-tty");
        asNobody("mkfifo", sink.toString());
        Path fifoPath = shared.resolve("notify.fifo");
        asNobody("ln", "-s", sink.toString(), fifoPath.toString());
        // and a user's file behind a second link
        Path file = shared.resolve("their-file");
        asNobody("sh", "-c", "echo before > " + file);
        Path fileLink = shared.resolve("notify2.fifo");
        asNobody("ln", "-s", file.toString(), fileLink.toString());
        int sinkReader = reader(sink);
        try (LogLines log = log(); NotifyFifo f = new NotifyFifo(fifoPath); NotifyFifo f2 = new NotifyFifo(fileLink)) {
            for (int n = 0; n < 3; n++) {
                assertFalse(f.write(LINE), "written through the link");
                assertFalse(f2.write(LINE), "written through the link");
            }
            assertEquals("", drain(sinkReader), "the user's FIFO got root's lines");
            assertEquals("before\n", Files.readString(file));
            assertEquals(0, f.written());
            assertEquals(3, f.dropped());
            assertTrue(Files.isSymbolicLink(fifoPath), "the link is left as it was");
            assertEquals(List.of(
                    "notify_fifo " + fifoPath + ": refused: it is a symbolic link (floatd never writes through one);"
                            + " its lines will be dropped (logged once until one gets through)",
                    "notify_fifo " + fileLink + ": refused: it is a symbolic link (floatd never writes through one);"
                            + " its lines will be dropped (logged once until one gets through)"),
                    log.lines(), "one line each, at start");
        } finally {
            Libc.closeQuietly(sinkReader);
        }
    }

    @Test
    void aRegularFileIsRefusedNamingWhatItIs() throws Exception {
        Path path = tmp.resolve("notify.fifo");
        Files.writeString(path, "before\n");
        try (LogLines log = log(); NotifyFifo f = new NotifyFifo(path)) {
            assertFalse(f.write(LINE));
            assertFalse(f.write(LINE));
            assertEquals("before\n", Files.readString(path));
            assertEquals(2, f.dropped());
            assertEquals(1, log.lines().size(), log.lines().toString());
            assertTrue(log.lines().getFirst().startsWith("notify_fifo " + path + ": refused: it is a regular file, not a FIFO"),
                    log.lines().toString());
        }
    }

    @Test
    void aDeviceIsRefused() throws Exception {
        Path path = tmp.resolve("notify.fifo");
        Process mknod = new ProcessBuilder("mknod", path.toString(), "c", "1", "3").start(); // /dev/null's numbers
        assumeTrue(mknod.waitFor() == 0, "mknod works here");
        try (LogLines log = log(); NotifyFifo f = new NotifyFifo(path)) {
            assertFalse(f.write(LINE), "written to a device");
            assertEquals(0, f.written());
            assertEquals(1, log.lines().size(), log.lines().toString());
            assertTrue(log.lines().getFirst().contains(path + ": refused: it is a character device (a terminal?), not a FIFO"),
                    log.lines().toString());
        }
    }

    @Test
    void aRealFifoWithAReaderGetsEveryLine() throws Exception {
        Path path = tmp.resolve("notify.fifo");
        try (NotifyFifo f = new NotifyFifo(path)) {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertTrue(a.isOther(), "created as a FIFO");
            assertEquals("rw-------", PosixFilePermissions.toString(a.permissions()));
            int r = reader(path);
            try {
                assertTrue(f.write(LINE));
                assertTrue(f.write(NotifyFifo.line("VI_1", NotifyState.BACKUP, 150)));
                assertEquals("INSTANCE \"VI_1\" MASTER 150\nINSTANCE \"VI_1\" BACKUP 150\n", drain(r));
                assertEquals(2, f.written());
            } finally {
                Libc.closeQuietly(r);
            }
        }
    }

    @Test
    void aFifoWithoutAReaderNeverBlocksAndIsLoggedOnce() throws Exception {
        Path path = tmp.resolve("notify.fifo");
        try (LogLines log = log(); NotifyFifo f = new NotifyFifo(path)) {
            long worst = 0;
            for (int n = 0; n < 100; n++) {
                long start = System.nanoTime();
                assertFalse(f.write(LINE));
                worst = Math.max(worst, System.nanoTime() - start);
            }
            assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(100), "a write took " + worst + " ns");
            assertEquals(100, f.dropped());
            assertEquals(List.of("notify_fifo " + path + ": nobody is reading it; its lines are dropped, 1 so far "
                    + "(logged once until one gets through)"), log.lines());
            // a reader arrives: the next line gets through
            int r = reader(path);
            try {
                assertTrue(f.write(LINE));
                assertEquals(LINE + "\n", drain(r));
            } finally {
                Libc.closeQuietly(r);
            }
        }
    }
}
