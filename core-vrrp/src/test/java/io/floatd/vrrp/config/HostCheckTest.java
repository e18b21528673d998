package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * keepalived 2.2.7 refuses to start when an {@code interface} or {@code track_interface} (instance or sync group) names
 * an interface this host does not have ({@code if_get_by_ifname}, then {@code start_vrrp}: "Non-existent interface
 * specified in configuration"), unless {@code dynamic_interfaces} is set. The host check says so at the line that
 * names the interface; the look-up is injected here (a set of names standing for the host).
 */
class HostCheckTest {
    private static final String PEERS = """
                unicast_src_ip 10.0.0.1
                unicast_peer {
                    10.0.0.2
                }
                virtual_ipaddress {
                    10.0.0.100
                }
            """;

    private static HostCheck.Result check(String text, Set<String> host) throws ConfigException {
        return HostCheck.check(ConfigParser.parse(text, "k.conf"), host::contains);
    }

    @Test
    void anInstanceInterfaceMissingOnThisHostIsAnErrorAtTheInterfaceLine() throws Exception {
        HostCheck.Result r = check("""
                vrrp_instance NOIF {
                    state BACKUP
                    interface ens999
                    virtual_router_id 89
                """ + PEERS + "}\n", Set.of("eth0"));
        assertEquals(1, r.errors().size(), r.toString());
        ConfigError e = r.errors().getFirst();
        assertEquals("k.conf", e.file());
        assertEquals(3, e.line());
        assertTrue(e.message().startsWith("interface ens999 for vrrp_instance NOIF does not exist on this host"), e.message());
        assertTrue(r.warnings().isEmpty(), r.toString());
    }

    @Test
    void interfacesThatExistOnThisHostPass() throws Exception {
        HostCheck.Result r = check("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    track_interface {
                        eth1 weight -20
                    }
                """ + PEERS + "}\n", Set.of("eth0", "eth1"));
        assertTrue(r.errors().isEmpty() && r.warnings().isEmpty(), r.toString());
    }

    @Test
    void aTrackedInterfaceMissingOnThisHostIsAnErrorAtItsLineInTheTrackInterfaceBlock() throws Exception {
        HostCheck.Result r = check("""
                vrrp_instance TRACKIF {
                    interface eth0
                    virtual_router_id 65
                    track_interface {
                        eth0
                        ens224 weight 10
                    }
                """ + PEERS + "}\n", Set.of("eth0"));
        assertEquals(List.of("k.conf:6: track_interface ens224 for vrrp_instance TRACKIF does not exist on this host"),
                r.errors().stream().map(e -> e.toString().replaceFirst(" \\(.*", "")).toList(), r.toString());
    }

    @Test
    void aSyncGroupTrackedInterfaceMissingIsAnErrorForEachMemberAtTheGroupsLine() throws Exception {
        HostCheck.Result r = check("""
                vrrp_sync_group G {
                    group {
                        A
                        B
                    }
                    track_interface {
                        bond9
                    }
                }
                vrrp_instance A {
                    interface eth0
                    virtual_router_id 1
                """ + PEERS + """
                }
                vrrp_instance B {
                    interface eth0
                    virtual_router_id 2
                """ + PEERS + "}\n", Set.of("eth0"));
        assertEquals(List.of("k.conf:7: track_interface bond9 for vrrp_instance A", "k.conf:7: track_interface bond9 for vrrp_instance B"),
                r.errors().stream().map(e -> e.toString().replaceFirst(" does not exist.*", "")).toList(), r.toString());
    }

    @Test
    void aVirtualAddressDeviceMissingOnThisHostIsAnErrorAtTheFirstLineNamingIt() throws Exception {
        HostCheck.Result r = check("""
                vrrp_instance VIPDEV {
                    interface eth0
                    virtual_router_id 7
                    unicast_src_ip 10.0.0.1
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress {
                        10.0.0.100
                        192.0.2.7/24 dev bond0
                        192.0.2.8/24 dev bond0
                        10.0.0.101 dev eth0
                    }
                }
                """, Set.of("eth0"));
        assertEquals(List.of("k.conf:10: interface bond0 for virtual_ipaddress in vrrp_instance VIPDEV"),
                r.errors().stream().map(e -> e.toString().replaceFirst(" does not exist.*", "")).toList(), r.toString());
    }

    @Test
    void withDynamicInterfacesAMissingInterfaceIsAWarningAtItsLineAndNoError() throws Exception {
        HostCheck.Result r = check("""
                global_defs {
                    dynamic_interfaces
                }
                vrrp_instance LATE {
                    interface vlan42
                    virtual_router_id 42
                    track_interface {
                        bond0
                    }
                """ + PEERS + "}\n", Set.of("eth0"));
        assertTrue(r.errors().isEmpty(), r.toString());
        assertEquals(List.of(5, 8), r.warnings().stream().map(ConfigError::line).toList(), r.toString());
        assertTrue(r.warnings().getFirst().message().contains("stays in FAULT until it is created"), r.toString());
    }

    @Test
    void dynamicInterfacesTakesKeepalivedsAllowIfChangesAndWarnsAboutAnythingElse() throws Exception {
        assertTrue(ConfigParser.parse("global_defs {\n dynamic_interfaces allow_if_changes\n}\n", "k.conf").global().dynamicInterfaces());
        FloatdConfig c = ConfigParser.parse("global_defs {\n dynamic_interfaces sometimes\n}\n", "k.conf");
        assertTrue(c.global().dynamicInterfaces());
        assertEquals(List.of(2), c.warnings().stream().map(ConfigError::line).toList(), c.warnings().toString());
    }

    @Test
    void anInstanceInterfaceNameLongerThanTheKernelsLimitIsAnErrorEvenWithDynamicInterfaces() throws Exception {
        String name = "abcdefghijklmnop"; // 16 bytes: IFNAMSIZ with no room for the NUL
        HostCheck.Result r = check("global_defs {\n    dynamic_interfaces\n}\nvrrp_instance LONG {\n    interface " + name
                + "\n    virtual_router_id 9\n" + PEERS + "}\n", Set.of(name));
        assertEquals(List.of("k.conf:5: interface " + name + " for vrrp_instance LONG: the name is longer than 15 bytes,"
                + " which no Linux interface can have"), r.errors().stream().map(ConfigError::toString).toList());
        assertTrue(r.warnings().isEmpty(), r.toString());
    }

    @Test
    void aLookUpThatFailsIsAnErrorAtTheLineNotAPass() throws Exception {
        List<String> asked = new ArrayList<>();
        HostCheck.Result r = HostCheck.check(ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                """ + PEERS + "}\n", "k.conf"), name -> {
                    asked.add(name);
                    throw new IOException("socket: Too many open files");
                });
        assertEquals(List.of("eth0"), asked);
        assertEquals(List.of("k.conf:2: interface eth0 for vrrp_instance VI_1: cannot look it up on this host: socket: Too many open files"),
                r.errors().stream().map(ConfigError::toString).toList());
    }
}
