package io.floatd.provider.linuxl2;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.VirtualRoute;
import io.floatd.vrrp.config.VirtualRule;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A dumped route or rule is recognised as a tracked one by the fields that name it, and not by any other. */
class RouteDumpTest {
    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private static ByteBuffer msg(byte[] body) {
        return ByteBuffer.wrap(body).order(ByteOrder.nativeOrder());
    }

    private static VirtualRoute route(String gateway, int table) throws Exception {
        return new VirtualRoute("r", VirtualRoute.Type.UNICAST, ip("10.1.0.0"), 16, ip(gateway), "d0", null, table, null,
                null, 18, false, true);
    }

    @Test
    void aRouteIsFoundByItsOwnFieldsInEitherTableEncoding() throws Exception {
        assertTrue(RouteDump.isRoute(msg(RouteMessages.route(true, route("192.168.200.254", 100), 3)),
                route("192.168.200.254", 100), 3));
        assertTrue(RouteDump.isRoute(msg(RouteMessages.route(true, route("192.168.200.254", 1000), 3)),
                route("192.168.200.254", 1000), 3));
    }

    @Test
    void anotherGatewayTableDeviceOrProtocolIsAnotherRoute() throws Exception {
        byte[] dumped = RouteMessages.route(true, route("192.168.200.254", 100), 3);
        assertFalse(RouteDump.isRoute(msg(dumped), route("192.168.200.253", 100), 3));
        assertFalse(RouteDump.isRoute(msg(dumped), route("192.168.200.254", 101), 3));
        assertFalse(RouteDump.isRoute(msg(dumped), route("192.168.200.254", 100), 4));
        dumped[5] = 3; // proto boot: the admin's own route to the same place
        assertFalse(RouteDump.isRoute(msg(dumped), route("192.168.200.254", 100), 3));
    }

    /**
     * The kernel's (6.x) dump of "100: from 10.3.0.0/16 lookup 100 proto keepalived", as ip rule show received it:
     * FRA_TABLE, FRA_SUPPRESS_PREFIXLEN, FRA_PROTOCOL, FRA_PRIORITY, FRA_SRC.
     */
    @Test
    void aRuleIsFoundByItsSelectorPreferenceTableAndProtocol() throws Exception {
        var r = new VirtualRule("r", false, new VirtualRule.Prefix(ip("10.3.0.0"), 16), null, false,
                VirtualRule.Action.TABLE, 100, 100, null, null, null, null, 0, 18, true);
        byte[] dumped = HexFormat.of().parseHex("02001000640000010000000008000f006400000008000e00ffffffff"
                + "05001500120000000800060064000000080002000a030000");
        assertTrue(RouteDump.isRule(msg(dumped), r));
        var otherPreference = new VirtualRule("r", false, r.from(), null, false, VirtualRule.Action.TABLE, 100, 101,
                null, null, null, null, 0, 18, true);
        assertFalse(RouteDump.isRule(msg(dumped), otherPreference));
        var otherSource = new VirtualRule("r", false, new VirtualRule.Prefix(ip("10.4.0.0"), 16), null, false,
                VirtualRule.Action.TABLE, 100, 100, null, null, null, null, 0, 18, true);
        assertFalse(RouteDump.isRule(msg(dumped), otherSource));
    }
}
