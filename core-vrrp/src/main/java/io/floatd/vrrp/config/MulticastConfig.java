package io.floatd.vrrp.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The handlers' rules for the multicast keywords, as keepalived 2.2.7 reads them. Where keepalived reports a bad
 * value, skips it and runs on ("Skipping...", "ignoring", "deprecated"), floatd does the same with a warning at
 * the line: the daemon behaves as keepalived's does with that file.
 */
final class MulticastConfig {
    private MulticastConfig() {
    }

    static final String UNICAST_WITHOUT_PEERS = "a unicast keyword (unicast_src_ip, unicast_peer) without any unicast peer:"
            + " VRRP runs over multicast, as keepalived 2.2.7 does (it calls this deprecated); list the peers for"
            + " unicast, or use mcast_src_ip for the source address";

    /** A value or the warning that says why it was skipped. */
    record Read(InetAddress group, String warning) {
        void ifPresent(Consumer<InetAddress> use, Consumer<String> warn) {
            if (group != null) {
                use.accept(group);
            }
            if (warning != null) {
                warn.accept(warning);
            }
        }
    }

    /**
     * {@code vrrp_mcast_group4 ADDR} / {@code vrrp_mcast_group6 ADDR}: a multicast address of the keyword's family,
     * else skipped (the RFC's group stays). A group6 beyond the link is kept with a warning, as keepalived does.
     */
    static Read globalGroup(String keyword, String value, boolean ipv6) {
        InetAddress group;
        try {
            group = Values.address(keyword, value);
        } catch (Syntax.ConfigProblem e) {
            return new Read(null, e.getMessage() + "; skipped, as keepalived does");
        }
        if ((group instanceof Inet6Address) != ipv6) {
            return new Read(null, keyword + " " + value + " is not " + (ipv6 ? "IPv6" : "IPv4") + "; skipped, as keepalived does");
        }
        if (!group.isMulticastAddress()) {
            return new Read(null, keyword + " " + value + " is not a multicast address; skipped, as keepalived does");
        }
        if (ipv6 && !group.isMCLinkLocal()) {
            return new Read(group, keyword + " " + value + " should be link-local multicast (ff02::/16): VRRP adverts"
                    + " stay on the link (RFC 5798 §5.1.2.2)");
        }
        return new Read(group, null);
    }

    /** {@code mcast_dst_ip ADDR}: IPv4 multicast, or IPv6 link-local multicast; else skipped (keepalived: "Skipping..."). */
    static Optional<String> instanceGroupProblem(InetAddress group) {
        return MulticastSettings.groupProblem("mcast_dst_ip", group).map(message -> message + "; skipped, as keepalived does");
    }

    /** A line skipped because an earlier one set the instance's other family. */
    static String otherFamily(String what, InetAddress address, boolean ipv6, String from) {
        return what + " " + Addresses.format(address) + " is " + InstanceRules.family(address) + ", but the instance is "
                + (ipv6 ? "IPv6" : "IPv4") + from + "; skipped, as keepalived does (\"MUST match VRRP instance family\")";
    }

    /** Whether {@code skip_check_adv_addr} is set, and a warning. */
    record SkipCheck(boolean set, Optional<String> warning) {
    }

    /**
     * {@code skip_check_adv_addr [BOOL]}: keepalived 2.2.7 sets the flag with no value and with any value its
     * {@code check_true_false} reads (true/on/yes, false/off/no, exact case: its handler only tests that the word
     * parses), and reports any other word and leaves the flag unset.
     */
    static SkipCheck skipCheckAdvAddr(List<String> args) {
        if (args.isEmpty()) {
            return new SkipCheck(true, Optional.empty());
        }
        return switch (args.getFirst()) {
            case "true", "yes", "on" -> new SkipCheck(true, Optional.empty());
            case "false", "no", "off" -> new SkipCheck(true, Optional.of("skip_check_adv_addr " + args.getFirst()
                    + " still skips the check: keepalived 2.2.7 sets it for any true/false value, and floatd does the same;"
                    + " remove the line to keep the check"));
            default -> new SkipCheck(false, Optional.of("skip_check_adv_addr must be true or false, but was '"
                    + args.getFirst() + "'; not set, as keepalived does"));
        };
    }
}
