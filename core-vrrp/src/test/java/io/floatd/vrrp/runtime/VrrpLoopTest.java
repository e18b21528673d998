package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpParams;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.fsm.VrrpStateMachine;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The VRRP loop sleeps until the earliest deadline (an idle Master: once per advert), a post wakes it at once, and
 * only a due deadline sends: wakes for tasks add no advert. Time is the test's clock; only the sleeps are real.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VrrpLoopTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    /** Runs {@code task} on the loop and waits for it. */
    private static void onLoop(VrrpLoop loop, Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        loop.post(() -> {
            task.run();
            done.countDown();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS), "the loop ran the task");
    }

    @Test
    void aPostWakesTheLoopThatSleepsTowardADeadlineMinutesAway() throws Exception {
        // a Backup at advert_int 40.95 s (the most): its Master_Down_Interval is over 2 minutes, the loop sleeps toward it
        VrrpParams params = new VrrpParams("VI_1", 3, 100, 4095, true, 0, InetAddress.ofLiteral("10.0.0.1"), false);
        InstanceRunner backup = new InstanceRunner(new VrrpStateMachine(params), priority -> { }, now::get);
        try (VrrpLoop loop = new VrrpLoop(now::get)) {
            loop.start();
            onLoop(loop, () -> {
                loop.add(backup);
                backup.handle(new VrrpEvent.Startup());
            });
            assertEquals(VrrpState.BACKUP, backup.state().state());
            assertTrue(backup.deadline() - now.get() > 2 * 60 * SECOND, "the deadline is minutes away");
            for (int i = 0; i < 3; i++) {
                onLoop(loop, () -> { });   // each would wait out the deadline if the post did not wake the loop
            }
        }
    }

    @Test
    void anIdleMasterSendsOnlyWhenItsAdvertIsDueHoweverOftenTheLoopWakes() throws Exception {
        VrrpParams params = new VrrpParams("VI_1", 3, 255, 100, true, 0, InetAddress.ofLiteral("10.0.0.1"), false);
        AtomicInteger sent = new AtomicInteger();
        InstanceRunner master = new InstanceRunner(new VrrpStateMachine(params), priority -> sent.incrementAndGet(),
                now::get);
        try (VrrpLoop loop = new VrrpLoop(now::get)) {
            loop.start();
            onLoop(loop, () -> {
                loop.add(master);
                master.handle(new VrrpEvent.Startup());
            });
            assertEquals(VrrpState.MASTER, master.state().state());
            assertEquals(1, sent.get(), "the address owner's first advert at startup");
            for (int i = 0; i < 5; i++) {
                onLoop(loop, () -> { });   // wakes before the advert is due: nothing sent
            }
            assertEquals(1, sent.get());
            now.addAndGet(SECOND);   // the advert is due: the next turn that reads the clock sends it, once
            // a turn that read the clock just before the change may also run the tasks posted after it (it drains the
            // queue), so wake the loop until a turn has read the new time: bounded, and it must end with one advert
            for (int i = 0; i < 20 && sent.get() < 2; i++) {
                onLoop(loop, () -> { });
            }
            assertEquals(2, sent.get());
            onLoop(loop, () -> { });
            assertEquals(2, sent.get(), "more wakes at the same time send nothing more");
            now.addAndGet(SECOND / 2);
            onLoop(loop, () -> { });
            assertEquals(2, sent.get(), "half an interval later: still one advert per interval");
        }
    }

    @Test
    void tasksRunInTheOrderPostedAndStopRunsThoseQueuedBeforeIt() throws Exception {
        List<Integer> ran = new ArrayList<>();
        VrrpLoop loop = new VrrpLoop(now::get);
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.post(() -> ran.add(n));   // queued before the start: run once it starts
        }
        loop.start();
        loop.stop(10_000);
        assertFalse(loop.alive());
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran);
    }
}
