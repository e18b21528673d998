package io.floatd.provider.digitalocean;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv6 address as text, the way the DigitalOcean API writes a reserved IPv6 ({@code ip} in
 * {@code GET /v2/reserved_ipv6/{reserved_ipv6}}): RFC 5952, lower case, the longest run of zero groups as {@code ::}.
 * The address is also the resource's id in the request path, so the configured text is written that way before it is
 * sent or compared.
 */
final class Ipv6Literal {
    /** Hex digits, colons and (for an embedded IPv4 tail) dots: no scope, no brackets, no host name. */
    private static final Pattern SHAPE = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private Ipv6Literal() {
    }

    /** Whether {@code text} is meant as an IPv6 address (it has a colon): an IPv4 address never has. */
    static boolean looksLikeIpv6(String text) {
        return text != null && text.indexOf(':') >= 0;
    }

    /** The address, or empty when {@code text} is not one IPv6 literal (never a name look-up). */
    static Optional<Inet6Address> parse(String text) {
        if (text == null || !SHAPE.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return InetAddress.getByName(text) instanceof Inet6Address a ? Optional.of(a) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether DigitalOcean could reserve it: a global unicast address, not the unspecified or loopback address, not
     * link-local (fe80::/10), unique-local (fc00::/7) or multicast (ff00::/8), not an IPv4-mapped one.
     */
    static boolean isGlobalUnicast(Inet6Address a) {
        byte[] b = a.getAddress();
        return !(a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()
                || a.isSiteLocalAddress() || (b[0] & 0xfe) == 0xfc);
    }

    /** RFC 5952 section 4: lower case, no leading zeros, the first longest run of two or more zero groups as "::". */
    static String format(Inet6Address a) {
        byte[] b = a.getAddress();
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
