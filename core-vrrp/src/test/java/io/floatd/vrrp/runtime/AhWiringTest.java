package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.codec.AhSequence;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.VrrpState;
import org.junit.jupiter.api.Test;

/** keepalived's vrrp_state_goto_master: an AH counter that stopped at its limit starts again when becoming Master. */
class AhWiringTest {

    @Test
    void anExhaustedCounterRestartsWhenTheInstanceBecomesMasterAndOnlyThen() {
        AhSequence s = new AhSequence();
        s.accept(AhSequence.LAST);
        s.next(); // stopped at the limit
        TransitionListener l = AhWiring.resetOnMaster(s);
        l.onTransition(new Transition("VI_1", VrrpState.MASTER, VrrpState.BACKUP, "higher priority", 100, 0));
        assertEquals(AhSequence.LAST, s.current(), "becoming Backup changes nothing");
        l.onTransition(new Transition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master down", 100, 0));
        assertEquals(1, s.next());
    }
}
