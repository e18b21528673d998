package io.floatd.provider.linuxl2;

import io.floatd.ffm.netlink.NetlinkAttributes;
import io.floatd.vrrp.config.VirtualRoute;
import io.floatd.vrrp.config.VirtualRule;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads the kernel's route and rule dumps ({@code RTM_NEWROUTE}/{@code RTM_NEWRULE} bodies) to tell whether a
 * tracked {@code virtual_routes} route or {@code virtual_rules} rule is still there: pure, tested on bytes. A route is
 * the same when its family, destination, table, protocol, type, gateway and device are; a rule when its family,
 * selectors' addresses, preference, action, table and protocol are.
 */
final class RouteDump {
    private static final int HEADER = 12; // struct rtmsg and struct fib_rule_hdr alike
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_TABLE = 15;
    private static final int FRA_DST = 1;
    private static final int FRA_SRC = 2;
    private static final int FRA_PRIORITY = 6;
    private static final int FRA_TABLE = 15;
    private static final int FRA_PROTOCOL = 21;

    private RouteDump() {
    }

    /** The request body of a dump of every family: a zeroed header. */
    static byte[] dumpRequest() {
        return new byte[HEADER];
    }

    static boolean isRoute(ByteBuffer m, VirtualRoute r, int oifIndex) {
        if (m.remaining() < HEADER || (m.get(0) & 0xff) != family(r.isIpv6())
                || (m.get(1) & 0xff) != r.destinationLength() || (m.get(5) & 0xff) != r.protocol()
                || (m.get(7) & 0xff) != r.type().wireValue()) {
            return false;
        }
        byte[][] a = attributes(m);
        int table = a[RTA_TABLE] != null ? u32(a[RTA_TABLE]) : m.get(4) & 0xff;
        return table == r.table()
                && (r.destinationLength() == 0 || same(a[RTA_DST], r.destination()))
                && (r.gateway() == null || same(a[RTA_GATEWAY], r.gateway()))
                && (oifIndex == 0 || (a[RTA_OIF] != null && u32(a[RTA_OIF]) == oifIndex));
    }

    static boolean isRule(ByteBuffer m, VirtualRule r) {
        int toLength = r.to() == null ? 0 : r.to().length();
        int fromLength = r.from() == null ? 0 : r.from().length();
        if (m.remaining() < HEADER || (m.get(0) & 0xff) != family(r.ipv6()) || (m.get(1) & 0xff) != toLength
                || (m.get(2) & 0xff) != fromLength || (m.get(7) & 0xff) != r.action().wireValue()) {
            return false;
        }
        byte[][] a = attributes(m);
        int table = a[FRA_TABLE] != null ? u32(a[FRA_TABLE]) : m.get(4) & 0xff;
        return (r.action() != VirtualRule.Action.TABLE || table == r.table())
                && (fromLength == 0 || same(a[FRA_SRC], r.from().address()))
                && (toLength == 0 || same(a[FRA_DST], r.to().address()))
                && r.priority() != null && a[FRA_PRIORITY] != null && u32(a[FRA_PRIORITY]) == r.priority()
                && a[FRA_PROTOCOL] != null && a[FRA_PROTOCOL].length >= 1
                && (a[FRA_PROTOCOL][0] & 0xff) == r.protocol();
    }

    /** The attributes after the header, by type (types above 31 are not needed and skipped). */
    private static byte[][] attributes(ByteBuffer m) {
        return NetlinkAttributes.parse(m, HEADER, 32);
    }

    private static boolean same(byte[] value, InetAddress address) {
        return value != null && Arrays.equals(value, address.getAddress());
    }

    private static int u32(byte[] v) {
        return NetlinkAttributes.u32(v);
    }

    private static int family(boolean ipv6) {
        return ipv6 ? 10 : 2;
    }
}
