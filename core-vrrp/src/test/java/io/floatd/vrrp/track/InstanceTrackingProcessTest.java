package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpEvent.FaultCleared;
import io.floatd.vrrp.fsm.VrrpEvent.FaultRaised;
import io.floatd.vrrp.fsm.VrrpEvent.PriorityChanged;
import io.floatd.vrrp.fsm.VrrpEvent.Startup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A track_process verdict in an instance, as keepalived applies it (vrrp_track.c): weight 0 means FAULT while the
 * quorum is lost (with reverse: while it holds); a positive weight is added while it holds, a negative one while
 * it is lost, reverse negating either; an address owner keeps 255. The verdict is known from the first scan, so
 * the instance starts at once.
 */
class InstanceTrackingProcessTest {
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
    void weightZeroLosingTheQuorumMeansFaultAndTheInstanceStartsAtOnce() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input p = t.addProcess("haproxy", 0, false, false, "0 processes, quorum at least 1", 0);
        t.start();
        assertEquals(List.of(new FaultRaised("track process haproxy failed (0 processes, quorum at least 1)"), new Startup()), drain());
        p.set(true, "quorum gained: 1 process, quorum at least 1", 1);
        assertEquals(List.of(new FaultCleared()), drain());
        assertEquals(1, t.inputs().getFirst().value());
        p.set(false, "quorum lost: 0 processes, quorum at least 1", 0);
        assertEquals(List.of(new FaultRaised("track process haproxy failed (quorum lost: 0 processes, quorum at least 1)")), drain());
    }

    @Test
    void weightZeroReverseMeansFaultWhileTheQuorumHolds() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input p = t.addProcess("backup_job", 0, true, true, "1 process, quorum at least 1", 1);
        t.start();
        assertEquals(List.of(new FaultRaised("track process backup_job is up (weight 0 reverse)"), new Startup()), drain());
        p.set(false, "quorum lost", 0);
        assertEquals(List.of(new FaultCleared()), drain());
    }

    @Test
    void positiveWeightIsAddedWhileTheQuorumHolds() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input p = t.addProcess("app", 10, false, true, "", 1);
        t.start();
        assertEquals(List.of(new PriorityChanged(110), new Startup()), drain());
        p.set(false, "quorum lost", 0);
        assertEquals(List.of(new PriorityChanged(100)), drain());
    }

    @Test
    void negativeWeightIsAddedWhileTheQuorumIsLost() {
        InstanceTracking t = tracking(100);
        InstanceTracking.Input p = t.addProcess("app", -30, false, true, "", 1);
        t.start();
        assertEquals(List.of(new Startup()), drain());
        p.set(false, "quorum lost", 0);
        assertEquals(List.of(new PriorityChanged(70)), drain());
    }

    @Test
    void reverseNegatesTheWeight() {
        InstanceTracking t = tracking(100);
        // weight 10 reverse: 10 subtracted while the quorum holds
        InstanceTracking.Input p = t.addProcess("app", 10, true, true, "", 1);
        t.start();
        assertEquals(List.of(new PriorityChanged(90), new Startup()), drain());
        p.set(false, "quorum lost", 0);
        assertEquals(List.of(new PriorityChanged(100)), drain());
        // weight -10 reverse: 10 added while the quorum is lost
        InstanceTracking u = tracking(100);
        u.addProcess("app", -10, true, false, "", 0);
        u.start();
        assertEquals(List.of(new PriorityChanged(110), new Startup()), drain());
    }

    @Test
    void anAddressOwnerIgnoresWeights() {
        InstanceTracking t = tracking(255);
        InstanceTracking.Input p = t.addProcess("app", -254, false, true, "", 1);
        t.start();
        assertEquals(List.of(new Startup()), drain());
        p.set(false, "quorum lost", 0);
        assertEquals(List.of(), drain());
    }
}
