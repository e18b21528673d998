package io.floatd.vrrp.config;

/**
 * An instance without a virtual address. keepalived 2.2.7 (keepalived/vrrp/vrrp.c {@code vrrp_complete_instance})
 * runs a VRRPv2 instance without one, reporting "No VIP specified; at least one is sensible" (the cloud recipes that
 * move an address from notify_master), and refuses a VRRPv3 or strict one ("at least one is required": the instance
 * fails, keepalived terminates). floatd warns and refuses likewise, except that an instance with a floating_ip block
 * has an address: floatd's own way to hold one.
 */
final class NoVip {
    private NoVip() {
    }

    /** Whether keepalived refuses the instance. */
    static boolean refused(int version, boolean strict) {
        return version == 3 || strict;
    }

    static String message(int version, boolean strict) {
        if (refused(version, strict)) {
            return "no virtual_ipaddress: " + (strict ? "strict mode" : "VRRP version 3") + " needs at least one, as"
                    + " keepalived does (\"No VIP specified; at least one is required\"); or give the instance a"
                    + " floating_ip block";
        }
        return "no virtual_ipaddress: the adverts carry no address and floatd moves none, as keepalived runs it (\"No VIP"
                + " specified; at least one is sensible\"); notify scripts or a floating_ip block move the address";
    }
}
