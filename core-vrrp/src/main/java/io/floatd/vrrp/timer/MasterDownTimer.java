package io.floatd.vrrp.timer;

/**
 * The Backup's timer formulas. Computed in nanoseconds without rounding to whole centiseconds, so a
 * failover can be predicted to the millisecond (keepalived likewise keeps microseconds).
 *
 * <ul>
 *   <li>VRRPv2 (RFC 3768 §6.1): Skew_Time = (256 - Priority) / 256 seconds;
 *       Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time.</li>
 *   <li>VRRPv3 (RFC 5798 §6.1): Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256;
 *       Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time, where Master_Adver_Interval is
 *       learned from the Master's advertisements.</li>
 * </ul>
 */
public final class MasterDownTimer {
    public static final long NANOS_PER_CENTISECOND = 10_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private MasterDownTimer() {
    }

    public static long centisToNanos(int centis) {
        return centis * NANOS_PER_CENTISECOND;
    }

    /** Skew_Time for a local priority of 1..255 (priority 0 is never local). */
    public static long skewTimeNanos(int version, int priority, int masterAdverIntervalCentis) {
        requirePriority(priority);
        if (version == 2) {
            return (256L - priority) * NANOS_PER_SECOND / 256;
        }
        return (256L - priority) * centisToNanos(masterAdverIntervalCentis) / 256;
    }

    /** Master_Down_Interval for a local priority and the (v2: own, v3: learned) advertisement interval. */
    public static long masterDownIntervalNanos(int version, int priority, int masterAdverIntervalCentis) {
        return 3 * centisToNanos(masterAdverIntervalCentis) + skewTimeNanos(version, priority, masterAdverIntervalCentis);
    }

    private static void requirePriority(int priority) {
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority must be between 1 and 255, but was " + priority);
        }
    }
}
