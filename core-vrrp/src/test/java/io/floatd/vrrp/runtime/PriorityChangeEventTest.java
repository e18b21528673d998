package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpParams;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.fsm.VrrpStateMachine;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** notify_priority_changes' source: the runner tells listeners when tracking moves the effective priority, and only then. */
class PriorityChangeEventTest {
    private long now = 1_000_000_000L;

    @Test
    void aTrackingWeightThatMovesThePriorityIsPublishedWithTheState() {
        VrrpParams params = new VrrpParams("VI_1", 2, 150, 100, true, 0, InetAddress.ofLiteral("10.0.0.1"), false);
        InstanceRunner runner = new InstanceRunner(new VrrpStateMachine(params), priority -> { }, () -> now);
        List<String> seen = new ArrayList<>();
        runner.addListener(new TransitionListener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onPriorityChanged(String instance, VrrpState state, int priority) {
                seen.add(instance + " " + state + " " + priority);
            }
        });
        runner.handle(new VrrpEvent.Startup());
        VrrpState before = runner.state().state();
        runner.handle(new VrrpEvent.PriorityChanged(140));
        runner.handle(new VrrpEvent.PriorityChanged(140)); // unchanged: nothing
        runner.handle(new VrrpEvent.PriorityChanged(150));
        assertEquals(List.of("VI_1 " + before + " 140", "VI_1 " + runner.state().state() + " 150"), seen);
    }
}
