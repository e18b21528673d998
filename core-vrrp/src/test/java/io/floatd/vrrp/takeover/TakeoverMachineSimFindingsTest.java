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

    /** An EC2 or DigitalOcean IP: stays on leaving MASTER, read before acquiring, hand-over. */
    private static TakeoverMachine cloud() {
        return new TakeoverMachine(new TakeoverParams("VI_1", POLICY, false, false, true, false));
    }

    private static final long RECHECK = POLICY.recheckInterval().toNanos();
    private static final java.net.InetAddress LOWER = address(2);

    private static java.net.InetAddress address(int last) {
        try {
            return java.net.InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static TakeoverState.OpKind inflightKind(Run r) {
        return r.s.inflight() == null ? null : r.s.inflight().kind();
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

        /** Answers the call in flight. */
        List<TakeoverAction> answer(TakeoverEvent.Outcome o, long now) {
            return step(new OpEnded(s.inflight().id(), o), now);
        }

        /** A cloud node that became Master at {@code now} and holds the IP, confirmed. */
        Run masterHolding(long now) {
            step(new Transition(VrrpState.INIT, VrrpState.BACKUP, null), now);
            answer(new TakeoverEvent.Done(false), now); // clear-stale
            step(new Transition(VrrpState.BACKUP, VrrpState.MASTER, null), now);
            answer(new HolderRead(Holder.nobody()), now);
            answer(new TakeoverEvent.Done(true), now); // acquired: HOLD
            return this;
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

    /**
     * Simulation seeds 2031 and 2580 (unrecognised peers): a Master that took the IP back during a split, damped,
     * heard the lower Master again when the split healed; that one stepped down with the IP and could not hand it
     * over. The Master's next re-check found it there and waited out the damping, up to 32 re-checks, with the IP on a
     * Backup. Hearing the lower Master ends the damping.
     */
    @Test
    void hearingTheLowerMasterAgainEndsTheDampingOfTakeBacks() {
        Run r = new Run(cloud()).masterHolding(T0);
        long t = T0 + RECHECK;
        r.step(new TakeoverEvent.Tick(), t);
        r.answer(new HolderRead(Holder.other("i-01")), t); // the other side took it: take-back 1, at once
        assertEquals(TakeoverState.OpKind.ACQUIRE, inflightKind(r), r.actions.toString());
        r.answer(new TakeoverEvent.Done(true), t);
        t += RECHECK;
        r.step(new TakeoverEvent.Tick(), t);
        r.answer(new HolderRead(Holder.other("i-01")), t); // and again: now damped
        assertTrue(r.s.inflight() == null && r.s.task() == TakeoverState.Task.HOLD, "damped: " + r.s);
        // the split heals: the lower Master's advert arrives; it reads at once and finds the IP still on the other
        t += 10 * MS;
        r.step(new TakeoverEvent.OtherMasterHeard(LOWER, 100), t);
        r.answer(new HolderRead(Holder.other("i-01")), t);
        assertEquals(TakeoverState.OpKind.ACQUIRE, inflightKind(r), "the heal's take-back is not damped: " + r.s);
    }

    /** The same when the lower Master's advert comes within a re-check interval of the last one (no read then). */
    @Test
    void aLowerMasterHeardWithinTheReadLimitStillEndsTheDamping() {
        Run r = new Run(cloud()).masterHolding(T0);
        long t = T0 + RECHECK;
        r.step(new TakeoverEvent.Tick(), t);
        r.answer(new HolderRead(Holder.other("i-01")), t); // take-back 1
        r.answer(new TakeoverEvent.Done(true), t);
        r.step(new TakeoverEvent.OtherMasterHeard(LOWER, 100), t + 50 * MS); // reads out of turn: still here
        r.answer(new HolderRead(Holder.self("i-00")), t + 50 * MS);
        // the lower Master is heard again, too soon for another read; then it steps down holding the IP
        r.step(new TakeoverEvent.OtherMasterHeard(LOWER, 100), t + 100 * MS);
        assertTrue(r.s.inflight() == null, "at most one out-of-turn read per re-check interval");
        long next = r.s.wakeAt();
        r.step(new TakeoverEvent.Tick(), next);
        r.answer(new HolderRead(Holder.other("i-01")), next);
        assertEquals(TakeoverState.OpKind.ACQUIRE, inflightKind(r), "not damped: " + r.s);
    }
}
