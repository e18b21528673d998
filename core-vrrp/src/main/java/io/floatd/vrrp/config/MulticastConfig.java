package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** The handlers' rules for the multicast keywords, as keepalived 2.2.7 reads them. */
final class MulticastConfig {
    private MulticastConfig() {
    }

    static final String UNICAST_WITHOUT_PEERS = "a unicast keyword (unicast_src_ip, unicast_peer) without any unicast peer:"
            + " keepalived 2.2.7 falls back to multicast and calls it deprecated (keepalived -t fails); list the peers,"
            + " or remove it for multicast (mcast_src_ip sets the source address)";

    /** {@code vrrp_mcast_group4 ADDR} / {@code vrrp_mcast_group6 ADDR}: a multicast address of the keyword's family. */
    static InetAddress globalGroup(String keyword, String value, boolean ipv6) {
        InetAddress group = ConfigParser.address(keyword, value);
        if ((group instanceof Inet6Address) != ipv6) {
            throw new ConfigProblem(keyword + " " + value + " is not " + (ipv6 ? "IPv6" : "IPv4"));
        }
        if (!group.isMulticastAddress()) {
            throw new ConfigProblem(keyword + " " + value + " is not a multicast address");
        }
        // keepalived only warns, but its -t then fails the file; and VRRP never leaves the link (RFC 5798 §5.1.2.2)
        if (ipv6 && !group.isMCLinkLocal()) {
            throw new ConfigProblem(keyword + " " + value + " should be link-local multicast (ff02::/16);"
                    + " keepalived -t refuses the file too");
        }
        return group;
    }

    /** {@code mcast_dst_ip ADDR}: IPv4 multicast, or IPv6 link-local multicast. */
    static InetAddress instanceGroup(InetAddress group) {
        MulticastSettings.groupProblem("mcast_dst_ip", group).ifPresent(message -> {
            throw new ConfigProblem(message);
        });
        return group;
    }

    /**
     * {@code skip_check_adv_addr [BOOL]}: keepalived 2.2.7 sets the flag with no value and with any value it reads
     * as true or false (its handler tests only that the word parses), and refuses any other word.
     *
     * @return a warning for {@code false}/{@code no}/{@code off}, which keepalived reads as true too
     */
    static Optional<String> skipCheckAdvAddr(List<String> args) {
        if (args.isEmpty()) {
            return Optional.empty();
        }
        // exact case, and only the first word, as keepalived's check_true_false reads it
        return switch (args.getFirst()) {
            case "true", "yes", "on" -> Optional.empty();
            case "false", "no", "off" -> Optional.of("skip_check_adv_addr " + args.getFirst()
                    + " still skips the check: keepalived 2.2.7 sets it for any true/false value, and floatd does the same;"
                    + " remove the line to keep the check");
            default -> throw new ConfigProblem("skip_check_adv_addr must be true or false, but was '" + args.getFirst() + "'");
        };
    }
}
