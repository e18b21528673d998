package io.floatd.vrrp.fsm;

import static io.floatd.vrrp.fsm.InstanceState.NEVER;
import static io.floatd.vrrp.fsm.InstanceState.NO_DEADLINE;
import static io.floatd.vrrp.fsm.VrrpParams.PRIORITY_OWNER;
import static io.floatd.vrrp.fsm.VrrpParams.PRIORITY_STOP;

import io.floatd.vrrp.fsm.VrrpAction.SendAdvert;
import io.floatd.vrrp.fsm.VrrpAction.StateChanged;
import io.floatd.vrrp.fsm.VrrpEvent.AdvertReceived;
import io.floatd.vrrp.fsm.VrrpEvent.DeadlineReached;
import io.floatd.vrrp.fsm.VrrpEvent.FaultCleared;
import io.floatd.vrrp.fsm.VrrpEvent.FaultRaised;
import io.floatd.vrrp.fsm.VrrpEvent.PriorityChanged;
import io.floatd.vrrp.fsm.VrrpEvent.Shutdown;
import io.floatd.vrrp.fsm.VrrpEvent.Startup;
import io.floatd.vrrp.timer.MasterDownTimer;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The VRRP state machine of RFC 5798 §6 (and RFC 3768 §6 for version 2), for one instance.
 * Pure: {@link #next} takes the current variables, one event and the time, and returns the new variables plus
 * the actions for the driver. It is the only place where an instance's state is written.
 */
public final class VrrpStateMachine {
    private final VrrpParams params;

    public VrrpStateMachine(VrrpParams params) {
        this.params = params;
    }

    public VrrpParams params() {
        return params;
    }

    public InstanceState initial() {
        return InstanceState.initial(params);
    }

    public Step next(InstanceState s, VrrpEvent event, long now) {
        return switch (event) {
            case Startup e -> startup(s, now);
            case Shutdown e -> shutdown(s);
            case DeadlineReached e -> deadline(s, now);
            case AdvertReceived a -> advert(s, a, now);
            case PriorityChanged p -> priorityChanged(s, p.effectivePriority(), now);
            case FaultRaised f -> faultRaised(s, f.reason());
            case FaultCleared f -> faultCleared(s, now);
            case VrrpEvent.HolderMovedToPeer h -> yieldToPeer(s, h.holder(), now);
            case VrrpEvent.HolderFree f -> reclaim(s, now);
            case VrrpEvent.Handover h -> handover(s, now);
            case VrrpEvent.Resume r -> Step.of(s.withMaintenance(false));
            case VrrpEvent.SyncMaster m -> syncMaster(s, m.group(), now);
            case VrrpEvent.SyncBackup b -> syncBackup(s, b.group(), now);
            case VrrpEvent.SyncHold h -> syncHold(s, now);
        };
    }

    // RFC 5798 §6.4.1: the address owner starts as Master; everyone else as Backup with the Master_Down_Timer.
    private Step startup(InstanceState s, long now) {
        if (s.state() != VrrpState.INIT) {
            return Step.of(s);
        }
        InstanceState started = s.withStartedAt(now);
        if (s.effectivePriority() == PRIORITY_OWNER) {
            return becomeMaster(started, now, "priority 255 (address owner)");
        }
        // "state MASTER" changes nothing here: keepalived 2.2.7 also enters BACKUP first and waits the full
        // Master_Down_Interval, so a restarted node never preempts before it could have heard the current Master
        return toBackup(started, now + masterDown(started), "init");
    }

    private Step shutdown(InstanceState s) {
        VrrpState from = s.state();
        InstanceState stopped = s.withState(VrrpState.STOP, NO_DEADLINE, "");
        StateChanged change = new StateChanged(from, VrrpState.STOP, "shutdown");
        if (from == VrrpState.MASTER) {
            // RFC 5798 §6.4.3: on Shutdown a Master sends an advert with priority 0 so a Backup takes over after Skew_Time
            return Step.of(stopped, new SendAdvert(PRIORITY_STOP), change);
        }
        if (from == VrrpState.STOP) {
            return Step.of(s);
        }
        return Step.of(stopped, change);
    }

    private Step deadline(InstanceState s, long now) {
        if (!s.hasDeadline() || now < s.deadline()) {
            return Step.of(s);
        }
        return switch (s.state()) {
            case MASTER -> Step.of(s.withDeadline(now + advertNanos(), ""), new SendAdvert(s.effectivePriority()));
            // yielded after a split brain: silence alone is no reason to take the IP back from the peer
            case BACKUP -> s.yielded() || s.maintenance()
                    ? Step.of(s.withDeadline(now + masterDown(s), s.deadlineReason()))
                    : becomeMaster(s, now, s.deadlineReason());
            default -> Step.of(s.withDeadline(NO_DEADLINE, ""));
        };
    }

    private Step advert(InstanceState s, AdvertReceived a, long now) {
        return switch (s.state()) {
            case BACKUP -> advertInBackup(s, a, now);
            case MASTER -> advertInMaster(s, a, now);
            default -> Step.of(s);
        };
    }

    // RFC 5798 §6.4.2
    private Step advertInBackup(InstanceState s, AdvertReceived a, long now) {
        // hearing the peer again ends a split-brain yield: the normal election resumes
        InstanceState heard = s.withMaster(a.source(), a.priority(), learnedInterval(s, a)).withYielded(false);
        if (a.priority() == PRIORITY_STOP) {
            // the Master resigned: wait only Skew_Time so the highest-priority Backup answers first
            return Step.of(heard.withDeadline(now + skew(heard),
                    "master " + a.source().getHostAddress() + " sent priority 0"));
        }
        boolean higherOrEqual = a.priority() >= s.effectivePriority();
        if (!params.preempt() || higherOrEqual) {
            return Step.of(heard.withLowerMasterSince(NEVER)
                    .withDeadline(now + masterDown(heard), "no advert within master down interval"));
        }
        // a lower-priority Master: preempt it, unless preempt_delay still holds us back
        if (params.preemptDelayNanos() > 0) {
            // first seen after start-up, so this also covers keepalived's "seconds after startup"
            long since = s.lowerMasterSince() == NEVER ? now : s.lowerMasterSince();
            if (now < since + params.preemptDelayNanos()) {
                return Step.of(heard.withLowerMasterSince(since)
                        .withDeadline(now + masterDown(heard), "no advert within master down interval"));
            }
        }
        // RFC 5798 §6.4.2: discard; the Master_Down_Timer runs out and we take over
        return Step.of(heard.withDeadline(s.deadline(), "higher priority than master "
                + a.source().getHostAddress() + " (" + a.priority() + "), preempting"));
    }

    // RFC 5798 §6.4.3
    private Step advertInMaster(InstanceState s, AdvertReceived a, long now) {
        if (a.priority() == PRIORITY_STOP) {
            // another Master is leaving: advertise at once so Backups do not wait for it
            return Step.of(s.withDeadline(now + advertNanos(), ""), new SendAdvert(s.effectivePriority()));
        }
        if (a.priority() > s.effectivePriority()
                || (a.priority() == s.effectivePriority() && compare(a.source(), params.primaryAddress()) > 0)) {
            InstanceState heard = s.withMaster(a.source(), a.priority(), learnedInterval(s, a));
            String reason = a.priority() > s.effectivePriority()
                    ? "higher priority advert (" + a.priority() + ") from " + a.source().getHostAddress()
                    : "equal priority advert from higher address " + a.source().getHostAddress();
            return toBackup(heard, now + masterDown(heard), reason);
        }
        // the other node is a lower-priority Master (e.g. after a partition): answer at once so it backs off, and
        // tell the provider side, since the other may have taken the floating IP while the two were split
        return Step.of(s.withDeadline(now + advertNanos(), ""), new SendAdvert(s.effectivePriority()),
                new VrrpAction.OtherMasterHeard(a.source(), a.priority()));
    }

    private Step priorityChanged(InstanceState s, int priority, long now) {
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority must be between 1 and 255, but was " + priority);
        }
        InstanceState moved = s.withPriority(priority);
        if (s.state() == VrrpState.MASTER && priority != s.effectivePriority()) {
            // tell the peer now, so a Backup that now outranks us can preempt without waiting for our next advert
            return Step.of(moved.withDeadline(now + advertNanos(), ""), new SendAdvert(priority));
        }
        return Step.of(moved);
    }

    private Step faultRaised(InstanceState s, String reason) {
        VrrpState from = s.state();
        if (from == VrrpState.FAULT || from == VrrpState.STOP) {
            return Step.of(s);
        }
        InstanceState fault = s.withState(VrrpState.FAULT, NO_DEADLINE, reason);
        StateChanged change = new StateChanged(from, VrrpState.FAULT, reason);
        if (from == VrrpState.MASTER) {
            // as keepalived: a Master going to FAULT resigns with priority 0 so the peer takes over within Skew_Time
            return Step.of(fault, new SendAdvert(PRIORITY_STOP), change);
        }
        return Step.of(fault, change);
    }

    private Step faultCleared(InstanceState s, long now) {
        if (s.state() != VrrpState.FAULT) {
            return Step.of(s);
        }
        InstanceState cleared = s.withMaster(null, 0, params.advertIntervalCentis());
        return toBackup(cleared, now + masterDown(cleared), "fault cleared; no advert within master down interval");
    }

    // the split-brain rule: a Master that held the IP and finds it on a configured peer gives way, once
    private Step yieldToPeer(InstanceState s, String holder, long now) {
        if (s.state() != VrrpState.MASTER) {
            return Step.of(s);
        }
        InstanceState yielded = s.withYielded(true);
        return toBackup(yielded, now + masterDown(yielded), "floating IP moved to peer " + holder
                + " while the peers could not hear each other: yielding until adverts return");
    }

    // an operator's planned handover: resign like a graceful stop, but keep running as a Backup
    private Step handover(InstanceState s, long now) {
        InstanceState m = s.withMaintenance(true);
        if (s.state() != VrrpState.MASTER) {
            return Step.of(m);
        }
        InstanceState backup = m.withState(VrrpState.BACKUP, now + masterDown(m), "no advert within master down interval");
        return Step.of(backup, new SendAdvert(PRIORITY_STOP),
                new StateChanged(VrrpState.MASTER, VrrpState.BACKUP, "handover requested: staying Backup until resume"));
    }

    // keepalived vrrp_sync_master: the group's other members follow one that became Master
    private Step syncMaster(InstanceState s, String group, long now) {
        if (s.state() != VrrpState.BACKUP || s.maintenance()) {
            return Step.of(s);
        }
        return becomeMaster(s, now, "sync group " + group + ": another member became MASTER");
    }

    // keepalived vrrp_sync_backup: leaves MASTER as on a higher-priority advert, so no priority-0 advert is sent
    private Step syncBackup(InstanceState s, String group, long now) {
        if (s.state() != VrrpState.MASTER) {
            return Step.of(s);
        }
        return toBackup(s, now + masterDown(s), "sync group " + group + ": another member left MASTER");
    }

    // keepalived vrrp_sync_can_goto_master said no: stay Backup, try again a Master_Down_Interval later
    private Step syncHold(InstanceState s, long now) {
        if (s.state() != VrrpState.BACKUP || !s.hasDeadline() || now < s.deadline()) {
            return Step.of(s);
        }
        return Step.of(s.withDeadline(now + masterDown(s), s.deadlineReason()));
    }

    private Step reclaim(InstanceState s, long now) {
        if (s.state() != VrrpState.BACKUP || !s.yielded()) {
            return Step.of(s);
        }
        return becomeMaster(s, now, "floating IP held by nobody while no master is heard: reclaiming");
    }

    private Step becomeMaster(InstanceState s, long now, String reason) {
        VrrpState from = s.state();
        InstanceState master = s.withYielded(false).withState(VrrpState.MASTER, now + advertNanos(), "")
                .withMaster(params.primaryAddress(), s.effectivePriority(), params.advertIntervalCentis())
                .withLowerMasterSince(NEVER);
        return Step.of(master, new SendAdvert(s.effectivePriority()), new StateChanged(from, VrrpState.MASTER, reason));
    }

    private Step toBackup(InstanceState s, long deadline, String reason) {
        VrrpState from = s.state();
        InstanceState backup = s.withState(VrrpState.BACKUP, deadline, "no advert within master down interval");
        return Step.of(backup, new StateChanged(from, VrrpState.BACKUP, reason));
    }

    // RFC 5798 §6.4.2: a v3 Backup sets Master_Adver_Interval from the advert; v2 has no such variable
    private int learnedInterval(InstanceState s, AdvertReceived a) {
        if (params.version() == 3 && a.advertIntervalCentis() > 0) {
            return a.advertIntervalCentis();
        }
        return s.masterAdverIntervalCentis();
    }

    private long advertNanos() {
        return MasterDownTimer.centisToNanos(params.advertIntervalCentis());
    }

    private long masterDown(InstanceState s) {
        return MasterDownTimer.masterDownIntervalNanos(params.version(), s.effectivePriority(), interval(s));
    }

    private long skew(InstanceState s) {
        return MasterDownTimer.skewTimeNanos(params.version(), s.effectivePriority(), interval(s));
    }

    private int interval(InstanceState s) {
        return params.version() == 3 ? s.masterAdverIntervalCentis() : params.advertIntervalCentis();
    }

    /** Compares addresses as unsigned numbers, as RFC 5798 §6.4.3 compares primary addresses. */
    static int compare(InetAddress a, InetAddress b) {
        return Arrays.compareUnsigned(a.getAddress(), b.getAddress());
    }
}
