package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.ConfigException;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.VrrpScriptConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real scripts on real processes; waits are bounded polls with generous margins. */
class TrackScriptTest {
    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static VrrpScriptConfig config(Path script, String interval, String timeout, int fall, int rise) {
        return new VrrpScriptConfig("chk", script.toString(), Duration.ofMillis((long) (Double.parseDouble(interval) * 1000)),
                Duration.ofMillis((long) (Double.parseDouble(timeout) * 1000)), fall, rise, 0, false, false, null, null, null, 0);
    }

    private record Change(boolean healthy, String detail) {
    }

    private static Change next(LinkedBlockingQueue<Change> q, long seconds) throws InterruptedException {
        Change c = q.poll(seconds, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no health change within " + seconds + " s");
        }
        return c;
    }

    private static void awaitRuns(TrackScript s, long runs, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (s.stats().runs() < runs) {
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + s.stats().runs() + " runs within " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void failingScriptFailsAtOnceFromTheInitialStateThenRecoversAfterRise() throws Exception {
        Path flag = dir.resolve("down");
        Files.createFile(flag);
        Path chk = script("chk.sh", "[ ! -e " + flag + " ]");
        var changes = new LinkedBlockingQueue<Change>();
        try (TrackScript s = new TrackScript(config(chk, "0.1", "2", 2, 3))) {
            s.addListener((healthy, detail) -> changes.add(new Change(healthy, detail)));
            s.start();
            assertEquals(new Change(false, "first check: exited with status 1"), next(changes, 10));
            long before = s.stats().runs();
            Files.delete(flag);
            assertEquals(new Change(true, "rise 3 reached"), next(changes, 10));
            assertTrue(s.stats().runs() - before >= 3, "needed rise successes: " + s.stats());
            Files.createFile(flag);
            assertEquals(new Change(false, "fall 2 reached"), next(changes, 10));
            assertTrue(s.stats().failures() >= 3, s.stats().toString());
        }
    }

    @Test
    void hangingScriptIsKilledAtItsTimeoutAndCountedAsAFailure() throws Exception {
        Path pidFile = dir.resolve("pid");
        // written whole by a rename: a later run must not leave the file empty for the read below
        Path chk = script("hang.sh", "echo $$ > " + pidFile + ".$$ && mv " + pidFile + ".$$ " + pidFile + "\nsleep 60");
        var changes = new LinkedBlockingQueue<Change>();
        try (TrackScript s = new TrackScript(config(chk, "0.2", "0.3", 1, 1))) {
            s.addListener((healthy, detail) -> changes.add(new Change(healthy, detail)));
            s.start();
            Change c = next(changes, 10);
            assertFalse(c.healthy());
            assertEquals("first check: timed out after 0.3 s", c.detail());
            awaitRuns(s, 2, 10);
            assertTrue(s.stats().timeouts() >= 1, s.stats().toString());
            assertTrue(s.stats().lastDuration().compareTo(Duration.ofMillis(300)) >= 0, s.stats().toString());
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            // the killed run's shell is gone (a later run may have written a newer pid; the first is dead either way)
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true) || s.stats().runs() > 1);
        }
    }

    @Test
    void megabytesOfOutputNeitherBlockNorFail() throws Exception {
        Path chk = script("chatty.sh", "head -c 8000000 /dev/zero | tr '\\0' x\nexit 0");
        var changes = new LinkedBlockingQueue<Change>();
        try (TrackScript s = new TrackScript(config(chk, "0.2", "5", 1, 1))) {
            s.addListener((healthy, detail) -> changes.add(new Change(healthy, detail)));
            s.start();
            assertEquals(new Change(true, "first check"), next(changes, 15));
            awaitRuns(s, 2, 15);
            assertEquals(0, s.stats().failures(), s.stats().toString());
        }
    }

    @Test
    void neverTwoRunsAtOnce() throws Exception {
        Path lock = dir.resolve("lock");
        Path overlap = dir.resolve("overlap");
        // each run takes 3x the interval; an overlapping run would find the lock directory
        Path chk = script("slow.sh", "mkdir " + lock + " 2>/dev/null || touch " + overlap + "\nsleep 0.3\nrmdir " + lock);
        try (TrackScript s = new TrackScript(config(chk, "0.1", "2", 1, 1))) {
            s.start();
            awaitRuns(s, 3, 15);
        }
        assertFalse(Files.exists(overlap));
    }

    @Test
    void shellLinesRunThroughTheShell() {
        var c = new VrrpScriptConfig("x", "test -e /nonexistent || exit 3", Duration.ofSeconds(1), Duration.ofSeconds(1),
                1, 1, 0, false, false, "nobody", null, null, 0);
        assertEquals(List.of("/bin/sh", "-c", "test -e /nonexistent || exit 3"), TrackScript.argv(c));
        // the user is switched by ScriptRunner, as for notify scripts
        assertEquals("nobody", TrackScript.runAs(c).user());
    }

    @Test
    void missingScriptIsAConfigErrorWithItsLine() {
        String missing = dir.resolve("nope.sh").toString();
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigParser.parse("""
                vrrp_script chk {
                    interval 1
                    script "MISSING --quiet"
                }
                """.replace("MISSING", missing), "/etc/keepalived/keepalived.conf"));
        assertEquals(List.of("/etc/keepalived/keepalived.conf:3: vrrp_script chk: script " + missing + " does not exist"),
                e.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void trackFileParsesLikeStrtol() {
        assertEquals(12, TrackFile.parse("  12\n"));
        assertEquals(-7, TrackFile.parse("-7 apples"));
        assertEquals(16, TrackFile.parse("0x10"));
        assertEquals(8, TrackFile.parse("010"));
        assertEquals(0, TrackFile.parse("up"));
        assertEquals(0, TrackFile.parse(""));
    }
}
