package io.floatd.vrrp.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {
    @Test
    void onlyTheCallingThreadDropsToNiceNineteen() throws Exception {
        int before = BackgroundPriority.currentNice();
        AtomicBoolean lowered = new AtomicBoolean();
        AtomicInteger nice = new AtomicInteger();
        Thread t = Thread.ofPlatform().start(() -> {
            lowered.set(BackgroundPriority.lowerCurrentThread());
            nice.set(BackgroundPriority.currentNice());
        });
        t.join(10_000);
        assertTrue(lowered.get(), "setpriority on the thread's own task");
        assertEquals(19, nice.get(), "the kernel's view of the worker thread");
        assertEquals(before, BackgroundPriority.currentNice(), "the caller's thread kept its priority");
    }

    @Test
    void aVirtualThreadIsLeftAloneForItsCarrierIsShared() throws Exception {
        AtomicBoolean lowered = new AtomicBoolean(true);
        Thread t = Thread.ofVirtual().start(() -> lowered.set(BackgroundPriority.lowerCurrentThread()));
        t.join(10_000);
        assertFalse(lowered.get());
    }
}
