package io.floatd.vrrp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.script.ScriptEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notify stays bounded under flapping: an instance holds at most {@link NotifyDispatcher#DEFAULT_QUEUE_BOUND}
 * transitions (the running one and the latest waiting); a transition superseded before its scripts start is
 * skipped and counted, the latest state is always delivered, what runs keeps its order.
 */
@Timeout(60)
class NotifyFlappingTest {
    private static final int BURST = 100;

    @TempDir
    Path dir;

    /** Transition i of the burst: BACKUP, MASTER, BACKUP, ..., the last (100th) MASTER. */
    private static NotifyState state(int i) {
        return i % 2 == 0 ? NotifyState.MASTER : NotifyState.BACKUP;
    }

    /** Stands for the scripts: each run says it started, then waits until the test lets it finish. */
    private static final class HeldRunner implements NotifyDispatcher.Runner {
        final BlockingQueue<String> started = new LinkedBlockingQueue<>();
        final Semaphore finish = new Semaphore(0);
        final List<String> ran = Collections.synchronizedList(new ArrayList<>());

        @Override
        public ScriptResult run(String line, List<String> args, RunAs as, ScriptEnv env) {
            String what = args.get(2) + " " + args.get(3);
            started.add(what);
            try {
                finish.acquire();
            } catch (InterruptedException e) {
                return new ScriptResult(List.of(line), ScriptResult.Status.KILLED, -1, "closed", Duration.ZERO, "", 0);
            }
            ran.add(what);
            return new ScriptResult(List.of(line), ScriptResult.Status.EXITED, 0, "", Duration.ZERO, "", 0);
        }
    }

    private static NotifyHooks genericOnly() {
        return new NotifyHooks("/etc/keepalived/notify.sh", null, null, null, null);
    }

    @Test
    void aBurstBehindASlowScriptRunsOnlyTheLatestAndCountsTheSuperseded() throws Exception {
        HeldRunner runner = new HeldRunner();
        try (NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(5), NotifyDispatcher.DEFAULT_QUEUE_BOUND, runner)) {
            d.stateChanged("VI_1", state(1), 1, genericOnly());
            assertEquals("BACKUP 1", runner.started.poll(10, TimeUnit.SECONDS), "the first transition's script runs");
            for (int i = 2; i <= BURST; i++) {
                d.stateChanged("VI_1", state(i), i, genericOnly());
            }
            // the burst is over: one script runs, the latest transition waits, the other 98 were superseded
            assertEquals(BURST - NotifyDispatcher.DEFAULT_QUEUE_BOUND, d.skipped("VI_1"));
            runner.finish.release();
            assertEquals("MASTER " + BURST, runner.started.poll(10, TimeUnit.SECONDS), "next runs the latest state");
            runner.finish.release();
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(List.of("BACKUP 1", "MASTER " + BURST), runner.ran, "in order");
            assertTrue(runner.started.isEmpty(), "nothing else started: " + runner.started);
            // what ran after the burst: the one running during it and the latest, within the bound
            assertTrue(runner.ran.size() <= NotifyDispatcher.DEFAULT_QUEUE_BOUND);
            assertEquals(2, d.counters().runs());
            assertEquals(0, d.skipped("VI_2"));
        }
    }

    @Test
    void aLargerBoundKeepsTheLatestInOrder() throws Exception {
        HeldRunner runner = new HeldRunner();
        try (NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(5), 3, runner)) {
            d.stateChanged("VI_1", state(1), 1, genericOnly());
            assertEquals("BACKUP 1", runner.started.poll(10, TimeUnit.SECONDS));
            for (int i = 2; i <= BURST; i++) {
                d.stateChanged("VI_1", state(i), i, genericOnly());
            }
            assertEquals(BURST - 3, d.skipped("VI_1"));
            runner.finish.release(3);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(List.of("BACKUP 1", "BACKUP 99", "MASTER 100"), runner.ran);
        }
    }

    @Test
    void aWaitingTransitionIsNotSkippedWhileNothingSupersedesIt() throws Exception {
        HeldRunner runner = new HeldRunner();
        try (NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(5), NotifyDispatcher.DEFAULT_QUEUE_BOUND, runner)) {
            d.stateChanged("VI_1", NotifyState.MASTER, 1, genericOnly());
            assertEquals("MASTER 1", runner.started.poll(10, TimeUnit.SECONDS));
            d.stateChanged("VI_1", NotifyState.BACKUP, 2, genericOnly());
            d.stateChanged("VI_2", NotifyState.MASTER, 3, genericOnly());
            runner.finish.release(3);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(0, d.skipped("VI_1"));
            assertEquals(3, d.counters().runs());
            assertEquals(List.of("MASTER 1", "BACKUP 2", "MASTER 3"), runner.ran.stream().sorted(
                    java.util.Comparator.comparing((String s) -> s.split(" ")[1])).toList());
        }
    }

    @Test
    void aBurstWithASlowNotifyMasterEndsWithinTheBoundTimesTheScriptTime() throws Exception {
        double scriptSeconds = 1;
        Path log = dir.resolve("log");
        Path master = Scripts.write(dir, "master.sh", "sleep " + scriptSeconds);
        Path notify = Scripts.write(dir, "notify.sh", "echo \"$3 $4\" >> " + log);
        NotifyHooks hooks = new NotifyHooks(notify.toString(), master.toString(), null, null, null);
        try (NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(10), Duration.ofMillis(500))) {
            for (int i = 1; i <= BURST; i++) {
                d.stateChanged("VI_1", state(i), i, hooks);
            }
            long burstEnd = System.nanoTime();
            assertTrue(d.awaitIdle(Duration.ofSeconds(30)), "still running 30 s after the burst");
            double after = (System.nanoTime() - burstEnd) / 1e9;
            List<String> lines = Files.readAllLines(log);
            long skipped = d.skipped("VI_1");
            System.out.printf("burst of %d transitions, notify_master %.1f s: done %.2f s after the burst; %d delivered %s,"
                    + " %d skipped%n", BURST, scriptSeconds, after, lines.size(), lines, skipped);
            assertEquals(BURST, lines.size() + skipped, "every transition is either delivered or counted as skipped");
            assertEquals("MASTER " + BURST, lines.getLast(), "the latest state is delivered, last");
            int previous = 0;
            for (String line : lines) {
                int seq = Integer.parseInt(line.split(" ")[1]);
                assertTrue(seq > previous, "out of order: " + lines);
                previous = seq;
            }
            // the burst takes microseconds; at most one transition may finish its scripts during it
            assertTrue(lines.size() <= NotifyDispatcher.DEFAULT_QUEUE_BOUND + 1, lines.toString());
            // the bound times the script time, and a second for forking the scripts on a busy machine
            assertTrue(after < NotifyDispatcher.DEFAULT_QUEUE_BOUND * scriptSeconds + 1.0, "done " + after + " s after the burst");
        }
    }
}
