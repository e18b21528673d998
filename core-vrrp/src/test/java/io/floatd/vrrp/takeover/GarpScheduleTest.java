package io.floatd.vrrp.takeover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.GarpSettings;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.GratuitousAnnouncer;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.event.Transition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GarpScheduleTest {
    /** Virtual time: tasks run when {@link #advanceTo} passes their due time, in due order. */
    static final class FakeTimer implements GarpSchedule.Timer {
        record Task(long due, long seq, Runnable run, boolean[] cancelled) {
        }

        final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
        long now;
        long seq;

        @Override
        public synchronized Runnable schedule(Runnable task, long delayNanos) {
            boolean[] cancelled = {false};
            queue.add(new Task(now + delayNanos, seq++, task, cancelled));
            return () -> cancelled[0] = true;
        }

        void advanceTo(long t) {
            while (true) {
                Task next;
                synchronized (this) {
                    next = queue.peek();
                    if (next == null || next.due > t) {
                        now = t;
                        return;
                    }
                    queue.poll();
                    now = next.due;
                }
                if (!next.cancelled[0]) {
                    next.run.run();
                }
            }
        }

        synchronized int live() {
            return (int) queue.stream().filter(x -> !x.cancelled[0]).count();
        }
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static GarpSettings settings(long delayMs, int repeat, long refreshMs, int refreshRepeat, long intervalMs) {
        return new GarpSettings(Duration.ofMillis(delayMs), repeat, Duration.ofMillis(refreshMs), refreshRepeat, Duration.ofMillis(intervalMs));
    }

    private static List<Long> run(GarpSettings s, int alreadySent, long untilMs) {
        FakeTimer timer = new FakeTimer();
        List<Long> sends = new ArrayList<>();
        GarpSchedule schedule = new GarpSchedule(s, timer, epoch -> sends.add(TimeUnit.NANOSECONDS.toMillis(timer.now)));
        schedule.start(1, alreadySent);
        timer.advanceTo(ms(untilMs));
        return sends;
    }

    @Test
    void keepalivedDefaultsFiveNowAndFiveAfterFiveSecondsNoRefresh() {
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 5000L, 5000L, 5000L, 5000L, 5000L), run(GarpSettings.DEFAULTS, 0, 60_000));
    }

    @Test
    void theAcquiresOwnAnnouncementCountsInTheFirstBurstAndIntervalSpacesThem() {
        // acquire sent #1 at 0; #2 and #3 follow 100 ms apart; the second burst of 3 starts at 500 ms
        assertEquals(List.of(100L, 200L, 500L, 600L, 700L), run(settings(500, 3, 0, 1, 100), 1, 10_000));
    }

    @Test
    void zeroDelayMeansNoSecondBurstAndRefreshRepeatsWhileMaster() {
        assertEquals(List.of(0L, 0L, 1000L, 1000L, 2000L, 2000L, 3000L, 3000L),
                run(settings(0, 2, 1000, 2, 0), 0, 3500));
    }

    @Test
    void stopCancelsEverythingPlannedAndRefreshDoesNotComeBack() {
        FakeTimer timer = new FakeTimer();
        List<Long> sends = new ArrayList<>();
        GarpSchedule schedule = new GarpSchedule(settings(500, 2, 1000, 1, 0), timer, sends::add);
        schedule.start(7, 0);
        timer.advanceTo(ms(100));
        assertEquals(List.of(7L, 7L), sends);
        schedule.stop();
        assertEquals(0, timer.live());
        timer.advanceTo(ms(10_000));
        assertEquals(2, sends.size());
        // a new mastership plans afresh, with its own epoch
        schedule.start(9, 0);
        timer.advanceTo(ms(10_000));
        assertEquals(List.of(7L, 7L, 9L, 9L), sends);
    }

    /** The orchestrator starts the schedule after acquire, stops it on leaving Master, and skips stale sends. */
    @Test
    void orchestratorAnnouncesOnlyWhileMaster() throws Exception {
        class Provider implements FloatingIpProvider, GratuitousAnnouncer {
            final List<String> calls = new CopyOnWriteArrayList<>();
            volatile boolean held;

            @Override
            public Holder holder() {
                return held ? Holder.self("eth0") : Holder.nobody();
            }

            @Override
            public void acquire() {
                held = true;
                calls.add("acquire");
            }

            @Override
            public void release() {
                held = false;
                calls.add("release");
            }

            @Override
            public void sendGratuitous() {
                calls.add("garp");
            }

            /** A Linux VIP: leaving Master removes it. */
            @Override
            public boolean releasesByDefault() {
                return true;
            }
        }
        Provider p = new Provider();
        FakeTimer timer = new FakeTimer();
        var o = new TakeoverOrchestrator("VI_1", p, System::nanoTime, false, settings(500, 3, 0, 1, 0), timer);
        try {
            o.onTransition(new Transition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "test", 100, 0));
            waitUntil(() -> timer.live() == 5);
            timer.advanceTo(ms(0));
            waitUntil(() -> p.calls.size() == 3);
            assertEquals(List.of("acquire", "garp", "garp"), p.calls);
            o.onTransition(new Transition("VI_1", VrrpState.MASTER, VrrpState.BACKUP, "test", 100, 0));
            assertEquals(0, timer.live());
            timer.advanceTo(ms(10_000));
            waitUntil(() -> p.calls.size() == 4);
            assertEquals(List.of("acquire", "garp", "garp", "release"), p.calls);
            assertEquals(2, o.garpsSent());
        } finally {
            o.close();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(5);
        }
    }
}
