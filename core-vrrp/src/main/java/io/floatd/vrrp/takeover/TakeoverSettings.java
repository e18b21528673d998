package io.floatd.vrrp.takeover;

import io.floatd.vrrp.config.FloatingIpSettings;
import io.floatd.vrrp.config.InstanceConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code floating_ip { }} keywords that every provider shares, read into a {@link TakeoverPolicy}:
 * {@code release yes|no}, {@code recheck_interval S}, {@code warm_interval S}, {@code deadline S},
 * {@code attempt_timeout S}.
 * Providers are handed the block without them.
 */
public final class TakeoverSettings {
    public static final Set<String> KEYS = Set.of("provider", "release", "recheck_interval", "warm_interval", "deadline",
            "attempt_timeout", CloudMulticast.KEY);

    private TakeoverSettings() {
    }

    /** The policy the instance's block asks for; a bad value names the block's file:line. */
    public static TakeoverPolicy policy(InstanceConfig ic) {
        FloatingIpSettings f = ic.floatingIp();
        Map<String, String> v = f.values();
        // two of the instance's advert intervals: see TakeoverPolicy.DEFAULT_HAND_OVER_GRACE
        TakeoverPolicy.Builder b = TakeoverPolicy.custom()
                .handOverGrace(Duration.ofMillis(20L * ic.advertIntervalCentis()));
        try {
            if (v.containsKey("release")) {
                b.releaseOnLeave(yesNo(v.get("release")));
            }
            if (v.containsKey("recheck_interval")) {
                b.recheckInterval(seconds("recheck_interval", v.get("recheck_interval")));
            }
            if (v.containsKey("warm_interval")) {
                b.warmInterval(seconds("warm_interval", v.get("warm_interval")));
            }
            if (v.containsKey("deadline")) {
                b.deadline(seconds("deadline", v.get("deadline")));
            }
            if (v.containsKey("attempt_timeout")) {
                b.attemptTimeout(seconds("attempt_timeout", v.get("attempt_timeout")));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.file() + ":" + f.line() + ": vrrp_instance " + ic.name()
                    + ": floating_ip: " + e.getMessage(), e);
        }
        return b.build();
    }

    /**
     * Which provider moves the instance's IP: {@code --provider} wins, then {@code floating_ip { provider }}; a
     * plain virtual_ipaddress list means a Linux VIP; nothing to move means no provider.
     */
    public static java.util.Optional<String> providerName(InstanceConfig ic, String override) {
        boolean somethingToMove = !ic.heldAddresses().isEmpty() || !ic.floatingIp().isEmpty();
        if (!somethingToMove) {
            return java.util.Optional.empty();
        }
        if (override != null) {
            return java.util.Optional.of(override);
        }
        return ic.floatingIp().provider().or(() -> java.util.Optional.of("linux-l2"));
    }

    /** The block's keywords that belong to the provider. */
    public static Map<String, String> providerSettings(InstanceConfig ic) {
        Map<String, String> out = new LinkedHashMap<>(ic.floatingIp().values());
        out.keySet().removeAll(KEYS);
        return out;
    }

    private static boolean yesNo(String s) {
        return switch (s) {
            case "yes", "true", "on" -> true;
            case "no", "false", "off" -> false;
            default -> throw new IllegalArgumentException("release must be yes or no, but was " + s);
        };
    }

    private static Duration seconds(String key, String s) {
        try {
            BigDecimal secs = new BigDecimal(s);
            return Duration.ofMillis(secs.movePointRight(3).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " must be a number of seconds, but was " + s);
        }
    }
}
