package io.floatd.vrrp.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When a new Master announces its addresses (gratuitous ARP for IPv4, unsolicited Neighbour Advertisements for
 * IPv6), as keepalived's {@code vrrp_garp_*} global keywords and their per-instance {@code garp_*} forms say.
 *
 * <p>On entering Master: a burst of {@code masterRepeat} announcements, {@code interval} apart; after
 * {@code masterDelay} (zero: never) a second burst like it; then, while still Master, every {@code masterRefresh}
 * (zero: never) a burst of {@code masterRefreshRepeat}.
 *
 * @param masterDelay {@code vrrp_garp_master_delay}; keepalived's default 5 s
 * @param masterRepeat {@code vrrp_garp_master_repeat}; default 5
 * @param masterRefresh {@code vrrp_garp_master_refresh}; default zero (off)
 * @param masterRefreshRepeat {@code vrrp_garp_master_refresh_repeat}; default 1
 * @param interval {@code vrrp_garp_interval}, the gap inside a burst; default zero
 */
public record GarpSettings(Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat,
        Duration interval) {
    public static final Duration MAX_DELAY = Duration.ofDays(1);
    public static final Duration MAX_INTERVAL = Duration.ofSeconds(10);
    public static final int MAX_REPEAT = 1000;
    public static final GarpSettings DEFAULTS = new GarpSettings(Duration.ofSeconds(5), 5, Duration.ZERO, 1, Duration.ZERO);

    public GarpSettings {
        check("garp_master_delay", masterDelay, MAX_DELAY);
        check("garp_master_refresh", masterRefresh, MAX_DELAY);
        check("garp_interval", interval, MAX_INTERVAL);
        checkRepeat("garp_master_repeat", masterRepeat);
        checkRepeat("garp_master_refresh_repeat", masterRefreshRepeat);
    }

    static void check(String keyword, Duration d, Duration max) {
        Objects.requireNonNull(d, keyword);
        if (d.isNegative() || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(keyword + " must be between 0 and " + max.toSeconds() + " seconds, but was "
                    + InstanceRules.seconds(d));
        }
    }

    static void checkRepeat(String keyword, int n) {
        if (n < 1 || n > MAX_REPEAT) {
            throw new IllegalArgumentException(keyword + " must be between 1 and " + MAX_REPEAT + ", but was " + n);
        }
    }

    public GarpSettings withMasterDelay(Duration d) {
        return new GarpSettings(d, masterRepeat, masterRefresh, masterRefreshRepeat, interval);
    }

    public GarpSettings withMasterRepeat(int n) {
        return new GarpSettings(masterDelay, n, masterRefresh, masterRefreshRepeat, interval);
    }

    public GarpSettings withMasterRefresh(Duration d) {
        return new GarpSettings(masterDelay, masterRepeat, d, masterRefreshRepeat, interval);
    }

    public GarpSettings withMasterRefreshRepeat(int n) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, n, interval);
    }

    public GarpSettings withInterval(Duration d) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, d);
    }

    /** A vrrp_instance's own {@code garp_*} lines, each {@code null} when not given; applied over global_defs. */
    record Override(Duration masterDelay, Integer masterRepeat, Duration masterRefresh, Integer masterRefreshRepeat) {
        static final Override NONE = new Override(null, null, null, null);

        Override withMasterDelay(Duration d) {
            GarpSettings.check("garp_master_delay", d, MAX_DELAY);
            return new Override(d, masterRepeat, masterRefresh, masterRefreshRepeat);
        }

        Override withMasterRepeat(int n) {
            GarpSettings.checkRepeat("garp_master_repeat", n);
            return new Override(masterDelay, n, masterRefresh, masterRefreshRepeat);
        }

        Override withMasterRefresh(Duration d) {
            GarpSettings.check("garp_master_refresh", d, MAX_DELAY);
            return new Override(masterDelay, masterRepeat, d, masterRefreshRepeat);
        }

        Override withMasterRefreshRepeat(int n) {
            GarpSettings.checkRepeat("garp_master_refresh_repeat", n);
            return new Override(masterDelay, masterRepeat, masterRefresh, n);
        }

        GarpSettings over(GarpSettings global) {
            return new GarpSettings(
                    masterDelay != null ? masterDelay : global.masterDelay(),
                    masterRepeat != null ? masterRepeat : global.masterRepeat(),
                    masterRefresh != null ? masterRefresh : global.masterRefresh(),
                    masterRefreshRepeat != null ? masterRefreshRepeat : global.masterRefreshRepeat(),
                    global.interval());
        }
    }
}
