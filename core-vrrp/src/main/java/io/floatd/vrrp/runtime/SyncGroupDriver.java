package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.NotifyScripts;
import io.floatd.vrrp.config.SyncGroupConfig;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.SyncGroupMachine;
import io.floatd.vrrp.fsm.SyncGroupMachine.Action;
import io.floatd.vrrp.fsm.SyncGroupMachine.Group;
import io.floatd.vrrp.fsm.SyncGroupMachine.Input;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.notify.NotifyHooks;
import io.floatd.vrrp.notify.NotifyState;
import io.floatd.vrrp.script.RunAs;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Drives one {@code vrrp_sync_group} on the VRRP loop: feeds {@link SyncGroupMachine} what its members do (their
 * transitions, their own tracking's FAULTs, their expired Master_Down_Timers, the Masters they hear) and applies
 * its actions: events handed to members, the group's notify scripts and notify_fifo lines. Everything except
 * {@link #attach}, {@link #detach} and {@link #stop} runs on the loop thread.
 */
final class SyncGroupDriver implements SyncGate {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    private final SyncGroupConfig config;
    private final Map<String, InstanceRunner> runners;
    /** Read by a reload's thread while a retry may replace a member on the loop: concurrent maps. */
    private final Map<String, TransitionListener> listeners = new java.util.concurrent.ConcurrentHashMap<>();
    private final VrrpLoop loop;
    private final NotifyDispatcher notify;
    private final NotifyHooks hooks;
    private final Supplier<StateReporter> reporter;
    /** Touched on the loop only. */
    private Group group;
    private volatile boolean detached;

    SyncGroupDriver(SyncGroupConfig config, Map<String, InstanceRunner> runners, VrrpLoop loop, NotifyDispatcher notify,
            RunAs runAs, Supplier<StateReporter> reporter) {
        this.config = config;
        this.runners = new java.util.concurrent.ConcurrentHashMap<>(runners);
        this.loop = loop;
        this.notify = notify;
        NotifyScripts n = config.notifyScripts();
        this.hooks = ScriptUsers.hooks(n, runAs, null);
        this.reporter = reporter;
        this.group = Group.initial(config.name(), config.members());
    }

    SyncGroupConfig config() {
        return config;
    }

    @Override
    public String group() {
        return config.name();
    }

    /** Whether {@code runner} is the member this driver drives under that name. */
    boolean drives(String member, InstanceRunner runner) {
        return !detached && runners.get(member) == runner;
    }

    /** Listens to every member and gates its way to MASTER. Call before the members start. */
    void attach() {
        runners.forEach((name, runner) -> {
            TransitionListener l = t -> apply(new Input.Transition(name, t.from(), t.to()));
            listeners.put(name, l);
            runner.addListener(l);
            runner.syncGate(this);
        });
    }

    /** Lets go of the members (a reload replaced the group); what it posted and has not run yet does nothing. */
    void detach() {
        detached = true;
        listeners.forEach((name, l) -> {
            InstanceRunner r = runners.get(name);
            r.removeListener(l);
            r.syncGate(null);
        });
        listeners.clear();
    }

    /**
     * A member that could not start was opened since: {@code runner} replaces its stand-in. The stand-in's FAULT was
     * the member's own, so it ends here (if the new one fails, its tracking says so). On the loop.
     */
    void replaceMember(String member, InstanceRunner runner) {
        InstanceRunner old = runners.put(member, runner);
        TransitionListener l = listeners.remove(member);
        if (old != null && l != null) {
            old.removeListener(l);
            old.syncGate(null);
        }
        TransitionListener next = t -> apply(new Input.Transition(member, t.from(), t.to()));
        listeners.put(member, next);
        runner.addListener(next);
        runner.syncGate(this);
        apply(new Input.OwnFaultCleared(member));
    }

    /** An event from {@code member}'s own tracking (or its start-up failure); on the loop. */
    void fromTracking(String member, VrrpEvent event) {
        switch (event) {
            case VrrpEvent.FaultRaised f -> apply(new Input.OwnFault(member, f.reason()));
            case VrrpEvent.FaultCleared c -> apply(new Input.OwnFaultCleared(member));
            default -> runners.get(member).handle(event);
        }
    }

    @Override
    public boolean mayBecomeMaster(String member) {
        return apply(new Input.DeadlineInBackup(member)).stream().noneMatch(a -> a instanceof Action.Hold);
    }

    @Override
    public void heardMaster(String member) {
        apply(new Input.HeardMaster(member));
    }

    /** floatd stops: keepalived notifies each group STOP after its instances (notify_shutdown). */
    void stop() {
        detached = true;
        groupNotify(NotifyState.STOP);
    }

    private List<Action> apply(Input input) {
        if (detached) {
            return List.of();
        }
        SyncGroupMachine.Step step = SyncGroupMachine.next(group, input);
        group = step.group();
        List<Action> actions = new ArrayList<>(step.actions());
        for (Action a : actions) {
            switch (a) {
                case Action.Deliver d -> {
                    InstanceRunner r = runners.get(d.member());
                    if (d.member().equals(input.member())
                            && (input instanceof Input.OwnFault || input instanceof Input.OwnFaultCleared)) {
                        // the member's own tracking, on the loop already: at once, as without a group
                        r.handle(d.event());
                        continue;
                    }
                    // posted: the member may be the one whose transition is being reported right now
                    loop.post(() -> {
                        if (!detached) {
                            r.handle(d.event());
                        }
                    });
                }
                case Action.Hold h -> LOG.log(Level.DEBUG, "VRRP_Group({0}) holding {1} in BACKUP until every member"
                        + " wants MASTER", config.name(), h.member());
                case Action.GroupChanged c -> groupChanged(c.from(), c.to());
            }
        }
        return actions;
    }

    private void groupChanged(VrrpState from, VrrpState to) {
        if (from != VrrpState.INIT) {
            LOG.log(Level.INFO, "VRRP_Group({0}) Syncing instances to {1} state", config.name(), to);
        } else {
            LOG.log(Level.INFO, "VRRP_Group({0}) Entering {1} state", config.name(), to);
        }
        NotifyState state = switch (to) {
            case MASTER -> NotifyState.MASTER;
            case BACKUP -> NotifyState.BACKUP;
            case FAULT -> NotifyState.FAULT;
            case STOP -> NotifyState.STOP;
            case INIT -> null;
        };
        if (state != null) {
            groupNotify(state);
        }
    }

    private void groupNotify(NotifyState state) {
        notify.groupStateChanged(config.name(), state, hooks);
        StateReporter r = reporter.get();
        if (r != null) {
            r.onGroupState(config.name(), state);
        }
    }
}
