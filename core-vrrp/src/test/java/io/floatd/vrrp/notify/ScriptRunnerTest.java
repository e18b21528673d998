package io.floatd.vrrp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ScriptRunnerTest {
    @TempDir
    Path dir;

    private final ScriptRunner runner = new ScriptRunner(Duration.ofSeconds(20));

    @Test
    void reportsExitCodeAndOutput() throws Exception {
        Path s = Scripts.write(dir, "s.sh", "echo out; echo err >&2; exit 3");
        ScriptResult r = runner.run(s.toString(), List.of());
        assertEquals(ScriptResult.Status.EXITED, r.status(), r.toString());
        assertEquals(3, r.exitCode());
        assertEquals("out\nerr\n", r.output());
        assertEquals(0, r.outputDiscarded());
        assertFalse(r.succeeded());
    }

    @Test
    void runsInItsOwnSessionAndProcessGroup() throws Exception {
        Path out = dir.resolve("ids");
        // fields 5 and 6 of /proc/self/stat are the process group and the session
        Path s = Scripts.write(dir, "s.sh", "echo $$ $(cut -d' ' -f5,6 /proc/$$/stat) > " + out);
        assertTrue(runner.run(s.toString(), List.of()).succeeded());
        String[] ids = Files.readString(out).trim().split(" ");
        assertEquals(ids[0], ids[1], "script is its process group's leader");
        assertEquals(ids[0], ids[2], "script is its session's leader");
    }

    @Test
    void shellLinePassesExtraArgumentsVerbatim() throws Exception {
        Path out = dir.resolve("out");
        ScriptResult r = runner.run("printf '[%s]' | cat > " + out + "; printf '[%s]' >> " + out,
                List.of("a b", "$HOME", "`x`"));
        assertTrue(r.succeeded(), r.toString());
        // "$@" lands on the last command only, and is never re-parsed by the shell
        assertEquals("[][a b][$HOME][`x`]", Files.readString(out));
    }

    @Test
    void hungScriptAndItsChildAreKilledAtTheTimeout() throws Exception {
        Path childPid = dir.resolve("child.pid");
        Path s = Scripts.write(dir, "hang.sh", "sleep 1000 &\necho $! > " + childPid + "\nsleep 1000");
        long t0 = System.nanoTime();
        ScriptResult r = new ScriptRunner(Duration.ofMillis(700)).run(s.toString(), List.of());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ScriptResult.Status.TIMED_OUT, r.status(), r.toString());
        assertTrue(ms >= 700 && ms < 5_000, "returned after " + ms + " ms");
        long pid = Scripts.readPid(childPid, Duration.ofSeconds(1));
        assertTrue(Scripts.awaitDead(pid, Duration.ofSeconds(2)), "background child " + pid + " still alive");
    }

    @Test
    void scriptIgnoringSigtermIsStillKilled() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path s = Scripts.write(dir, "stubborn.sh", "trap '' TERM\necho $$ > " + pidFile + "\nwhile :; do sleep 0.05; done");
        ScriptResult r = new ScriptRunner(Duration.ofMillis(300)).run(s.toString(), List.of());
        assertEquals(ScriptResult.Status.TIMED_OUT, r.status());
        assertTrue(Scripts.awaitDead(Scripts.readPid(pidFile, Duration.ofSeconds(1)), Duration.ofSeconds(2)));
    }

    @Test
    void childOutlivingTheScriptDoesNotHoldUpTheResult() throws Exception {
        Path childPid = dir.resolve("child.pid");
        // the background sleep inherits stdout, so the pipe stays open after the script exits
        Path s = Scripts.write(dir, "bg.sh", "sleep 30 &\necho $! > " + childPid + "\necho done");
        long t0 = System.nanoTime();
        ScriptResult r = runner.run(s.toString(), List.of());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(r.succeeded(), r.toString());
        assertEquals("done\n", r.output());
        assertTrue(ms < 3_000, "took " + ms + " ms");
        ProcessGroups.signal(Scripts.readPid(childPid, Duration.ofSeconds(1)), ProcessGroups.SIGKILL);
    }

    @Test
    void fiftyMegabytesOfOutputAreDrainedAndTruncated() throws Exception {
        Path s = Scripts.write(dir, "loud.sh", "head -c 52428800 /dev/zero | tr '\\0' x\necho\necho END");
        ScriptResult r = runner.run(s.toString(), List.of());
        assertTrue(r.succeeded(), r.describe());
        assertEquals(ScriptRunner.OUTPUT_LIMIT, r.output().length());
        assertTrue(r.output().endsWith("xxx\nEND\n"), r.output().substring(r.output().length() - 20));
        assertEquals(52_428_800L + 5 - ScriptRunner.OUTPUT_LIMIT, r.outputDiscarded());
    }

    @Test
    void missingScriptFailsToStart() {
        ScriptResult r = runner.run(dir.resolve("nope.sh") + " arg", List.of("x"));
        assertEquals(ScriptResult.Status.FAILED_TO_START, r.status());
        assertTrue(r.reason().contains("no such file") && r.reason().contains("nope.sh"), r.reason());
        ScriptResult r2 = runner.run("floatd-no-such-command-xyz", List.of());
        assertEquals(ScriptResult.Status.FAILED_TO_START, r2.status());
        assertTrue(r2.reason().contains("not found"), r2.reason());
    }

    @Test
    void nonExecutableScriptFailsToStart() throws Exception {
        Path s = Scripts.write(dir, "plain.sh", "exit 0");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-r--r--"));
        ScriptResult r = runner.run(s.toString(), List.of());
        assertEquals(ScriptResult.Status.FAILED_TO_START, r.status());
        assertTrue(r.reason().contains("not executable"), r.reason());
        ScriptResult r2 = runner.run(dir.toString(), List.of());
        assertEquals(ScriptResult.Status.FAILED_TO_START, r2.status());
        assertTrue(r2.reason().contains("directory"), r2.reason());
    }

    @Test
    void unterminatedQuoteFailsToStart() {
        ScriptResult r = runner.run("/bin/echo 'oops", List.of());
        assertEquals(ScriptResult.Status.FAILED_TO_START, r.status());
        assertTrue(r.reason().contains("unterminated"), r.reason());
    }

    @Test
    void interruptedRunnerKillsTheScript() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path s = Scripts.write(dir, "hang.sh", "echo $$ > " + pidFile + "\nsleep 1000");
        ScriptResult[] result = new ScriptResult[1];
        Thread t = Thread.ofPlatform().start(() -> result[0] = runner.run(s.toString(), List.of()));
        long pid = Scripts.readPid(pidFile, Duration.ofSeconds(5));
        t.interrupt();
        t.join(5_000);
        assertEquals(ScriptResult.Status.KILLED, result[0].status());
        assertTrue(Scripts.awaitDead(pid, Duration.ofSeconds(2)));
    }
}
