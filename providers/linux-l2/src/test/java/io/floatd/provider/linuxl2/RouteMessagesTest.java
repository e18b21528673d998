package io.floatd.provider.linuxl2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.vrrp.config.VirtualRoute;
import io.floatd.vrrp.config.VirtualRule;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request bodies (after the 16-byte nlmsghdr) compared byte for byte with what iproute2 6.1 sends for the same
 * route or rule, captured with {@code strace -e trace=sendmsg -e write=all} in a namespace (the ip command is in each
 * test's comment; its arguments are in the order in which ip and floatd write the attributes). Little-endian hosts.
 */
class RouteMessagesTest {

    @BeforeAll
    static void littleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors captured on a little-endian host");
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    // ip route add 10.1.0.0/16 table 1000 src 192.168.200.1 via 192.168.200.254 metric 5 dev d0 proto 18  (d0: index 3)
    @Test
    void routeWithGatewaySourceMetricAndBigTableIsWhatIpRouteAddSends() throws Exception {
        var r = new VirtualRoute("10.1.0.0/16 ...", VirtualRoute.Type.UNICAST, ip("10.1.0.0"), 16, ip("192.168.200.254"),
                "d0", ip("192.168.200.1"), 1000, 5, null, 18, false, true);
        assertArrayEquals(hex(""
                + "02 10 00 00" // AF_INET, dst_len 16, src_len 0, tos 0
                + "00 12 00 01" // table UNSPEC (1000 is in RTA_TABLE), protocol 18 keepalived, scope universe, type unicast
                + "00 00 00 00" // rtm_flags
                + "08 00 01 00 0a 01 00 00" // RTA_DST 10.1.0.0
                + "08 00 0f 00 e8 03 00 00" // RTA_TABLE 1000
                + "08 00 07 00 c0 a8 c8 01" // RTA_PREFSRC 192.168.200.1
                + "08 00 05 00 c0 a8 c8 fe" // RTA_GATEWAY 192.168.200.254
                + "08 00 06 00 05 00 00 00" // RTA_PRIORITY 5
                + "08 00 04 00 03 00 00 00"), // RTA_OIF 3
                RouteMessages.route(true, r, 3));
    }

    // ip route add blackhole 10.2.0.0/16 table 100 proto 18
    @Test
    void blackholeRouteInSmallTableCarriesTheTableInTheHeader() throws Exception {
        var r = new VirtualRoute("blackhole 10.2.0.0/16 table 100", VirtualRoute.Type.BLACKHOLE, ip("10.2.0.0"), 16, null,
                null, null, 100, null, null, 18, false, false);
        assertArrayEquals(hex("02 10 00 00 64 12 00 06 00 00 00 00 08 00 01 00 0a 02 00 00"),
                RouteMessages.route(true, r, 0));
    }

    // ip -6 route add 2001:db8:5::/48 via 2001:db8::fe dev d0 proto 18 onlink
    @Test
    void ipv6OnlinkRouteSetsTheOnlinkFlag() throws Exception {
        var r = new VirtualRoute("2001:db8:5::/48 ...", VirtualRoute.Type.UNICAST, ip("2001:db8:5::"), 48,
                ip("2001:db8::fe"), "d0", null, 254, null, null, 18, true, true);
        assertArrayEquals(hex(""
                + "0a 30 00 00 fe 12 00 01" // AF_INET6, /48, table main, protocol 18, universe, unicast
                + "04 00 00 00" // RTNH_F_ONLINK
                + "14 00 01 00 20 01 0d b8 00 05 00 00 00 00 00 00 00 00 00 00" // RTA_DST
                + "14 00 05 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 fe" // RTA_GATEWAY
                + "08 00 04 00 03 00 00 00"), // RTA_OIF 3
                RouteMessages.route(true, r, 3));
    }

    // ip route add default via 192.168.200.254 dev d0 table 7 proto 18: no RTA_DST at all
    @Test
    void defaultRouteHasNoDestinationAttribute() throws Exception {
        var r = new VirtualRoute("default via 192.168.200.254 dev d0 table 7", VirtualRoute.Type.UNICAST, ip("0.0.0.0"), 0,
                ip("192.168.200.254"), "d0", null, 7, null, null, 18, false, true);
        assertArrayEquals(hex("02 00 00 00 07 12 00 01 00 00 00 00 08 00 05 00 c0 a8 c8 fe 08 00 04 00 03 00 00 00"),
                RouteMessages.route(true, r, 3));
    }

    /** keepalived deletes with scope nowhere (matches any) and the type left unspecified for a unicast route. */
    @Test
    void deleteNamesTheRouteWithAnyScopeAndUnspecifiedType() throws Exception {
        var r = new VirtualRoute("default via 192.168.200.254 dev d0 table 7", VirtualRoute.Type.UNICAST, ip("0.0.0.0"), 0,
                ip("192.168.200.254"), "d0", null, 7, null, null, 18, false, true);
        assertArrayEquals(hex("02 00 00 00 07 12 ff 00 00 00 00 00 08 00 05 00 c0 a8 c8 fe 08 00 04 00 03 00 00 00"),
                RouteMessages.route(false, r, 3));
    }

    // ip rule add from 10.3.0.0/16 to 10.4.0.0/24 priority 100 iif d0 oif d2 fwmark 0x10/0xff table 1000 proto 18
    @Test
    void ruleWithEverySelectorIsWhatIpRuleAddSends() throws Exception {
        var r = new VirtualRule("from 10.3.0.0/16 ...", false, new VirtualRule.Prefix(ip("10.3.0.0"), 16),
                new VirtualRule.Prefix(ip("10.4.0.0"), 24), false, VirtualRule.Action.TABLE, 1000, 100, "d0", "d2",
                0x10L, 0xffL, 0, 18, true);
        assertArrayEquals(hex(""
                + "02 18 10 00" // AF_INET, dst_len 24, src_len 16, tos 0
                + "00 00 00 01" // table UNSPEC (1000 in FRA_TABLE), res1, res2, FR_ACT_TO_TBL
                + "00 00 00 00" // flags
                + "08 00 02 00 0a 03 00 00" // FRA_SRC
                + "08 00 01 00 0a 04 00 00" // FRA_DST
                + "08 00 06 00 64 00 00 00" // FRA_PRIORITY 100
                + "07 00 03 00 64 30 00 00" // FRA_IIFNAME "d0"
                + "07 00 11 00 64 32 00 00" // FRA_OIFNAME "d2"
                + "08 00 0a 00 10 00 00 00" // FRA_FWMARK
                + "08 00 10 00 ff 00 00 00" // FRA_FWMASK
                + "08 00 0f 00 e8 03 00 00" // FRA_TABLE 1000
                + "05 00 15 00 12 00 00 00"), // FRA_PROTOCOL 18
                RouteMessages.rule(r));
    }

    // ip rule add not from 10.3.0.0/16 unreachable priority 101 proto 18
    @Test
    void invertedUnreachableRuleSetsTheInvertFlagAndAction() throws Exception {
        var r = new VirtualRule("not from 10.3.0.0/16 unreachable", false, new VirtualRule.Prefix(ip("10.3.0.0"), 16), null,
                true, VirtualRule.Action.UNREACHABLE, 0, 101, null, null, null, null, 0, 18, true);
        assertArrayEquals(hex("02 00 10 00 00 00 00 07 02 00 00 00 08 00 02 00 0a 03 00 00 08 00 06 00 65 00 00 00"
                + "05 00 15 00 12 00 00 00"), RouteMessages.rule(r));
    }

    // ip -6 rule add from 2001:db8:7::/48 table 100 priority 200 proto 18
    @Test
    void ipv6RuleWithSmallTable() throws Exception {
        var r = new VirtualRule("from 2001:db8:7::/48 table 100", true, new VirtualRule.Prefix(ip("2001:db8:7::"), 48),
                null, false, VirtualRule.Action.TABLE, 100, 200, null, null, null, null, 0, 18, true);
        assertArrayEquals(hex("0a 00 30 00 64 00 00 01 00 00 00 00"
                + "14 00 02 00 20 01 0d b8 00 07 00 00 00 00 00 00 00 00 00 00"
                + "08 00 06 00 c8 00 00 00 05 00 15 00 12 00 00 00"), RouteMessages.rule(r));
    }
}
