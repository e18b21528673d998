package io.floatd.testing.sim;

import io.floatd.testing.sim.Scenario.Cloud;
import io.floatd.vrrp.fsm.VrrpAction;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverAction;
import io.floatd.vrrp.takeover.TakeoverEvent;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import io.floatd.vrrp.timer.MasterDownTimer;
import java.util.ArrayList;
import java.util.List;

/**
 * What must hold of the whole cluster, as plain functions of its state, checked after every step (and, for what a
 * node sends, at the moment it sends it). Each bound is a constant or a formula below, with the reason for it.
 */
final class Invariants {
    static final long S = Scenario.S;
    static final long NEVER = Long.MIN_VALUE;

    /** The window of the moves-per-minute bound. */
    static final long MOVE_WINDOW = 60 * S;
    /** Moves in any minute with no disturbance near it. */
    static final int MOVES_PER_MINUTE_BASE = 2;
    /** Moves each disturbance (an injected event) may cause, counted over the minute and the settle time before. */
    static final int MOVES_PER_DISTURBANCE = 2;
    /** A clean partition episode moves the IP at most this often while it lasts... */
    static final int MAX_MOVES_DURING_PARTITION = 1;
    /** ...and at most this often after it heals. */
    static final int MAX_MOVES_AFTER_HEAL = 1;

    private final Simulation sim;
    private final long settle;
    private long lastDisturbance = NEVER;
    private final List<Long> disturbances = new ArrayList<>();
    private final List<SimResult.Move> moves = new ArrayList<>();
    private int maxPerMinute;
    /** Per node: when the latest release that has taken effect was sent (NEVER: none yet). */
    private final long[] releaseDoneSentAt;
    /** Per node: when the latest acquire that has landed was sent. */
    private final long[] acquireLandedSentAt;
    private long lastMisplacedAt = NEVER;
    private boolean wasConnected = true;
    private Episode episode;

    /** A partition episode: from the first cut of a fully connected network to the heal of its last cut direction. */
    private static final class Episode {
        final long start;
        long healedAt = NEVER;
        boolean clean;
        int during;
        int after;

        Episode(long start, boolean clean) {
            this.start = start;
            this.clean = clean;
        }
    }

    Invariants(Simulation sim) {
        this.sim = sim;
        this.settle = settleBound(sim.scenario);
        this.releaseDoneSentAt = new long[sim.nodes.length];
        this.acquireLandedSentAt = new long[sim.nodes.length];
        java.util.Arrays.fill(releaseDoneSentAt, NEVER);
        java.util.Arrays.fill(acquireLandedSentAt, NEVER);
    }

    /**
     * How long after the last disturbance (the network, the API and every node healthy and left alone) exactly one
     * live node must be Master with the IP on it. The sum of what can still be under way when the cluster becomes
     * healthy:
     * <ul>
     *   <li>the election: three Master_Down_Intervals (a restarted node waits one in BACKUP; a higher node that hears
     *       the new Master then preempts after one; a yielded node hears it and preempts after one more), taken at
     *       priority 1, the longest;</li>
     *   <li>a write the API never answered lands up to the attempt timeout + {@link ApiCloud#LATE_APPLY} late, and a
     *       DigitalOcean action runs up to its maximum;</li>
     *   <li>a takeover under way waits one backoff, then a read and a write (DigitalOcean: the action, polled);</li>
     *   <li>a Master whose last read lagged, or whose IP a late write moved, finds out at its next re-check and takes
     *       it back: one re-check interval and one more takeover.</li>
     * </ul>
     */
    static long settleBound(Scenario s) {
        TakeoverPolicy p = s.policy();
        long mdi = MasterDownTimer.masterDownIntervalNanos(3, 1, s.advertCentis());
        long rtt = s.api().maxLatencyNanos();
        long action = s.cloud() == Cloud.DIGITALOCEAN ? s.api().maxActionNanos() + s.api().pollNanos() + rtt : 0;
        long late = s.cloud() == Cloud.LINUX_L2 ? 0 : p.attemptTimeout().toNanos() + ApiCloud.LATE_APPLY + action;
        long takeover = 2 * rtt + action;
        return 3 * mdi + late + p.maxBackoff().toNanos() + takeover + p.recheckInterval().toNanos() + takeover
                + 2 * p.recheckInterval().toNanos();
    }

    long settleBound() {
        return settle;
    }

    // ---- what a node sends ----

    void onIssue(SimNode n, TakeoverAction.Call c) {
        if (n.inflight != null) {
            throw sim.fail("at most one call in flight: n" + n.index + " sent " + c + " while " + n.inflight
                    + " is unanswered");
        }
        VrrpState st = n.state();
        switch (c) {
            case TakeoverAction.Acquire a -> {
                if (st != VrrpState.MASTER) {
                    throw sim.fail("a node that is not MASTER never acquires: n" + n.index + " sent " + c + " in "
                            + st);
                }
                // (a provider whose acquire checks locally, a Linux VIP, is asked without a read: it writes nothing
                // itself when the VIP is there)
                if (!sim.cloud.acquireChecksHolder() && n.lastAnswer instanceof TakeoverEvent.HolderRead r
                        && r.holder().kind() == Holder.Kind.SELF) {
                    throw sim.fail("a node that finds the IP on itself writes nothing: n" + n.index + " read "
                            + r.holder() + " and sent " + c);
                }
            }
            case TakeoverAction.HandOver h -> {
                if (st != VrrpState.BACKUP || n.steppedDownTo == null || !n.steppedDownTo.equals(h.peer())) {
                    throw sim.fail("a non-Master writes only the hand-over to the Master it stepped down to: n"
                            + n.index + " in " + st + " (stepped down to " + n.steppedDownTo + ") sent " + c);
                }
            }
            case TakeoverAction.Release r -> { }
            case TakeoverAction.ClearStale r -> { }
            case TakeoverAction.ReadHolder r -> { }
        }
    }

    void onTransition(SimNode n, VrrpAction.StateChanged c) {
    }

    // ---- what the cloud does ----

    /**
     * No acquire lands after the same node's later release: once a release has taken effect (removed the node's
     * hold, or found none), no acquire the node sent before that release may put the IP back on it; and the other
     * way round, a release or hand-over must not take the IP off a node after an acquire it sent later has landed.
     */
    void onReleased(SimOp op) {
        int n = op.node();
        releaseDoneSentAt[n] = Math.max(releaseDoneSentAt[n], op.startedAt);
    }

    void onWritten(SimOp op, int from, int to) {
        if (op != null) {
            int n = op.node();
            if (op.call() instanceof TakeoverAction.Acquire && to == n) {
                if (releaseDoneSentAt[n] > op.startedAt && !Boolean.getBoolean("sim.tmpSkipLanding")) {
                    throw sim.fail("no acquire lands after the same node's later release: the acquire " + op
                            + " sent at " + secs(op.startedAt) + " landed at " + secs(sim.now())
                            + ", after a release sent at " + secs(releaseDoneSentAt[n]) + " took effect");
                }
                acquireLandedSentAt[n] = Math.max(acquireLandedSentAt[n], op.startedAt);
            }
            if (!(op.call() instanceof TakeoverAction.Acquire) && from == n && acquireLandedSentAt[n] > op.startedAt
                    && !Boolean.getBoolean("sim.tmpSkipLanding")) {
                throw sim.fail("no release or hand-over lands after the same node's later acquire: " + op
                        + " sent at " + secs(op.startedAt) + " landed at " + secs(sim.now())
                        + ", after an acquire sent at " + secs(acquireLandedSentAt[n]) + " had landed");
            }
        }
        if (to >= 0 && to != from) {
            moved(to);
        }
    }

    private void moved(int to) {
        long now = sim.now();
        moves.add(new SimResult.Move(now - Simulation.T0, to));
        int inWindow = 0;
        for (int i = moves.size() - 1; i >= 0 && moves.get(i).at() + Simulation.T0 > now - MOVE_WINDOW; i--) {
            inWindow++;
        }
        maxPerMinute = Math.max(maxPerMinute, inWindow);
        int near = 0;
        for (int i = disturbances.size() - 1; i >= 0 && disturbances.get(i) > now - MOVE_WINDOW - settle; i--) {
            near++;
        }
        int budget = MOVES_PER_MINUTE_BASE + MOVES_PER_DISTURBANCE * near;
        if (inWindow > budget) {
            throw sim.fail("moves per minute are bounded (no ping-pong): " + inWindow + " moves in the last 60 s, "
                    + "with " + near + " disturbances near them (bound " + budget + ")");
        }
        if (episode != null && episode.healedAt != NEVER && now > episode.healedAt + settle) {
            episode = null;
        }
        if (episode != null && episode.clean) {
            if (episode.healedAt == NEVER) {
                episode.during++;
                if (episode.during > MAX_MOVES_DURING_PARTITION) {
                    throw sim.fail("a clean partition moves the IP at most " + MAX_MOVES_DURING_PARTITION
                            + " time(s) while it lasts: " + episode.during + " moves since " + secs(episode.start));
                }
            } else {
                episode.after++;
                if (episode.after > MAX_MOVES_AFTER_HEAL) {
                    throw sim.fail("a clean partition moves the IP at most " + MAX_MOVES_AFTER_HEAL
                            + " time(s) after it heals: " + episode.after + " moves since the heal at "
                            + secs(episode.healedAt));
                }
            }
        }
    }

    // ---- what the scenario does ----

    void onDisturbance(Object e) {
        long now = sim.now();
        boolean connected = sim.net.connected();
        if (e instanceof Scenario.Cut || e instanceof Scenario.Heal) {
            if (wasConnected && !connected) {
                // clean: the cluster had settled (one Master holding the IP, nothing happened for the settle time),
                // the API is healthy, no advert is lost or delayed, and the peers are recognised (an unrecognised
                // peer's IP is taken back, damped, for as long as the partition lasts: the per-minute bound covers it)
                boolean clean = placedRight() && now - lastDisturbance >= settle && sim.net.clean()
                        && sim.cloud.apiHealthy() && sim.scenario.peersRecognised();
                episode = new Episode(now, clean);
            } else if (!wasConnected && connected && episode != null) {
                episode.healedAt = now;
            }
        } else if (episode != null) {
            episode.clean = false;
        }
        wasConnected = connected;
        lastDisturbance = now;
        disturbances.add(now);
    }

    // ---- after every step ----

    void afterStep() {
        if (placedRight()) {
            return;
        }
        long now = sim.now();
        lastMisplacedAt = now;
        if (lastDisturbance != NEVER && now - lastDisturbance >= settle && sim.net.healthy()
                && sim.cloud.apiHealthy()) {
            throw sim.fail("once healthy for " + dur(settle) + ", exactly one live node is MASTER and the IP "
                    + "is on it" + (sim.isCloud() ? "" : " only") + ": healthy since " + secs(lastDisturbance)
                    + ", " + cluster());
        }
    }

    void atEnd() {
    }

    /** Exactly one live node is Master, and the IP is on it (Linux VIPs: on it only). */
    boolean placedRight() {
        SimNode master = null;
        for (SimNode n : sim.nodes) {
            if (n.vs != null && n.vs.state() == VrrpState.MASTER) {
                if (master != null) {
                    return false;
                }
                master = n;
            }
        }
        return master != null && sim.cloud.holds(master.index) && (sim.isCloud() || sim.cloud.holders() == 1);
    }

    String cluster() {
        StringBuilder b = new StringBuilder();
        for (SimNode n : sim.nodes) {
            b.append(n).append(' ');
        }
        return b.append("; ").append(sim.cloud.state()).append("; network ").append(sim.net).toString();
    }

    // ---- figures ----

    int moves() {
        return moves.size();
    }

    List<SimResult.Move> moveLog() {
        return List.copyOf(moves);
    }

    int maxMovesPerMinute() {
        return maxPerMinute;
    }

    /** How long after the last disturbance the IP was last misplaced (0: never after it). */
    long settledAfter() {
        if (lastDisturbance == NEVER || lastMisplacedAt == NEVER || lastMisplacedAt < lastDisturbance) {
            return 0;
        }
        return lastMisplacedAt - lastDisturbance;
    }

    static String dur(long nanos) {
        return String.format("%.3f s", nanos / 1e9);
    }

    static String secs(long t) {
        return String.format("%.3f", (t - Simulation.T0) / 1e9);
    }
}
