package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.Statement;

/**
 * A virtual_ipaddress line whose first word is not an address. keepalived reports it and skips the line ("VRRP
 * parsed invalid IP X. skipping IP...", keepalived/vrrp/vrrp_ipaddress.c {@code parse_ipaddress}) and runs the
 * instance with the other addresses; an instance left without any is judged as one written without
 * ({@link NoVip}). floatd warns and skips it too.
 */
final class VirtualAddressWord {
    private VirtualAddressWord() {
    }

    /** @return whether the line was skipped (with a warning) */
    static boolean skipped(String what, Statement line, InstanceScope i) {
        String word = line.keyword().split("/", 2)[0];
        if (Values.isAddress(word)) {
            return false;
        }
        i.warn(line.line(), what + " '" + line.keyword() + "' is not an IPv4 or IPv6 address: skipped, as keepalived"
                + " skips it (\"VRRP parsed invalid IP\")");
        return true;
    }
}
