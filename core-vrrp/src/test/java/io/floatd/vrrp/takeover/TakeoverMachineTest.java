package io.floatd.vrrp.takeover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverAction.Call;
import io.floatd.vrrp.takeover.TakeoverAction.Stat;
import io.floatd.vrrp.takeover.TakeoverEvent.Failure;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The takeover machine's rules, one test each, on a fake clock: every input is an event and a time, every output an
 * action; nothing sleeps, nothing runs in the background.
 */
class TakeoverMachineTest {
    private static final long MS = 1_000_000;
    private static final long S = 1_000 * MS;
    private static final Holder PEER = Holder.peer("i-peer");
    private static final Holder STRANGER = Holder.other("i-stranger");
    private static final Holder SELF = Holder.self("i-me");
    private static final InetAddress PEER_ADDRESS = address("10.0.0.12");

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One machine on a fake clock, and what it asked for. */
    static final class Rig {
        final TakeoverMachine machine;
        TakeoverState state;
        long now = 1_000 * S;
        final List<TakeoverAction> all = new ArrayList<>();

        Rig(TakeoverParams params) {
            this.machine = new TakeoverMachine(params);
            this.state = machine.initial(42);
        }

        List<TakeoverAction> fire(TakeoverEvent e) {
            TakeoverStep step = machine.next(state, e, now);
            state = step.state();
            all.addAll(step.actions());
            return step.actions();
        }

        List<TakeoverAction> to(VrrpState from, VrrpState to) {
            return fire(new TakeoverEvent.Transition(from, to, null));
        }

        List<TakeoverAction> steppedDownTo(InetAddress master) {
            return fire(new TakeoverEvent.Transition(VrrpState.MASTER, VrrpState.BACKUP, master));
        }

        /** Answers the running call. */
        List<TakeoverAction> answer(TakeoverEvent.Outcome o) {
            return fire(new TakeoverEvent.OpEnded(state.inflight().id(), o));
        }

        List<TakeoverAction> read(Holder h) {
            assertEquals(TakeoverState.OpKind.READ, state.inflight().kind(), "a read runs");
            return answer(new TakeoverEvent.HolderRead(h));
        }

        List<TakeoverAction> done() {
            return answer(new TakeoverEvent.Done(true));
        }

        List<TakeoverAction> fail(Failure kind) {
            return answer(new TakeoverEvent.Failed(kind, "test: " + kind));
        }

        /** Moves the clock to the machine's wake-up time and ticks. */
        List<TakeoverAction> wake() {
            long at = state.wakeAt();
            assertTrue(at != Long.MAX_VALUE, "the machine asked for a wake-up");
            now = Math.max(now, at);
            return fire(new TakeoverEvent.Tick());
        }

        List<TakeoverAction> advance(Duration d) {
            now += d.toNanos();
            return fire(new TakeoverEvent.Tick());
        }

        /** The Master's takeover as far as its write, the holder found on {@code found}. */
        void masterAndAcquired(Holder found) {
            to(VrrpState.BACKUP, VrrpState.MASTER);
            read(found);
            done();
        }

        long count(Stat s) {
            return all.stream().filter(a -> a instanceof TakeoverAction.Count c && c.stat() == s).count();
        }
    }

    static TakeoverPolicy.Builder policy() {
        return TakeoverPolicy.custom().backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .attemptTimeout(Duration.ofSeconds(3)).deadline(Duration.ofSeconds(30))
                .recheckInterval(Duration.ofSeconds(10)).warmInterval(Duration.ofSeconds(20));
    }

    static Rig cloud() {
        return new Rig(new TakeoverParams("VI_1", policy().build(), false, false, true, false));
    }

    static Rig cloud(TakeoverPolicy p) {
        return new Rig(new TakeoverParams("VI_1", p, false, false, true, false));
    }

    static Rig linuxVip() {
        return new Rig(new TakeoverParams("VI_1", policy().build(), true, true, false, false));
    }

    static <T> T only(List<TakeoverAction> actions, Class<T> type) {
        List<T> found = actions.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), "one " + type.getSimpleName() + " in " + actions);
        return found.getFirst();
    }

    static boolean none(List<TakeoverAction> actions, Class<?> type) {
        return actions.stream().noneMatch(type::isInstance);
    }

    @Nested
    class EnteringMaster {
        @Test
        void readsTheHolderFirst() {
            Rig r = cloud();
            List<TakeoverAction> a = r.to(VrrpState.BACKUP, VrrpState.MASTER);
            assertInstanceOf(TakeoverAction.TakeoverBegan.class, a.getFirst());
            only(a, TakeoverAction.ReadHolder.class);
        }

        @Test
        void anIpAlreadyOnThisNodeIsNotWrittenAgain() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            List<TakeoverAction> a = r.read(SELF);
            assertTrue(none(a, TakeoverAction.Acquire.class), a.toString());
            assertEquals(0, only(a, TakeoverAction.StartAnnouncing.class).alreadySent());
            only(a, TakeoverAction.Settled.class);
            assertEquals(1, r.count(Stat.SKIPPED_WRITE));
            assertTrue(r.state.holdConfirmed());
        }

        @Test
        void theWriteFollowsTheReadAtOnceWithTheHolderItFound() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            assertEquals(PEER, only(r.read(PEER), TakeoverAction.Acquire.class).seen());
            List<TakeoverAction> a = r.done();
            assertEquals(1, only(a, TakeoverAction.StartAnnouncing.class).alreadySent());
            only(a, TakeoverAction.Settled.class);
            assertEquals(TakeoverState.Task.HOLD, r.state.task());
        }

        @Test
        void aProviderThatChecksLocallyAcquiresWithoutARead() {
            Rig r = linuxVip();
            assertNull(only(r.to(VrrpState.BACKUP, VrrpState.MASTER), TakeoverAction.Acquire.class).seen());
        }

        @Test
        void aDryRunReadsAndNeverWrites() {
            Rig r = new Rig(new TakeoverParams("VI_1", policy().build(), false, false, true, true));
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            List<TakeoverAction> a = r.read(PEER);
            assertTrue(none(a, Call.class), a.toString());
            only(a, TakeoverAction.Settled.class);
        }
    }

    @Nested
    class Retries {
        @Test
        void aRetryableFailureWaitsAFullJitterBackoffWithinItsCeiling() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            long[] ceilings = {100, 200, 400, 800, 1600, 2000, 2000};
            for (long ceiling : ceilings) {
                long failedAt = r.now;
                assertTrue(none(r.fail(Failure.RETRYABLE), Call.class), "no call before the backoff ends");
                long waited = r.state.retryAt() - failedAt;
                assertTrue(waited >= 0 && waited <= ceiling * MS, "waited " + waited / MS + " ms, ceiling " + ceiling);
                only(r.wake(), TakeoverAction.ReadHolder.class);
            }
            assertEquals(ceilings.length, r.count(Stat.RETRY));
        }

        @Test
        void aFailedWriteIsFollowedByAReadBeforeTheNextWrite() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            r.read(PEER);
            r.fail(Failure.TIMED_OUT);
            only(r.wake(), TakeoverAction.ReadHolder.class);
            assertEquals(PEER, only(r.read(PEER), TakeoverAction.Acquire.class).seen());
        }

        @Test
        void aReadThatFindsTheFailedWriteCarriedOutConfirmsItWithoutWritingAgain() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            r.read(PEER);
            r.fail(Failure.TIMED_OUT);
            r.wake();
            List<TakeoverAction> a = r.read(SELF);
            assertTrue(none(a, Call.class));
            assertEquals(1, r.count(Stat.ACQUIRE), "the write counts: it was carried out");
            assertEquals(0, r.count(Stat.SKIPPED_WRITE));
        }

        @Test
        void aFatalFailureEndsTheTakeoverInOneLineAndIsNotRetried() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            r.read(PEER);
            List<TakeoverAction> a = r.fail(Failure.FATAL);
            assertTrue(none(a, Call.class));
            assertEquals("VRRP_Instance(VI_1) takeover failed: test: FATAL", only(a, TakeoverAction.Log.class).message());
            only(a, TakeoverAction.Settled.class);
            assertEquals(TakeoverState.Task.HOLD, r.state.task(), "the next re-check tries again");
            assertEquals("test: FATAL", r.state.lastError());
        }

        @Test
        void theDeadlineEndsTheRetriesWithOneFailure() {
            Rig r = cloud(policy().deadline(Duration.ofSeconds(1)).build());
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            int attempts = 0;
            while (r.state.task() == TakeoverState.Task.TAKEOVER) {
                r.fail(Failure.RETRYABLE);
                if (r.state.task() == TakeoverState.Task.TAKEOVER) {
                    r.wake();
                }
                attempts++;
                assertTrue(attempts < 100, "the retries end");
            }
            assertTrue(r.now - 1_000 * S >= 1 * S, "not before the deadline");
            assertEquals(1, r.count(Stat.FAILURE));
        }

        @Test
        void theSameInputsGiveTheSameBackoffs() {
            Rig a = cloud();
            Rig b = cloud();
            for (Rig r : List.of(a, b)) {
                r.to(VrrpState.BACKUP, VrrpState.MASTER);
                for (int i = 0; i < 5; i++) {
                    r.fail(Failure.RETRYABLE);
                    r.wake();
                }
            }
            assertEquals(a.all, b.all);
            assertEquals(a.state, b.state);
        }
    }

    @Nested
    class SingleFlight {
        @Test
        void aTransitionCutsARunningWriteShortAndItsLateAnswerDecidesNothing() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            r.read(PEER);
            long acquire = r.state.inflight().id();
            List<TakeoverAction> a = r.to(VrrpState.MASTER, VrrpState.BACKUP);
            assertEquals(acquire, only(a, TakeoverAction.Cancel.class).op());
            only(a, TakeoverAction.Settled.class); // superseded: notify_master may go on
            List<TakeoverAction> late = r.answer(new TakeoverEvent.Done(true));
            assertTrue(none(late, TakeoverAction.StartAnnouncing.class));
            assertFalse(r.state.holdConfirmed());
            assertEquals(SELF.kind(), r.state.lastHolder().kind(), "it tells where the IP is");
        }

        @Test
        void noCallStartsWhileAnotherRunsSoAReleaseNeverOvertakesTheAcquireBeforeIt() {
            Rig r = linuxVip();
            r.to(VrrpState.BACKUP, VrrpState.MASTER); // acquire running
            List<TakeoverAction> a = r.to(VrrpState.MASTER, VrrpState.BACKUP);
            assertTrue(none(a, Call.class), "the release waits: " + a);
            only(r.fail(Failure.CANCELLED), TakeoverAction.Release.class);
        }

        @Test
        void aReadOfAnEndedEpochIsNotCutAndOnlyUpdatesTheHolder() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            List<TakeoverAction> a = r.to(VrrpState.MASTER, VrrpState.BACKUP);
            assertTrue(none(a, TakeoverAction.Cancel.class));
            r.read(PEER);
            assertEquals(PEER, r.state.lastHolder());
            assertEquals(TakeoverState.Task.STANDBY, r.state.task());
        }
    }

    @Nested
    class WhileMaster {
        @Test
        void aMasterThatHeldTheIpAndStillFindsItOnAPeerADeadlineLaterYields() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            r.wake();
            long first = r.now;
            // the peer may be handing it over to this Master right now (a DigitalOcean action takes seconds): wait
            assertTrue(none(r.read(PEER), TakeoverAction.YieldToPeer.class));
            List<TakeoverAction> a = List.of();
            while (none(a, TakeoverAction.YieldToPeer.class)) {
                only(r.wake(), TakeoverAction.ReadHolder.class);
                a = r.read(PEER);
                assertTrue(none(a, Call.class), "no write while it waits: " + a);
            }
            assertTrue(r.now - first >= policy().build().deadline().toNanos(), "yielded " + (r.now - first) / S + " s in");
            assertEquals("i-peer", only(a, TakeoverAction.YieldToPeer.class).holder());
            r.to(VrrpState.MASTER, VrrpState.BACKUP);
            assertEquals(TakeoverState.Task.WATCH, r.state.task(), "the yield's BACKUP watches for the IP to free");
        }

        @Test
        void aMasterThatNeverHeldTheIpTakesItBackFromAPeer() {
            Rig r = cloud();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            r.read(PEER);
            r.fail(Failure.FATAL); // the takeover failed: this mastership never held the IP
            r.wake();
            assertEquals(PEER, only(r.read(PEER), TakeoverAction.Acquire.class).seen());
            assertEquals(1, r.count(Stat.REACQUIRE));
        }

        @Test
        void anIpOnNobodyIsTakenBackAtEveryRecheckWithoutDamping() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            for (int i = 0; i < 4; i++) {
                r.wake();
                only(r.read(Holder.nobody()), TakeoverAction.Acquire.class);
                r.done();
            }
            assertEquals(0, r.count(Stat.DAMPED));
        }

        @Test
        void takeBacksFromAStrangerAreDampedTwiceAsLongEachTimeInARow() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            List<Long> takes = new ArrayList<>();
            long end = r.now + 600 * S;
            while (r.now < end) {
                r.wake();
                List<TakeoverAction> a = r.read(STRANGER);
                if (!none(a, TakeoverAction.Acquire.class)) {
                    takes.add(r.now);
                    r.done();
                }
            }
            // at once, then no sooner than 2, 4, 8, 16 re-check intervals after the one before
            for (int i = 1; i < takes.size(); i++) {
                long gap = takes.get(i) - takes.get(i - 1);
                long min = Math.min(TakeoverMachine.MAX_DAMPING_INTERVALS, 1L << i) * 10 * S;
                assertTrue(gap >= min, "take-back " + i + " came " + gap / S + " s after the one before (min " + min / S + ")");
            }
            assertTrue(takes.size() <= 6, "10 minutes of a stranger holding the IP: " + takes.size() + " take-backs");
            assertTrue(r.count(Stat.DAMPED) > 0);
        }

        @Test
        void aLowerMastersAdvertMakesTheMasterReadAtOnceAndTakeTheIpBackInsteadOfYielding() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            r.now += 1 * S;
            only(r.fire(new TakeoverEvent.OtherMasterHeard(PEER_ADDRESS, 100)), TakeoverAction.ReadHolder.class);
            List<TakeoverAction> a = r.read(PEER);
            assertTrue(none(a, TakeoverAction.YieldToPeer.class), a.toString());
            only(a, TakeoverAction.Acquire.class);
        }

        @Test
        void lowerMasterReadsComeAtMostOncePerRecheckInterval() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            r.fire(new TakeoverEvent.OtherMasterHeard(PEER_ADDRESS, 100));
            r.read(SELF);
            r.now += 5 * S;
            assertTrue(none(r.fire(new TakeoverEvent.OtherMasterHeard(PEER_ADDRESS, 100)), Call.class));
        }
    }

    @Nested
    class LeavingMaster {
        @Test
        void steppingDownToAHigherMasterHandsTheIpOverToItAfterTheGrace() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            long at = r.now;
            List<TakeoverAction> a = r.steppedDownTo(PEER_ADDRESS);
            only(a, TakeoverAction.StopAnnouncing.class);
            assertTrue(none(a, Call.class), "the new Master has the grace to take the IP itself: " + a);
            only(r.wake(), TakeoverAction.ReadHolder.class);
            assertEquals(TakeoverPolicy.DEFAULT_HAND_OVER_GRACE.toNanos(), r.now - at);
            assertEquals(PEER_ADDRESS, only(r.read(SELF), TakeoverAction.HandOver.class).peer());
            r.done();
            assertEquals(1, r.count(Stat.HANDOVER));
            assertEquals(TakeoverState.Task.STANDBY, r.state.task());
        }

        @Test
        void aMasterThatTookTheIpDuringTheGraceGetsNoSecondWrite() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            r.steppedDownTo(PEER_ADDRESS);
            r.wake();
            assertTrue(none(r.read(PEER), Call.class));
            assertEquals(0, r.count(Stat.HANDOVER));
        }

        @Test
        void aHandOverTheProviderCannotMakeIsOneLineAndReleasesTheIp() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            r.steppedDownTo(PEER_ADDRESS);
            r.wake();
            r.read(SELF);
            List<TakeoverAction> a = r.fail(Failure.FATAL);
            assertTrue(a.stream().anyMatch(x -> x instanceof TakeoverAction.Log l
                    && l.message().contains("cannot hand the floating IP over to Master 10.0.0.12")), a.toString());
            // free, the Master's next re-check takes it undamped (simulation seed 10311)
            only(a, TakeoverAction.Release.class);
        }

        @Test
        void aResignationWithoutAMasterHeardHandsNothingOver() {
            Rig r = cloud();
            r.masterAndAcquired(PEER);
            assertTrue(none(r.to(VrrpState.MASTER, VrrpState.FAULT), Call.class));
            assertEquals(TakeoverState.Task.STANDBY, r.state.task());
        }

        @Test
        void aLinuxVipIsReleasedOnLeavingMasterAndAStopIsThenQuiescent() {
            Rig r = linuxVip();
            r.to(VrrpState.BACKUP, VrrpState.MASTER);
            r.done();
            only(r.to(VrrpState.MASTER, VrrpState.STOP), TakeoverAction.Release.class);
            assertFalse(r.state.quiescent());
            r.done();
            assertTrue(r.state.quiescent());
            assertEquals(1, r.count(Stat.RELEASE));
        }
    }

    @Nested
    class NotMaster {
        @Test
        void aYieldedNodeReclaimsWhenTheIpIsFreeOrBackOnIt() {
            for (Holder found : List.of(Holder.nobody(), SELF)) {
                Rig r = cloud();
                r.masterAndAcquired(PEER);
                do {
                    r.wake();
                } while (none(r.read(PEER), TakeoverAction.YieldToPeer.class));
                r.to(VrrpState.MASTER, VrrpState.BACKUP);
                r.wake();
                assertTrue(none(r.read(PEER), TakeoverAction.Reclaim.class), "still on the peer: wait");
                r.wake();
                only(r.read(found), TakeoverAction.Reclaim.class);
            }
        }

        @Test
        void aBackupReadsEveryWarmIntervalAndNeverWrites() {
            Rig r = cloud();
            r.to(VrrpState.INIT, VrrpState.BACKUP);
            only(r.all, TakeoverAction.ClearStale.class);
            r.answer(new TakeoverEvent.Done(false));
            for (int i = 0; i < 5; i++) {
                long before = r.now;
                only(r.wake(), TakeoverAction.ReadHolder.class);
                assertEquals(20 * S, r.now - before);
                r.read(i % 2 == 0 ? Holder.nobody() : SELF);
            }
            assertTrue(r.all.stream().noneMatch(a -> a instanceof TakeoverAction.Acquire
                    || a instanceof TakeoverAction.HandOver || a instanceof TakeoverAction.Release));
        }

        @Test
        void aNodeInFaultNeverTakesTheIpWhateverItReads() {
            Rig r = cloud();
            r.to(VrrpState.INIT, VrrpState.FAULT);
            for (Holder h : List.of(Holder.nobody(), PEER, STRANGER, SELF, Holder.nobody())) {
                r.wake();
                r.read(h);
                r.fire(new TakeoverEvent.OtherMasterHeard(PEER_ADDRESS, 100));
            }
            assertTrue(r.all.stream().noneMatch(a -> a instanceof TakeoverAction.Acquire
                    || a instanceof TakeoverAction.Reclaim));
        }

        @Test
        void aLocalProviderMakesNoWarmReads() {
            Rig r = linuxVip();
            r.to(VrrpState.INIT, VrrpState.BACKUP);
            r.answer(new TakeoverEvent.Done(false));
            assertEquals(Long.MAX_VALUE, r.state.wakeAt());
        }
    }
}
