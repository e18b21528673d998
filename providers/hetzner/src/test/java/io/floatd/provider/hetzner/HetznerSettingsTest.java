package io.floatd.provider.hetzner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.testkit.ProviderFixtures;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.VrrpDaemon;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code floating_ip { provider hetzner }} keyword table: values, defaults, and each problem at its file:line. */
class HetznerSettingsTest {
    private static final InetAddress PEER = ProviderFixtures.ip("10.0.0.3");

    private static HetznerSettings parse(String... kv) throws ProviderException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("provider", "hetzner");
        m.put("address", "203.0.113.77");
        return HetznerSettings.parse(ProviderFixtures.settings(m, kv), "eth0", List.of(PEER), "VI_1");
    }

    @Test
    void theDefaultsAreTheInstancesInterfaceAndNoUnassign() throws Exception {
        HetznerSettings s = parse();
        assertEquals("203.0.113.77", s.address());
        assertEquals("eth0", s.interfaceName());
        assertFalse(s.unassign());
        assertNull(s.serverId());
        assertNull(s.floatingIpId());
        assertNull(s.tokenFile());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        HetznerSettings s = parse("floating_ip_id", "12345", "server_id", "4711", "token_file", "/etc/floatd/hcloud-token",
                "api_url", "https://api.hetzner.cloud/v1", "metadata_url", "http://169.254.169.254", "interface", "none",
                "unassign", "yes", "peer_server_id", "4712");
        assertEquals(12345L, s.floatingIpId());
        assertEquals(4711L, s.serverId());
        assertEquals(Path.of("/etc/floatd/hcloud-token"), s.tokenFile());
        assertEquals("https://api.hetzner.cloud/v1", s.apiUrl().toString());
        assertNull(s.interfaceName(), "interface none: the address is configured on the servers already");
        assertTrue(s.unassign());
        assertEquals(Map.of(PEER, 4712L), s.peerServerIds());
    }

    @Test
    void aFloatingIpv6IsAnAddressOfItsNetworkOrTheNetworkInRfc5952Form() throws Exception {
        assertEquals("2001:db8:77::1", parse("address", "2001:DB8:77:0:0:0:0:1").address());
        assertEquals("2001:db8:77::/64", parse("address", "2001:db8:77:0::/64").address());
    }

    @Test
    void floatingIpIdAloneIsEnough() throws Exception {
        assertEquals(99L, parse("address", null, "floating_ip_id", "99").floatingIpId());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "region=fsn1 | hetzner: floating_ip unknown key 'region' (known: address, api_url, floating_ip_id, interface, metadata_url, peer_server_id, provider, server_id, token_file, unassign)",
        "address= | hetzner: floating_ip address or floating_ip_id is required (the floating IP, e.g. address 203.0.113.77)",
        "address=203.0.113.300 | hetzner: floating_ip address must be a floating IPv4 or IPv6 address, but was '203.0.113.300'",
        "address=2001:db8:77::/56 | hetzner: floating_ip address 2001:db8:77::/56: a floating IPv6 is a /64 (write the network as ADDR/64, or one address in it)",
        "address=fe80::1 | hetzner: floating_ip address fe80::1 is not a global unicast IPv6 address: a floating IPv6 is a public network",
        "floating_ip_id=ip-1 | hetzner: floating_ip floating_ip_id must be a floating IP's numeric id, but was 'ip-1'",
        "server_id=lb-1 | hetzner: floating_ip server_id must be a server's numeric id, but was 'lb-1'",
        "token_file=hcloud-token | hetzner: floating_ip token_file must be an absolute path, but was 'hcloud-token'",
        "api_url=ftp://x | hetzner: floating_ip api_url must be an http:// or https:// base URL, but was 'ftp://x'",
        "interface=eth0:1/2 | hetzner: floating_ip interface must be an interface name or none, but was 'eth0:1/2'",
        "unassign=maybe | hetzner: floating_ip unassign must be yes or no, but was 'maybe'",
        "peer_server_id=10.0.0.9=4712 | hetzner: floating_ip peer_server_id: 10.0.0.9 is not a unicast_peer of VI_1",
    })
    void aBadValueSaysWhichAndWhy(String kv, String expected) {
        int eq = kv.indexOf('=');
        String value = kv.substring(eq + 1);
        ProviderException e = assertThrows(ProviderException.class,
                () -> parse(kv.substring(0, eq), value.isEmpty() ? null : value));
        assertFalse(e.retryable());
        assertEquals(expected, e.getMessage());
    }

    /** As {@code floatd check} and a reload see them: each block's problem at the block's file:line, all in one pass. */
    @Test
    void problemsOfSeveralBlocksComeWithTheirFileAndLineInOnePass() throws Exception {
        String text = """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.3
                    }
                    floating_ip {
                        provider hetzner
                        address 203.0.113.77
                        server_id lb-1
                    }
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    unicast_peer {
                        10.0.0.3
                    }
                    floating_ip {
                        provider hetzner
                        floating_ip_id 12345
                        unassign sometimes
                    }
                    floating_ip {
                        provider hetzner
                        address 2001:db8:77::1
                        interface none
                    }
                }
                """;
        FloatdConfig config = ConfigParser.parse(text, "h.conf");
        DaemonOptions.ProviderLookup lookup = name -> Optional.of(new HetznerProviderFactory(HetznerFixture.options(null)));
        assertEquals(List.of(
                "h.conf:7: vrrp_instance VI_1: hetzner: floating_ip server_id must be a server's numeric id, but was 'lb-1'",
                "h.conf:19: vrrp_instance VI_2: hetzner: floating_ip unassign must be yes or no, but was 'sometimes'"),
                VrrpDaemon.checkProviders(config, null, lookup));
    }
}
