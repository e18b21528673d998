package io.floatd.vrrp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.vrrp.config.VrrpScriptConfig;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.track.TrackScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Notify scripts and checks run as another user (nobody), through the one mechanism in ScriptRunner. */
@Timeout(60)
class RunAsTest {
    @TempDir
    Path dir;
    private Path out;
    private RunAs nobody;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(RunAs.currentUid() == 0, "switching users needs root");
        nobody = RunAs.lookUp("nobody", null);
        // nobody must reach the scripts and write its results
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static String awaitContent(Path file) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(file)) {
                String s = Files.readString(file).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing written to " + file);
    }

    @Test
    void lookUpResolvesIdsAndRefusesUnknownNames() {
        assertEquals(65534, nobody.uid());
        assertEquals(RunAs.groupId("nogroup").orElseThrow(), RunAs.lookUp("nobody", "nogroup").gid());
        assertTrue(RunAs.lookUp("root", null).isRoot());
        assertEquals("user 'floatd-no-such-user' does not exist",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> RunAs.lookUp("floatd-no-such-user", null)).getMessage());
    }

    @Test
    void notifyScriptRunsAsTheScriptUser() throws Exception {
        Path uid = out.resolve("notify.uid");
        Path s = Scripts.write(dir, "notify.sh", "echo \"$(id -u):$(id -g) $4\" > " + uid);
        try (NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(20))) {
            d.stateChanged("VI_1", NotifyState.MASTER, 150, new NotifyHooks(s.toString(), null, null, null, null, nobody));
            assertTrue(d.awaitIdle(Duration.ofSeconds(20)));
            assertEquals(0, d.counters().failures());
        }
        assertEquals("65534:" + nobody.gid() + " 150", Files.readString(uid).strip());
    }

    @Test
    void checkScriptRunsAsItsUser() throws Exception {
        Path uid = out.resolve("check.uid");
        Path s = Scripts.write(dir, "check.sh", "id -u > " + uid);
        var config = new VrrpScriptConfig("chk", s.toString(), Duration.ofSeconds(1), Duration.ofSeconds(5), 1, 1, 0,
                false, false, "nobody", "nogroup", null, 0);
        try (TrackScript t = new TrackScript(config)) {
            t.start();
            assertEquals("65534", awaitContent(uid));
        }
    }

    @Test
    void hungScriptRunAsAnotherUserIsKilledWithItsProcessGroupAtTheTimeout() throws Exception {
        Path childPid = out.resolve("child.pid");
        Path s = Scripts.write(dir, "hang.sh", "sleep 1000 &\necho $! > " + childPid + "\nsleep 1000");
        long t0 = System.nanoTime();
        ScriptResult r = new ScriptRunner(Duration.ofMillis(700)).run(s.toString(), List.of(), nobody);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ScriptResult.Status.TIMED_OUT, r.status(), r.toString());
        assertTrue(ms >= 700 && ms < 5_000, "returned after " + ms + " ms");
        // written by the script, so by nobody
        assertEquals(65534, (Integer) Files.getAttribute(childPid, "unix:uid"));
        long pid = Scripts.readPid(childPid, Duration.ofSeconds(1));
        assertTrue(Scripts.awaitDead(pid, Duration.ofSeconds(2)), "background child " + pid + " still alive");
    }
}
