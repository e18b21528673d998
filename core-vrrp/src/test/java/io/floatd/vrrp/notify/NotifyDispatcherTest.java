package io.floatd.vrrp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class NotifyDispatcherTest {
    @TempDir
    Path dir;

    @Test
    void genericNotifyGetsInstanceNameStateAndPriority() throws Exception {
        Path out = dir.resolve("args");
        Path s = Scripts.write(dir, "notify.sh", "echo \"$@\" > " + out);
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.stateChanged("VI_1", NotifyState.MASTER, 100, new NotifyHooks(s.toString(), null, null, null, null));
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals("INSTANCE VI_1 MASTER 100\n", Files.readString(out));
            assertEquals(new NotifyDispatcher.Counters(1, 0, 0), d.counters());
        }
    }

    @Test
    void extraArgumentsComeAfterTheConfiguredOnes() throws Exception {
        Path out = dir.resolve("args");
        Path s = Scripts.write(dir, "notify.sh", "for a in \"$@\"; do printf '[%s]' \"$a\"; done > " + out);
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.stateChanged("VI 2", NotifyState.FAULT, 0,
                    new NotifyHooks(s + " first 'two words'", null, null, null, null));
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals("[first][two words][INSTANCE][VI 2][FAULT][0]", Files.readString(out));
        }
    }

    @Test
    void stateScriptRunsFirstWithoutArgumentsThenNotify() throws Exception {
        Path log = dir.resolve("log");
        Path master = Scripts.write(dir, "master.sh", "echo \"master $#\" >> " + log);
        Path stop = Scripts.write(dir, "stop.sh", "echo \"stop $#\" >> " + log);
        Path notify = Scripts.write(dir, "notify.sh", "echo \"notify $3\" >> " + log);
        NotifyHooks hooks = new NotifyHooks(notify.toString(), master.toString(), null, null, stop.toString());
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            // one at a time: three at once would supersede the middle one (NotifyFlappingTest)
            d.stateChanged("VI_1", NotifyState.MASTER, 100, hooks);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            d.stateChanged("VI_1", NotifyState.BACKUP, 100, hooks);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            d.stateChanged("VI_1", NotifyState.STOP, 100, hooks);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals("master 0\nnotify MASTER\nnotify BACKUP\nstop 0\nnotify STOP\n", Files.readString(log));
            assertEquals(5, d.counters().runs());
        }
    }

    @Test
    void aMasterScriptWaitsForItsGateAndTheLaneKeepsOrder() throws Exception {
        Path log = dir.resolve("log");
        Path notify = Scripts.write(dir, "notify.sh", "echo \"$3\" >> " + log);
        NotifyHooks hooks = new NotifyHooks(notify.toString(), null, null, null, null);
        java.util.concurrent.CompletableFuture<Void> write = new java.util.concurrent.CompletableFuture<>();
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.stateChanged("VI_1", NotifyState.MASTER, 100, hooks, write);
            d.stateChanged("VI_1", NotifyState.BACKUP, 100, hooks);
            Thread.sleep(100);
            assertTrue(Files.notExists(log), "no script ran before the write was answered");
            write.complete(null);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals("MASTER\nBACKUP\n", Files.readString(log));
        }
    }

    @Test
    void aGateThatNeverOpensHoldsTheScriptsOnlyForTheMaximum() throws Exception {
        Path log = dir.resolve("log");
        Path notify = Scripts.write(dir, "notify.sh", "echo \"$3\" >> " + log);
        NotifyHooks hooks = new NotifyHooks(notify.toString(), null, null, null, null);
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            long t0 = System.nanoTime();
            d.stateChanged("VI_1", NotifyState.MASTER, 100, hooks, new java.util.concurrent.CompletableFuture<>());
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("MASTER\n", Files.readString(log));
            assertTrue(waited >= NotifyDispatcher.MAX_GATE.toMillis(), "ran after " + waited + " ms");
        }
    }

    @Test
    void runsForOneInstanceAreOrdered() throws Exception {
        Path log = dir.resolve("log");
        Path master = Scripts.write(dir, "master.sh", "sleep 0.5; echo MASTER >> " + log);
        Path backup = Scripts.write(dir, "backup.sh", "echo BACKUP >> " + log);
        NotifyHooks hooks = new NotifyHooks(null, master.toString(), backup.toString(), null, null);
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.stateChanged("VI_1", NotifyState.MASTER, 100, hooks);
            d.stateChanged("VI_1", NotifyState.BACKUP, 100, hooks);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals("MASTER\nBACKUP\n", Files.readString(log));
        }
    }

    @Test
    void instancesRunConcurrently() throws Exception {
        // each hook waits for the other's marker: both can only succeed if they run at the same time
        String body = "touch %s/$2\nfor i in $(seq 100); do [ -e %s/$OTHER ] && exit 0; sleep 0.05; done\nexit 1";
        Path a = Scripts.write(dir, "a.sh", "OTHER=VI_B\n" + body.formatted(dir, dir));
        Path b = Scripts.write(dir, "b.sh", "OTHER=VI_A\n" + body.formatted(dir, dir));
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.stateChanged("VI_A", NotifyState.MASTER, 100, new NotifyHooks(a.toString(), null, null, null, null));
            d.stateChanged("VI_B", NotifyState.MASTER, 100, new NotifyHooks(b.toString(), null, null, null, null));
            assertTrue(d.awaitIdle(Duration.ofSeconds(20)));
            assertEquals(new NotifyDispatcher.Counters(2, 0, 0), d.counters());
        }
    }

    @Test
    void callerNeverWaitsAndHungScriptIsKilledWithItsChild() throws Exception {
        Path childPid = dir.resolve("child.pid");
        Path hang = Scripts.write(dir, "hang.sh", "sleep 1000 &\necho $! > " + childPid + "\nsleep 1000");
        try (NotifyDispatcher d = new NotifyDispatcher(Duration.ofMillis(500))) {
            NotifyHooks hooks = new NotifyHooks(null, hang.toString(), null, null, null);
            d.stateChanged("VI_0", NotifyState.MASTER, 100, hooks); // warm-up: class loading, thread factory
            long t0 = System.nanoTime();
            d.stateChanged("VI_1", NotifyState.MASTER, 100, hooks);
            long micros = (System.nanoTime() - t0) / 1000;
            System.out.println("stateChanged returned in " + micros + " us");
            assertTrue(micros < 50_000, "stateChanged blocked for " + micros + " us");
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(new NotifyDispatcher.Counters(2, 2, 2), d.counters());
            assertTrue(Scripts.awaitDead(Scripts.readPid(childPid, Duration.ofSeconds(1)), Duration.ofSeconds(2)));
        }
    }

    @Test
    void failuresAreCounted() throws Exception {
        Path fail = Scripts.write(dir, "fail.sh", "echo boom >&2; exit 7");
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.stateChanged("VI_1", NotifyState.BACKUP, 50,
                    new NotifyHooks(dir.resolve("missing.sh").toString(), fail.toString(), fail.toString(), null, null));
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(new NotifyDispatcher.Counters(2, 2, 0), d.counters());
        }
    }

    @Test
    void nothingConfiguredRunsNothing() throws Exception {
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.stateChanged("VI_1", NotifyState.MASTER, 100, NotifyHooks.NONE);
            d.stateChanged("VI_1", NotifyState.MASTER, 100, null);
            d.stateChanged("VI_1", NotifyState.MASTER, 100, new NotifyHooks(" ", null, "/bin/true", null, null));
            assertTrue(d.awaitIdle(Duration.ofSeconds(1)));
            assertEquals(new NotifyDispatcher.Counters(0, 0, 0), d.counters());
        }
    }

    @Test
    void closeWaitsForQueuedRuns() throws Exception {
        Path log = dir.resolve("log");
        Path s = Scripts.write(dir, "s.sh", "sleep 0.2; echo $3 >> " + log);
        NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(10), Duration.ofSeconds(10));
        NotifyHooks hooks = new NotifyHooks(s.toString(), null, null, null, null);
        d.stateChanged("VI_1", NotifyState.BACKUP, 100, hooks);
        d.stateChanged("VI_1", NotifyState.MASTER, 100, hooks);
        d.close();
        assertEquals("BACKUP\nMASTER\n", Files.readString(log));
        d.stateChanged("VI_1", NotifyState.FAULT, 100, hooks); // dropped, logged
        assertEquals(2, d.counters().runs());
    }

    @Test
    void closeKillsWhatOverrunsTheGrace() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path log = dir.resolve("log");
        Path hang = Scripts.write(dir, "hang.sh", "echo $$ > " + pidFile + "\nsleep 1000");
        Path after = Scripts.write(dir, "after.sh", "echo ran >> " + log);
        NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(60), Duration.ofMillis(300));
        d.stateChanged("VI_1", NotifyState.MASTER, 100, new NotifyHooks(null, hang.toString(), null, null, null));
        d.stateChanged("VI_1", NotifyState.BACKUP, 100, new NotifyHooks(null, null, after.toString(), null, null));
        long pid = Scripts.readPid(pidFile, Duration.ofSeconds(5));
        long t0 = System.nanoTime();
        d.close();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3_000, "close took " + ms + " ms");
        assertTrue(Scripts.awaitDead(pid, Duration.ofSeconds(2)));
        assertTrue(Files.notExists(log), "queued run after close must be dropped");
    }
}
