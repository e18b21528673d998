package io.floatd.testing.sim;

import io.floatd.vrrp.takeover.TakeoverAction;
import io.floatd.vrrp.takeover.TakeoverEvent.Done;
import io.floatd.vrrp.takeover.TakeoverEvent.Failed;
import io.floatd.vrrp.takeover.TakeoverEvent.Failure;
import io.floatd.vrrp.takeover.TakeoverEvent.HolderRead;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A DigitalOcean reserved IP: writes are asynchronous actions. A POST {@code assign} or {@code unassign} starts an
 * action that completes (or errors) seconds later; while it runs the IP is locked, every other action is refused
 * with 422 (the provider treats that as retryable), and a GET shows the old holder with the lock. The provider
 * operations follow the real {@code ReservedIpProvider}: an acquire reuses the read just made, follows its own
 * pending assign instead of sending a second one, treats a 422 on an IP that turns out to be its own as success, and
 * polls the action until it completes within the provider's action timeout; a release reads, unassigns only its
 * own hold, and treats a 422 on an IP that moved on as released. A hand-over assigns the peer's droplet.
 */
final class DigitalOceanShape extends ApiCloud {
    /** {@code DoClientOptions.DEFAULT_ACTION_TIMEOUT}: the provider polls an action this long at most. */
    static final long ACTION_TIMEOUT = 20 * Scenario.S;

    private int holder;
    private boolean locked;
    private long nextAction = 1;
    private final Map<Long, Action> actions = new HashMap<>();
    private final Pending[] pending;
    private final Snap[] lastRead;

    /** What a GET of the reserved IP shows. */
    record Snap(int holder, boolean locked) {
    }

    /** An action this node's provider started and has not seen finish (the real provider's {@code pending}). */
    record Pending(long id, boolean assign, long startedAt) {
    }

    private static final class Action {
        final long id;
        final int target;
        final SimOp by;
        final boolean errors;
        boolean done;

        Action(long id, int target, SimOp by, boolean errors) {
            this.id = id;
            this.target = target;
            this.by = by;
            this.errors = errors;
        }
    }

    private enum Status { IN_PROGRESS, COMPLETED, ERRORED }

    DigitalOceanShape(Simulation sim, SplittableRandom rng, Scenario sc) {
        super(sim, rng, sc);
        this.holder = sc.initialHolder();
        this.pending = new Pending[sc.nodes()];
        this.lastRead = new Snap[sc.nodes()];
    }

    @Override
    String id(int node) {
        return "droplet-" + (1000 + node);
    }

    @Override
    public void call(SimOp op) {
        int n = op.node();
        switch (op.call()) {
            case TakeoverAction.ReadHolder r -> get(op, s -> {
                lastRead[n] = s;
                op.finish(new HolderRead(classify(n, s.holder())));
            });
            case TakeoverAction.Acquire a -> {
                Snap known = a.seen() == null || a.seen().isSelf() ? null : lastRead[n];
                assign(op, known);
            }
            case TakeoverAction.Release r -> release(op);
            case TakeoverAction.HandOver h -> {
                int to = sim.nodeIndex(h.peer());
                if (!sc.peersRecognised() || to < 0) {
                    immediately(op, new Failed(Failure.FATAL, "digitalocean: no droplet known for peer "
                            + h.peer().getHostAddress()));
                } else {
                    handOver(op, to);
                }
            }
            case TakeoverAction.ClearStale c -> immediately(op, new Done(false));
        }
    }

    // ---- the provider ----

    private void assign(SimOp op, Snap known) {
        int n = op.node();
        Pending p = pending[n];
        if (p != null && p.assign() && sim.now() - p.startedAt() < ACTION_TIMEOUT) {
            current(op, known, cur -> {
                if (cur.locked()) {
                    await(op, p); // an earlier attempt was cut short while our assign ran: follow it
                } else {
                    assignNow(op, cur);
                }
            });
            return;
        }
        pending[n] = null;
        current(op, known, cur -> assignNow(op, cur));
    }

    private void assignNow(SimOp op, Snap cur) {
        int n = op.node();
        pending[n] = null;
        lastRead[n] = null;
        if (cur.holder() == n) {
            op.finish(new Done(false));
            return;
        }
        if (cur.locked()) {
            op.finish(new Failed(Failure.RETRYABLE, "locked by a pending action"));
            return;
        }
        post(op, n, r -> {
            if (r.status() == 422) {
                get(op, s -> op.finish(s.holder() == n ? new Done(false) : refused(r)));
            } else if (!r.ok()) {
                op.finish(failure(r));
            } else {
                Pending started = new Pending(r.body(), true, sim.now());
                pending[n] = started;
                await(op, started);
            }
        });
    }

    private void release(SimOp op) {
        int n = op.node();
        pending[n] = null;
        getReleasing(op, cur -> {
            if (cur.holder() != n) {
                op.finish(new Done(false));
                return;
            }
            post(op, -1, r -> {
                if (r.status() == 422) {
                    getReleasing(op, s -> op.finish(s.holder() != n ? new Done(false) : refused(r)));
                } else if (!r.ok()) {
                    op.finish(failure(r));
                } else {
                    Pending started = new Pending(r.body(), false, sim.now());
                    pending[n] = started;
                    await(op, started);
                }
            });
        });
    }

    private void handOver(SimOp op, int to) {
        int n = op.node();
        post(op, to, r -> {
            if (r.status() == 422) {
                // done only when the IP is the peer's and no action runs (a GET shows the old holder until the
                // running action completes)
                get(op, s -> op.finish(s.holder() == to && !s.locked() ? new Done(false) : refused(r)));
            } else if (!r.ok()) {
                op.finish(failure(r));
            } else {
                Pending started = new Pending(r.body(), false, sim.now());
                pending[n] = started;
                await(op, started);
            }
        });
    }

    /** Polls the action until it completes or errors, or the provider's action timeout passes. */
    private void await(SimOp op, Pending p) {
        int n = op.node();
        request(op, () -> Reply.ok(status(p.id())), r -> {
            if (!r.ok()) {
                if (!(r.status() == 429 || r.status() >= 500)) {
                    pending[n] = null;
                }
                op.finish(failure(r));
                return;
            }
            switch (r.body()) {
                case COMPLETED -> {
                    pending[n] = null;
                    op.finish(new Done(true));
                }
                case ERRORED -> {
                    pending[n] = null;
                    op.finish(new Failed(Failure.RETRYABLE, "action " + p.id() + " errored"));
                }
                case IN_PROGRESS -> {
                    long poll = sc.api().pollNanos();
                    if (sim.now() + poll > op.startedAt + ACTION_TIMEOUT) {
                        pending[n] = null;
                        op.finish(new Failed(Failure.RETRYABLE, "action " + p.id() + " still in progress"));
                    } else {
                        sim.at(sim.now() + poll, () -> {
                            if (!op.answered) {
                                await(op, p);
                            }
                        });
                    }
                }
            }
        });
    }

    /** The 422 as the provider translates it: a lock is worth another try, anything else is not. */
    private static Failed refused(Reply<?> r) {
        return r.error().contains("pending")
                ? new Failed(Failure.RETRYABLE, "422 " + r.error())
                : new Failed(Failure.FATAL, "422 " + r.error());
    }

    private void current(SimOp op, Snap known, Consumer<Snap> then) {
        if (known != null) {
            then.accept(known);
        } else {
            get(op, then);
        }
    }

    private void get(SimOp op, Consumer<Snap> then) {
        request(op, () -> Reply.ok(new Snap(holder, locked)), r -> {
            if (r.ok()) {
                then.accept(r.body());
            } else {
                op.finish(failure(r));
            }
        });
    }

    /** A release's GET: when it shows the IP elsewhere, the release is decided at that moment (nothing to do). */
    private void getReleasing(SimOp op, Consumer<Snap> then) {
        request(op, () -> {
            if (holder != op.node()) {
                sim.released(op);
            }
            return Reply.ok(new Snap(holder, locked));
        }, r -> {
            if (r.ok()) {
                then.accept(r.body());
            } else {
                op.finish(failure(r));
            }
        });
    }

    /** POST .../actions: assign to {@code target}, or unassign when -1. */
    private void post(SimOp op, int target, Consumer<Reply<Long>> then) {
        request(op, () -> {
            if (locked) {
                return Reply.error(422, "the reserved IP has a pending action");
            }
            if (target >= 0 && holder == target) {
                return Reply.error(422, "already assigned to that droplet");
            }
            if (target < 0 && holder < 0) {
                return Reply.error(422, "not assigned");
            }
            return Reply.ok(start(target, op));
        }, then);
    }

    // ---- the server ----

    private long start(int target, SimOp by) {
        long id = nextAction++;
        Scenario.Api a = sc.api();
        long d = a.minActionNanos() + (long) (rng.nextDouble() * (a.maxActionNanos() - a.minActionNanos()));
        if (faults.actionSlowdownNanos() > 0) {
            d += rng.nextLong(faults.actionSlowdownNanos() + 1);
        }
        boolean errors = faults.actionErrored() > 0 && rng.nextDouble() < faults.actionErrored();
        Action action = new Action(id, target, by, errors);
        actions.put(id, action);
        locked = true;
        sim.at(sim.now() + d, () -> complete(action));
        return id;
    }

    private void complete(Action a) {
        a.done = true;
        locked = false;
        if (!a.errors) {
            int prev = holder;
            holder = a.target;
            sim.written(a.by, prev, a.target, (a.target < 0 ? "unassign" : "assign") + " action " + a.id);
            if (a.target < 0) {
                sim.released(a.by);
            }
        }
    }

    private Status status(long id) {
        Action a = actions.get(id);
        if (a == null || !a.done) {
            return Status.IN_PROGRESS;
        }
        return a.errors ? Status.ERRORED : Status.COMPLETED;
    }

    @Override
    public void restarted(int node) {
        pending[node] = null;
        lastRead[node] = null;
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
        return "reserved IP on " + (holder < 0 ? "nobody" : "n" + holder) + (locked ? " (locked)" : "");
    }
}
