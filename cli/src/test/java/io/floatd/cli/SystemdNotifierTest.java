package io.floatd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.runtime.VrrpLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** sd_notify(3) and sd_watchdog_enabled(3) as floatd speaks them (the datagrams themselves: SdNotifyProtocolTest). */
class SystemdNotifierTest {
    private final List<String> sent = new ArrayList<>();
    private final SystemdNotifier.Sender recording = m -> {
        sent.add(m);
        return Optional.empty();
    };

    @Test
    void watchdogPingsAtHalfWatchdogUsecAndOnlyForItsOwnPid() {
        assertEquals(TimeUnit.SECONDS.toNanos(15), SystemdNotifier.watchdogInterval("30000000", null, 42));
        assertEquals(TimeUnit.SECONDS.toNanos(15), SystemdNotifier.watchdogInterval("30000000", "42", 42));
        assertEquals(0, SystemdNotifier.watchdogInterval("30000000", "43", 42), "WATCHDOG_PID names another process");
        assertEquals(0, SystemdNotifier.watchdogInterval(null, null, 42), "no WatchdogSec=");
        assertEquals(0, SystemdNotifier.watchdogInterval("0", null, 42));
        assertEquals(0, SystemdNotifier.watchdogInterval("soon", null, 42));
    }

    @Test
    void statusNamesUpToEightInstancesThenCountsThemByState() {
        assertEquals("VI_1 MASTER, VI_2 BACKUP",
                SystemdNotifier.summary(List.of(Map.entry("VI_1", "MASTER"), Map.entry("VI_2", "BACKUP"))));
        List<Map.Entry<String, String>> many = new ArrayList<>();
        for (int i = 1; i <= 255; i++) {
            many.add(Map.entry("VI_" + i, i == 7 ? "MASTER" : i == 9 ? "FAULT" : "BACKUP"));
        }
        assertEquals("255 instances: 1 MASTER, 253 BACKUP, 1 FAULT", SystemdNotifier.summary(many));
        assertEquals("no instances", SystemdNotifier.summary(List.of()));
    }

    @Test
    void aStuckVrrpLoopSendsNoWatchdogPing() throws Exception {
        try (VrrpLoop loop = new VrrpLoop(NanoClock.SYSTEM)) {
            loop.start();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch stuck = new CountDownLatch(1);
            loop.post(() -> {
                stuck.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(stuck.await(5, TimeUnit.SECONDS));
            SystemdNotifier n = new SystemdNotifier(recording, 1, loop::post, () -> "VI_1 MASTER");
            n.watchdogTick();
            n.watchdogTick();
            n.drain();
            assertEquals(List.of(), sent, "the loop is stuck: the ping tasks wait behind it");
            release.countDown();
            CountDownLatch ran = new CountDownLatch(1);
            loop.post(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            n.drain();
            assertEquals(List.of("WATCHDOG=1", "WATCHDOG=1"), sent, "the loop runs again: its pings go out");
        }
    }

    @Test
    void stateChangesBeforeASendMakeOneStatusWithTheLatestSummary() {
        String[] now = {"VI_1 BACKUP"};
        SystemdNotifier n = new SystemdNotifier(recording, 0, Runnable::run, () -> now[0]);
        n.ready();
        n.statusChanged();
        n.statusChanged();
        now[0] = "VI_1 MASTER";
        n.drain();
        n.reloading();
        n.ready();
        n.stopping();
        n.drain();
        assertEquals(5, sent.size(), sent::toString);
        assertEquals("READY=1\nSTATUS=VI_1 BACKUP", sent.get(0));
        assertEquals("STATUS=VI_1 MASTER", sent.get(1));
        assertTrue(sent.get(2).startsWith("RELOADING=1\nMONOTONIC_USEC="), sent.get(2));
        assertEquals("READY=1\nSTATUS=VI_1 MASTER", sent.get(3));
        assertEquals("STOPPING=1", sent.get(4));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingTheLoop() {
        SystemdNotifier n = new SystemdNotifier(recording, 0, Runnable::run, () -> "x");
        for (int i = 0; i < 100; i++) {
            n.watchdogTick();
        }
        assertEquals(36, n.dropped(), "64 queued, the rest dropped");
        n.drain();
        assertEquals(64, sent.size());
    }

    @Test
    void aFailingSendIsCountedAndNeverThrown() {
        SystemdNotifier n = new SystemdNotifier(m -> Optional.of("sendto() failed"), 0, Runnable::run, () -> "x");
        n.ready();
        n.stopping();
        n.drain();
        assertEquals(2, n.failed());
    }
}
