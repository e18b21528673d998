package io.floatd.vrrp.config;

import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The rules of a {@code vrrp_instance} that depend on several of its settings (the VRRP version against advert_int,
 * authentication and the address family; the families of the addresses against each other), shared by
 * {@link InstanceConfigBuilder#problems()} and the parser ({@link InstanceScope#finish}), which reports each against
 * the offending line; and how times are written back ({@link FloatdConfig#dump()}).
 */
final class InstanceRules {
    private InstanceRules() {
    }

    static void checkVersion(String keyword, int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException(keyword + " must be 2 or 3, but was " + version);
        }
    }

    static Optional<String> advertIntervalProblem(BigDecimal seconds, int version) {
        String shown = seconds.stripTrailingZeros().toPlainString();
        if (version == 2) {
            boolean whole = seconds.stripTrailingZeros().scale() <= 0;
            if (!whole || seconds.compareTo(BigDecimal.ONE) < 0 || seconds.compareTo(BigDecimal.valueOf(255)) > 0) {
                return Optional.of("advert_int must be a whole number of seconds between 1 and 255 with VRRP version 2, but was "
                        + shown + (whole ? "" : " (fractions need version 3)"));
            }
        } else {
            if (seconds.compareTo(new BigDecimal("0.01")) < 0 || seconds.compareTo(new BigDecimal("40.95")) > 0) {
                return Optional.of("advert_int must be between 0.01 and 40.95 seconds with VRRP version 3, but was " + shown);
            }
            if (seconds.stripTrailingZeros().scale() > 2) {
                return Optional.of("advert_int must be a multiple of 0.01 seconds with VRRP version 3, but was " + shown);
            }
        }
        return Optional.empty();
    }

    static Optional<String> authenticationProblem(int version) {
        return version == 3
                ? Optional.of("authentication is not allowed with VRRP version 3 (RFC 5798 removed it; keepalived ignores it)")
                : Optional.empty();
    }

    static Optional<String> ipv6VersionProblem(boolean ipv6, int version) {
        return ipv6 && version == 2
                ? Optional.of("version 2 is IPv4-only; IPv6 instances need version 3")
                : Optional.empty();
    }

    /** The address the instance's family is taken from: {@code unicast_src_ip}, else the first peer. */
    static InetAddress familyReference(InetAddress src, List<UnicastPeer> peers, List<VirtualAddress> vips) {
        return familyReference(src, peers, null, vips);
    }

    /** ... then {@code mcast_dst_ip}, then the first virtual address (keepalived: the first of these it reads). */
    static InetAddress familyReference(InetAddress src, List<UnicastPeer> peers, InetAddress group, List<VirtualAddress> vips) {
        if (src != null) {
            return src;
        }
        if (!peers.isEmpty()) {
            return peers.getFirst().address();
        }
        if (group != null) {
            return group;
        }
        return vips.isEmpty() ? null : vips.getFirst().address();
    }

    static Optional<String> familyProblem(String what, InetAddress address, InetAddress src, InetAddress firstPeer) {
        InetAddress reference = src != null ? src : firstPeer;
        if (reference == null || reference == address || family(reference).equals(family(address))) {
            return Optional.empty();
        }
        String referenceName = src != null ? "unicast_src_ip " : "the first unicast_peer ";
        return Optional.of(what + " " + Addresses.format(address) + " is " + family(address) + ", but "
                + referenceName + Addresses.format(reference) + " is " + family(reference));
    }

    static String family(InetAddress address) {
        return address instanceof Inet6Address ? "IPv6" : "IPv4";
    }

    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros().toPlainString();
    }

    static String seconds(int centis) {
        return BigDecimal.valueOf(centis, 2).stripTrailingZeros().toPlainString();
    }
}
