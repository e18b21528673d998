package io.floatd.vrrp.fsm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * keepalived's {@code vrrp_sync_group}: the instances of a group move together. Pure: {@link #next} takes the
 * group's variables and one input, and returns the new variables and what the driver must do. It decides; the
 * members' own {@link VrrpStateMachine}s still make every transition, told by {@link VrrpEvent#SyncMaster},
 * {@link VrrpEvent.SyncBackup}, {@link VrrpEvent.FaultRaised} and {@link VrrpEvent.FaultCleared}.
 *
 * <p>The rules, as keepalived 2.2.7 applies them ({@code vrrp_sync.c}, {@code vrrp_scheduler.c}, {@code vrrp_track.c}):
 * <ul>
 * <li>A Backup whose Master_Down_Timer ran out becomes Master only when every other member wants to as well, or the
 * group is already MASTER ({@code vrrp_sync_can_goto_master}: "prefer backup state to avoid thrashing"); else it is
 * held in BACKUP for another interval ({@link Action.Hold}). A member that hears a Master stops wanting to.</li>
 * <li>A member that becomes Master takes every other member with it ({@code vrrp_sync_master}).</li>
 * <li>A Master that steps down to BACKUP takes every other Master with it, without a priority-0 advert
 * ({@code vrrp_sync_backup}).</li>
 * <li>A member whose own tracking fails puts the whole group in FAULT: every other member leaves MASTER or BACKUP
 * for FAULT, a Master with a priority-0 advert ({@code down_instance}, {@code vrrp_sync_fault}).</li>
 * <li>The group leaves FAULT only when no member's own tracking fails any more; then every member goes to BACKUP
 * ({@code try_up_instance}, {@code vrrp_sync_backup}). A member whose own fault clears while another's has not stays
 * in FAULT.</li>
 * </ul>
 */
public final class SyncGroupMachine {
    private SyncGroupMachine() {
    }

    /**
     * One member as the group sees it.
     *
     * @param state its last reported state
     * @param ownFault its own tracking says FAULT (not just the group's)
     * @param wantsMaster its Master_Down_Timer ran out and it heard no Master since (keepalived's wantstate MASTER)
     */
    public record Member(VrrpState state, boolean ownFault, boolean wantsMaster) {
        public static final Member START = new Member(VrrpState.INIT, false, false);

        Member withState(VrrpState s) {
            return new Member(s, ownFault, wantsMaster);
        }

        Member withOwnFault(boolean f) {
            return new Member(state, f, wantsMaster);
        }

        Member withWantsMaster(boolean w) {
            return new Member(state, ownFault, w);
        }
    }

    /**
     * The group's variables (immutable).
     *
     * @param name the vrrp_sync_group name
     * @param state the group's state: INIT until a member settles, then BACKUP, MASTER or FAULT
     * @param members by name, in configuration order
     */
    public record Group(String name, VrrpState state, Map<String, Member> members) {
        public Group {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        public static Group initial(String name, List<String> members) {
            Map<String, Member> m = new LinkedHashMap<>();
            members.forEach(n -> m.put(n, Member.START));
            return new Group(name, VrrpState.INIT, m);
        }

        public Member member(String name) {
            Member m = members.get(name);
            if (m == null) {
                throw new IllegalArgumentException("'" + name + "' is not a member of sync group " + this.name);
            }
            return m;
        }

        Group with(String member, Member m) {
            Map<String, Member> next = new LinkedHashMap<>(members);
            next.put(member, m);
            return new Group(name, state, next);
        }

        Group withState(VrrpState s) {
            return new Group(name, s, members);
        }

        boolean anyOwnFault() {
            return members.values().stream().anyMatch(Member::ownFault);
        }
    }

    /** What the driver reports. */
    public sealed interface Input {
        String member();

        /** A member's state machine made a transition (any cause, forced ones included). */
        record Transition(String member, VrrpState from, VrrpState to) implements Input {
        }

        /**
         * A member's own tracking says FAULT (before it reaches the member), or the member cannot start. A member's
         * transition to FAULT is not enough: it may be the group's own order arriving late.
         */
        record OwnFault(String member, String reason) implements Input {
        }

        /** A member's own tracking is healthy again (before it reaches the member). */
        record OwnFaultCleared(String member) implements Input {
        }

        /** A member's Master_Down_Timer ran out in BACKUP: may it become Master? */
        record DeadlineInBackup(String member) implements Input {
        }

        /** A Backup member heard a Master it accepts (keepalived sets its wantstate to BACKUP). */
        record HeardMaster(String member) implements Input {
        }
    }

    /** What the driver must do. */
    public sealed interface Action {
        /** Hand {@code event} to {@code member}'s state machine. */
        record Deliver(String member, VrrpEvent event) implements Action {
        }

        /** Keep {@code member} in BACKUP for another Master_Down_Interval instead of becoming Master. */
        record Hold(String member) implements Action {
        }

        /** The group's state changed: log it, run the group's notify scripts, write the notify_fifo line. */
        record GroupChanged(VrrpState from, VrrpState to) implements Action {
        }
    }

    public record Step(Group group, List<Action> actions) {
        public Step {
            actions = List.copyOf(actions);
        }
    }

    public static Step next(Group g, Input input) {
        g.member(input.member());
        return switch (input) {
            case Input.Transition t -> transition(g, t);
            case Input.OwnFault f -> ownFault(g, f);
            case Input.OwnFaultCleared c -> ownFaultCleared(g, c.member());
            case Input.DeadlineInBackup d -> deadline(g, d.member());
            case Input.HeardMaster h -> new Step(g.with(h.member(), g.member(h.member()).withWantsMaster(false)), List.of());
        };
    }

    private static Step transition(Group g, Input.Transition t) {
        Member m = g.member(t.member()).withState(t.to());
        // keepalived: a member in MASTER wants MASTER; one put in BACKUP or FAULT no longer does
        g = g.with(t.member(), m.withWantsMaster(t.to() == VrrpState.MASTER));
        List<Action> actions = new ArrayList<>();
        switch (t.to()) {
            case MASTER -> {
                if (g.state() != VrrpState.MASTER && g.state() != VrrpState.FAULT) {
                    // vrrp_sync_master: every other member not yet Master becomes Master
                    for (var e : g.members().entrySet()) {
                        if (!e.getKey().equals(t.member()) && e.getValue().state() == VrrpState.BACKUP) {
                            actions.add(new Action.Deliver(e.getKey(), new VrrpEvent.SyncMaster(g.name())));
                        }
                    }
                    g = changeTo(g, VrrpState.MASTER, actions);
                }
            }
            case BACKUP -> {
                if (t.from() == VrrpState.MASTER && g.state() == VrrpState.MASTER) {
                    // vrrp_sync_backup: every other Master steps down too
                    for (var e : g.members().entrySet()) {
                        if (!e.getKey().equals(t.member()) && e.getValue().state() == VrrpState.MASTER) {
                            actions.add(new Action.Deliver(e.getKey(), new VrrpEvent.SyncBackup(g.name())));
                        }
                    }
                    g = changeTo(g, VrrpState.BACKUP, actions);
                } else if (g.state() == VrrpState.INIT && !g.anyOwnFault()) {
                    // keepalived starts a group in BACKUP and notifies it
                    g = changeTo(g, VrrpState.BACKUP, actions);
                }
            }
            default -> {
            }
        }
        return new Step(g, actions);
    }

    private static Step ownFault(Group g, Input.OwnFault f) {
        List<Action> actions = new ArrayList<>();
        g = g.with(f.member(), g.member(f.member()).withOwnFault(true));
        actions.add(new Action.Deliver(f.member(), new VrrpEvent.FaultRaised(f.reason())));
        if (g.state() != VrrpState.FAULT) {
            g = faultOthers(g, f.member(), actions);
        }
        return new Step(g, actions);
    }

    // vrrp_sync_fault: every other member not already in FAULT goes there (a Master with a priority-0 advert)
    private static Group faultOthers(Group g, String cause, List<Action> actions) {
        for (var e : g.members().entrySet()) {
            VrrpState s = e.getValue().state();
            if (!e.getKey().equals(cause) && s != VrrpState.FAULT && s != VrrpState.STOP) {
                actions.add(new Action.Deliver(e.getKey(),
                        new VrrpEvent.FaultRaised("sync group " + g.name() + ": member " + cause + " is in FAULT")));
            }
        }
        return changeTo(g, VrrpState.FAULT, actions);
    }

    private static Step ownFaultCleared(Group g, String member) {
        g = g.with(member, g.member(member).withOwnFault(false));
        List<Action> actions = new ArrayList<>();
        if (g.anyOwnFault()) {
            // try_up_instance: another member's fault still holds the whole group (this one included) in FAULT
            return new Step(g, actions);
        }
        actions.add(new Action.Deliver(member, new VrrpEvent.FaultCleared()));
        if (g.state() == VrrpState.FAULT) {
            // vrrp_sync_backup from FAULT: every member the group put in FAULT goes to BACKUP with it
            for (var e : g.members().entrySet()) {
                if (!e.getKey().equals(member) && e.getValue().state() == VrrpState.FAULT) {
                    actions.add(new Action.Deliver(e.getKey(), new VrrpEvent.FaultCleared()));
                }
            }
            g = changeTo(g, VrrpState.BACKUP, actions);
        }
        return new Step(g, actions);
    }

    // vrrp_sync_can_goto_master
    private static Step deadline(Group g, String member) {
        g = g.with(member, g.member(member).withWantsMaster(true));
        if (g.state() == VrrpState.MASTER) {
            return new Step(g, List.of());
        }
        boolean all = g.members().values().stream().allMatch(Member::wantsMaster);
        return new Step(g, all ? List.of() : List.of(new Action.Hold(member)));
    }

    private static Group changeTo(Group g, VrrpState to, List<Action> actions) {
        if (g.state() != to) {
            actions.add(new Action.GroupChanged(g.state(), to));
        }
        return g.withState(to);
    }
}
