package io.floatd.provider.aws;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IPv6 addresses as EC2 writes them, and CIDR blocks. EC2 answers with the RFC 5952 text form (lower case, the longest
 * run of zero groups shortened to {@code ::}), and its filters compare text: the configured address is written the
 * same way before it is sent or compared.
 */
final class Ipv6Text {
    /** Hex digits, colons and (for an embedded IPv4 tail) dots: no scope, no brackets, no host name. */
    private static final Pattern SHAPE = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private Ipv6Text() {
    }

    /** Whether {@code text} looks like an IPv6 address at all (has a colon): IPv4 and ids never do. */
    static boolean looksLikeIpv6(String text) {
        return text != null && text.indexOf(':') >= 0;
    }

    /** The address in RFC 5952 form, or empty when {@code text} is not one IPv6 address. */
    static Optional<String> canonical(String text) {
        return parse(text).map(a -> format(a.getAddress()));
    }

    /** Whether the address is link-local (fe80::/10): never an EC2 address. */
    static boolean isLinkLocal(String text) {
        return parse(text).map(InetAddress::isLinkLocalAddress).orElse(false);
    }

    /** Whether {@code address} lies in {@code cidr} ({@code 2001:db8:1234:1a00::/64}); false for anything malformed. */
    static boolean inCidr(String address, String cidr) {
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

    private static Optional<Inet6Address> parse(String text) {
        if (text == null || !SHAPE.matcher(text).matches()) {
            return Optional.empty(); // never a name look-up: only literals reach getByName
        }
        try {
            return InetAddress.getByName(text) instanceof Inet6Address a ? Optional.of(a) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** RFC 5952 section 4: lower case, no leading zeros, the first longest run of two or more zero groups as "::". */
    private static String format(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
