package io.floatd.vrrp.provider;

import java.time.Duration;

/**
 * The asynchronous action (an assign, an unassign) a cloud provider has started and not yet seen finish, and its
 * polling until it succeeds, fails or the deadline passes (DigitalOcean's and Hetzner's IPs move so). The provider
 * keeps the one it started, so that an attempt its orchestrator cut short is followed, not sent again, by the next.
 * Not thread-safe: the provider calls it under its own lock.
 *
 * @param <A> the cloud's action
 */
public final class ActionPoll<A extends ActionPoll.Action> {

    /** An action as the cloud shows it: what it is doing, and whether it is over. */
    public interface Action {
        /** The cloud's word for its state ({@code in-progress}, {@code running}, ...), for messages. */
        String status();

        boolean succeeded();

        boolean failed();
    }

    /** An action this node started: {@code target} is where it sends the IP (an assign's droplet or server). */
    public record Pending(long actionId, String what, long target, long startedNanos) {
    }

    /** One read of the action {@code p}, one HTTP request. */
    @FunctionalInterface
    public interface Read<A> {
        A read(Pending p) throws CloudApiError;
    }

    /** The provider's one line for a failed read of the action {@code p}. */
    @FunctionalInterface
    public interface Translate {
        ProviderException translate(CloudApiError e, Pending p);
    }

    /** How the provider says that the action failed: {@code errored at DigitalOcean (droplet 123)}. */
    @FunctionalInterface
    public interface Failure<A> {
        String describe(Pending p, A a);
    }

    private final String provider;
    private final String named;
    private final Duration actionTimeout;
    private final Duration pollInterval;
    private final RateLimitedCalls calls;
    private final Read<A> read;
    private final Translate translate;
    private final Failure<A> failure;
    private Pending pending;

    /**
     * @param named the IP, for messages ({@code reserved IP 203.0.113.50})
     * @param actionTimeout how long a pending action is worth following, and how long a poll may take
     */
    public ActionPoll(String provider, String named, Duration actionTimeout, Duration pollInterval,
            RateLimitedCalls calls, Read<A> read, Translate translate, Failure<A> failure) {
        this.provider = provider;
        this.named = named;
        this.actionTimeout = actionTimeout;
        this.pollInterval = pollInterval;
        this.calls = calls;
        this.read = read;
        this.translate = translate;
        this.failure = failure;
    }

    /** The action started and not seen finish, or null. */
    public Pending pending() {
        return pending;
    }

    /** The pending action when it sends the IP to {@code target} and started within the action timeout, else null. */
    public Pending recent(long target) {
        Pending p = pending;
        return p != null && p.target() == target && System.nanoTime() - p.startedNanos() < actionTimeout.toNanos()
                ? p : null;
    }

    /** Forgets the pending action: what comes next is judged by a fresh read. */
    public void forget() {
        pending = null;
    }

    /** Keeps the action just started as the pending one. */
    public Pending start(long actionId, String what, long target) {
        pending = new Pending(actionId, what, target, System.nanoTime());
        return pending;
    }

    /** One read of the action {@code p}; a failed action, or an answer not worth retrying, forgets it. */
    public A once(Pending p, long deadline) throws ProviderException {
        try {
            A a = calls.call(() -> read.read(p), deadline);
            if (a.failed()) {
                pending = null;
            }
            return a;
        } catch (CloudApiError e) {
            if (!e.transientFailure()) {
                pending = null;
            }
            throw translate.translate(e, p);
        }
    }

    /** Polls the action until it succeeds (returns) or fails, or the deadline passes (throws, retryable). */
    public void await(Pending p, long deadline) throws ProviderException {
        while (true) {
            A a = once(p, deadline);
            if (a.succeeded()) {
                pending = null;
                return;
            }
            if (a.failed()) {
                pending = null;
                throw new ProviderException(provider + ": the " + p.what() + " action " + p.actionId() + " of " + named
                        + " " + failure.describe(p, a) + "; trying again", true);
            }
            if (System.nanoTime() + pollInterval.toNanos() > deadline) {
                pending = null;
                throw new ProviderException(provider + ": the " + p.what() + " action " + p.actionId() + " of " + named
                        + " was still " + a.status() + " after " + actionTimeout.toMillis() + " ms", true);
            }
            calls.sleep(pollInterval, "waiting for the " + p.what() + " action " + p.actionId());
        }
    }
}
