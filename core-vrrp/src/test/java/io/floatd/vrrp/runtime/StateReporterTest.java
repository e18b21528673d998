package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.testing.LogLines;
import io.floatd.vrrp.notify.NotifyFifo;
import io.floatd.vrrp.script.RunAs;
import java.io.BufferedReader;
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StateReporterTest {
    @TempDir
    Path dir;

    private FloatdConfig config(String global, String instanceExtra) throws Exception {
        return ConfigParser.parse("""
                global_defs {
                %s
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    unicast_peer {
                        10.0.0.2
                    }
                %s
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    unicast_peer {
                        10.0.0.2
                    }
                }
                """.formatted(global, instanceExtra), "k.conf");
    }

    private static Transition t(String instance, VrrpState from, VrrpState to, int priority) {
        return new Transition(instance, from, to, "test", priority, System.nanoTime());
    }

    @Test
    void fifoGetsKeepalivedsLinesInOrder() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        try (StateReporter r = StateReporter.create(config("notify_fifo " + fifo, ""))) {
            assertTrue(r.sync());
            assertTrue(Files.readAttributes(fifo, PosixFileAttributes.class).isOther(), "created as a FIFO");
            List<String> lines = new CopyOnWriteArrayList<>();
            CountDownLatch open = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader in = new BufferedReader(new FileReader(fifo.toFile()))) {
                    open.countDown();
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (Exception e) {
                    lines.add("error: " + e);
                }
            });
            // the reader's open(2) returns once a writer exists, and vice versa: wait until the reader is blocked in open
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (reader.getState() != Thread.State.RUNNABLE && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(200);
            r.onTransition(t("VI_1", VrrpState.INIT, VrrpState.BACKUP, 150));
            r.onTransition(t("VI_1", VrrpState.BACKUP, VrrpState.MASTER, 150));
            r.onTransition(t("VI_2", VrrpState.INIT, VrrpState.BACKUP, 100));
            r.onTransition(t("VI_1", VrrpState.MASTER, VrrpState.FAULT, 150));
            r.onTransition(t("VI_1", VrrpState.FAULT, VrrpState.STOP, 150));
            assertTrue(r.sync());
            NotifyFifo f = r.fifos().getFirst();
            r.close(); // closes the write end: the reader sees end of file
            reader.join(5000);
            assertEquals(List.of(
                    "INSTANCE \"VI_1\" BACKUP 150",
                    "INSTANCE \"VI_1\" MASTER 150",
                    "INSTANCE \"VI_2\" BACKUP 100",
                    "INSTANCE \"VI_1\" FAULT 150",
                    "INSTANCE \"VI_1\" STOP 150"), lines);
            assertEquals(5, f.written());
            assertEquals(0, f.dropped());
        }
    }

    @Test
    void fifoWithoutReaderNeverBlocksAndCountsDroppedLines() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        try (StateReporter r = StateReporter.create(config("vrrp_notify_fifo " + fifo, ""))) {
            long worst = 0;
            for (int n = 0; n < 200; n++) {
                long start = System.nanoTime();
                r.onTransition(t("VI_1", VrrpState.BACKUP, n % 2 == 0 ? VrrpState.MASTER : VrrpState.BACKUP, 150));
                worst = Math.max(worst, System.nanoTime() - start);
            }
            assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(50), "the listener returned in " + worst + " ns at worst");
            assertTrue(r.sync(), "the writer thread is not stuck either");
            NotifyFifo f = r.fifos().getFirst();
            assertEquals(200, f.dropped());
            assertEquals(0, f.written());
        }
    }

    @Test
    void stateFilesAtStartAndAfterTransitions() throws Exception {
        Path global = dir.resolve("floatd.state");
        Path own = dir.resolve("keepalived.state");
        Instant before = Instant.now();
        try (StateReporter r = StateReporter.create(config("state_file " + global, "state_file " + own))) {
            assertTrue(r.sync());
            assertEquals("INIT\n", Files.readString(own));
            List<String> start = Files.readAllLines(global);
            assertEquals(2, start.size());
            assertTrue(start.get(0).startsWith("VI_1 INIT 150 "), start.toString());
            assertTrue(start.get(1).startsWith("VI_2 INIT 100 "), start.toString());

            r.onTransition(t("VI_1", VrrpState.INIT, VrrpState.BACKUP, 150));
            r.onTransition(t("VI_2", VrrpState.INIT, VrrpState.BACKUP, 100));
            r.onTransition(t("VI_1", VrrpState.BACKUP, VrrpState.MASTER, 150));
            assertTrue(r.sync());
            assertEquals("MASTER\n", Files.readString(own));
            List<String> lines = Files.readAllLines(global);
            String[] vi1 = lines.get(0).split(" ");
            assertEquals(List.of("VI_1", "MASTER", "150"), List.of(vi1).subList(0, 3));
            Instant since = Instant.parse(vi1[3]);
            assertTrue(!since.isBefore(before) && !since.isAfter(Instant.now()), since.toString());
            assertTrue(lines.get(1).startsWith("VI_2 BACKUP 100 "), lines.toString());
            assertEquals(2, lines.size());
            try (var leftovers = Files.list(dir)) {
                assertEquals(List.of("floatd.state", "keepalived.state"),
                        leftovers.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left");
            }
        }
    }

    /** Held adds a fifth field to the global line and a second line to the instance's file; resume takes both away. */
    @Test
    void aHeldInstanceShowsInBothStateFilesAfterTheKeepalivedFields() throws Exception {
        Path global = dir.resolve("floatd.state");
        Path own = dir.resolve("keepalived.state");
        try (StateReporter r = StateReporter.create(config("state_file " + global, "state_file " + own))) {
            r.onTransition(t("VI_1", VrrpState.INIT, VrrpState.MASTER, 150));
            r.onTransition(t("VI_1", VrrpState.MASTER, VrrpState.BACKUP, 150));
            r.onHeldChanged("VI_1", true);
            assertTrue(r.sync());
            assertEquals("BACKUP\nheld\n", Files.readString(own));
            assertEquals("BACKUP", Files.readAllLines(own).getFirst(), "the first line is keepalived's word");
            List<String> lines = Files.readAllLines(global);
            assertTrue(lines.get(0).matches("VI_1 BACKUP 150 \\S+Z held"), lines.toString());
            assertTrue(lines.get(1).matches("VI_2 INIT 100 \\S+Z"), lines.toString());

            r.onTransition(t("VI_1", VrrpState.BACKUP, VrrpState.FAULT, 150));
            assertTrue(r.sync());
            assertEquals("FAULT\nheld\n", Files.readString(own), "held survives transitions until resumed");

            r.onHeldChanged("VI_1", false);
            assertTrue(r.sync());
            assertEquals("FAULT\n", Files.readString(own));
            assertTrue(Files.readAllLines(global).get(0).matches("VI_1 FAULT 150 \\S+Z"), Files.readAllLines(global).toString());
        }
    }

    @Test
    void aConcurrentReaderNeverSeesAPartialFile() throws Exception {
        Path global = dir.resolve("floatd.state");
        Path own = dir.resolve("keepalived.state");
        try (StateReporter r = StateReporter.create(config("state_file " + global, "state_file " + own))) {
            assertTrue(r.sync());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            List<String> bad = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try {
                        String word = Files.readString(own);
                        if (!List.of("INIT\n", "BACKUP\n", "MASTER\n").contains(word)) {
                            bad.add("own: " + word);
                        }
                        List<String> lines = Files.readAllLines(global);
                        if (lines.size() != 2 || !lines.get(0).matches("VI_1 (INIT|BACKUP|MASTER) 150 \\S+Z")
                                || !lines.get(1).matches("VI_2 INIT 100 \\S+Z")) {
                            bad.add("global: " + lines);
                        }
                        reads.incrementAndGet();
                    } catch (Exception e) {
                        bad.add(e.toString());
                    }
                }
            });
            // 500, not more: each write is fsynced (about 5 ms on ext4), and a torn write would show in the first few
            for (int n = 0; n < 500; n++) {
                r.onTransition(t("VI_1", n % 2 == 0 ? VrrpState.BACKUP : VrrpState.MASTER,
                        n % 2 == 0 ? VrrpState.MASTER : VrrpState.BACKUP, 150));
                if (n % 100 == 0) {
                    r.sync();
                }
            }
            assertTrue(r.sync());
            stop.set(true);
            reader.join();
            assertEquals(List.of(), bad);
            assertTrue(reads.get() > 10, "the reader read " + reads.get() + " times");
            assertEquals("BACKUP\n", Files.readString(own));
        }
    }

    /** A directory as the report's was: anyone may create, rename and delete entries in it (no sticky bit). */
    private Path worldWritable() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path d = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    /** root's secret: a file another user points a link at, hoping root writes or chmods it. */
    private Path victim() throws Exception {
        Path v = Files.writeString(dir.resolve("victim"), "secret\n");
        Files.setPosixFilePermissions(v, PosixFilePermissions.fromString("rw-------"));
        return v;
    }

    private static void assertIntact(Path victim) throws Exception {
        assertEquals("secret\n", Files.readString(victim));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)));
    }

    private static void assertRegular0644(Path file) throws Exception {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(a.isRegularFile(), file + " is a regular file");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(a.permissions()));
    }

    @Test
    void aSymlinkAtTheStateFileIsReplacedAndItsTargetLeftAlone() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "runs as root, as floatd does");
        Path shared = worldWritable();
        Path victim = victim();
        Path global = shared.resolve("floatd.state");
        Path own = shared.resolve("keepalived.state");
        Process ln = new ProcessBuilder("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
                "sh", "-c", "ln -s " + victim + " " + global + " && ln -s " + victim + " " + own).inheritIO().start();
        assertEquals(0, ln.waitFor(), "another user's links at both state files");
        try (LogLines log = new LogLines("floatd.state");
             StateReporter r = StateReporter.create(config("state_file " + global, "state_file " + own))) {
            r.onTransition(t("VI_1", VrrpState.INIT, VrrpState.BACKUP, 150));
            assertTrue(r.sync());
            assertIntact(victim);
            assertRegular0644(global);
            assertRegular0644(own);
            assertEquals("BACKUP\n", Files.readString(own));
            assertTrue(Files.readString(global).startsWith("VI_1 BACKUP 150 "), Files.readString(global));
            assertEquals(0, r.fileFailures());
            assertEquals(List.of("state_file " + global + ": directory " + shared + ": other users can write it and it "
                    + "has no sticky bit (owner uid 0, mode 0777), so another user can replace the file floatd writes; "
                    + "keep state files in a directory only root can write, such as /run/floatd (logged once)"),
                    log.lines(), "one warning for the directory both files are in");
        }
    }

    @Test
    void aSymlinkSwappedInForTheTemporaryFileIsNeverWrittenThrough() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "runs as root, as floatd does");
        Path shared = worldWritable();
        Path victim = victim();
        Path own = shared.resolve("keepalived.state");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        // another user (a thread here: only the directory's mode matters) replaces each temporary file by a link
        Thread attacker = Thread.ofPlatform().start(() -> {
            for (int n = 0; !stop.get(); n++) {
                try (var names = Files.newDirectoryStream(shared, ".keepalived.state.*")) {
                    for (Path tmp : names) {
                        if (!Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)) {
                            continue;
                        }
                        Path link = shared.resolve("link-" + n);
                        Files.createSymbolicLink(link, victim);
                        try {
                            Files.move(link, tmp, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                            swaps.incrementAndGet();
                        } catch (java.io.IOException e) {
                            Files.deleteIfExists(link);
                        }
                    }
                } catch (java.io.IOException | java.nio.file.DirectoryIteratorException e) {
                    // the directory changed under the listing: list again
                }
            }
        });
        try (StateReporter r = StateReporter.create(config("", "state_file " + own))) {
            for (int n = 0; n < 3000 && swaps.get() < 50; n++) {
                r.onTransition(t("VI_1", n % 2 == 0 ? VrrpState.BACKUP : VrrpState.MASTER,
                        n % 2 == 0 ? VrrpState.MASTER : VrrpState.BACKUP, 150));
                if (n % 50 == 0) {
                    assertTrue(r.sync());
                }
            }
            assertTrue(r.sync());
            stop.set(true);
            attacker.join();
            assertIntact(victim);
            assertTrue(swaps.get() > 0, "the attack never got in; the test proves nothing");
            r.onTransition(t("VI_1", VrrpState.MASTER, VrrpState.BACKUP, 150));
            assertTrue(r.sync());
            assertRegular0644(own);
            assertEquals("BACKUP\n", Files.readString(own));
        } finally {
            stop.set(true);
            attacker.join();
        }
    }

    @Test
    void aDirectoryOnlyRootCanWriteOrWithTheStickyBitIsNotWarnedAbout() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "runs as root, as floatd does");
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        assertEquals(0, new ProcessBuilder("chmod", "1777", sticky.toString()).start().waitFor(), "a directory like /tmp");
        try (LogLines log = new LogLines("floatd.state");
             StateReporter r = StateReporter.create(config("state_file " + dir.resolve("floatd.state"),
                     "state_file " + sticky.resolve("keepalived.state")))) {
            assertTrue(r.sync());
            assertEquals(List.of(), log.lines());
            assertRegular0644(sticky.resolve("keepalived.state"));
        }
    }

    @Test
    void nothingConfiguredMeansNoReporter() throws Exception {
        assertEquals(null, StateReporter.create(config("", "")));
    }
}
