package io.floatd.testing.sim;

import io.floatd.vrrp.takeover.TakeoverAction;
import io.floatd.vrrp.takeover.TakeoverEvent.Done;
import io.floatd.vrrp.takeover.TakeoverEvent.Failed;
import io.floatd.vrrp.takeover.TakeoverEvent.Failure;
import io.floatd.vrrp.takeover.TakeoverEvent.HolderRead;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An AWS Elastic IP: one association register, written synchronously (AssociateAddress with AllowReassociation
 * takes effect when the server handles it, at a random point within the request's round trip), read with
 * DescribeAddresses, which under the {@code lag} fault may show the register as it was up to that long ago. The
 * provider operations are the real {@code ElasticIpProvider}'s: {@code acquire(seen)} associates at once,
 * {@code acquire(null)} describes first and writes nothing when the address is this node's; {@code release()}
 * describes and disassociates by the association id it read (NotFound: someone re-associated in between, which
 * counts as released); {@code handOver(peer)} associates the peer, when the provider knows the peer's instance.
 */
final class Ec2Shape extends ApiCloud {
    private int holder;
    private long association;
    /** The register's past values, for lagged reads: when each was written. */
    private long[] histAt = new long[8];
    private int[] histHolder = new int[8];
    private long[] histAssoc = new long[8];
    private int hist;

    /** What DescribeAddresses shows. */
    record Address(int holder, long association) {
    }

    Ec2Shape(Simulation sim, SplittableRandom rng, Scenario sc) {
        super(sim, rng, sc);
        this.holder = sc.initialHolder();
        this.association = holder >= 0 ? 1 : 0;
        remember(Long.MIN_VALUE);
    }

    @Override
    String id(int node) {
        return "i-0" + node;
    }

    @Override
    public void call(SimOp op) {
        int n = op.node();
        switch (op.call()) {
            case TakeoverAction.ReadHolder r -> describe(op, a -> op.finish(new HolderRead(classify(n, a.holder()))));
            case TakeoverAction.Acquire a -> {
                if (a.seen() == null || a.seen().isSelf()) {
                    describe(op, cur -> {
                        if (cur.holder() == n) {
                            op.finish(new Done(false)); // already this node's: nothing written
                        } else {
                            associate(op, n);
                        }
                    });
                } else {
                    associate(op, n);
                }
            }
            case TakeoverAction.Release r -> request(op, () -> {
                Address a = readAt(sim.now() - lag());
                if (a.holder() != n) {
                    sim.released(op); // decided here: nothing of this node's to remove
                }
                return Reply.ok(a);
            }, rep -> {
                if (!rep.ok()) {
                    op.finish(failure(rep));
                } else if (rep.body().holder() != n) {
                    op.finish(new Done(false));
                } else {
                    disassociate(op, rep.body().association());
                }
            });
            case TakeoverAction.HandOver h -> {
                int to = sim.nodeIndex(h.peer());
                if (!sc.peersRecognised() || to < 0) {
                    immediately(op, new Failed(Failure.FATAL, "aws: no instance known for peer "
                            + h.peer().getHostAddress()));
                } else {
                    associate(op, to);
                }
            }
            case TakeoverAction.ClearStale c -> immediately(op, new Done(false)); // a cloud hold is left alone
        }
    }

    private void describe(SimOp op, java.util.function.Consumer<Address> then) {
        request(op, () -> Reply.ok(readAt(sim.now() - lag())), r -> {
            if (r.ok()) {
                then.accept(r.body());
            } else {
                op.finish(failure(r));
            }
        });
    }

    private void associate(SimOp op, int target) {
        request(op, () -> {
            write(target, op, "AssociateAddress");
            return Reply.ok(Boolean.TRUE);
        }, r -> op.finish(r.ok() ? new Done(true) : failure(r)));
    }

    private void disassociate(SimOp op, long assoc) {
        request(op, () -> {
            if (association == assoc) {
                write(-1, op, "DisassociateAddress");
            }
            sim.released(op);
            // InvalidAssociationID.NotFound is tolerated by the provider: re-associated in between
            return Reply.ok(Boolean.TRUE);
        }, r -> op.finish(r.ok() ? new Done(true) : failure(r)));
    }

    private void write(int target, SimOp op, String how) {
        int prev = holder;
        holder = target;
        association++;
        remember(sim.now());
        sim.written(op, prev, target, how);
    }

    private long lag() {
        return faults.lagNanos() > 0 ? rng.nextLong(faults.lagNanos() + 1) : 0;
    }

    private void remember(long at) {
        if (hist == histAt.length) {
            // keep the last few values: reads lag by seconds at most
            int keep = histAt.length / 2;
            if (sim.now() - histAt[hist - keep] > 60 * Scenario.S) {
                System.arraycopy(histAt, hist - keep, histAt, 0, keep);
                System.arraycopy(histHolder, hist - keep, histHolder, 0, keep);
                System.arraycopy(histAssoc, hist - keep, histAssoc, 0, keep);
                hist = keep;
            } else {
                histAt = Arrays.copyOf(histAt, hist * 2);
                histHolder = Arrays.copyOf(histHolder, hist * 2);
                histAssoc = Arrays.copyOf(histAssoc, hist * 2);
            }
        }
        histAt[hist] = at;
        histHolder[hist] = holder;
        histAssoc[hist] = association;
        hist++;
    }

    private Address readAt(long t) {
        for (int i = hist - 1; i > 0; i--) {
            if (histAt[i] <= t) {
                return new Address(histHolder[i], histAssoc[i]);
            }
        }
        return new Address(histHolder[0], histAssoc[0]);
    }

    @Override
    public void restarted(int node) {
        // the provider keeps nothing between calls that matters here (its association id only names the release)
    }

    @Override
    public boolean holds(int node) {
        return holder == node;
    }

    @Override
    public int holders() {
        return holder >= 0 ? 1 : 0;
    }

    @Override
    public String state() {
        return "eip on " + (holder < 0 ? "nobody" : "n" + holder) + " (association " + association + ")";
    }
}
