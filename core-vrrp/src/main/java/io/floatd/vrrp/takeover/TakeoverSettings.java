package io.floatd.vrrp.takeover;

import io.floatd.vrrp.config.FloatingIpBlocks;
import io.floatd.vrrp.config.FloatingIpSettings;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.TakeoverKeys;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code floating_ip { }} keywords that every provider shares, read into a {@link TakeoverPolicy}:
 * {@code release yes|no}, {@code recheck_interval S}, {@code warm_interval S}, {@code deadline S},
 * {@code attempt_timeout S}, typed when the block is parsed ({@link TakeoverKeys}).
 * Providers are handed the block without them.
 */
public final class TakeoverSettings {
    /** The keywords of a block that are not its provider's: {@code provider} and the shared ones. */
    public static final Set<String> KEYS = Stream.concat(Stream.of("provider"), TakeoverKeys.NAMES.stream())
            .collect(Collectors.toUnmodifiableSet());

    private TakeoverSettings() {
    }

    /**
     * What moves the instance's addresses, one entry per provider to run: its {@code floating_ip} blocks in file
     * order; without one, a plain virtual_ipaddress list is a Linux VIP (an empty block at the instance's file:line);
     * nothing to move is an empty list.
     */
    public static List<FloatingIpSettings> blocks(InstanceConfig ic) {
        if (!ic.floatingIps().isEmpty()) {
            return ic.floatingIps();
        }
        return ic.heldAddresses().isEmpty() ? List.of() : List.of(new FloatingIpSettings(Map.of(), ic.file(), ic.line()));
    }

    /**
     * How the block is named in log lines, timelines and status: the instance's name alone when it has one block
     * (as before several were possible), else the name and the address the block moves (its provider when it names
     * none, e.g. {@code VI_1 linux-l2}).
     */
    public static String label(InstanceConfig ic, FloatingIpSettings block) {
        if (blocks(ic).size() <= 1) {
            return ic.name();
        }
        return ic.name() + " " + block.address().orElseGet(() -> FloatingIpBlocks.provider(block));
    }

    /** The block's address for status and metrics: its address or allocation id, else its provider's name. */
    public static String address(FloatingIpSettings block, String providerName) {
        return block.address().orElse(providerName);
    }

    /** The policy the instance's only block asks for (see {@link #policy(InstanceConfig, FloatingIpSettings)}). */
    public static TakeoverPolicy policy(InstanceConfig ic) {
        return policy(ic, only(ic));
    }

    /**
     * The policy a block asks for: its shared keywords, typed when the block was parsed, over the defaults.
     *
     * @throws IllegalArgumentException naming the block's file:line, for a value the policy refuses
     */
    public static TakeoverPolicy policy(InstanceConfig ic, FloatingIpSettings f) {
        TakeoverKeys k = f.takeover();
        // two of the instance's advert intervals: see TakeoverPolicy.DEFAULT_HAND_OVER_GRACE
        TakeoverPolicy.Builder b = TakeoverPolicy.custom()
                .handOverGrace(Duration.ofMillis(20L * ic.advertIntervalCentis()));
        try {
            k.release().ifPresent(b::releaseOnLeave);
            k.recheckInterval().ifPresent(b::recheckInterval);
            k.warmInterval().ifPresent(b::warmInterval);
            k.deadline().ifPresent(b::deadline);
            k.attemptTimeout().ifPresent(b::attemptTimeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.file() + ":" + f.line() + ": vrrp_instance " + ic.name()
                    + ": floating_ip: " + e.getMessage(), e);
        }
        return b.build();
    }

    /**
     * Which provider moves a block's address: {@code --provider} wins, for every block, then the block's
     * {@code provider}, then linux-l2.
     */
    public static String providerName(FloatingIpSettings block, String override) {
        return override != null ? override : FloatingIpBlocks.provider(block);
    }

    /** The keywords of the instance's only block that belong to the provider. */
    public static Map<String, String> providerSettings(InstanceConfig ic) {
        return providerSettings(only(ic));
    }

    /** The block's keywords that belong to the provider. */
    public static Map<String, String> providerSettings(FloatingIpSettings block) {
        return block.providerValues();
    }

    /** The instance's one block (empty when it has none); several are a caller's mistake: it must pick one. */
    private static FloatingIpSettings only(InstanceConfig ic) {
        List<FloatingIpSettings> all = ic.floatingIps();
        if (all.size() > 1) {
            throw new IllegalStateException("vrrp_instance " + ic.name() + " has " + all.size()
                    + " floating_ip blocks: name the block");
        }
        return all.isEmpty() ? FloatingIpSettings.empty() : all.getFirst();
    }
}
