package io.floatd.vrrp.takeover;

import java.util.Objects;

/**
 * What the takeover machine knows of its instance and provider; everything that does I/O belongs to the driver.
 *
 * @param instance the vrrp_instance name, for log lines
 * @param policy time limits, backoff, deadline, re-check and warm intervals
 * @param releaseOnLeave leaving MASTER gives the IP up ({@code release yes}, or a Linux VIP)
 * @param acquireChecksHolder the provider's acquire finds out locally what is held: no holder read before it
 * @param handsOver the provider can move the IP to a peer: a Master that steps down to a higher Master's advert
 *     while holding the IP hands it over
 * @param dryRun read, never write
 */
public record TakeoverParams(String instance, TakeoverPolicy policy, boolean releaseOnLeave,
        boolean acquireChecksHolder, boolean handsOver, boolean dryRun) {
    public TakeoverParams {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(policy, "policy");
    }
}
