package io.floatd.vrrp.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code floating_ip} keywords every provider shares, typed once, when the block is parsed (issue 18):
 * {@code release yes|no}, {@code recheck_interval S}, {@code warm_interval S}, {@code deadline S},
 * {@code attempt_timeout S}, {@code allow_multicast yes|no}. A bad value is an error of the block in the one parse
 * pass; the takeover reads these values and providers never see the keys. An empty value means "not set": the
 * takeover's default applies.
 *
 * @param release whether leaving MASTER releases the address
 * @param recheckInterval how often a Master re-reads the holder
 * @param warmInterval how often a Backup keeps the API connection warm (zero: off)
 * @param deadline how long a takeover may take, retries included
 * @param attemptTimeout how long one provider call may take
 * @param allowMulticast whether the cloud network carries multicast after all
 */
public record TakeoverKeys(Optional<Boolean> release, Optional<Duration> recheckInterval,
        Optional<Duration> warmInterval, Optional<Duration> deadline, Optional<Duration> attemptTimeout,
        Optional<Boolean> allowMulticast) {

    public static final String ALLOW_MULTICAST = "allow_multicast";
    /** The shared keywords, besides {@code provider}. */
    public static final Set<String> NAMES = Set.of("release", "recheck_interval", "warm_interval", "deadline",
            "attempt_timeout", ALLOW_MULTICAST);
    private static final TakeoverKeys NONE = new TakeoverKeys(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public static TakeoverKeys none() {
        return NONE;
    }

    /**
     * The shared keywords of a block's values.
     *
     * @throws IllegalArgumentException naming the keyword and the value, for the first bad one
     */
    public static TakeoverKeys of(Map<String, String> values) {
        return new TakeoverKeys(
                yesNo(values, "release"),
                duration(values, "recheck_interval", "recheck interval", false),
                duration(values, "warm_interval", "warm interval", true),
                duration(values, "deadline", "deadline", false),
                duration(values, "attempt_timeout", "attempt timeout", false),
                yesNo(values, ALLOW_MULTICAST));
    }

    private static Optional<Boolean> yesNo(Map<String, String> values, String key) {
        String s = values.get(key);
        if (s == null) {
            return Optional.empty();
        }
        return Optional.of(switch (s) {
            case "yes", "true", "on" -> true;
            case "no", "false", "off" -> false;
            default -> throw new IllegalArgumentException(key.equals("release") ? "release must be yes or no, but was " + s
                    : key + " must be yes or no, but was '" + s + "'");
        });
    }

    /** Seconds with up to millisecond precision; positive, or (where {@code zeroOff}) zero to turn it off. */
    private static Optional<Duration> duration(Map<String, String> values, String key, String what, boolean zeroOff) {
        String s = values.get(key);
        if (s == null) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = Duration.ofMillis(new BigDecimal(s).movePointRight(3).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " must be a number of seconds, but was " + s);
        }
        if (d.isNegative() || d.isZero() && !zeroOff) {
            throw new IllegalArgumentException(what + (zeroOff ? " must be zero (off) or positive" : " must be positive")
                    + ", but was " + BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s");
        }
        return Optional.of(d);
    }
}
