package io.floatd.vrrp.fsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.fsm.SyncGroupMachine.Action;
import io.floatd.vrrp.fsm.SyncGroupMachine.Group;
import io.floatd.vrrp.fsm.SyncGroupMachine.Input;
import io.floatd.vrrp.fsm.SyncGroupMachine.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each rule of keepalived 2.2.7's vrrp_sync_group, named after it. Cited: vrrp_sync.c (vrrp_sync_can_goto_master,
 * vrrp_sync_master, vrrp_sync_backup, vrrp_sync_fault), vrrp_track.c (down_instance), vrrp_scheduler.c
 * (try_up_instance, the transition matrix), vrrp.c (vrrp_state_backup sets wantstate BACKUP on a Master's advert).
 */
class SyncGroupMachineTest {

    private static Group group(String... members) {
        return Group.initial("G", List.of(members));
    }

    private static Step in(Group g, Input input) {
        return SyncGroupMachine.next(g, input);
    }

    /** Feeds transitions, returning the group after them. */
    private static Group moved(Group g, String member, VrrpState from, VrrpState to) {
        return in(g, new Input.Transition(member, from, to)).group();
    }

    private static Group allBackup(String... members) {
        Group g = group(members);
        for (String m : members) {
            g = moved(g, m, VrrpState.INIT, VrrpState.BACKUP);
        }
        return g;
    }

    private static Group allMaster(String... members) {
        Group g = allBackup(members);
        g = in(g, new Input.DeadlineInBackup(members[0])).group();
        for (int k = 1; k < members.length; k++) {
            g = in(g, new Input.DeadlineInBackup(members[k])).group();
        }
        for (String m : members) {
            g = moved(g, m, VrrpState.BACKUP, VrrpState.MASTER);
        }
        return g;
    }

    private static Action deliver(String member, VrrpEvent e) {
        return new Action.Deliver(member, e);
    }

    // ---- start ----

    @Test
    void initGroupEntersBackupWithItsFirstMemberAndNotifiesOnce() {
        Step s1 = in(group("VI_1", "VI_2"), new Input.Transition("VI_1", VrrpState.INIT, VrrpState.BACKUP));
        assertEquals(VrrpState.BACKUP, s1.group().state());
        assertEquals(List.of(new Action.GroupChanged(VrrpState.INIT, VrrpState.BACKUP)), s1.actions());
        Step s2 = in(s1.group(), new Input.Transition("VI_2", VrrpState.INIT, VrrpState.BACKUP));
        assertEquals(List.of(), s2.actions());
    }

    @Test
    void aGroupOfOneMovesWithItsOnlyMember() {
        // keepalived runs a group of one ("has only 1 virtual router(s)"): its member is never held and the group
        // follows it, so the group's notify scripts run with the member's
        Group g = allBackup("VI_1");
        assertEquals(VrrpState.BACKUP, g.state());
        Step s = in(g, new Input.DeadlineInBackup("VI_1"));
        assertTrue(s.actions().stream().noneMatch(a -> a instanceof Action.Hold), s.actions().toString());
        Group master = moved(s.group(), "VI_1", VrrpState.BACKUP, VrrpState.MASTER);
        assertEquals(VrrpState.MASTER, master.state());
    }

    // ---- vrrp_sync_can_goto_master ----

    @Test
    void canGotoMaster_heldWhileAnotherMemberDoesNotWantMaster() {
        Step s = in(allBackup("VI_1", "VI_2"), new Input.DeadlineInBackup("VI_1"));
        assertEquals(List.of(new Action.Hold("VI_1")), s.actions());
        assertTrue(s.group().member("VI_1").wantsMaster());
    }

    @Test
    void canGotoMaster_allowedOnceEveryOtherMemberWantsMaster() {
        Group g = in(allBackup("VI_1", "VI_2", "VI_3"), new Input.DeadlineInBackup("VI_1")).group();
        assertEquals(List.of(new Action.Hold("VI_2")), in(g, new Input.DeadlineInBackup("VI_2")).actions());
        g = in(g, new Input.DeadlineInBackup("VI_2")).group();
        assertEquals(List.of(), in(g, new Input.DeadlineInBackup("VI_3")).actions());
    }

    @Test
    void aGroupOfOneMovesAsItsMemberWouldAloneAndNotifiesForTheGroup() {
        // keepalived runs a one-member group ("this probably isn't what you want"): nothing holds its member back
        Group g = allBackup("VI_1");
        Step deadline = in(g, new Input.DeadlineInBackup("VI_1"));
        assertEquals(List.of(), deadline.actions(), "no Hold: there is no other member to wait for");
        Step master = in(deadline.group(), new Input.Transition("VI_1", VrrpState.BACKUP, VrrpState.MASTER));
        assertEquals(VrrpState.MASTER, master.group().state());
        assertEquals(List.of(new Action.GroupChanged(VrrpState.BACKUP, VrrpState.MASTER)), master.actions());
        Step fault = in(master.group(), new Input.OwnFault("VI_1", "track_process p1"));
        assertEquals(VrrpState.FAULT, in(fault.group(), new Input.Transition("VI_1", VrrpState.MASTER, VrrpState.FAULT))
                .group().state());
    }

    @Test
    void canGotoMaster_aMemberThatHeardAMasterNoLongerWantsMaster() {
        Group g = in(allBackup("VI_1", "VI_2"), new Input.DeadlineInBackup("VI_1")).group();
        g = in(g, new Input.HeardMaster("VI_1")).group();
        assertEquals(List.of(new Action.Hold("VI_2")), in(g, new Input.DeadlineInBackup("VI_2")).actions());
    }

    @Test
    void canGotoMaster_alwaysAllowedWhenTheGroupIsMaster() {
        Group g = allMaster("VI_1", "VI_2");
        g = in(g, new Input.HeardMaster("VI_2")).group();
        assertEquals(List.of(), in(g, new Input.DeadlineInBackup("VI_1")).actions());
    }

    // ---- vrrp_sync_master ----

    @Test
    void syncMaster_oneMemberBecomingMasterTakesEveryBackupMemberWithIt() {
        Group g = allBackup("VI_1", "VI_2", "VI_3");
        Step s = in(g, new Input.Transition("VI_2", VrrpState.BACKUP, VrrpState.MASTER));
        assertEquals(List.of(deliver("VI_1", new VrrpEvent.SyncMaster("G")), deliver("VI_3", new VrrpEvent.SyncMaster("G")),
                new Action.GroupChanged(VrrpState.BACKUP, VrrpState.MASTER)), s.actions());
        assertEquals(VrrpState.MASTER, s.group().state());
    }

    @Test
    void syncMaster_theFollowersOwnTransitionsChangeNothingMore() {
        Group g = in(allBackup("VI_1", "VI_2"), new Input.Transition("VI_1", VrrpState.BACKUP, VrrpState.MASTER)).group();
        assertEquals(List.of(), in(g, new Input.Transition("VI_2", VrrpState.BACKUP, VrrpState.MASTER)).actions());
    }

    // ---- vrrp_sync_backup ----

    @Test
    void syncBackup_aMasterSteppingDownTakesEveryOtherMasterToBackup() {
        Group g = allMaster("VI_1", "VI_2", "VI_3");
        Step s = in(g, new Input.Transition("VI_3", VrrpState.MASTER, VrrpState.BACKUP));
        assertEquals(List.of(deliver("VI_1", new VrrpEvent.SyncBackup("G")), deliver("VI_2", new VrrpEvent.SyncBackup("G")),
                new Action.GroupChanged(VrrpState.MASTER, VrrpState.BACKUP)), s.actions());
        Group after = s.group();
        assertEquals(List.of(), in(after, new Input.Transition("VI_1", VrrpState.MASTER, VrrpState.BACKUP)).actions());
    }

    @Test
    void syncBackup_aMemberPutInBackupNoLongerWantsMaster() {
        Group g = in(allMaster("VI_1", "VI_2"), new Input.Transition("VI_1", VrrpState.MASTER, VrrpState.BACKUP)).group();
        assertFalse(g.member("VI_1").wantsMaster());
        assertEquals(List.of(new Action.Hold("VI_1")), in(moved(g, "VI_2", VrrpState.MASTER, VrrpState.BACKUP),
                new Input.DeadlineInBackup("VI_1")).actions());
    }

    // ---- down_instance / vrrp_sync_fault ----

    @Test
    void syncFault_oneMemberInFaultPutsEveryOtherMemberInFault() {
        Group g = allMaster("VI_1", "VI_2", "VI_3");
        Step s = in(g, new Input.OwnFault("VI_1", "track_interface eth1 down"));
        VrrpEvent ordered = new VrrpEvent.FaultRaised("sync group G: member VI_1 is in FAULT");
        assertEquals(List.of(deliver("VI_1", new VrrpEvent.FaultRaised("track_interface eth1 down")),
                deliver("VI_2", ordered), deliver("VI_3", ordered),
                new Action.GroupChanged(VrrpState.MASTER, VrrpState.FAULT)), s.actions());
    }

    @Test
    void syncFault_aSecondFaultOnlyReachesItsOwnMember() {
        Group g = in(allBackup("VI_1", "VI_2"), new Input.OwnFault("VI_1", "a")).group();
        g = moved(g, "VI_1", VrrpState.BACKUP, VrrpState.FAULT);
        g = moved(g, "VI_2", VrrpState.BACKUP, VrrpState.FAULT);
        assertEquals(List.of(deliver("VI_2", new VrrpEvent.FaultRaised("b"))), in(g, new Input.OwnFault("VI_2", "b")).actions());
    }

    @Test
    void syncFault_membersStartingWithAFailedCheckStartTheGroupInFault() {
        Step s = in(group("VI_1", "VI_2"), new Input.OwnFault("VI_2", "chk failed"));
        assertEquals(VrrpState.FAULT, s.group().state());
        assertTrue(s.actions().contains(deliver("VI_1", new VrrpEvent.FaultRaised("sync group G: member VI_2 is in FAULT"))));
        Group g = moved(moved(s.group(), "VI_2", VrrpState.INIT, VrrpState.FAULT), "VI_1", VrrpState.INIT, VrrpState.FAULT);
        assertEquals(VrrpState.FAULT, g.state());
    }

    // ---- try_up_instance ----

    @Test
    void tryUp_theLastFaultClearingTakesEveryMemberToBackup() {
        Group g = in(allMaster("VI_1", "VI_2"), new Input.OwnFault("VI_1", "a")).group();
        g = moved(moved(g, "VI_1", VrrpState.MASTER, VrrpState.FAULT), "VI_2", VrrpState.MASTER, VrrpState.FAULT);
        Step s = in(g, new Input.OwnFaultCleared("VI_1"));
        assertEquals(List.of(deliver("VI_1", new VrrpEvent.FaultCleared()), deliver("VI_2", new VrrpEvent.FaultCleared()),
                new Action.GroupChanged(VrrpState.FAULT, VrrpState.BACKUP)), s.actions());
    }

    @Test
    void tryUp_aMemberWhoseFaultClearsStaysInFaultWhileAnotherMembersFaultHolds() {
        Group g = in(allBackup("VI_1", "VI_2"), new Input.OwnFault("VI_1", "a")).group();
        g = in(g, new Input.OwnFault("VI_2", "b")).group();
        g = moved(moved(g, "VI_1", VrrpState.BACKUP, VrrpState.FAULT), "VI_2", VrrpState.BACKUP, VrrpState.FAULT);
        Step s = in(g, new Input.OwnFaultCleared("VI_1"));
        assertEquals(List.of(), s.actions());
        assertEquals(VrrpState.FAULT, s.group().state());
        Step last = in(s.group(), new Input.OwnFaultCleared("VI_2"));
        assertEquals(VrrpState.BACKUP, last.group().state());
        assertTrue(last.actions().contains(deliver("VI_1", new VrrpEvent.FaultCleared())));
    }

    @Test
    void tryUp_aClearOutsideFaultIsPassedOnWithoutAGroupChange() {
        Step s = in(allBackup("VI_1", "VI_2"), new Input.OwnFaultCleared("VI_2"));
        assertEquals(List.of(deliver("VI_2", new VrrpEvent.FaultCleared())), s.actions());
    }

    @Test
    void anInputForAnInstanceOutsideTheGroupIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> in(group("VI_1", "VI_2"), new Input.HeardMaster("VI_9")));
    }
}
