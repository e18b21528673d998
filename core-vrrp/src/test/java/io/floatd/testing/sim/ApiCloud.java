package io.floatd.testing.sim;

import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverEvent;
import io.floatd.vrrp.takeover.TakeoverEvent.Failure;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A cloud behind an HTTP API: one request at a time per operation, each handled by the server at a random point
 * within its round trip, its answer arriving at the end of the round trip, unless the API's {@link ApiFaults} say
 * otherwise.
 */
abstract class ApiCloud implements SimCloud {
    /**
     * A write that was never answered is handled by the server at the latest this long after the driver's attempt
     * timeout (the request sat in a queue, or its answer was lost): "carried out later by the API", but not for ever.
     * The settle bound counts it.
     */
    static final long LATE_APPLY = Scenario.S;
    /**
     * Under faults, this share of requests takes a long round trip, up to twice the attempt timeout: the driver's
     * time limit, not the API, ends those calls (and the server may handle them before or after it does).
     */
    static final double SLOW_SHARE = 0.05;

    protected final Simulation sim;
    protected final SplittableRandom rng;
    protected final Scenario sc;
    protected ApiFaults faults = ApiFaults.NONE;

    ApiCloud(Simulation sim, SplittableRandom rng, Scenario sc) {
        this.sim = sim;
        this.rng = rng;
        this.sc = sc;
    }

    /** An HTTP answer: a status, and a body when it is 2xx. */
    record Reply<T>(int status, T body, String error) {
        static <T> Reply<T> ok(T body) {
            return new Reply<>(200, body, "");
        }

        static <T> Reply<T> error(int status, String error) {
            return new Reply<>(status, null, error);
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** What the server does with a request when it handles it. */
    interface Server<T> {
        Reply<T> handle();
    }

    @Override
    public void faults(ApiFaults f) {
        this.faults = f;
    }

    @Override
    public boolean apiHealthy() {
        return faults.healthy();
    }

    @Override
    public final boolean releasesByDefault() {
        return false;
    }

    @Override
    public final boolean acquireChecksHolder() {
        return false;
    }

    @Override
    public final boolean handsOver() {
        return true;
    }

    /** One request of {@code op}: the server handles it (maybe), and {@code then} gets the answer (maybe). */
    protected final <T> void request(SimOp op, Server<T> server, Consumer<Reply<T>> then) {
        long now = sim.now();
        long rtt = latency();
        ApiFaults.Fault f = faults.pick(rng);
        switch (f) {
            case NONE, ERROR_5XX_APPLIED, LOST_RESPONSE -> {
                long handledAt = now + (long) (rng.nextDouble() * rtt);
                Box<T> box = new Box<>();
                sim.at(handledAt, () -> box.reply = server.handle());
                if (f == ApiFaults.Fault.NONE) {
                    sim.at(now + rtt, () -> answer(op, box.reply, then));
                } else if (f == ApiFaults.Fault.ERROR_5XX_APPLIED) {
                    sim.at(now + rtt, () -> answer(op, Reply.error(503, "5xx (the write was applied)"), then));
                }
            }
            case THROTTLE -> sim.at(now + rtt, () -> answer(op, Reply.error(429, "throttled"), then));
            case ERROR_5XX -> sim.at(now + rtt, () -> answer(op, Reply.error(500, "5xx"), then));
            case TIMEOUT -> { }
            case TIMEOUT_APPLIED -> {
                long window = sc.policy().attemptTimeout().toNanos() + LATE_APPLY;
                sim.at(now + (long) (rng.nextDouble() * window), server::handle);
            }
        }
    }

    private static <T> void answer(SimOp op, Reply<T> reply, Consumer<Reply<T>> then) {
        if (!op.answered) {
            then.accept(reply);
        }
    }

    /** The operation ends now (no request: the provider decides locally). */
    protected final void immediately(SimOp op, TakeoverEvent.Outcome o) {
        sim.at(sim.now(), () -> op.finish(o));
    }

    protected final long latency() {
        Scenario.Api a = sc.api();
        long l = a.minLatencyNanos() + (long) (rng.nextDouble() * (a.maxLatencyNanos() - a.minLatencyNanos()));
        if (faults.total() > 0 && rng.nextDouble() < SLOW_SHARE) {
            l += (long) (rng.nextDouble() * 2 * sc.policy().attemptTimeout().toNanos());
        }
        return l;
    }

    /** How the provider reports a failed request: throttling and 5xx are worth another try. */
    protected static TakeoverEvent.Failed failure(Reply<?> r) {
        return new TakeoverEvent.Failed(Failure.RETRYABLE, r.status() + " " + r.error());
    }

    /** The holder as {@code reader}'s provider classifies it. */
    protected final Holder classify(int reader, int holder) {
        if (holder < 0) {
            return Holder.nobody();
        }
        if (holder == reader) {
            return Holder.self(id(holder));
        }
        return sc.peersRecognised() ? Holder.peer(id(holder)) : Holder.other(id(holder));
    }

    /** The holder's cloud identity (instance id, droplet id). */
    abstract String id(int node);

    private static final class Box<T> {
        Reply<T> reply;
    }
}
