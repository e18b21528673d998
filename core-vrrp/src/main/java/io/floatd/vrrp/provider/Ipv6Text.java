package io.floatd.vrrp.provider;

import io.floatd.ffm.Rfc5952;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IPv6 addresses as cloud APIs write them: RFC 5952 text (lower case, no leading zeros, the longest run of zero
 * groups shortened to {@code ::}). EC2 answers in that form and its filters compare text; DigitalOcean uses it as the
 * reserved IPv6's id in the request path. So a configured address is written this way before it is sent or compared.
 * Only literals are parsed: never a name look-up.
 */
public final class Ipv6Text {
    /** Hex digits, colons and (for an embedded IPv4 tail) dots: no scope, no brackets, no host name. */
    private static final Pattern SHAPE = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private Ipv6Text() {
    }

    /** Whether {@code text} is meant as an IPv6 address (it has a colon): IPv4 addresses and resource ids never do. */
    public static boolean looksLikeIpv6(String text) {
        return text != null && text.indexOf(':') >= 0;
    }

    /** The address, or empty when {@code text} is not one IPv6 literal. */
    public static Optional<Inet6Address> parse(String text) {
        if (text == null || !SHAPE.matcher(text).matches()) {
            return Optional.empty(); // only literals reach getByName
        }
        try {
            return InetAddress.getByName(text) instanceof Inet6Address a ? Optional.of(a) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The address in RFC 5952 form, or empty when {@code text} is not one IPv6 address. */
    public static Optional<String> canonical(String text) {
        return parse(text).map(Ipv6Text::format);
    }

    /** Whether the address is link-local (fe80::/10): never a cloud address. */
    public static boolean isLinkLocal(String text) {
        return parse(text).map(InetAddress::isLinkLocalAddress).orElse(false);
    }

    /**
     * Whether a cloud could route it to the Internet: a global unicast address, not the unspecified or loopback
     * address, not link-local (fe80::/10), site-local, unique-local (fc00::/7) or multicast (ff00::/8).
     */
    public static boolean isGlobalUnicast(Inet6Address a) {
        byte[] b = a.getAddress();
        return !(a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()
                || a.isSiteLocalAddress() || (b[0] & 0xfe) == 0xfc);
    }

    /** Whether {@code address} lies in {@code cidr} ({@code 2001:db8:1234:1a00::/64}); false for anything malformed. */
    public static boolean inCidr(String address, String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            return false;
        }
        Optional<Inet6Address> a = parse(address);
        Optional<Inet6Address> net = parse(cidr.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (a.isEmpty() || net.isEmpty() || bits < 0 || bits > 128) {
            return false;
        }
        BigInteger mask = bits == 0 ? BigInteger.ZERO
                : BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).shiftRight(128 - bits).shiftLeft(128 - bits);
        return new BigInteger(1, a.get().getAddress()).and(mask).equals(new BigInteger(1, net.get().getAddress()).and(mask));
    }

    /** RFC 5952 section 4: lower case, no leading zeros, the first longest run of two or more zero groups as "::". */
    public static String format(Inet6Address a) {
        return Rfc5952.format(a);
    }
}
