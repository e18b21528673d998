package io.floatd.vrrp.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JitWarmUpPriorityTest {
    @Test
    void onlyTheCallingThreadDropsToNiceNineteen() throws Exception {
        int before = JitWarmUp.currentNice();
        AtomicBoolean lowered = new AtomicBoolean();
        AtomicInteger nice = new AtomicInteger();
        Thread t = Thread.ofPlatform().start(() -> {
            lowered.set(JitWarmUp.lowerCurrentThread());
            nice.set(JitWarmUp.currentNice());
        });
        t.join(10_000);
        assertTrue(lowered.get(), "setpriority on the thread's own task");
        assertEquals(19, nice.get(), "the kernel's view of the worker thread");
        assertEquals(before, JitWarmUp.currentNice(), "the caller's thread kept its priority");
    }

    @Test
    void aVirtualThreadIsLeftAloneForItsCarrierIsShared() throws Exception {
        AtomicBoolean lowered = new AtomicBoolean(true);
        Thread t = Thread.ofVirtual().start(() -> lowered.set(JitWarmUp.lowerCurrentThread()));
        t.join(10_000);
        assertFalse(lowered.get());
    }
}
