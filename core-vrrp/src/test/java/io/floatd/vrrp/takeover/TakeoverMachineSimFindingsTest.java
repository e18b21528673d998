package io.floatd.vrrp.takeover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverEvent.HolderRead;
import io.floatd.vrrp.takeover.TakeoverEvent.OpEnded;
import io.floatd.vrrp.takeover.TakeoverEvent.Transition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules the cluster simulation ({@code io.floatd.testing.sim}) found missing in {@link TakeoverMachine}, one test
 * each, named after the rule; each names the seed that found it.
 */
class TakeoverMachineSimFindingsTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000_000_000_000L;
    private static final TakeoverPolicy POLICY = TakeoverPolicy.custom()
            .attemptTimeout(Duration.ofSeconds(2))
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .deadline(Duration.ofSeconds(20))
            .recheckInterval(Duration.ofSeconds(2))
            .warmInterval(Duration.ofSeconds(5))
            .build();

    /** A Linux VIP: release on leaving MASTER, acquire checks locally, no hand-over. */
    private static TakeoverMachine linuxVip() {
        return new TakeoverMachine(new TakeoverParams("VI_1", POLICY, true, true, false, false));
    }

    /** Steps the machine and keeps every action. */
    private static final class Run {
        final TakeoverMachine m;
        TakeoverState s;
        final List<TakeoverAction> actions = new ArrayList<>();

        Run(TakeoverMachine m) {
            this.m = m;
            this.s = m.initial(42);
        }

        List<TakeoverAction> step(TakeoverEvent e, long now) {
            TakeoverStep st = m.next(s, e, now);
            s = st.state();
            actions.addAll(st.actions());
            return st.actions();
        }

        <T extends TakeoverAction> List<T> calls(Class<T> type) {
            return actions.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    /** Simulation seed 72 (Linux VIP): a restart with a failing check goes INIT -> BACKUP -> FAULT in one instant. */
    @Test
    void clearingWhatACrashedRunLeftSurvivesATransitionBeforeItRuns() {
        Run r = new Run(linuxVip());
        r.step(new TakeoverEvent.Start(), T0); // the start-up read is in flight: the clear waits for it
        r.step(new Transition(VrrpState.INIT, VrrpState.BACKUP, null), T0);
        r.step(new Transition(VrrpState.BACKUP, VrrpState.FAULT, null), T0);
        long read = r.calls(TakeoverAction.ReadHolder.class).getFirst().op();
        r.step(new OpEnded(read, new HolderRead(Holder.self("eth0"))), T0 + MS);
        assertEquals(1, r.calls(TakeoverAction.ClearStale.class).size(),
                "the VIP the crashed run left must go even though the node went to FAULT: " + r.actions);
    }

    @Test
    void aClearOwedWhenTheDaemonStopsRunsBeforeItExits() {
        Run r = new Run(linuxVip());
        r.step(new TakeoverEvent.Start(), T0);
        r.step(new Transition(VrrpState.INIT, VrrpState.BACKUP, null), T0);
        r.step(new Transition(VrrpState.BACKUP, VrrpState.STOP, null), T0);
        assertTrue(!r.s.quiescent(), "a stop must wait for the clear");
        long read = r.calls(TakeoverAction.ReadHolder.class).getFirst().op();
        r.step(new OpEnded(read, new HolderRead(Holder.self("eth0"))), T0 + MS);
        long clear = r.calls(TakeoverAction.ClearStale.class).getFirst().op();
        r.step(new OpEnded(clear, new TakeoverEvent.Done(true)), T0 + 2 * MS);
        assertTrue(r.s.quiescent(), "after the clear the stopping daemon may exit: " + r.s);
        assertEquals(TakeoverState.Task.NONE, r.s.task());
    }
}
