package io.floatd.vrrp.fsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.fsm.VrrpAction.SendAdvert;
import io.floatd.vrrp.fsm.VrrpAction.StateChanged;
import io.floatd.vrrp.fsm.VrrpEvent.AdvertReceived;
import io.floatd.vrrp.fsm.VrrpEvent.DeadlineReached;
import io.floatd.vrrp.fsm.VrrpEvent.FaultCleared;
import io.floatd.vrrp.fsm.VrrpEvent.FaultRaised;
import io.floatd.vrrp.fsm.VrrpEvent.PriorityChanged;
import io.floatd.vrrp.fsm.VrrpEvent.Shutdown;
import io.floatd.vrrp.fsm.VrrpEvent.Startup;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each RFC 5798 §6 rule, on a fake clock (plain nanosecond values): no test sleeps.
 * Defaults: VRRPv3, advert_int 1 s, local priority 100, local address 10.0.0.2.
 */
class VrrpStateMachineTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000_000_000_000L;
    private static final InetAddress LOCAL = ip("10.0.0.2");
    private static final InetAddress LOWER_ADDR = ip("10.0.0.1");
    private static final InetAddress HIGHER_ADDR = ip("10.0.0.3");
    /** v3, priority 100, interval 100 cs: 3 s + 609.375 ms. */
    private static final long MDI_100 = 3_609_375_000L;
    private static final long SKEW_100 = 609_375_000L;

    private static VrrpParams params(int version, int priority, int intervalCs, boolean preempt, long preemptDelayNanos,
            boolean startAsMaster) {
        return new VrrpParams("VI_1", version, priority, intervalCs, preempt, preemptDelayNanos, LOCAL, startAsMaster);
    }

    private static VrrpStateMachine machine() {
        return new VrrpStateMachine(params(3, 100, 100, true, 0, false));
    }

    private static InstanceState backup(VrrpStateMachine m) {
        return m.next(m.initial(), new Startup(), T0).state();
    }

    private static InstanceState master(VrrpStateMachine m) {
        InstanceState b = backup(m);
        return m.next(b, new DeadlineReached(), b.deadline()).state();
    }

    private static AdvertReceived advert(InetAddress from, int priority, int intervalCs) {
        return new AdvertReceived(from, priority, intervalCs);
    }

    @Nested
    class Rfc5798_6_4_1_InitializeTest {
        @Test
        void addressOwnerBecomesMasterAndAdvertisesAtOnce() {
            VrrpStateMachine m = new VrrpStateMachine(params(3, 255, 100, true, 0, false));
            Step step = m.next(m.initial(), new Startup(), T0);
            assertEquals(VrrpState.MASTER, step.state().state());
            assertEquals(List.of(new SendAdvert(255),
                    new StateChanged(VrrpState.INIT, VrrpState.MASTER, "priority 255 (address owner)")), step.actions());
            assertEquals(T0 + 1000 * MS, step.state().deadline(), "Adver_Timer = Advertisement_Interval");
        }

        @Test
        void otherNodesStartAsBackupWithMasterDownTimer() {
            Step step = machine().next(machine().initial(), new Startup(), T0);
            assertEquals(VrrpState.BACKUP, step.state().state());
            assertEquals(T0 + MDI_100, step.state().deadline());
            assertEquals(VrrpState.INIT, step.transition().from());
            assertFalse(step.actions().stream().anyMatch(a -> a instanceof SendAdvert), "a Backup never advertises");
        }

        @Test
        void stateMasterStillStartsAsBackupForAFullMasterDownInterval() {
            // as keepalived 2.2.7 does (observed: it notifies BACKUP first, MASTER about 3 intervals + skew later)
            VrrpStateMachine m = new VrrpStateMachine(params(3, 100, 100, true, 0, true));
            Step step = m.next(m.initial(), new Startup(), T0);
            assertEquals(VrrpState.BACKUP, step.state().state());
            assertEquals(T0 + MDI_100, step.state().deadline());
        }
    }

    @Nested
    class Rfc5798_6_4_2_BackupTest {
        @Test
        void backupBecomesMasterWhenMasterDownTimerFires() {
            VrrpStateMachine m = machine();
            InstanceState b = backup(m);
            assertEquals(List.of(), m.next(b, new DeadlineReached(), b.deadline() - 1).actions(), "not before the deadline");
            Step step = m.next(b, new DeadlineReached(), b.deadline());
            assertEquals(VrrpState.MASTER, step.state().state());
            assertEquals(new SendAdvert(100), step.actions().get(0), "the first advert goes out before anything else");
            assertEquals(VrrpState.MASTER, step.transition().to());
            assertEquals(b.deadline() + 1000 * MS, step.state().deadline());
        }

        @Test
        void backupResetsMasterDownTimerOnHigherPriorityAdvert() {
            VrrpStateMachine m = machine();
            InstanceState b = backup(m);
            Step step = m.next(b, advert(HIGHER_ADDR, 200, 100), T0 + 2000 * MS);
            assertEquals(VrrpState.BACKUP, step.state().state());
            assertEquals(T0 + 2000 * MS + MDI_100, step.state().deadline());
            assertEquals(HIGHER_ADDR, step.state().masterAddress());
            assertEquals(List.of(), step.actions());
        }

        @Test
        void backupAcceptsEqualPriorityAdvert() {
            VrrpStateMachine m = machine();
            Step step = m.next(backup(m), advert(LOWER_ADDR, 100, 100), T0 + 500 * MS);
            assertEquals(T0 + 500 * MS + MDI_100, step.state().deadline(), "Priority >= local: reset the timer");
        }

        @Test
        void backupWaitsSkewTimeAfterPriorityZero() {
            VrrpStateMachine m = machine();
            InstanceState b = m.next(backup(m), advert(HIGHER_ADDR, 200, 100), T0 + 100 * MS).state();
            Step step = m.next(b, advert(HIGHER_ADDR, 0, 100), T0 + 900 * MS);
            assertEquals(T0 + 900 * MS + SKEW_100, step.state().deadline());
            Step after = m.next(step.state(), new DeadlineReached(), step.state().deadline());
            assertEquals(VrrpState.MASTER, after.state().state());
            assertTrue(after.transition().reason().contains("priority 0"), after.transition().reason());
        }

        @Test
        void v3BackupLearnsMasterAdverIntervalFromTheAdvert() {
            VrrpStateMachine m = machine();
            // the Master advertises every 0.1 s: MDI = 3 * 10 cs + (156 * 10 / 256) cs = 300 ms + 60.9375 ms
            Step step = m.next(backup(m), advert(HIGHER_ADDR, 200, 10), T0);
            assertEquals(10, step.state().masterAdverIntervalCentis());
            assertEquals(T0 + 360_937_500L, step.state().deadline());
        }

        @Test
        void v2BackupUsesItsOwnIntervalAndSecondsSkew_Rfc3768_6_4_2() {
            VrrpStateMachine m = new VrrpStateMachine(params(2, 100, 100, true, 0, false));
            Step step = m.next(backup(m), advert(HIGHER_ADDR, 200, 300), T0);
            assertEquals(100, step.state().masterAdverIntervalCentis());
            assertEquals(T0 + 3_609_375_000L, step.state().deadline());
        }

        @Test
        void preemptingBackupDiscardsLowerPriorityAdvertAndTakesOverAtTheOldDeadline() {
            VrrpStateMachine m = machine();
            InstanceState b = backup(m);
            Step step = m.next(b, advert(HIGHER_ADDR, 50, 100), T0 + 1000 * MS);
            assertEquals(b.deadline(), step.state().deadline(), "the advert must not restart the timer");
            Step takeover = m.next(step.state(), new DeadlineReached(), b.deadline());
            assertEquals(VrrpState.MASTER, takeover.state().state());
            assertTrue(takeover.transition().reason().contains("preempting"), takeover.transition().reason());
        }

        @Test
        void nopreemptBackupKeepsLowerPriorityMaster() {
            VrrpStateMachine m = new VrrpStateMachine(params(3, 100, 100, false, 0, false));
            Step step = m.next(backup(m), advert(HIGHER_ADDR, 50, 100), T0 + 1000 * MS);
            assertEquals(T0 + 1000 * MS + MDI_100, step.state().deadline(), "nopreempt: every advert restarts the timer");
        }

        @Test
        void preemptDelayToleratesLowerPriorityMasterUntilTheDelayHasPassed() {
            long delay = 5000 * MS;
            VrrpStateMachine m = new VrrpStateMachine(params(3, 100, 100, true, delay, false));
            InstanceState s = backup(m);
            long t = T0 + 500 * MS;
            long firstSeen = t;
            // adverts every second from a lower-priority Master: tolerated for 5 s after it was first seen
            while (t < firstSeen + delay) {
                s = m.next(s, advert(HIGHER_ADDR, 50, 100), t).state();
                assertEquals(t + MDI_100, s.deadline(), "within preempt_delay the timer restarts");
                t += 1000 * MS;
            }
            long lastReset = s.deadline();
            s = m.next(s, advert(HIGHER_ADDR, 50, 100), t).state();
            assertEquals(lastReset, s.deadline(), "after preempt_delay the lower Master's advert is discarded");
            assertEquals(VrrpState.MASTER, m.next(s, new DeadlineReached(), s.deadline()).state().state());
        }

        @Test
        void higherPriorityMasterReturningEndsThePreemptDelayWindow() {
            VrrpStateMachine m = new VrrpStateMachine(params(3, 100, 100, true, 5000 * MS, false));
            InstanceState s = m.next(backup(m), advert(HIGHER_ADDR, 50, 100), T0).state();
            s = m.next(s, advert(HIGHER_ADDR, 200, 100), T0 + 1000 * MS).state();
            assertEquals(InstanceState.NEVER, s.lowerMasterSince());
        }
    }

    @Nested
    class Rfc5798_6_4_3_MasterTest {
        @Test
        void masterAdvertisesEveryAdvertisementInterval() {
            VrrpStateMachine m = machine();
            InstanceState s = master(m);
            long due = s.deadline();
            Step step = m.next(s, new DeadlineReached(), due);
            assertEquals(List.of(new SendAdvert(100)), step.actions());
            assertEquals(due + 1000 * MS, step.state().deadline());
        }

        @Test
        void masterYieldsToHigherPriorityAdvert() {
            VrrpStateMachine m = machine();
            Step step = m.next(master(m), advert(LOWER_ADDR, 101, 10), T0 + 10_000 * MS);
            assertEquals(VrrpState.BACKUP, step.state().state());
            assertEquals(List.of(new StateChanged(VrrpState.MASTER, VrrpState.BACKUP,
                    "higher priority advert (101) from 10.0.0.1")), step.actions());
            assertEquals(10, step.state().masterAdverIntervalCentis(), "v3: Master_Adver_Interval from the advert");
            assertEquals(T0 + 10_000 * MS + 360_937_500L, step.state().deadline());
        }

        @Test
        void equalPriorityIsBrokenByTheHigherPrimaryAddress() {
            VrrpStateMachine m = machine();
            Step lose = m.next(master(m), advert(HIGHER_ADDR, 100, 100), T0 + 10_000 * MS);
            assertEquals(VrrpState.BACKUP, lose.state().state());
            Step win = m.next(master(m), advert(LOWER_ADDR, 100, 100), T0 + 10_000 * MS);
            assertEquals(VrrpState.MASTER, win.state().state());
            assertEquals(List.of(new SendAdvert(100), new VrrpAction.OtherMasterHeard(LOWER_ADDR, 100)), win.actions(),
                    "the winner re-asserts at once");
        }

        @Test
        void masterAnswersLowerPriorityAdvertAtOnceAndReportsTheOtherMaster() {
            VrrpStateMachine m = machine();
            long now = T0 + 10_200 * MS;
            Step step = m.next(master(m), advert(HIGHER_ADDR, 50, 100), now);
            assertEquals(VrrpState.MASTER, step.state().state());
            // two Masters means the two could not hear each other: the provider side must look at the holder
            assertEquals(List.of(new SendAdvert(100), new VrrpAction.OtherMasterHeard(HIGHER_ADDR, 50)), step.actions());
            assertEquals(now + 1000 * MS, step.state().deadline());
        }

        @Test
        void masterHearingPriorityZeroAdvertisesAtOnce() {
            VrrpStateMachine m = machine();
            Step step = m.next(master(m), advert(HIGHER_ADDR, 0, 100), T0 + 10_200 * MS);
            assertEquals(List.of(new SendAdvert(100)), step.actions());
        }

        @Test
        void masterShutdownSendsPriorityZeroBeforeStopping() {
            VrrpStateMachine m = machine();
            Step step = m.next(master(m), new Shutdown(), T0 + 20_000 * MS);
            assertEquals(List.of(new SendAdvert(0), new StateChanged(VrrpState.MASTER, VrrpState.STOP, "shutdown")),
                    step.actions());
            assertFalse(step.state().hasDeadline());
        }

        @Test
        void backupShutdownSendsNothing() {
            VrrpStateMachine m = machine();
            Step step = m.next(backup(m), new Shutdown(), T0 + 1);
            assertEquals(List.of(new StateChanged(VrrpState.BACKUP, VrrpState.STOP, "shutdown")), step.actions());
        }
    }

    @Nested
    class TrackingTest {
        @Test
        void masterGoingToFaultResignsWithPriorityZero() {
            VrrpStateMachine m = machine();
            Step step = m.next(master(m), new FaultRaised("track script chk_haproxy failed"), T0 + 20_000 * MS);
            assertEquals(List.of(new SendAdvert(0),
                    new StateChanged(VrrpState.MASTER, VrrpState.FAULT, "track script chk_haproxy failed")), step.actions());
        }

        @Test
        void faultSendsNoAdvertsAndIgnoresPeers() {
            VrrpStateMachine m = machine();
            InstanceState fault = m.next(backup(m), new FaultRaised("link down"), T0 + 1).state();
            assertFalse(fault.hasDeadline());
            assertEquals(List.of(), m.next(fault, new DeadlineReached(), T0 + 100_000 * MS).actions());
            assertEquals(List.of(), m.next(fault, advert(HIGHER_ADDR, 0, 100), T0 + 2).actions());
        }

        @Test
        void leavingFaultGoesToBackupThenTheNormalElection() {
            VrrpStateMachine m = machine();
            InstanceState fault = m.next(master(m), new FaultRaised("x"), T0 + 20_000 * MS).state();
            Step step = m.next(fault, new FaultCleared(), T0 + 30_000 * MS);
            assertEquals(VrrpState.BACKUP, step.state().state());
            assertEquals(T0 + 30_000 * MS + MDI_100, step.state().deadline());
            assertNull(step.state().masterAddress());
        }

        @Test
        void masterAdvertisesAtOnceWhenItsPriorityDrops() {
            VrrpStateMachine m = machine();
            Step step = m.next(master(m), new PriorityChanged(60), T0 + 20_000 * MS);
            assertEquals(List.of(new SendAdvert(60)), step.actions());
            assertEquals(60, step.state().effectivePriority());
        }
    }

    /** floatd's rule for a partition where both nodes reach the cloud API (issue: cloud takeover). */
    @Nested
    class SplitBrainTest {
        private InstanceState yielded(VrrpStateMachine m) {
            return m.next(master(m), new VrrpEvent.HolderMovedToPeer("i-0peer"), T0 + 20_000 * MS).state();
        }

        @Test
        void masterWhoseIpMovedToAPeerYieldsToBackup() {
            VrrpStateMachine m = machine();
            Step step = m.next(master(m), new VrrpEvent.HolderMovedToPeer("i-0peer"), T0 + 20_000 * MS);
            assertEquals(VrrpState.BACKUP, step.state().state());
            assertTrue(step.state().yielded());
            assertTrue(step.transition().reason().contains("i-0peer"), step.transition().reason());
            assertFalse(step.actions().stream().anyMatch(a -> a instanceof SendAdvert), "a yielding node sends nothing");
        }

        @Test
        void yieldedBackupDoesNotRetakeMastershipOnSilence() {
            VrrpStateMachine m = machine();
            InstanceState s = yielded(m);
            for (int i = 0; i < 5; i++) {
                Step step = m.next(s, new DeadlineReached(), s.deadline());
                assertEquals(VrrpState.BACKUP, step.state().state(), "still yielded after " + (i + 1) + " silent intervals");
                assertEquals(List.of(), step.actions());
                assertTrue(step.state().deadline() > s.deadline());
                s = step.state();
            }
        }

        @Test
        void hearingThePeerAgainResumesTheNormalElection() {
            VrrpStateMachine m = machine();
            InstanceState s = m.next(yielded(m), advert(HIGHER_ADDR, 100, 100), T0 + 21_000 * MS).state();
            assertFalse(s.yielded());
            Step takeover = m.next(s, new DeadlineReached(), s.deadline());
            assertEquals(VrrpState.MASTER, takeover.state().state(), "after the peer falls silent again, ordinary failover");
        }

        @Test
        void aFreeIpIsReclaimedAtOnce() {
            VrrpStateMachine m = machine();
            Step step = m.next(yielded(m), new VrrpEvent.HolderFree(), T0 + 21_000 * MS);
            assertEquals(VrrpState.MASTER, step.state().state());
            assertEquals(new SendAdvert(100), step.actions().get(0));
            assertFalse(step.state().yielded());
        }

        @Test
        void holderEventsOutsideTheirStateChangeNothing() {
            VrrpStateMachine m = machine();
            InstanceState b = backup(m);
            assertEquals(List.of(), m.next(b, new VrrpEvent.HolderMovedToPeer("x"), T0 + 1).actions());
            assertEquals(List.of(), m.next(b, new VrrpEvent.HolderFree(), T0 + 1).actions(), "only a yielded node reclaims");
        }
    }

    /** floatd handover / resume: planned maintenance without editing priorities or restarting. */
    @Nested
    class HandoverTest {
        @Test
        void handoverResignsWithPriorityZeroAndStaysBackup() {
            VrrpStateMachine m = machine();
            Step step = m.next(master(m), new VrrpEvent.Handover(), T0 + 20_000 * MS);
            assertEquals(new SendAdvert(0), step.actions().get(0), "the peer takes over after Skew_Time");
            assertEquals(VrrpState.BACKUP, step.state().state());
            InstanceState s = step.state();
            for (int i = 0; i < 3; i++) {
                s = m.next(s, new DeadlineReached(), s.deadline()).state();
                assertEquals(VrrpState.BACKUP, s.state(), "silence does not end a handover");
            }
            s = m.next(s, advert(HIGHER_ADDR, 50, 100), s.deadline() - 1).state();
            s = m.next(s, new DeadlineReached(), s.deadline()).state();
            assertEquals(VrrpState.BACKUP, s.state(), "nor does a lower-priority Master");
        }

        @Test
        void resumeReturnsToTheElection() {
            VrrpStateMachine m = machine();
            InstanceState s = m.next(master(m), new VrrpEvent.Handover(), T0 + 20_000 * MS).state();
            s = m.next(s, new VrrpEvent.Resume(), T0 + 21_000 * MS).state();
            assertFalse(s.maintenance());
            Step step = m.next(s, new DeadlineReached(), s.deadline());
            assertEquals(VrrpState.MASTER, step.state().state(), "no Master heard: ordinary takeover");
        }
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
