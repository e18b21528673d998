package io.floatd.vrrp.codec;

import io.floatd.vrrp.log.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Where every rung of the receive ladder reports a dropped packet: the drop is counted under its {@link DropReason}
 * in the daemon's {@link DropCounters}, and a warning is logged at most once per reason per 10 s, shaped
 * {@code VRRP_Instance(VI_1) dropped advert from 10.0.0.2 (bad_ttl): ttl: 64 (expected: 255) [3 dropped for this
 * reason so far]}. The socket readers, the UDP transport's HMAC and counter rungs and the AH transport's ICV and
 * sequence rungs each keep one, over the same counters.
 */
public final class DropLog {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final DropCounters counters;
    private final String kind;
    private final EnumMap<DropReason, RateLimitedLog> lines = new EnumMap<>(DropReason.class);

    /** @param kind what the log calls the packets, before "advert": {@code ""}, {@code "udp "}, {@code "AH "} */
    public DropLog(DropCounters counters, String kind) {
        this(counters, kind, LOG, System::nanoTime);
    }

    /** With the logger and the clock given: for tests. */
    DropLog(DropCounters counters, String kind, System.Logger log, LongSupplier nanoTime) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.kind = Objects.requireNonNull(kind, "kind");
        for (DropReason reason : DropReason.values()) {
            lines.put(reason, new RateLimitedLog(log, INTERVAL, nanoTime));
        }
    }

    public DropCounters counters() {
        return counters;
    }

    /**
     * Counts one packet dropped for {@code reason} and logs it unless this reason was logged in the last 10 s.
     *
     * @param detail what failed, shaped {@code what: actual (expected: x)}
     * @param source the sender's address as the caller's other log lines write it
     * @param instance the instance the packet was for, or null when no instance was found yet
     */
    public void drop(DropReason reason, String detail, String source, String instance) {
        counters.increment(reason);
        String who = instance == null || instance.isEmpty() ? "" : "VRRP_Instance(" + instance + ") ";
        lines.get(reason).log(Level.WARNING, "{0}dropped {1}advert from {2} ({3}): {4} [{5} dropped for this reason so far]",
                who, kind, source, reason.metricName(), detail, counters.count(reason));
    }
}
