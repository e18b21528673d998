package io.floatd.vrrp.track;

import io.floatd.vrrp.config.TrackProcessConfig;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The matching processes of one {@code vrrp_track_process} and its verdict, with keepalived's delays. Pure and
 * single-threaded; time is passed in (nanoseconds, any origin).
 *
 * <p>The verdict is up while {@code quorum <= count <= quorum_max}. A change of the count that would flip it takes
 * effect:
 * <ul>
 * <li>after {@code fork_delay} when a fork caused it (a forking server briefly has one process more, a child
 *     that then runs something else briefly counts too);
 * <li>after {@code terminate_delay} when an exit caused it (a restart briefly has one process fewer), and when a
 *     re-scan after lost kernel messages finds the quorum lost;
 * <li>at once otherwise: a process running (exec) or renamed into or out of the match, a re-scan finding the
 *     quorum.
 * </ul>
 * While a delay runs, a count back on the reported side cancels it (the bounce it exists for); the verdict when it
 * expires is the one the count gives then. Processes are counted once each (by PID).
 */
public final class ProcessQuorum {
    /** What changed the count, which decides the delay. */
    public enum Cause { FORK, EXEC, COMM, EXIT, RESCAN }

    private final TrackProcessConfig config;
    private final Set<Integer> pids = new HashSet<>();
    private boolean up;
    private boolean pending;
    private long deadline;

    /** Starts from a scan: the verdict it gives counts at once, as at keepalived's start. */
    public ProcessQuorum(TrackProcessConfig config, Collection<Integer> initial) {
        this.config = config;
        pids.addAll(initial);
        up = config.inQuorum(pids.size());
    }

    public TrackProcessConfig config() {
        return config;
    }

    /** The verdict reported: whether the quorum holds. */
    public boolean up() {
        return up;
    }

    public int count() {
        return pids.size();
    }

    public boolean contains(int pid) {
        return pids.contains(pid);
    }

    /** When a running delay ends (compare with {@code now - deadline >= 0}), if one runs. */
    public boolean pending() {
        return pending;
    }

    public long deadline() {
        return deadline;
    }

    /** A matching process; returns the new verdict if it changed now, else null. */
    public Boolean add(int pid, Cause cause, long now) {
        return pids.add(pid) ? settle(cause, now) : null;
    }

    /** A process that no longer matches or is gone; returns the new verdict if it changed now, else null. */
    public Boolean remove(int pid, Cause cause, long now) {
        return pids.remove(pid) ? settle(cause, now) : null;
    }

    /** A fresh scan's matching processes replace the ones counted. */
    public Boolean replace(Collection<Integer> scanned, long now) {
        pids.clear();
        pids.addAll(scanned);
        return settle(Cause.RESCAN, now);
    }

    /** The delay's end: the verdict becomes what the count says now. */
    public Boolean tick(long now) {
        if (!pending || now - deadline < 0) {
            return null;
        }
        pending = false;
        return report(config.inQuorum(pids.size()));
    }

    private Boolean settle(Cause cause, long now) {
        boolean actual = config.inQuorum(pids.size());
        if (actual == up) {
            pending = false;
            return null;
        }
        long delay = switch (cause) {
            case FORK -> config.forkDelay().toNanos();
            case EXIT -> config.terminateDelay().toNanos();
            case RESCAN -> actual ? 0 : config.terminateDelay().toNanos();
            case EXEC, COMM -> 0;
        };
        if (delay == 0) {
            pending = false;
            return report(actual);
        }
        if (!pending) {
            pending = true;
            deadline = now + delay;
        }
        return null;
    }

    private Boolean report(boolean now) {
        if (now == up) {
            return null;
        }
        up = now;
        return now;
    }
}
