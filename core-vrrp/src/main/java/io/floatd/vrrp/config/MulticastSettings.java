package io.floatd.vrrp.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * How an instance without {@code unicast_peer} speaks VRRP over multicast: the group it sends to and joins
 * ({@code mcast_dst_ip}, else {@code vrrp_mcast_group4}/{@code vrrp_mcast_group6} of global_defs, else the RFC's),
 * and whether a Backup skips the address-list check for adverts from the Master it already knows
 * ({@code skip_check_adv_addr}, {@code vrrp_skip_check_adv_addr}). The source address is the instance's
 * {@code mcast_src_ip} / {@code unicast_src_ip} (keepalived keeps both in one field).
 *
 * @param group the group, {@code null} for the default of the instance's family
 * @param skipCheckAdvAddr keepalived's {@code skip_check_adv_addr}
 */
public record MulticastSettings(InetAddress group, boolean skipCheckAdvAddr) {
    /** RFC 5798 §5.1.1.2: the IPv4 multicast address assigned to VRRP by IANA. */
    public static final InetAddress DEFAULT_GROUP_V4 = Inet4Address.ofLiteral("224.0.0.18");
    /** RFC 5798 §5.1.2.2: the IPv6 link-local scope multicast address assigned to VRRP by IANA. */
    public static final InetAddress DEFAULT_GROUP_V6 = Inet6Address.ofLiteral("ff02::12");

    public static final MulticastSettings DEFAULT = new MulticastSettings(null, false);

    public MulticastSettings {
        // mcast_dst_ip is held to groupProblem by the parser; vrrp_mcast_group6 may be beyond the link (keepalived warns)
        if (group != null && !group.isMulticastAddress()) {
            throw new IllegalArgumentException("multicast group " + Addresses.format(group) + " is not a multicast address");
        }
    }

    /** The group for an instance of this family. */
    public InetAddress groupFor(boolean ipv6) {
        if (group != null) {
            return group;
        }
        return ipv6 ? DEFAULT_GROUP_V6 : DEFAULT_GROUP_V4;
    }

    /**
     * keepalived's rule for {@code mcast_dst_ip}: an IPv4 multicast address, or an IPv6 link-local scope one
     * (VRRP adverts never leave the link: RFC 5798 §5.1.2.2).
     */
    static Optional<String> groupProblem(String what, InetAddress group) {
        if (group instanceof Inet4Address && !group.isMulticastAddress()) {
            return Optional.of(what + " " + group.getHostAddress() + " is not an IPv4 multicast address (224.0.0.0/4)");
        }
        if (group instanceof Inet6Address && !group.isMCLinkLocal()) {
            return Optional.of(what + " " + Addresses.format(group)
                    + " is not an IPv6 link-local multicast address (ff02::/16)");
        }
        return Optional.empty();
    }
}
