package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.floatd.vrrp.provider.ProviderException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AwsSettingsTest {

    private static Map<String, String> kv(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("provider", "aws");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static AwsSettings parse(String... kv) throws ProviderException {
        return AwsSettings.parse(kv(kv), List.of());
    }

    private static String fails(String... kv) {
        ProviderException e = assertThrows(ProviderException.class, () -> parse(kv));
        assertFalse(e.retryable());
        return e.getMessage();
    }

    @Test
    void eipByPublicIpWithDefaults() throws Exception {
        AwsSettings s = parse("address", "203.0.113.10");
        assertEquals(AwsSettings.Mode.EIP, s.mode());
        assertEquals("203.0.113.10", s.publicIp());
        assertNull(s.allocationId());
        assertNull(s.instanceId());
        assertNull(s.region());
    }

    @Test
    void eipByAllocationIdInEitherKey() throws Exception {
        assertEquals("eipalloc-0123456789abcdef0", parse("address", "eipalloc-0123456789abcdef0").allocationId());
        AwsSettings s = parse("allocation_id", "eipalloc-0123456789abcdef0", "mode", "eip",
                "instance_id", "i-0123456789abcdef0", "network_interface", "eni-0123456789abcdef0",
                "private_ip", "10.0.0.5", "region", "us-gov-west-1");
        assertEquals("eipalloc-0123456789abcdef0", s.allocationId());
        assertEquals("i-0123456789abcdef0", s.instanceId());
        assertEquals("eni-0123456789abcdef0", s.networkInterface());
        assertEquals("10.0.0.5", s.privateIp());
        assertEquals("us-gov-west-1", s.region());
    }

    @Test
    void secondaryIpTakesAddressOrTheSingleVip() throws Exception {
        assertEquals("10.0.1.200", parse("mode", "secondary_ip", "address", "10.0.1.200").privateAddress());
        AwsSettings s = AwsSettings.parse(kv("mode", "secondary_ip"), List.of(AwsFixture.vip("10.0.1.201")));
        assertEquals("10.0.1.201", s.privateAddress());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "address=203.0.113.10,secret_key=x | aws: floating_ip unknown key 'secret_key' (known: address, allocation_id, instance_id, mode, network_interface, peer_instance_id, private_ip, provider, region, route_table)",
        "address=203.0.113.10,mode=vip     | aws: floating_ip mode must be eip, secondary_ip or route_table, but was 'vip'",
        "address=example.com               | aws: floating_ip address must be an Elastic IP (IPv4) or an allocation id eipalloc-..., but was 'example.com'",
        "address=300.1.1.1                 | aws: floating_ip address must be an Elastic IP (IPv4) or an allocation id eipalloc-..., but was '300.1.1.1'",
        "region=eu-west-1                  | aws: floating_ip address is required in mode eip (the Elastic IP or its allocation id eipalloc-...)",
        "allocation_id=alloc-1             | aws: floating_ip allocation_id must be an allocation id eipalloc-..., but was 'alloc-1'",
        "address=1.2.3.4,instance_id=vm-1  | aws: floating_ip instance_id must be an instance id i-..., but was 'vm-1'",
        "address=1.2.3.4,network_interface=eth0 | aws: floating_ip network_interface must be a network interface id eni-..., but was 'eth0'",
        "address=1.2.3.4,private_ip=10.0.0 | aws: floating_ip private_ip must be an IPv4 address, but was '10.0.0'",
        "address=1.2.3.4,region=Europe     | aws: floating_ip region must be a region name such as eu-west-1, but was 'Europe'",
        "address=eipalloc-0123456789abcdef0,allocation_id=eipalloc-0123456789abcdef1 | aws: floating_ip address 'eipalloc-0123456789abcdef0' and allocation_id 'eipalloc-0123456789abcdef1' disagree: set one",
        "mode=secondary_ip                 | aws: floating_ip address is required in mode secondary_ip (the private IP that moves between instances)",
        "mode=secondary_ip,address=eipalloc-0123456789abcdef0 | aws: floating_ip address must be a private IPv4 address in mode secondary_ip, but was 'eipalloc-0123456789abcdef0'",
        "mode=secondary_ip,address=10.0.0.9,private_ip=10.0.0.5 | aws: floating_ip private_ip applies to mode eip only; in mode secondary_ip, address is the private IP to move",
    })
    void badSettingNamesTheKey(String pairs, String expected) {
        String[] kv = pairs.replace(",", "=").split("=");
        assertEquals(expected, fails(kv));
    }

    private static final List<java.net.InetAddress> TWO_PEERS =
            List.of(AwsFixture.ip("10.0.0.12"), AwsFixture.ip("10.0.0.13"));

    private static AwsSettings withPeers(List<java.net.InetAddress> peers, String peerInstanceId)
            throws ProviderException {
        return AwsSettings.parse(kv("address", "203.0.113.10", "peer_instance_id", peerInstanceId), List.of(), peers,
                "VI_1");
    }

    @Test
    void peerInstanceIdAloneNamesTheOnlyPeer() throws Exception {
        assertEquals(Map.of(AwsFixture.ip("10.0.0.12"), "i-0abc0000000000001"),
                withPeers(List.of(AwsFixture.ip("10.0.0.12")), "i-0abc0000000000001").peerInstanceIds());
        assertEquals(Map.of(), parse("address", "203.0.113.10").peerInstanceIds());
    }

    @Test
    void peerInstanceIdNamesPeersByAddress() throws Exception {
        assertEquals(Map.of(AwsFixture.ip("10.0.0.12"), "i-0abc0000000000001",
                        AwsFixture.ip("10.0.0.13"), "i-0def0000000000002"),
                withPeers(TWO_PEERS, "10.0.0.12=i-0abc0000000000001  10.0.0.13=i-0def0000000000002").peerInstanceIds());
        assertEquals(Map.of(AwsFixture.ip("10.0.0.13"), "i-0def0000000000002"),
                withPeers(TWO_PEERS, "10.0.0.13=i-0def0000000000002").peerInstanceIds(), "the others are looked up");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "i-0abc0000000000001 | aws: floating_ip peer_instance_id: a single id needs exactly one unicast_peer, but VI_1 has 2 (name each: ADDRESS=ID ...)",
        "10.0.0.99=i-0abc0000000000001 | aws: floating_ip peer_instance_id: 10.0.0.99 is not a unicast_peer of VI_1",
        "10.0.0.12=vm-1 | aws: floating_ip peer_instance_id: 'vm-1' is not an instance id i-...",
        "10.0.0.12=i-0abc0000000000001 i-0def0000000000002 | aws: floating_ip peer_instance_id: 'i-0def0000000000002' is not ADDRESS=ID (with more than one item, each names its unicast_peer)",
        "lb-2=i-0abc0000000000001 | aws: floating_ip peer_instance_id: 'lb-2' is not an IP address",
        "10.0.0.12=i-0abc0000000000001 10.0.0.12=i-0def0000000000002 | aws: floating_ip peer_instance_id: 10.0.0.12 is named twice",
    })
    void badPeerInstanceIdSaysWhy(String value, String expected) {
        ProviderException e = assertThrows(ProviderException.class, () -> withPeers(TWO_PEERS, value));
        assertFalse(e.retryable());
        assertEquals(expected, e.getMessage());
    }

    @Test
    void emptyValue() {
        assertEquals("aws: floating_ip region is empty", fails("address", "1.2.3.4", "region", " "));
    }

    // ---- issue 16: an IPv6 address in mode secondary_ip ----

    @Test
    void secondaryIpTakesAnIpv6AddressInRfc5952Form() throws Exception {
        AwsSettings s = parse("mode", "secondary_ip", "address", "2001:DB8:1234:1A00:0:0:0:10");
        assertEquals("2001:db8:1234:1a00::10", s.privateAddress());
        assertEquals(true, s.ipv6());
        assertEquals(false, parse("mode", "secondary_ip", "address", "10.0.1.200").ipv6());
    }

    @Test
    void secondaryIpRefusesABadOrLinkLocalIpv6Address() {
        assertEquals("aws: floating_ip address must be an IPv4 or IPv6 address in mode secondary_ip, but was "
                + "'2001:db8::1::2'", fails("mode", "secondary_ip", "address", "2001:db8::1::2"));
        assertEquals("aws: floating_ip address fe80::10 is link-local: EC2 assigns only global IPv6 addresses (from "
                + "the subnet's IPv6 CIDR block)", fails("mode", "secondary_ip", "address", "fe80::10"));
        // an Elastic IP is IPv4 only
        assertEquals("aws: floating_ip address must be an Elastic IP (IPv4) or an allocation id eipalloc-..., but was "
                + "'2001:db8::10'", fails("address", "2001:db8::10"));
    }

    @Test
    void secondaryIpDefaultsToTheSingleIpv6VirtualAddress() throws Exception {
        Map<String, String> m = kv("mode", "secondary_ip");
        assertEquals("2001:db8:1234:1a00::10", AwsSettings.parse(m, List.of(AwsFixture.vip("fe80::1"),
                AwsFixture.vip("2001:db8:1234:1a00:0::10"))).privateAddress(), "the link-local one is not a candidate");
        // an IPv4 one wins, as before
        assertEquals("10.0.1.200", AwsSettings.parse(m, List.of(AwsFixture.vip("10.0.1.200"),
                AwsFixture.vip("2001:db8::10"))).privateAddress());
        ProviderException e = assertThrows(ProviderException.class, () -> AwsSettings.parse(m,
                List.of(AwsFixture.vip("2001:db8::10"), AwsFixture.vip("2001:db8::11"))));
        assertEquals("aws: floating_ip address is required in mode secondary_ip (the private IP that moves between "
                + "instances)", e.getMessage());
    }

    // ---- issue 16: mode route_table ----

    @Test
    void routeTableKeepsTheOverlayIpAndEveryTableInOrder() throws Exception {
        AwsSettings s = parse("mode", "route_table", "address", "192.168.100.10",
                "route_table", "rtb-0a1b2c3d4e5f60718  rtb-0123456789abcdef0", "network_interface", "eni-0123456789abcdef0");
        assertEquals(AwsSettings.Mode.ROUTE_TABLE, s.mode());
        assertEquals("192.168.100.10", s.privateAddress());
        assertEquals("192.168.100.10/32", s.destinationCidr());
        assertEquals(List.of("rtb-0a1b2c3d4e5f60718", "rtb-0123456789abcdef0"), s.routeTables());
        assertEquals("eni-0123456789abcdef0", s.networkInterface());
        assertEquals(List.of(), parse("address", "203.0.113.10").routeTables(), "other modes have no tables");
    }

    @Test
    void routeTableTakesAHostPrefixOrAnIpv6OverlayOrTheSingleVip() throws Exception {
        assertEquals("192.168.100.10/32", parse("mode", "route_table", "address", "192.168.100.10/32",
                "route_table", "rtb-0a1b2c3d").destinationCidr());
        AwsSettings v6 = parse("mode", "route_table", "address", "FD00:0:0:0::10/128", "route_table", "rtb-0a1b2c3d");
        assertEquals("fd00::10", v6.privateAddress());
        assertEquals("fd00::10/128", v6.destinationCidr());
        assertEquals("192.168.100.11", AwsSettings.parse(kv("mode", "route_table", "route_table", "rtb-0a1b2c3d"),
                List.of(AwsFixture.vip("192.168.100.11"))).privateAddress());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "mode=route_table,address=192.168.100.10 | aws: floating_ip route_table is required in mode route_table (one or more route table ids rtb-..., separated by spaces)",
        "mode=route_table,route_table=rtb-0a1b2c3d | aws: floating_ip address is required in mode route_table (the overlay IP whose route moves)",
        "mode=route_table,address=192.168.100.10,route_table=rtb-0a1b2c3d table-2 | aws: floating_ip route_table must be route table ids rtb-... separated by spaces, but 'table-2' is not one",
        "mode=route_table,address=192.168.100.10,route_table=rtb-0A1B2C3D | aws: floating_ip route_table must be route table ids rtb-... separated by spaces, but 'rtb-0A1B2C3D' is not one",
        "mode=route_table,address=192.168.100.10,route_table=rtb-0a1b2c3d rtb-0a1b2c3d | aws: floating_ip route_table names rtb-0a1b2c3d twice",
        "mode=route_table,address=192.168.100.0/24,route_table=rtb-0a1b2c3d | aws: floating_ip address 192.168.100.0/24: the overlay IP is one host, a /32 route (a prefix is not moved)",
        "mode=route_table,address=fd00::/64,route_table=rtb-0a1b2c3d | aws: floating_ip address fd00::/64: the overlay IP is one host, a /128 route (a prefix is not moved)",
        "mode=route_table,address=overlay,route_table=rtb-0a1b2c3d | aws: floating_ip address must be an IPv4 or IPv6 address in mode route_table, but was 'overlay'",
        "mode=route_table,address=192.168.100.10,route_table=rtb-0a1b2c3d,private_ip=10.0.0.5 | aws: floating_ip private_ip applies to mode eip only; in mode route_table, address is the overlay IP",
        "mode=route_table,address=192.168.100.10,route_table=rtb-0a1b2c3d,allocation_id=eipalloc-0123456789abcdef0 | aws: floating_ip allocation_id applies to mode eip only; in mode route_table, address is the overlay IP",
        "mode=secondary_ip,address=10.0.1.200,route_table=rtb-0a1b2c3d | aws: floating_ip route_table applies to mode route_table only (mode is secondary_ip)",
        "address=203.0.113.10,route_table=rtb-0a1b2c3d | aws: floating_ip route_table applies to mode route_table only (mode is eip)",
    })
    void badRouteTableSettingSaysWhy(String pairs, String expected) {
        String[] kv = pairs.replace(",", "=").split("=");
        assertEquals(expected, fails(kv));
    }
}
