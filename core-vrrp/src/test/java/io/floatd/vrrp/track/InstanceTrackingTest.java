package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpEvent.FaultCleared;
import io.floatd.vrrp.fsm.VrrpEvent.FaultRaised;
import io.floatd.vrrp.fsm.VrrpEvent.PriorityChanged;
import io.floatd.vrrp.fsm.VrrpEvent.Startup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The aggregation math, fed by hand: no threads, no clock, no sleeping. */
class InstanceTrackingTest {
    private final List<VrrpEvent> events = new ArrayList<>();

    private InstanceTracking tracking(int priority) {
        return new InstanceTracking("VI_1", priority, events::add);
    }

    private List<VrrpEvent> drain() {
        List<VrrpEvent> copy = List.copyOf(events);
        events.clear();
        return copy;
    }

    @Test
    void nothingTrackedJustStarts() {
        tracking(100).start();
        assertEquals(List.of(new Startup()), drain());
    }

    @Test
    void weightZeroScriptHoldsStartupUntilItsFirstResultWhichDecidesAlone() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input chk = t.addScript("chk", 0, false);
        t.start();
        assertEquals(List.of(), drain(), "INIT until the first result");
        assertTrue(t.waitingForFirstResult());
        chk.set(false, "first check: exited with status 1");
        assertEquals(List.of(new FaultRaised("track script chk failed (first check: exited with status 1)"), new Startup()), drain());
        chk.set(true, "rise 2 reached");
        assertEquals(List.of(new FaultCleared()), drain());
        chk.set(true, "again");
        assertEquals(List.of(), drain(), "only changes are sent");
    }

    /** What status shows: each input's last report, what it adds to the priority, and why it holds FAULT. */
    @Test
    void inputsShowEachItemsDeltaAndFault() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input chk = t.addScript("chk", -20, false);
        InstanceTracking.Input link = t.addInterface("eth1", 0, false, true);
        InstanceTracking.Input file = t.addFile("/run/prio", -5, false, 0);
        t.start();
        assertEquals(List.of(
                new InstanceTracking.InputState("track script", "chk", -20, false, null, 0, 0, null),
                new InstanceTracking.InputState("track interface", "eth1", 0, false, true, 0, 0, null),
                new InstanceTracking.InputState("track file", "/run/prio", -5, false, true, 0, 0, null)), t.inputs());
        chk.set(false, "exited with status 1");
        link.set(false, null);
        file.setValue(2);
        assertEquals(List.of(
                new InstanceTracking.InputState("track script", "chk", -20, false, false, 0, -20, null),
                new InstanceTracking.InputState("track interface", "eth1", 0, false, false, 0, 0, "track interface eth1 is down"),
                new InstanceTracking.InputState("track file", "/run/prio", -5, false, true, 2, -10, null)), t.inputs());
        assertEquals("track interface eth1 is down", t.faultReason().orElseThrow());
        assertEquals(70, t.effectivePriority());
    }

    @Test
    void weightZeroFailedAtStartEntersFaultBeforeStartup() {
        InstanceTracking t = tracking(100);
        t.addInterface("eth1", 0, false, false);
        t.start();
        assertEquals(List.of(new FaultRaised("track interface eth1 is down"), new Startup()), drain());
    }

    @Test
    void weightedScriptDoesNotHoldStartupAndCountsOnlyOnceKnown() {
        InstanceTracking t = tracking(150);
        InstanceTracking.Input chk = t.addScript("chk", -60, false);
        t.start();
        assertEquals(List.of(new Startup()), drain());
        chk.set(true, "");
        assertEquals(List.of(), drain(), "a negative weight adds nothing while the check succeeds");
        chk.set(false, "fall 2 reached");
        assertEquals(List.of(new PriorityChanged(90)), drain());
        assertEquals(90, t.effectivePriority());
        chk.set(true, "rise 2 reached");
        assertEquals(List.of(new PriorityChanged(150)), drain());
    }

    @Test
    void positiveWeightAddsWhileUpAndReverseInverts() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input plus = t.addScript("plus", 20, false);
        InstanceTracking.Input reversed = t.addInterface("eth1", 30, true, true);
        InstanceTracking.Input reversedNegative = t.addInterface("eth2", -5, true, false);
        t.start();
        // eth1 up, weight 30 reverse: -30; eth2 down, weight -5 reverse: +5
        assertEquals(List.of(new PriorityChanged(75), new Startup()), drain());
        plus.set(true, "");
        assertEquals(List.of(new PriorityChanged(95)), drain());
        reversed.set(false, "");
        assertEquals(List.of(new PriorityChanged(125)), drain());
        reversedNegative.set(true, "");
        assertEquals(List.of(new PriorityChanged(120)), drain());
    }

    @Test
    void weightZeroReverseFaultsWhileUp() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input link = t.addInterface("eth1", 0, true, false);
        t.start();
        assertEquals(List.of(new Startup()), drain());
        link.set(true, "");
        assertEquals(List.of(new FaultRaised("track interface eth1 is up (weight 0 reverse)")), drain());
    }

    @Test
    void priorityIsClampedTo1Through254() {
        InstanceTracking t = tracking(250);
        t.addInterface("a", 200, false, true);
        t.addInterface("b", 200, false, true);
        t.start();
        assertEquals(List.of(new PriorityChanged(254), new Startup()), drain());

        InstanceTracking low = tracking(10);
        InstanceTracking.Input a = low.addInterface("a", -253, false, true);
        low.start();
        drain();
        a.set(false, "");
        assertEquals(List.of(new PriorityChanged(1)), drain());
    }

    @Test
    void addressOwnerIgnoresWeightsButNotFaults() {
        InstanceTracking t = tracking(255);
        InstanceTracking.Input w = t.addInterface("a", -100, false, true);
        InstanceTracking.Input f = t.addInterface("b", 0, false, true);
        t.start();
        drain();
        w.set(false, "");
        assertEquals(List.of(), drain());
        assertEquals(255, t.effectivePriority());
        f.set(false, "");
        assertEquals(List.of(new FaultRaised("track interface b is down")), drain());
    }

    @Test
    void trackFileMultipliesAndFaultsAtMinus254() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input file = t.addFile("tf", 10, false, 3);
        InstanceTracking.Input zero = t.addFile("flag", 0, false, 0);
        t.start();
        assertEquals(List.of(new PriorityChanged(130), new Startup()), drain());
        file.setValue(-5);
        assertEquals(List.of(new PriorityChanged(50)), drain());
        file.setValue(-30);
        assertEquals(List.of(new PriorityChanged(100), new FaultRaised("track file tf has value -30")), drain());
        file.setValue(100);
        assertEquals(List.of(new PriorityChanged(254), new FaultCleared()), drain());
        zero.setValue(1);
        assertEquals(List.of(new FaultRaised("track file flag has value 1")), drain());
    }

    @Test
    void faultStaysUntilEveryWeightZeroItemIsHealthy() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input a = t.addInterface("a", 0, false, true);
        InstanceTracking.Input b = t.addInterface("b", 0, false, true);
        t.start();
        drain();
        a.set(false, "");
        b.set(false, "");
        assertEquals(List.of(new FaultRaised("track interface a is down")), drain());
        a.set(true, "");
        assertEquals(List.of(), drain());
        assertEquals("track interface b is down", t.faultReason().orElseThrow());
        b.set(true, "");
        assertEquals(List.of(new FaultCleared()), drain());
    }

    @Test
    void counterFirstResultDecidesThenFallAndRiseCount() {
        CheckCounter c = new CheckCounter(2, 3, false);
        assertNull(c.healthy());
        assertEquals(Boolean.TRUE, c.record(true), "one success is enough from the initial state");
        assertNull(c.record(false));
        assertNull(c.record(false));
        assertNull(c.record(true), "a success resets the fall count");
        assertNull(c.record(false));
        assertNull(c.record(false));
        assertEquals(Boolean.FALSE, c.record(false), "the third consecutive failure");
        assertNull(c.record(true));
        assertNull(c.record(false), "a failure resets the rise count");
        assertNull(c.record(true));
        assertEquals(Boolean.TRUE, c.record(true), "the second consecutive success");

        CheckCounter first = new CheckCounter(5, 5, false);
        assertEquals(Boolean.FALSE, first.record(false), "one failure is enough from the initial state");
    }

    @Test
    void counterInitFailNeedsRiseSuccesses() {
        CheckCounter c = new CheckCounter(3, 1, true);
        assertEquals(Boolean.FALSE, c.healthy());
        assertNull(c.record(true));
        assertNull(c.record(true));
        assertEquals(Boolean.TRUE, c.record(true));
        assertEquals(Boolean.FALSE, c.record(false), "fall 1");
    }
}
