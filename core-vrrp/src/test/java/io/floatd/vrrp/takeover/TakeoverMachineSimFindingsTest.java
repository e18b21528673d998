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
            .handOverGrace(Duration.ZERO) // these rules are about what follows the hand-over's read
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

    private static final long DEADLINE = POLICY.deadline().toNanos();
    private static final long WARM = POLICY.warmInterval().toNanos();
    private static final java.net.InetAddress HIGHER = address(1);

    /**
     * Simulation seeds 163, 46 and 8 (clouds, {@code release yes}): a node left MASTER while its acquire was in flight;
     * the machine cancelled it and released at once, the release found nothing to remove, and the acquire, already
     * sent, landed after it. A write in flight is not cut short when the next task writes: the release waits for it.
     */
    @Test
    void aWriteInFlightIsNotCancelledWhenTheNextTaskWritesToo() {
        TakeoverMachine m = new TakeoverMachine(new TakeoverParams("VI_1", POLICY, true, false, true, false));
        Run r = new Run(m);
        r.step(new Transition(VrrpState.INIT, VrrpState.BACKUP, null), T0);
        r.answer(new TakeoverEvent.Done(false), T0);
        r.step(new Transition(VrrpState.BACKUP, VrrpState.MASTER, null), T0);
        r.answer(new HolderRead(Holder.peer("i-01")), T0); // acquire sent
        long acquire = r.s.inflight().id();
        // stepped down without a Master to hand over to (a resignation): release
        List<TakeoverAction> out = r.step(new Transition(VrrpState.MASTER, VrrpState.BACKUP, null), T0 + MS);
        assertTrue(out.stream().noneMatch(a -> a instanceof TakeoverAction.Cancel), "not cancelled: " + out);
        assertTrue(out.stream().noneMatch(a -> a instanceof TakeoverAction.Release), "the release waits: " + out);
        List<TakeoverAction> after = r.step(new OpEnded(acquire, new TakeoverEvent.Done(true)), T0 + 2 * MS);
        assertTrue(after.stream().anyMatch(a -> a instanceof TakeoverAction.Release), "then releases: " + after);
    }

    /** A transition whose next task writes nothing still cancels the write (the node stops, no release). */
    @Test
    void aWriteInFlightIsCancelledWhenNothingFollowsIt() {
        Run r = new Run(cloud());
        r.step(new Transition(VrrpState.INIT, VrrpState.BACKUP, null), T0);
        r.answer(new TakeoverEvent.Done(false), T0);
        r.step(new Transition(VrrpState.BACKUP, VrrpState.MASTER, null), T0);
        r.answer(new HolderRead(Holder.peer("i-01")), T0);
        List<TakeoverAction> out = r.step(new Transition(VrrpState.MASTER, VrrpState.STOP, null), T0 + MS);
        assertTrue(out.stream().anyMatch(a -> a instanceof TakeoverAction.Cancel), out.toString());
    }

    /**
     * Simulation seeds 15610 and 38007 (DigitalOcean): a peer that stepped down to this Master held the IP for a few
     * seconds on its way here (its acquire landed, its hand-over not yet); the Master's re-check found it there and
     * yielded at once, went quiet, and the two traded the IP with the network healthy. The yield waits a hand-over's
     * deadline.
     */
    @Test
    void aMasterYieldsToAPeerOnlyWhenTheIpStaysThereLongerThanAHandOver() {
        Run r = new Run(cloud()).masterHolding(T0);
        long t = T0 + RECHECK;
        r.step(new TakeoverEvent.Tick(), t);
        r.answer(new HolderRead(Holder.peer("i-01")), t);
        assertTrue(r.calls(TakeoverAction.YieldToPeer.class).isEmpty(), "not at the first sighting");
        t += RECHECK;
        r.step(new TakeoverEvent.Tick(), t);
        r.answer(new HolderRead(Holder.self("i-00")), t); // the hand-over landed: nothing happened
        assertTrue(r.calls(TakeoverAction.YieldToPeer.class).isEmpty());
        // a split brain: the peer keeps it past the deadline
        t += RECHECK;
        r.step(new TakeoverEvent.Tick(), t);
        r.answer(new HolderRead(Holder.peer("i-01")), t);
        long first = t;
        while (t - first < DEADLINE) {
            t += RECHECK;
            r.step(new TakeoverEvent.Tick(), t);
            r.answer(new HolderRead(Holder.peer("i-01")), t);
        }
        assertEquals(1, r.calls(TakeoverAction.YieldToPeer.class).size(), "yields once the deadline passed");
        assertTrue(r.calls(TakeoverAction.Acquire.class).size() == 1, "and never took it back meanwhile");
    }

    /**
     * Simulation seeds 5455 and 8220: a peer took the IP during a split and was killed; the node that had yielded to
     * it waited for its adverts for good (the IP stays with a dead node). The yield ends after the longest damping.
     */
    @Test
    void aYieldEndsAfterTheLongestDampingWhenTheHolderIsNeverHeardAgain() {
        Run r = new Run(cloud()).masterHolding(T0);
        r.s = yieldedState(r, T0 + RECHECK);
        long t = T0 + RECHECK;
        long limit = RECHECK * TakeoverMachine.MAX_DAMPING_INTERVALS;
        while (r.calls(TakeoverAction.Reclaim.class).isEmpty() && t < T0 + 2 * limit) {
            t = r.s.wakeAt();
            r.step(new TakeoverEvent.Tick(), t);
            r.answer(new HolderRead(Holder.peer("i-01")), t);
        }
        assertEquals(1, r.calls(TakeoverAction.Reclaim.class).size());
        assertTrue(t - (T0 + RECHECK) >= limit, "not before the limit: " + (t - T0 - RECHECK) / 1e9 + " s");
    }

    /** Drives a Master into the yield (the IP on a peer past the deadline) and through its MASTER -> BACKUP. */
    private static TakeoverState yieldedState(Run r, long t) {
        r.step(new TakeoverEvent.Tick(), t);
        r.answer(new HolderRead(Holder.peer("i-01")), t);
        long at = t;
        while (r.calls(TakeoverAction.YieldToPeer.class).isEmpty()) {
            at = r.s.wakeAt();
            r.step(new TakeoverEvent.Tick(), at);
            r.answer(new HolderRead(Holder.peer("i-01")), at);
        }
        r.step(new Transition(VrrpState.MASTER, VrrpState.BACKUP, null), at);
        assertEquals(TakeoverState.Task.WATCH, r.s.task());
        return r.s;
    }

    /**
     * Simulation seeds 735 and 21905 (DigitalOcean): a node stepped down while its assign action ran; the hand-over's
     * read showed the old holder (a GET shows it until the action completes), so it stood down, and the action then
     * put the IP on this Backup. A warm read in the step-down's epoch that finds the IP here hands it over again.
     */
    @Test
    void aStepDownThatFindsTheIpLandedAfterAllHandsItOverAgain() {
        Run r = new Run(cloud());
        r.step(new Transition(VrrpState.INIT, VrrpState.BACKUP, null), T0);
        r.answer(new TakeoverEvent.Done(false), T0); // clear-stale
        r.step(new Transition(VrrpState.BACKUP, VrrpState.MASTER, null), T0);
        r.answer(new HolderRead(Holder.peer("i-00")), T0); // the acquire is sent
        r.step(new Transition(VrrpState.MASTER, VrrpState.BACKUP, HIGHER), T0 + MS); // the hand-over waits for it
        // its answer is lost: the API may still carry it out (a DigitalOcean action runs on)
        r.answer(new TakeoverEvent.Failed(TakeoverEvent.Failure.TIMED_OUT, "timed out"), T0 + 2 * MS);
        long read = T0 + 3 * MS; // the hand-over's read (no grace in this policy) went out with that answer
        r.answer(new HolderRead(Holder.peer("i-00")), read); // not here (yet): stands down
        assertEquals(TakeoverState.Task.STANDBY, r.s.task());
        long t = r.s.wakeAt();
        r.step(new TakeoverEvent.Tick(), t);
        List<TakeoverAction> out = r.answer(new HolderRead(Holder.self("i-01")), t);
        assertEquals(List.of(HIGHER), out.stream().filter(a -> a instanceof TakeoverAction.HandOver)
                .map(a -> ((TakeoverAction.HandOver) a).peer()).toList(), out.toString());
    }

    /**
     * Simulation seed 10311 (unrecognised peers): the lower node stepped down holding the IP and could not hand it
     * over; the Master, damped and never hearing it as a Master, left it there for up to 32 re-checks. A hand-over the
     * provider cannot make (fatal) releases instead, so the Master's next re-check finds it free.
     */
    @Test
    void aHandOverTheProviderCannotMakeReleasesTheIpInstead() {
        Run r = new Run(cloud()).masterHolding(T0);
        r.step(new Transition(VrrpState.MASTER, VrrpState.BACKUP, HIGHER), T0 + MS);
        r.answer(new HolderRead(Holder.self("i-01")), T0 + MS);
        r.answer(new TakeoverEvent.Failed(TakeoverEvent.Failure.FATAL, "no instance known for peer"), T0 + 2 * MS);
        assertEquals(TakeoverState.Task.RELEASE, r.s.task());
        assertEquals(TakeoverState.OpKind.RELEASE, inflightKind(r));
    }

    /** A cloud node whose hand-over grace is one second (the daemon's, at advert_int 0.5). */
    private static TakeoverMachine cloudWithGrace() {
        return new TakeoverMachine(new TakeoverParams("VI_1", POLICY.withHandOverGrace(Duration.ofSeconds(1)), false,
                false, true, false));
    }

    /**
     * Simulation seeds 1182894, 1192482, 1656468: a Master yielded as a heal began; the lower node had heard it,
     * stepped down and handed the IP back, but the yielded node read only every re-check, so the lower node, hearing
     * no one, was elected again and took the IP: three moves after the heal. A yield reads every half grace (one
     * advert interval) for a deadline, and reclaims an IP handed back well before the peer's Master_Down_Interval.
     */
    @Test
    void aYieldedNodeReadsEveryAdvertIntervalAtFirstAndReclaimsAnIpHandedBack() {
        Run r = new Run(cloudWithGrace()).masterHolding(T0);
        r.s = yieldedState(r, T0 + RECHECK);
        long yieldedAt = r.s.retryAt() - POLICY.deadline().toNanos(); // in WATCH, retryAt ends the fast reads
        assertEquals(500 * MS, r.s.recheckAt() - yieldedAt, "half the grace, not the " + RECHECK / MS + " ms re-check");
        long t = r.s.wakeAt();
        r.step(new TakeoverEvent.Tick(), t);
        List<TakeoverAction> out = r.answer(new HolderRead(Holder.self("i-00")), t);
        assertEquals(1, out.stream().filter(a -> a instanceof TakeoverAction.Reclaim).count(), out.toString());
    }

    /**
     * Simulation seed 1026878 (release yes): the lower node stepped down to the higher Master's advert and released the
     * IP; the Master, which never heard it, found the IP on nobody only at its next re-check. With a Master heard, the
     * hand-over comes first, with or without {@code release}.
     */
    @Test
    void aStepDownToAMasterHeardHandsTheIpOverEvenWithRelease() {
        TakeoverMachine m = new TakeoverMachine(new TakeoverParams("VI_1", POLICY, true, false, true, false));
        Run r = new Run(m).masterHolding(T0);
        List<TakeoverAction> out = r.step(new Transition(VrrpState.MASTER, VrrpState.BACKUP, HIGHER), T0 + MS);
        assertEquals(TakeoverState.Task.HAND_OVER, r.s.task(), out.toString());
        r.answer(new HolderRead(Holder.self("i-01")), T0 + MS);
        assertEquals(TakeoverState.OpKind.HAND_OVER, inflightKind(r));
    }

    /**
     * Simulation seed 1471540 (three nodes): two Backups that had each stepped down to the other handed the IP back and
     * forth: each read that found it on itself handed it "again" to the Master it had stepped down to, which was not
     * Master any more. A Backup hands an IP it finds on itself over again only while a write of its own may still land.
     */
    @Test
    void aBackupThatFindsAnIpItDidNotPutThereLeavesItToTheMaster() {
        Run r = new Run(cloud()).masterHolding(T0);
        r.step(new Transition(VrrpState.MASTER, VrrpState.BACKUP, HIGHER), T0 + MS);
        r.answer(new HolderRead(Holder.self("i-01")), T0 + MS);
        r.answer(new TakeoverEvent.Done(true), T0 + 2 * MS); // handed over
        long t = r.s.wakeAt();
        r.step(new TakeoverEvent.Tick(), t);
        List<TakeoverAction> out = r.answer(new HolderRead(Holder.self("i-01")), t); // someone put it back here
        assertTrue(out.stream().noneMatch(a -> a instanceof TakeoverAction.Call), out.toString());
    }
}
