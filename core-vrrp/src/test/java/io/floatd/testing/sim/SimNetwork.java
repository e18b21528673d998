package io.floatd.testing.sim;

import java.util.SplittableRandom;

/**
 * The VRRP network: one link per direction between every two nodes, each with its own cut, loss and extra delay on
 * top of the healthy shape (delay, jitter, duplication, reordering). A partition is a set of cut directions: it
 * starts and heals one direction at a time, in any order. An advert is judged when it is sent: a cut or a loss
 * drops it; otherwise it arrives after its delay.
 */
public final class SimNetwork {
    private final Simulation sim;
    private final SplittableRandom rng;
    private final Scenario.Net base;
    private final int n;
    private final boolean[][] cut;
    private final double[][] loss;
    private final long[][] extra;
    private int cuts;
    private int lossy;
    private int delayed;

    SimNetwork(Simulation sim, SplittableRandom rng, Scenario.Net base, int n) {
        this.sim = sim;
        this.rng = rng;
        this.base = base;
        this.n = n;
        this.cut = new boolean[n][n];
        this.loss = new double[n][n];
        this.extra = new long[n][n];
    }

    /** Sends one advert from {@code from} to every other node. */
    void send(int from, int priority, int intervalCentis) {
        for (int to = 0; to < n; to++) {
            if (to == from || cut[from][to]) {
                continue;
            }
            if (loss[from][to] > 0 && rng.nextDouble() < loss[from][to]) {
                continue;
            }
            long d = base.delayNanos() + extra[from][to];
            if (base.jitterNanos() > 0) {
                d += rng.nextLong(base.jitterNanos() + 1);
            }
            if (base.reorder() > 0 && rng.nextDouble() < base.reorder()) {
                d += rng.nextLong(4 * base.delayNanos() + 1); // held back: later adverts may overtake it
            }
            sim.deliverAdvert(from, to, priority, intervalCentis, sim.now() + d);
            if (base.duplicate() > 0 && rng.nextDouble() < base.duplicate()) {
                sim.deliverAdvert(from, to, priority, intervalCentis, sim.now() + d + rng.nextLong(base.delayNanos() + 1));
            }
        }
    }

    void cut(int from, int to, boolean c) {
        if (cut[from][to] != c) {
            cut[from][to] = c;
            cuts += c ? 1 : -1;
        }
    }

    void loss(int from, int to, double share) {
        if ((loss[from][to] > 0) != (share > 0)) {
            lossy += share > 0 ? 1 : -1;
        }
        loss[from][to] = share;
    }

    void delay(int from, int to, long extraNanos) {
        if ((extra[from][to] > 0) != (extraNanos > 0)) {
            delayed += extraNanos > 0 ? 1 : -1;
        }
        extra[from][to] = extraNanos;
    }

    /** No direction is cut. */
    public boolean connected() {
        return cuts == 0;
    }

    /** No loss, no extra delay (cuts aside). */
    public boolean clean() {
        return lossy == 0 && delayed == 0;
    }

    /** No cut, no loss, no extra delay. */
    public boolean healthy() {
        return cuts == 0 && lossy == 0 && delayed == 0;
    }

    public boolean isCut(int from, int to) {
        return cut[from][to];
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && (cut[i][j] || loss[i][j] > 0 || extra[i][j] > 0)) {
                    b.append(' ').append(i).append("->").append(j).append(cut[i][j] ? ":cut" : "")
                            .append(loss[i][j] > 0 ? ":loss" + Math.round(loss[i][j] * 100) + "%" : "")
                            .append(extra[i][j] > 0 ? ":+" + extra[i][j] / 1_000_000 + "ms" : "");
                }
            }
        }
        return b.isEmpty() ? "healthy" : b.toString().trim();
    }
}
