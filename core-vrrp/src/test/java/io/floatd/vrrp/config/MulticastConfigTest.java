package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.runtime.VrrpDaemon;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The multicast keywords and the instance without unicast_peer, with the verdict of keepalived 2.2.7's
 * {@code keepalived -t -f FILE} (run in a namespace with eth0) noted on each case: floatd accepts what it accepts
 * and refuses the rest at file:line.
 */
class MulticastConfigTest {
    private static String instance(String... lines) {
        var text = new StringBuilder("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                """);
        for (String line : lines) {
            text.append("    ").append(line).append('\n');
        }
        return text.append("}\n").toString();
    }

    private static final String VIP4 = "virtual_ipaddress {\n        10.199.0.100/24\n    }";
    private static final String VIP6 = "virtual_ipaddress {\n        fd00:199::100/64\n    }";

    private static InstanceConfig only(String text) throws ConfigException {
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        return c.instances().getFirst();
    }

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    private static InetAddress ip(String s) {
        return ConfigParser.address("test", s);
    }

    @Test
    void anInstanceWithoutUnicastPeerRunsOverTheIpv4VrrpGroup() throws Exception { // keepalived -t: accepted
        InstanceConfig i = only(instance(VIP4));
        assertTrue(i.isMulticast());
        assertFalse(i.isIpv6());
        assertEquals(ip("224.0.0.18"), i.multicastGroup());
        assertEquals(2, i.version());
        assertFalse(i.multicast().skipCheckAdvAddr());
    }

    @Test
    void anIpv6InstanceWithoutUnicastPeerRunsVrrpv3OverFf02_12() throws Exception { // keepalived -t: accepted
        InstanceConfig i = only(instance("advert_int 0.1", VIP6));
        assertTrue(i.isIpv6());
        assertEquals(ip("ff02::12"), i.multicastGroup());
        assertEquals(3, i.version());
    }

    @Test
    void mcastSrcIpIsTheSourceOfTheAdverts() throws Exception { // keepalived -t: accepted
        InstanceConfig i = only(instance("mcast_src_ip 10.199.0.10", VIP4));
        assertEquals(ip("10.199.0.10"), i.unicastSrcIp());
        assertEquals(List.of("k.conf:4: vrrp_instance VI_1: mcast_src_ip '10.1.1' is not a valid IPv4 or IPv6 address"),
                errors(instance("mcast_src_ip 10.1.1", VIP4))); // keepalived: malformed src address, rc 5
    }

    @Test
    void mcastDstIpChoosesTheGroup() throws Exception { // keepalived -t: accepted
        assertEquals(ip("224.0.0.19"), only(instance("mcast_dst_ip 224.0.0.19", VIP4)).multicastGroup());
        assertEquals(ip("ff02::13"), only(instance("mcast_dst_ip ff02::13", VIP6)).multicastGroup());
    }

    /** keepalived "warns and runs" (the corpus's verdict for a reported-and-skipped value): floatd skips it too, with a warning. */
    private static FloatdConfig warned(String text, String... expectedWarnings) throws ConfigException {
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        assertEquals(List.of(expectedWarnings), c.warnings().stream().map(ConfigError::toString).toList());
        return c;
    }

    @Test
    void mcastDstIpThatIsNotMulticastOrBeyondTheLinkIsSkipped() throws Exception {
        // keepalived -t: "mcast_dst_ip 10.1.1.1 not multicast. Skipping...", "... not link-local multicast. Skipping..."
        FloatdConfig v4 = warned(instance("mcast_dst_ip 10.1.1.1", VIP4), "k.conf:4: vrrp_instance VI_1: mcast_dst_ip"
                + " 10.1.1.1 is not an IPv4 multicast address (224.0.0.0/4); skipped, as keepalived does");
        assertEquals(ip("224.0.0.18"), v4.instances().getFirst().multicastGroup());
        FloatdConfig v6 = warned(instance("mcast_dst_ip ff05::12", VIP6), "k.conf:4: vrrp_instance VI_1: mcast_dst_ip"
                + " ff05::12 is not an IPv6 link-local multicast address (ff02::/16); skipped, as keepalived does");
        assertEquals(ip("ff02::12"), v6.instances().getFirst().multicastGroup());
    }

    @Test
    void theFirstAddressReadSetsTheFamilyAndLaterOnesOfTheOtherFamilyAreSkipped() throws Exception {
        // keepalived -t: "(VI_1): address family must match VRRP instance [10.199.0.100/24] - ignoring", and
        // "mcast dest address ff02::12 MUST match VRRP instance family. Skipping...": it runs on without them
        // (with an IPv6 address left: an IPv6 instance, VRRPv3, with none is refused, "at least one is required")
        InstanceConfig i = warned(instance("mcast_dst_ip ff02::12", VIP4, VIP6), "k.conf:6: vrrp_instance VI_1: virtual_ipaddress"
                + " 10.199.0.100 is IPv4, but the instance is IPv6 (from line 4); skipped, as keepalived does (\"MUST match"
                + " VRRP instance family\")").instances().getFirst();
        assertTrue(i.isIpv6());
        assertEquals(1, i.virtualAddresses().size());
        InstanceConfig j = warned(instance("mcast_src_ip 10.199.0.10", "mcast_dst_ip ff02::12", VIP4), "k.conf:5: vrrp_instance"
                + " VI_1: mcast_dst_ip ff02::12 is IPv6, but the instance is IPv4 (from line 4); skipped, as keepalived does"
                + " (\"MUST match VRRP instance family\")").instances().getFirst();
        assertEquals(ip("224.0.0.18"), j.multicastGroup());
        InstanceConfig k = warned(instance(VIP4, "virtual_ipaddress {", "    fd00::1/64", "}"), "k.conf:8: vrrp_instance VI_1:"
                + " virtual_ipaddress fd00::1 is IPv6, but the instance is IPv4 (from line 5); skipped, as keepalived does"
                + " (\"MUST match VRRP instance family\")").instances().getFirst();
        assertEquals(1, k.virtualAddresses().size());
    }

    @Test
    void aUnicastKeywordWithoutAnyPeerRunsOverMulticastWithAWarning() throws Exception {
        // keepalived -t: "A unicast keyword has been specified without any unicast peers. Defaulting to multicast.
        // This usage is deprecated": the daemon runs it over multicast
        String message = "vrrp_instance VI_1: a unicast keyword (unicast_src_ip, unicast_peer) without any unicast peer:"
                + " VRRP runs over multicast, as keepalived 2.2.7 does (it calls this deprecated); list the peers for"
                + " unicast, or use mcast_src_ip for the source address";
        InstanceConfig i = warned(instance("unicast_src_ip 10.199.0.10", VIP4), "k.conf:4: " + message).instances().getFirst();
        assertTrue(i.isMulticast());
        assertEquals(ip("10.199.0.10"), i.unicastSrcIp());
        assertTrue(warned(instance("unicast_peer {", "}", VIP4), "k.conf:4: " + message).instances().getFirst().isMulticast());
    }

    @Test
    void globalGroupsApplyByFamily() throws Exception { // keepalived -t: accepted
        String global = "global_defs {\n    vrrp_mcast_group4 224.0.0.19\n    vrrp_mcast_group6 ff02::13\n}\n";
        assertEquals(ip("224.0.0.19"), only(global + instance(VIP4)).multicastGroup());
        assertEquals(ip("ff02::13"), only(global + instance(VIP6)).multicastGroup());
        // the instance's mcast_dst_ip wins
        assertEquals(ip("224.0.0.20"), only(global + instance("mcast_dst_ip 224.0.0.20", VIP4)).multicastGroup());
    }

    @Test
    void badGlobalGroupsAreSkippedAndAGroup6BeyondTheLinkIsKept() throws Exception {
        // keepalived -t: "is not multicast. Skipping", "is not IPv4. Skipping" (skipped);
        // "should be link-local multicast." (a warning: the group is used)
        assertEquals(ip("224.0.0.18"), warned("global_defs {\n    vrrp_mcast_group4 10.0.0.1\n}\n" + instance(VIP4),
                "k.conf:2: global_defs: vrrp_mcast_group4 10.0.0.1 is not a multicast address; skipped, as keepalived does")
                .instances().getFirst().multicastGroup());
        assertEquals(ip("224.0.0.18"), warned("global_defs {\n    vrrp_mcast_group4 ff02::12\n}\n" + instance(VIP4),
                "k.conf:2: global_defs: vrrp_mcast_group4 ff02::12 is not IPv4; skipped, as keepalived does")
                .instances().getFirst().multicastGroup());
        assertEquals(ip("ff05::12"), warned("global_defs {\n    vrrp_mcast_group6 ff05::12\n}\n" + instance(VIP6),
                "k.conf:2: global_defs: vrrp_mcast_group6 ff05::12 should be link-local multicast (ff02::/16): VRRP adverts"
                        + " stay on the link (RFC 5798 §5.1.2.2)")
                .instances().getFirst().multicastGroup());
    }

    @Test
    void skipCheckAdvAddrIsSetAsKeepalivedSetsIt() throws Exception { // keepalived -t: accepted, 'maybe' reported
        assertTrue(only(instance("skip_check_adv_addr", VIP4)).multicast().skipCheckAdvAddr());
        assertTrue(only(instance("skip_check_adv_addr true", VIP4)).multicast().skipCheckAdvAddr());
        FloatdConfig no = ConfigParser.parse(instance("skip_check_adv_addr no", VIP4), "k.conf");
        assertTrue(no.instances().getFirst().multicast().skipCheckAdvAddr(), "keepalived 2.2.7 sets it for 'no' too");
        assertEquals(1, no.warnings().size(), no.warnings().toString());
        assertTrue(no.warnings().getFirst().toString().startsWith("k.conf:4: vrrp_instance VI_1: skip_check_adv_addr no still skips"));
        // keepalived -t: "invalid skip_check_adv_addr maybe specified": not set, runs
        assertFalse(warned(instance("skip_check_adv_addr maybe", VIP4), "k.conf:4: vrrp_instance VI_1: skip_check_adv_addr"
                + " must be true or false, but was 'maybe'; not set, as keepalived does").instances().getFirst().multicast().skipCheckAdvAddr());
        // global_defs: any value, as keepalived's handler ignores it
        assertTrue(only("global_defs {\n    vrrp_skip_check_adv_addr\n}\n" + instance(VIP4)).multicast().skipCheckAdvAddr());
        assertTrue(only("global_defs {\n    vrrp_skip_check_adv_addr no\n}\n" + instance(VIP4)).multicast().skipCheckAdvAddr());
    }

    @Test
    void theDumpReadsBackToTheSameInstance() throws Exception {
        FloatdConfig c = ConfigParser.parse("global_defs {\n    vrrp_mcast_group4 224.0.0.19\n    vrrp_skip_check_adv_addr\n}\n"
                + instance("mcast_src_ip 10.199.0.10", VIP4), "k.conf");
        String dump = c.dump(false);
        assertTrue(dump.contains("mcast_dst_ip 224.0.0.19"), dump);
        assertFalse(dump.contains("unicast_peer"), dump);
        assertEquals(c.instances(), ConfigParser.parse(dump, "dump.conf").instances());
    }

    // ---- a cloud network drops multicast ----

    private static FloatingIpProviderFactory provider(boolean carriesMulticast) {
        return new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "cloud";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) {
                throw new UnsupportedOperationException("check only");
            }

            @Override
            public boolean carriesMulticast() {
                return carriesMulticast;
            }
        };
    }

    private static List<String> cloudProblems(String floatingIp, boolean carriesMulticast, String peers) throws ConfigException {
        FloatdConfig c = ConfigParser.parse(instance(peers, "floating_ip {", floatingIp, "}"), "k.conf");
        return VrrpDaemon.checkProviders(c, "cloud", name -> Optional.of(provider(carriesMulticast)));
    }

    @Test
    void multicastOnAProviderWhoseNetworkDropsItIsRefusedAtTheFloatingIpBlock() throws Exception {
        List<String> problems = cloudProblems("address 203.0.113.10", false, "");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("k.conf:5: vrrp_instance VI_1: no unicast_peer, so VRRP would run over"
                + " multicast (224.0.0.18), but provider 'cloud' runs on a cloud network that drops multicast"), problems.getFirst());
    }

    @Test
    void allowMulticastYesOverridesTheCloudRule() throws Exception {
        assertEquals(List.of(), cloudProblems("allow_multicast yes", false, ""));
        assertEquals(1, cloudProblems("allow_multicast no", false, "").size());
        // a bad value is an error of the parse itself, at the block's file:line
        ConfigException e = assertThrows(ConfigException.class, () -> cloudProblems("allow_multicast maybe", false, ""));
        assertTrue(e.getMessage().contains(
                "k.conf:5: vrrp_instance VI_1: floating_ip: allow_multicast must be yes or no, but was 'maybe'"), e.getMessage());
    }

    @Test
    void unicastPeersOrAMulticastNetworkNeedNoOverride() throws Exception {
        assertEquals(List.of(), cloudProblems("address 203.0.113.10", false, "unicast_peer {\n 10.0.0.2\n }"));
        assertEquals(List.of(), cloudProblems("address 203.0.113.10", true, ""));
    }
}
