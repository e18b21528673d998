package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.BlockedCall;
import io.floatd.testing.Netns;
import io.floatd.vrrp.config.TrackFileConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * track_file and track_interface react to events, not to a poll tick: the watch's poll interval is an hour, so a
 * change seen at all was seen through inotify or a netlink notification; only what cannot be watched is polled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrackWatchTest {
    private static final long AN_HOUR = 3_600_000;

    @TempDir
    Path dir;

    private static TrackFile trackFile(Path file) {
        return new TrackFile(new TrackFileConfig("app", file, 1, false, null, false, 0));
    }

    /** Waits for {@code value} among the values seen (a write truncates first: 0 may come before it). */
    private static void await(BlockingQueue<Long> seen, long value) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        Long v;
        do {
            v = seen.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } while (v != null && v != value);
        assertEquals(value, v, "the value " + value + " was never seen");
    }

    @Test
    void trackFileSeesAWriteAndARenameOverItThroughInotifyThoughThePollIntervalIsAnHour() throws Exception {
        Path file = dir.resolve("weight");
        Files.writeString(file, "5\n");
        TrackFile f = trackFile(file);
        BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        f.addListener(seen::add);
        try (TrackWatch watch = new TrackWatch(List.of(f), List.of(), AN_HOUR)) {
            watch.start();
            assertTrue(watch.eventDriven());
            assertTrue(BlockedCall.pollsWithoutTimeout("track-watch"), "the watch sleeps with no timeout");
            Files.writeString(file, "7\n");
            await(seen, 7L);
            Path next = dir.resolve("weight.new");
            Files.writeString(next, "-3\n");
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            await(seen, -3L);
            Files.delete(file);
            await(seen, 0L); // a missing file reads as 0
            Files.writeString(file, "9\n");
            await(seen, 9L);
        }
    }

    /** Writes to other files of the directory (logs beside the track file) are not reads of the track file. */
    @Test
    void writesToOtherFilesOfTheDirectoryDoNotReadTheTrackFile() throws Exception {
        Path file = dir.resolve("weight");
        Files.writeString(file, "5\n");
        TrackFile f = trackFile(file);
        BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        f.addListener(seen::add);
        try (TrackWatch watch = new TrackWatch(List.of(f), List.of(), AN_HOUR)) {
            watch.start();
            assertTrue(BlockedCall.pollsWithoutTimeout("track-watch"));
            long before = f.reads();
            for (int i = 0; i < 20; i++) {
                Files.writeString(dir.resolve("other.log"), "line " + i + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                // each write wakes the thread on its own: it is back in poll before the next one
                assertTrue(BlockedCall.pollsWithoutTimeout("track-watch"));
            }
            Files.writeString(file, "6\n");
            await(seen, 6L);
            assertTrue(f.reads() - before <= 3, "only the track file's own events read it: " + (f.reads() - before) + " reads");
        }
    }

    @Test
    void trackFileInADirectoryThatDoesNotExistYetIsPolledUntilTheDirectoryAppears() throws Exception {
        Path sub = dir.resolve("later");
        Path file = sub.resolve("weight");
        TrackFile f = trackFile(file);
        BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        f.addListener(seen::add);
        try (TrackWatch watch = new TrackWatch(List.of(f), List.of(), 20)) {
            assertFalse(watch.eventDriven(), "nothing to watch yet: polled");
            watch.start();
            Files.createDirectories(sub);
            Files.writeString(file, "4\n");
            await(seen, 4L);
            for (int i = 0; i < 1000 && !watch.eventDriven(); i++) {
                Thread.sleep(10);
            }
            assertTrue(watch.eventDriven(), "the directory is watched once it exists");
        }
    }

    @Test
    void closeStopsTheWatchThreadThatSleepsWithoutATimeout() throws Exception {
        Path file = dir.resolve("weight");
        Files.writeString(file, "1\n");
        TrackWatch watch = new TrackWatch(List.of(trackFile(file)), List.of(), AN_HOUR);
        watch.start();
        assertTrue(BlockedCall.pollsWithoutTimeout("track-watch"));
        watch.close();
        assertTrue(BlockedCall.of("track-watch").isEmpty(), "the thread ended within close()");
    }

    /** A real link in a namespace; the sysfs tree TrackInterface starts from is a fake one (sysfs is per mount). */
    @Test
    void trackInterfaceSeesALinkGoDownAndUpFromNetlinkNotificationsThoughThePollIntervalIsAnHour() throws Exception {
        Netns.requireRoot();
        Path sys = dir.resolve("sys");
        Files.createDirectories(sys.resolve("tw0"));
        Files.writeString(sys.resolve("tw0/flags"), "0x1003\n");
        Files.writeString(sys.resolve("tw0/operstate"), "unknown\n");
        try (Netns ns = Netns.create("trkw")) {
            ns.exec("ip", "link", "add", "tw0", "type", "veth", "peer", "name", "tw1");
            ns.exec("ip", "link", "set", "tw1", "up");
            ns.exec("ip", "link", "set", "tw0", "up");
            TrackInterface link = new TrackInterface("tw0", sys);
            assertTrue(link.up());
            BlockingQueue<Boolean> seen = new LinkedBlockingQueue<>();
            link.addListener(seen::add);
            TrackWatch watch = ns.runInside(() -> new TrackWatch(List.of(), List.of(link), AN_HOUR));
            try (watch) {
                watch.start();
                assertTrue(watch.eventDriven());
                assertTrue(BlockedCall.pollsWithoutTimeout("track-watch"));
                ns.exec("ip", "link", "set", "tw0", "down");
                assertEquals(false, seen.poll(10, TimeUnit.SECONDS));
                ns.exec("ip", "link", "set", "tw0", "up");
                assertEquals(true, seen.poll(10, TimeUnit.SECONDS));
                ns.exec("ip", "link", "del", "tw0");
                assertEquals(false, seen.poll(10, TimeUnit.SECONDS), "a link that goes is down");
            }
        }
    }

}
