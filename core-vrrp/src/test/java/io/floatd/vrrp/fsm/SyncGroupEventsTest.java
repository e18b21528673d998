package io.floatd.vrrp.fsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three events a vrrp_sync_group gives a member's state machine, each as keepalived 2.2.7 applies it
 * (vrrp_sync.c): SyncMaster (vrrp_sync_master), SyncBackup (vrrp_sync_backup), SyncHold (vrrp_sync_can_goto_master).
 */
class SyncGroupEventsTest {
    private static final long T0 = 1_000_000_000_000L;
    /** v3, priority 100, interval 100 cs: 3 s + 609.375 ms. */
    private static final long MDI_100 = 3_609_375_000L;
    private static final VrrpStateMachine M = new VrrpStateMachine(
            new VrrpParams("VI_2", 3, 100, 100, true, 0, ip("10.0.0.2"), false));

    private static InstanceState backup() {
        return M.next(M.initial(), new VrrpEvent.Startup(), T0).state();
    }

    private static InstanceState master() {
        InstanceState b = backup();
        return M.next(b, new VrrpEvent.DeadlineReached(), b.deadline()).state();
    }

    @Test
    void syncMasterMakesABackupMasterAtOnceAndAdvertises() {
        Step s = M.next(backup(), new VrrpEvent.SyncMaster("G"), T0 + 1000);
        assertEquals(VrrpState.MASTER, s.state().state());
        assertTrue(s.actions().contains(new VrrpAction.SendAdvert(100)), s.actions().toString());
        assertTrue(s.actions().stream().anyMatch(a -> a instanceof VrrpAction.StateChanged c && c.reason().contains("sync group G")));
    }

    @Test
    void syncMasterLeavesAHandedOverBackupAlone() {
        InstanceState held = M.next(backup(), new VrrpEvent.Handover(), T0).state();
        Step s = M.next(held, new VrrpEvent.SyncMaster("G"), T0 + 1000);
        assertEquals(VrrpState.BACKUP, s.state().state());
        assertEquals(List.of(), s.actions());
    }

    @Test
    void syncMasterIgnoresAFaultMember() {
        InstanceState fault = M.next(backup(), new VrrpEvent.FaultRaised("link down"), T0).state();
        assertEquals(VrrpState.FAULT, M.next(fault, new VrrpEvent.SyncMaster("G"), T0 + 1).state().state());
    }

    @Test
    void syncBackupStepsAMasterDownWithoutAPriorityZeroAdvert() {
        long now = T0 + 5_000_000_000L;
        Step s = M.next(master(), new VrrpEvent.SyncBackup("G"), now);
        assertEquals(VrrpState.BACKUP, s.state().state());
        assertTrue(s.actions().stream().noneMatch(a -> a instanceof VrrpAction.SendAdvert), s.actions().toString());
        assertEquals(now + MDI_100, s.state().deadline());
    }

    @Test
    void syncBackupIgnoresABackup() {
        InstanceState b = backup();
        assertEquals(b, M.next(b, new VrrpEvent.SyncBackup("G"), T0 + 1).state());
    }

    @Test
    void syncHoldKeepsAnExpiredBackupInBackupForAnotherMasterDownInterval() {
        InstanceState b = backup();
        Step s = M.next(b, new VrrpEvent.SyncHold("G"), b.deadline());
        assertEquals(VrrpState.BACKUP, s.state().state());
        assertEquals(List.of(), s.actions());
        assertEquals(b.deadline() + MDI_100, s.state().deadline());
    }

    @Test
    void syncHoldBeforeTheDeadlineChangesNothing() {
        InstanceState b = backup();
        assertEquals(b, M.next(b, new VrrpEvent.SyncHold("G"), b.deadline() - 1).state());
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
