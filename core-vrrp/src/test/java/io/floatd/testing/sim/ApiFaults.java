package io.floatd.testing.sim;

import java.util.SplittableRandom;

/**
 * What a cloud API does wrong, as a share of all requests, and how stale its reads may be. {@link #NONE}: a healthy
 * API. Each request draws at most one fault.
 *
 * @param throttle answered 429 at once; nothing applied
 * @param error5xx answered 5xx; the write was not applied
 * @param error5xxApplied answered 5xx although the write was applied
 * @param timeout never answered (the driver's attempt timeout ends the call); not applied
 * @param timeoutApplied never answered, yet applied, possibly after the driver gave up on it (up to
 *     {@link ApiCloud#LATE_APPLY} past the attempt timeout)
 * @param lostResponse applied within its latency; the answer is lost (the driver times out)
 * @param lagNanos read-after-write lag (EC2): a read may see the register as it was up to this long ago
 * @param actionErrored DigitalOcean: an action ends {@code errored} instead of {@code completed}
 * @param actionSlowdownNanos DigitalOcean: actions take up to this much longer than usual
 */
public record ApiFaults(double throttle, double error5xx, double error5xxApplied, double timeout,
        double timeoutApplied, double lostResponse, long lagNanos, double actionErrored, long actionSlowdownNanos) {

    public static final ApiFaults NONE = new ApiFaults(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** What happens to one request. */
    enum Fault { NONE, THROTTLE, ERROR_5XX, ERROR_5XX_APPLIED, TIMEOUT, TIMEOUT_APPLIED, LOST_RESPONSE }

    public boolean healthy() {
        return throttle == 0 && error5xx == 0 && error5xxApplied == 0 && timeout == 0 && timeoutApplied == 0
                && lostResponse == 0 && lagNanos == 0 && actionErrored == 0 && actionSlowdownNanos == 0;
    }

    double total() {
        return throttle + error5xx + error5xxApplied + timeout + timeoutApplied + lostResponse;
    }

    /** One draw (no draw at all when no request fault is configured, so a healthy API costs no randomness). */
    Fault pick(SplittableRandom rng) {
        double t = total();
        if (t == 0) {
            return Fault.NONE;
        }
        double x = rng.nextDouble();
        if ((x -= throttle) < 0) {
            return Fault.THROTTLE;
        }
        if ((x -= error5xx) < 0) {
            return Fault.ERROR_5XX;
        }
        if ((x -= error5xxApplied) < 0) {
            return Fault.ERROR_5XX_APPLIED;
        }
        if ((x -= timeout) < 0) {
            return Fault.TIMEOUT;
        }
        if ((x -= timeoutApplied) < 0) {
            return Fault.TIMEOUT_APPLIED;
        }
        if ((x -= lostResponse) < 0) {
            return Fault.LOST_RESPONSE;
        }
        return Fault.NONE;
    }

    @Override
    public String toString() {
        if (healthy()) {
            return "healthy";
        }
        StringBuilder b = new StringBuilder();
        part(b, "429", throttle);
        part(b, "5xx", error5xx);
        part(b, "5xx-applied", error5xxApplied);
        part(b, "timeout", timeout);
        part(b, "timeout-applied", timeoutApplied);
        part(b, "lost-response", lostResponse);
        part(b, "action-errored", actionErrored);
        if (lagNanos > 0) {
            b.append(" lag<=").append(lagNanos / 1_000_000).append("ms");
        }
        if (actionSlowdownNanos > 0) {
            b.append(" slow-actions+").append(actionSlowdownNanos / 1_000_000).append("ms");
        }
        return b.toString().trim();
    }

    private static void part(StringBuilder b, String name, double share) {
        if (share > 0) {
            b.append(' ').append(name).append('=').append(Math.round(share * 100)).append('%');
        }
    }
}
