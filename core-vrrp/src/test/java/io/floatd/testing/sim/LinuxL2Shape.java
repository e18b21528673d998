package io.floatd.testing.sim;

import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverAction;
import io.floatd.vrrp.takeover.TakeoverEvent;
import io.floatd.vrrp.takeover.TakeoverEvent.Done;
import io.floatd.vrrp.takeover.TakeoverEvent.Failed;
import io.floatd.vrrp.takeover.TakeoverEvent.Failure;
import io.floatd.vrrp.takeover.TakeoverEvent.HolderRead;
import java.util.SplittableRandom;

/**
 * No cloud: each node's own VIP on its own interface, added and removed through netlink. A node's holder is SELF
 * when its VIP is there, else NOBODY (L2 cannot see the peer's). Calls are local: they take well under a
 * millisecond, never fail, and one node's calls take effect in the order they were made (one netlink socket). The
 * provider's {@code acquire()} adds only a missing VIP ({@code acquireChecksHolder}), leaving MASTER releases
 * ({@code releasesByDefault}), {@code clearStale()} removes a VIP that a crashed run left. "The IP on two nodes":
 * two nodes have their VIP.
 */
final class LinuxL2Shape implements SimCloud {
    private static final long MIN_CALL = 20_000;
    static final long MAX_CALL = 800_000;

    private final Simulation sim;
    private final SplittableRandom rng;
    private final boolean[] vip;
    private final long[] lastDone;

    LinuxL2Shape(Simulation sim, SplittableRandom rng, Scenario sc) {
        this.sim = sim;
        this.rng = rng;
        this.vip = new boolean[sc.nodes()];
        this.lastDone = new long[sc.nodes()];
    }

    @Override
    public boolean releasesByDefault() {
        return true;
    }

    @Override
    public boolean acquireChecksHolder() {
        return true;
    }

    @Override
    public boolean handsOver() {
        return false;
    }

    @Override
    public void call(SimOp op) {
        int n = op.node();
        long at = Math.max(sim.now() + MIN_CALL + rng.nextLong(MAX_CALL - MIN_CALL), lastDone[n] + 1);
        lastDone[n] = at;
        // the kernel does it whether or not the driver still waits for the answer
        sim.at(at, () -> op.finish(apply(op)));
    }

    private TakeoverEvent.Outcome apply(SimOp op) {
        int n = op.node();
        return switch (op.call()) {
            case TakeoverAction.ReadHolder r -> new HolderRead(vip[n] ? Holder.self("eth0") : Holder.nobody());
            case TakeoverAction.Acquire a -> {
                if (vip[n]) {
                    yield new Done(false);
                }
                vip[n] = true;
                sim.written(op, -1, n, "ip addr add");
                yield new Done(true);
            }
            case TakeoverAction.Release r -> {
                boolean had = vip[n];
                vip[n] = false;
                sim.released(op);
                if (had) {
                    sim.written(op, n, -1, "ip addr del");
                }
                yield new Done(had);
            }
            case TakeoverAction.ClearStale c -> {
                boolean had = vip[n];
                vip[n] = false;
                sim.released(op);
                if (had) {
                    sim.written(op, n, -1, "ip addr del (stale)");
                }
                yield new Done(had);
            }
            case TakeoverAction.HandOver h -> new Failed(Failure.FATAL, "this provider cannot move the IP to a peer");
        };
    }

    @Override
    public void restarted(int node) {
    }

    @Override
    public void faults(ApiFaults faults) {
        // no API
    }

    @Override
    public boolean apiHealthy() {
        return true;
    }

    @Override
    public boolean holds(int node) {
        return vip[node];
    }

    @Override
    public int holders() {
        int c = 0;
        for (boolean v : vip) {
            c += v ? 1 : 0;
        }
        return c;
    }

    @Override
    public String state() {
        StringBuilder b = new StringBuilder("vip on");
        for (int i = 0; i < vip.length; i++) {
            if (vip[i]) {
                b.append(" n").append(i);
            }
        }
        return holders() == 0 ? "vip on nobody" : b.toString();
    }
}
