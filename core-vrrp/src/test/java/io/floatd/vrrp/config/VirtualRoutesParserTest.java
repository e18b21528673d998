package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each word of a virtual_routes / virtual_rules line sets, as keepalived 2.2.7 reads it. */
class VirtualRoutesParserTest {
    private final List<String> warnings = new ArrayList<>();

    private VirtualRoute route(String line) {
        return VirtualRoutesParser.route(Arrays.asList(line.split(" ")), warnings::add);
    }

    private VirtualRule rule(String line) {
        return VirtualRoutesParser.rule(Arrays.asList(line.split(" ")), warnings::add);
    }

    @Test
    void trackedRouteGetsKeepalivedsProtocolAndEveryOption() throws Exception {
        VirtualRoute r = route("src 10.0.0.100 to 10.1.0.0/16 via 10.0.0.1 dev eth0 table 100 metric 10 scope link onlink");
        assertEquals(InetAddress.getByName("10.1.0.0"), r.destination());
        assertEquals(16, r.destinationLength());
        assertEquals(InetAddress.getByName("10.0.0.1"), r.gateway());
        assertEquals(InetAddress.getByName("10.0.0.100"), r.preferredSource());
        assertEquals("eth0", r.device());
        assertEquals(100, r.table());
        assertEquals(10, r.metric());
        assertEquals(253, r.scope());
        assertTrue(r.onlink());
        assertEquals(VirtualRoute.PROTOCOL_KEEPALIVED, r.protocol());
        assertTrue(r.tracked());
        assertEquals(List.of(), warnings);
    }

    @Test
    void routeWithoutDeviceIsNotTrackedWithKeepalivedsWarning() {
        VirtualRoute r = route("10.1.0.0/16 via 10.0.0.1");
        assertFalse(r.tracked());
        assertEquals(List.of("Warning - cannot track route 10.1.0.0/16 with no interface specified, not tracking"), warnings);
    }

    @Test
    void noTrackKeepsAConfiguredProtocolSilently() {
        VirtualRoute r = route("10.1.0.0/16 via 10.0.0.1 dev eth0 protocol static no_track");
        assertEquals(4, r.protocol());
        assertFalse(r.tracked());
        assertEquals(List.of(), warnings);
    }

    @Test
    void defaultRouteTakesItsFamilyFromTheGateway() throws Exception {
        VirtualRoute r = route("default via fd00::1 dev eth0");
        assertTrue(r.isIpv6());
        assertEquals(InetAddress.getByName("::"), r.destination());
        assertEquals(0, r.destinationLength());
        assertEquals(VirtualRoute.TABLE_MAIN, r.table());
        assertNull(r.scope());
    }

    @Test
    void typeWordComesBeforeTheDestination() {
        VirtualRoute r = route("unreachable 10.9.0.0/16 table 1000");
        assertEquals(VirtualRoute.Type.UNREACHABLE, r.type());
        assertEquals(1000, r.table());
    }

    @Test
    void hostBitsBeyondThePrefixAreRefusedBecauseTheKernelRefusesThem() {
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> route("10.1.0.1/16 via 10.0.0.1 dev eth0"));
        assertTrue(p.getMessage().contains("host bits"), p.getMessage());
    }

    @Test
    void unicastRouteNeedsAGatewayOrDevice() {
        assertThrows(ConfigProblem.class, () -> route("10.1.0.0/16"));
    }

    @Test
    void ruleSelectorsAndAction() throws Exception {
        VirtualRule r = rule("not from 10.0.0.0/24 to 10.1.0.0/16 lookup 1000 preference 5 iif eth0 oif eth1 fwmark 0x10/0xff tos 0x10");
        assertTrue(r.invert());
        assertEquals(new VirtualRule.Prefix(InetAddress.getByName("10.0.0.0"), 24), r.from());
        assertEquals(new VirtualRule.Prefix(InetAddress.getByName("10.1.0.0"), 16), r.to());
        assertEquals(VirtualRule.Action.TABLE, r.action());
        assertEquals(1000, r.table());
        assertEquals("eth0", r.inputInterface());
        assertEquals("eth1", r.outputInterface());
        assertEquals(0x10L, r.fwmark());
        assertEquals(0xffL, r.fwmask());
        assertEquals(0x10, r.tos());
        assertEquals(VirtualRoute.PROTOCOL_KEEPALIVED, r.protocol());
    }

    @Test
    void ruleFromAllHasNoSourceSelector() {
        VirtualRule r = rule("from all fwmark 1 table main priority 9");
        assertNull(r.from());
        assertEquals(254, r.table());
        assertFalse(r.ipv6());
    }

    @Test
    void ruleWithoutPreferenceGetsKeepalivedsFixedOne() {
        VirtualRule r = rule("from fd00::/64 table 100");
        assertEquals(VirtualRoutesParser.DEFAULT_RULE_PRIORITY, r.priority());
        assertTrue(r.ipv6());
        assertEquals(1, warnings.size());
    }

    @Test
    void theConfigurationDumpWritesRoutesAndRulesThatReadBackEqual() throws Exception {
        FloatdConfig c = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                    virtual_ipaddress {
                        10.0.0.100/24
                    }
                    virtual_routes {
                        src 10.0.0.100 to 10.1.0.0/16 via 10.0.0.1 dev eth0 table 100
                        blackhole fd00:1::/64 dev eth0 no_track
                    }
                    virtual_rules {
                        from 10.0.0.100/32 table 100 priority 100
                    }
                }
                """, "k.conf");
        assertEquals(2, c.instances().getFirst().virtualRoutes().size());
        assertEquals(c.instances(), ConfigParser.parse(c.dump(false), "dump").instances());
    }

    @Test
    void ruleTableZeroIsRefused() {
        assertThrows(ConfigProblem.class, () -> rule("from 10.0.0.0/24 table 0 priority 1"));
    }
}
