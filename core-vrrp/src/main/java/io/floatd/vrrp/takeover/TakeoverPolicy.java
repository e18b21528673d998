package io.floatd.vrrp.takeover;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the orchestrator tries to move an IP: per-call time limit, exponential backoff with full jitter,
 * an overall deadline per takeover, the holder re-check while Master, the holder read that keeps the client warm
 * while not Master, and whether leaving Master releases.
 * Immutable; built with {@link #custom()}.
 */
public final class TakeoverPolicy {
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(10);
    /**
     * Below the idle time after which the HTTP clients (AWS: 50 s) and typical API front ends close a connection,
     * so a Backup's first call after an election finds its connection open.
     */
    public static final Duration DEFAULT_WARM_INTERVAL = Duration.ofSeconds(20);
    /** The breaker judges the last this-many calls, and only once it has seen that many. */
    public static final int DEFAULT_BREAKER_MINIMUM_CALLS = 10;
    /**
     * Percent of the last {@link #DEFAULT_BREAKER_MINIMUM_CALLS} calls that must have failed for the breaker to open:
     * all of them. A flaky API (throttling, 5xx, time-outs on half of all calls) is still called, since every second
     * call gets through and a takeover needs only a few; only an API that answers nothing at all is left alone for
     * {@link #DEFAULT_BREAKER_OPEN}. At 50 %, a takeover against such a flaky API found the breaker open and lost
     * its chances for seconds at a time.
     */
    public static final float DEFAULT_BREAKER_FAILURE_RATE = 100f;
    public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(5);
    /**
     * How long a node that stepped down to a higher Master's advert, holding the IP, leaves that Master to take it
     * before handing it over: two advert intervals at keepalived's default {@code advert_int 1}. A Master that has
     * just preempted takes the IP itself in that time, and no second write crosses its own; a Master that never heard
     * this node (a heal that opens its direction first) gets the IP within Master_Down_Interval plus a round trip.
     */
    public static final Duration DEFAULT_HAND_OVER_GRACE = Duration.ofSeconds(2);

    private final Duration attemptTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration deadline;
    private final Duration recheckInterval;
    private final Duration warmInterval;
    private final Boolean releaseOnLeave;
    private final int breakerMinimumCalls;
    private final float breakerFailureRate;
    private final Duration breakerOpen;
    private final Duration handOverGrace;

    private TakeoverPolicy(Builder b) {
        this.attemptTimeout = b.attemptTimeout;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.deadline = b.deadline;
        this.recheckInterval = b.recheckInterval;
        this.warmInterval = b.warmInterval;
        this.releaseOnLeave = b.releaseOnLeave;
        this.breakerMinimumCalls = b.breakerMinimumCalls;
        this.breakerFailureRate = b.breakerFailureRate;
        this.breakerOpen = b.breakerOpen;
        this.handOverGrace = b.handOverGrace;
    }

    public static TakeoverPolicy defaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public Duration deadline() {
        return deadline;
    }

    public Duration recheckInterval() {
        return recheckInterval;
    }

    /** How often a node that is not Master reads the holder (keeps the client warm); zero: never. */
    public Duration warmInterval() {
        return warmInterval;
    }

    /** Explicitly configured release-on-leave, or null for the provider's own default. */
    public Boolean releaseOnLeave() {
        return releaseOnLeave;
    }

    public int breakerMinimumCalls() {
        return breakerMinimumCalls;
    }

    public float breakerFailureRate() {
        return breakerFailureRate;
    }

    public Duration breakerOpen() {
        return breakerOpen;
    }

    /** How long a node that stepped down holding the IP waits for the new Master to take it before handing it over. */
    public Duration handOverGrace() {
        return handOverGrace;
    }

    /** This policy with another hand-over grace (the daemon's and the simulation's: two of the instance's adverts). */
    public TakeoverPolicy withHandOverGrace(Duration grace) {
        Builder b = new Builder();
        b.attemptTimeout = attemptTimeout;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.deadline = deadline;
        b.recheckInterval = recheckInterval;
        b.warmInterval = warmInterval;
        b.releaseOnLeave = releaseOnLeave;
        b.breakerMinimumCalls = breakerMinimumCalls;
        b.breakerFailureRate = breakerFailureRate;
        b.breakerOpen = breakerOpen;
        return b.handOverGrace(grace).build();
    }

    public static final class Builder {
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration deadline = DEFAULT_DEADLINE;
        private Duration recheckInterval = DEFAULT_RECHECK_INTERVAL;
        private Duration warmInterval = DEFAULT_WARM_INTERVAL;
        private Boolean releaseOnLeave;
        private int breakerMinimumCalls = DEFAULT_BREAKER_MINIMUM_CALLS;
        private float breakerFailureRate = DEFAULT_BREAKER_FAILURE_RATE;
        private Duration breakerOpen = DEFAULT_BREAKER_OPEN;
        private Duration handOverGrace = DEFAULT_HAND_OVER_GRACE;

        public Builder attemptTimeout(Duration d) {
            this.attemptTimeout = positive("attempt timeout", d);
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive("initial backoff", initial);
            this.maxBackoff = positive("max backoff", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff must be at least the initial backoff " + initial + ", but was " + max);
            }
            return this;
        }

        public Builder deadline(Duration d) {
            this.deadline = positive("deadline", d);
            return this;
        }

        public Builder recheckInterval(Duration d) {
            this.recheckInterval = positive("recheck interval", d);
            return this;
        }

        /** Zero turns the reads off. */
        public Builder warmInterval(Duration d) {
            Objects.requireNonNull(d, "warm interval");
            if (d.isNegative()) {
                throw new IllegalArgumentException("warm interval must be zero (off) or positive, but was " + seconds(d));
            }
            this.warmInterval = d;
            return this;
        }

        public Builder releaseOnLeave(Boolean release) {
            this.releaseOnLeave = release;
            return this;
        }

        public Builder circuitBreaker(int minimumCalls, float failureRatePercent, Duration open) {
            if (minimumCalls < 1) {
                throw new IllegalArgumentException("circuit breaker minimum calls must be at least 1, but was " + minimumCalls);
            }
            if (failureRatePercent <= 0 || failureRatePercent > 100) {
                throw new IllegalArgumentException("circuit breaker failure rate must be in (0, 100], but was " + failureRatePercent);
            }
            this.breakerMinimumCalls = minimumCalls;
            this.breakerFailureRate = failureRatePercent;
            this.breakerOpen = positive("circuit breaker open duration", open);
            return this;
        }

        /** Zero hands over at once. */
        public Builder handOverGrace(Duration d) {
            Objects.requireNonNull(d, "hand-over grace");
            if (d.isNegative()) {
                throw new IllegalArgumentException("hand-over grace must be zero or positive, but was " + seconds(d));
            }
            this.handOverGrace = d;
            return this;
        }

        public TakeoverPolicy build() {
            return new TakeoverPolicy(this);
        }

        private static String seconds(Duration d) {
            return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, but was " + seconds(d));
            }
            return d;
        }
    }
}
