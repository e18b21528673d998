package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.SyncGroupConfig;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.script.RunAs;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The daemon's vrrp_sync_groups: one {@link SyncGroupDriver} each, replaced as reloads and retries require. */
final class SyncGroups {
    private final Map<String, SyncGroupDriver> drivers = new ConcurrentHashMap<>();
    private final VrrpLoop loop;
    private final NotifyDispatcher notify;
    private final Supplier<StateReporter> reporter;

    SyncGroups(VrrpLoop loop, NotifyDispatcher notify, Supplier<StateReporter> reporter) {
        this.loop = loop;
        this.notify = notify;
        this.reporter = reporter;
    }

    /**
     * The instances a reload restarts because of their sync group: every member (old and new) of a group that is
     * new, removed or changed, or that has a member restarting on its own; repeated, since a restarted member may
     * be in another group of the other configuration. A group moves as one, so it restarts as one.
     *
     * @param restarting the instances that restart (or stop) for their own sake
     */
    static Set<String> restartedWithGroups(FloatdConfig previous, FloatdConfig next, Set<String> restarting) {
        Set<String> out = new HashSet<>();
        Map<String, SyncGroupConfig> before = byName(previous.syncGroups());
        Map<String, SyncGroupConfig> after = byName(next.syncGroups());
        Set<String> names = new HashSet<>(before.keySet());
        names.addAll(after.keySet());
        boolean grew = true;
        while (grew) {
            grew = false;
            for (String name : names) {
                SyncGroupConfig b = before.get(name);
                SyncGroupConfig a = after.get(name);
                Set<String> members = new HashSet<>();
                if (b != null) {
                    members.addAll(b.members());
                }
                if (a != null) {
                    members.addAll(a.members());
                }
                boolean changed = !sameGroup(a, b)
                        || members.stream().anyMatch(m -> restarting.contains(m) || out.contains(m));
                if (changed && out.addAll(members)) {
                    grew = true;
                }
            }
        }
        return out;
    }

    private static boolean sameGroup(SyncGroupConfig a, SyncGroupConfig b) {
        return a != null && b != null && a.members().equals(b.members()) && a.notifyScripts().equals(b.notifyScripts())
                && a.trackingWeight() == b.trackingWeight();
    }

    private static Map<String, SyncGroupConfig> byName(List<SyncGroupConfig> groups) {
        Map<String, SyncGroupConfig> m = new LinkedHashMap<>();
        groups.forEach(g -> m.put(g.name(), g));
        return m;
    }

    /**
     * Makes the drivers match {@code groups}: one whose group and member runners are unchanged stays as it is; the
     * others are replaced by a fresh one attached to the members (call before the new members start); removed
     * groups let go of their members.
     */
    synchronized void apply(List<SyncGroupConfig> groups, Map<String, InstanceRunner> runners, RunAs runAs) {
        Map<String, SyncGroupDriver> wanted = new LinkedHashMap<>();
        for (SyncGroupConfig g : groups) {
            SyncGroupDriver old = drivers.get(g.name());
            boolean same = old != null && old.config().equals(g)
                    && g.members().stream().allMatch(m -> old.drives(m, runners.get(m)));
            if (same) {
                wanted.put(g.name(), old);
                continue;
            }
            Map<String, InstanceRunner> members = new LinkedHashMap<>();
            g.members().forEach(m -> members.put(m, runners.get(m)));
            if (members.containsValue(null)) {
                throw new IllegalStateException("vrrp_sync_group " + g.name() + " names an instance that is not running");
            }
            wanted.put(g.name(), new SyncGroupDriver(g, members, loop, notify, runAs, reporter));
        }
        drivers.forEach((name, d) -> {
            if (wanted.get(name) != d) {
                d.detach();
            }
        });
        wanted.forEach((name, d) -> {
            if (drivers.get(name) != d) {
                d.attach();
            }
        });
        drivers.clear();
        drivers.putAll(wanted);
    }

    /**
     * Hands an event of {@code member}'s tracking (or start-up failure) to its group, on the loop.
     *
     * @return false when {@code member} (this runner of it) is in no group: the caller hands it to the runner
     */
    boolean route(String member, InstanceRunner runner, VrrpEvent event) {
        for (SyncGroupDriver d : drivers.values()) {
            if (d.drives(member, runner)) {
                d.fromTracking(member, event);
                return true;
            }
        }
        return false;
    }

    /** A member that could not start runs now as {@code runner}; call before it starts. */
    void replaceMember(String member, InstanceRunner runner) {
        for (SyncGroupDriver d : drivers.values()) {
            if (d.config().members().contains(member)) {
                loop.post(() -> d.replaceMember(member, runner));
            }
        }
    }

    /** floatd stops: each group's STOP notify, after its members'. */
    void stop() {
        drivers.values().forEach(SyncGroupDriver::stop);
    }
}
