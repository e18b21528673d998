package io.floatd.vrrp.config;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as people write them. */
final class Addresses {
    private Addresses() {
    }

    /**
     * The RFC 5952 form ({@code 2001:db8::1}), not Java's uncompressed {@code 2001:db8:0:0:0:0:0:1}, so messages
     * and dumps show what the user wrote.
     */
    static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = ((bytes[2 * g] & 0xff) << 8) | (bytes[2 * g + 1] & 0xff);
        }
        // the longest run of zero groups, the first if tied, and only a run of two or more
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            int end = g;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - g > bestLength) {
                bestStart = g;
                bestLength = end - g;
            }
            g = end == g ? g + 1 : end;
        }
        var out = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                out.append("::");
                g += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[g]));
        }
        String scope = ((Inet6Address) address).getScopeId() != 0 ? "%" + ((Inet6Address) address).getScopeId() : "";
        return out + scope;
    }

    /** keepalived's {@code ADDR/PREFIX [dev IF]}. */
    static String format(VirtualAddress address) {
        return format(address.address()) + "/" + address.prefixLength() + (address.device() != null ? " dev " + address.device() : "");
    }
}
