package io.floatd.vrrp.config;

import io.floatd.vrrp.codec.AuthType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configurations as keepalived users write them. */
class ConfigParserTest {

    static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    @Test
    void unicastPairWithVersion2AndPassword() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                ! Configuration File for keepalived
                global_defs {
                   router_id lb1
                }

                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    advert_int 1
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                    authentication {
                        auth_type PASS
                        auth_pass s3cret
                    }
                    virtual_ipaddress {
                        10.0.0.100/24 dev eth0
                        10.0.0.101
                    }
                }
                """, "keepalived.conf");

        assertEquals("lb1", config.global().routerId());
        assertEquals(2, config.global().vrrpVersion());
        assertEquals(List.of(), config.warnings());
        assertEquals(1, config.instances().size());
        InstanceConfig vi = config.instances().getFirst();
        assertEquals("VI_1", vi.name());
        assertEquals("keepalived.conf", vi.file());
        assertEquals(6, vi.line());
        assertEquals(InitialState.MASTER, vi.initialState());
        assertEquals("eth0", vi.interfaceName());
        assertEquals(51, vi.virtualRouterId());
        assertEquals(150, vi.priority());
        assertEquals(2, vi.version());
        assertEquals(100, vi.advertIntervalCentis());
        assertEquals(Duration.ofSeconds(1), vi.advertInterval());
        assertTrue(vi.preempt());
        assertEquals(Duration.ZERO, vi.preemptDelay());
        assertEquals(ip("10.0.0.11"), vi.unicastSrcIp());
        assertEquals(List.of(new UnicastPeer(ip("10.0.0.12"), 255, 255)), vi.unicastPeers());
        assertEquals(new Authentication(AuthType.PASS, Secret.of("s3cret")), vi.authentication());
        assertEquals("s3cret", vi.authentication().password().reveal());
        assertEquals(List.of(new VirtualAddress(ip("10.0.0.100"), 24, "eth0"), new VirtualAddress(ip("10.0.0.101"), 32, null)),
                vi.virtualAddresses());
        assertEquals(NotifyScripts.NONE, vi.notifyScripts());
        assertTrue(vi.floatingIps().isEmpty());
        assertTrue(!vi.isIpv6());
    }

    @Test
    void version3PairWithSubSecondAdverts() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                global_defs {
                    router_id node-b
                    vrrp_version 3
                }
                vrrp_instance VI_DB
                {
                    state BACKUP
                    interface ens5
                    virtual_router_id 7
                    priority 90
                    advert_int 0.1
                    nopreempt
                    preempt_delay 2.5
                    unicast_src_ip 172.31.1.20
                    unicast_peer {
                        172.31.2.30 min_ttl 62 max_ttl 255
                    }
                    virtual_ipaddress {
                        172.31.100.5/32
                    }
                    floating_ip {
                        provider aws
                        allocation_id eipalloc-0abc
                        region eu-west-1
                    }
                }
                """, "ha.conf");

        assertEquals(3, config.global().vrrpVersion());
        InstanceConfig vi = config.instance("VI_DB").orElseThrow();
        assertEquals(5, vi.line(), "the keyword's line, not the brace's");
        assertEquals(InitialState.BACKUP, vi.initialState());
        assertEquals("ens5", vi.interfaceName());
        assertEquals(7, vi.virtualRouterId());
        assertEquals(90, vi.priority());
        assertEquals(3, vi.version());
        assertEquals(10, vi.advertIntervalCentis());
        assertEquals(Duration.ofMillis(100), vi.advertInterval());
        assertEquals(false, vi.preempt());
        assertEquals(Duration.ofMillis(2500), vi.preemptDelay());
        assertEquals(ip("172.31.1.20"), vi.unicastSrcIp());
        assertEquals(List.of(new UnicastPeer(ip("172.31.2.30"), 62, 255)), vi.unicastPeers());
        assertNull(vi.authentication());
        assertEquals(List.of(new VirtualAddress(ip("172.31.100.5"), 32, null)), vi.virtualAddresses());
        assertEquals(Map.of("provider", "aws", "allocation_id", "eipalloc-0abc", "region", "eu-west-1"), vi.floatingIps().getFirst().values());
        assertEquals(List.of("provider", "allocation_id", "region"), List.copyOf(vi.floatingIps().getFirst().values().keySet()));
        assertEquals("aws", vi.floatingIps().getFirst().provider().orElseThrow());
        assertEquals("ha.conf", vi.floatingIps().getFirst().file());
        assertEquals(21, vi.floatingIps().getFirst().line());
    }

    /** peer_instance_id / peer_droplet_id name one id per peer: the block's only keys that take several words. */
    @Test
    void peerIdKeysTakeSeveralWordsKeptJoinedByOneSpace() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    unicast_peer {
                        10.0.0.12
                        10.0.0.13
                    }
                    floating_ip {
                        provider aws
                        address 203.0.113.10
                        peer_instance_id 10.0.0.12=i-0abc   10.0.0.13=i-0def
                    }
                }
                """, "k.conf");
        assertEquals("10.0.0.12=i-0abc 10.0.0.13=i-0def",
                config.instances().getFirst().floatingIps().getFirst().values().get("peer_instance_id"));
        FloatdConfig again = ConfigParser.parse(config.dump(false), "k.conf");
        assertEquals(config.instances().getFirst().floatingIps(), again.instances().getFirst().floatingIps(),
                "the dump reads back the same");
    }

    /** aws mode route_table names one or more route tables on one line (issue 16). */
    @Test
    void routeTableTakesSeveralTablesKeptJoinedByOneSpace() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    floating_ip {
                        provider aws
                        mode route_table
                        address 192.168.100.10
                        route_table rtb-0a1b2c3d   rtb-0b2c3d4e
                    }
                }
                """, "k.conf");
        assertEquals("rtb-0a1b2c3d rtb-0b2c3d4e",
                config.instances().getFirst().floatingIps().getFirst().values().get("route_table"));
        FloatdConfig again = ConfigParser.parse(config.dump(false), "k.conf");
        assertEquals(config.instances().getFirst().floatingIps(), again.instances().getFirst().floatingIps(),
                "the dump reads back the same");
    }

    @Test
    void instanceVersionOverridesGlobalVersion() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                global_defs {
                    vrrp_version 3
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    version 2
                    advert_int 3
                    unicast_peer {
                        10.0.0.2
                    }
                }
                """, "k.conf");
        InstanceConfig vi = config.instances().getFirst();
        assertEquals(2, vi.version());
        assertEquals(300, vi.advertIntervalCentis());
    }

    @Test
    void globalDefsAfterTheInstancesStillApplies() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    advert_int 0.5
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                global_defs {
                    vrrp_version 3
                }
                """, "k.conf");
        assertEquals(3, config.instances().getFirst().version());
        assertEquals(50, config.instances().getFirst().advertIntervalCentis());
    }

    @Test
    void defaultsMatchKeepalivedExceptTheTtlWindow() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    unicast_peer {
                        10.0.0.2
                    }
                }
                """, "k.conf");
        assertEquals(GlobalDefs.defaults(), config.global());
        assertTrue(!config.global().routerId().isBlank());
        InstanceConfig vi = config.instances().getFirst();
        assertEquals(InitialState.BACKUP, vi.initialState());
        assertEquals(100, vi.priority());
        assertEquals(2, vi.version());
        assertEquals(100, vi.advertIntervalCentis());
        assertTrue(vi.preempt());
        assertEquals(Duration.ZERO, vi.preemptDelay());
        assertNull(vi.unicastSrcIp());
        assertNull(vi.authentication());
        assertEquals(List.of(), vi.virtualAddresses());
        assertEquals(List.of(UnicastPeer.of(ip("10.0.0.2"))), vi.unicastPeers());
        assertEquals(255, vi.unicastPeers().getFirst().minTtl());
        assertEquals(255, vi.unicastPeers().getFirst().maxTtl());
    }

    @Test
    void ipv6InstanceRunsVersion3AsInKeepalived() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance V6 {
                    interface eth0
                    virtual_router_id 9
                    advert_int 0.25
                    unicast_src_ip 2001:db8::1
                    unicast_peer {
                        2001:db8::2 min_ttl 250
                    }
                    virtual_ipaddress {
                        2001:db8::100/64 dev eth1
                    }
                }
                """, "k.conf");
        InstanceConfig vi = config.instances().getFirst();
        assertTrue(vi.isIpv6());
        assertEquals(3, vi.version());
        assertEquals(25, vi.advertIntervalCentis());
        assertEquals(List.of(new UnicastPeer(ip("2001:db8::2"), 250, 255)), vi.unicastPeers());
        assertEquals(List.of(new VirtualAddress(ip("2001:db8::100"), 64, "eth1")), vi.virtualAddresses());
    }

    @Test
    void notifyScriptsQuotedAndUnquoted() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    notify_master /etc/keepalived/master.sh
                    notify_backup "/etc/keepalived/state.sh BACKUP 'two words'"   # quoted: it has arguments
                    notify_fault "/etc/keepalived/state.sh FAULT"
                    notify_stop /usr/local/bin/stop.sh
                    notify "/usr/bin/logger -t \\"vrrp #1\\""
                }
                """, "k.conf");
        assertEquals(new NotifyScripts(
                        "/usr/bin/logger -t \"vrrp #1\"",
                        "/etc/keepalived/master.sh",
                        "/etc/keepalived/state.sh BACKUP 'two words'",
                        "/etc/keepalived/state.sh FAULT",
                        "/usr/local/bin/stop.sh"),
                config.instances().getFirst().notifyScripts());
    }

    @Test
    void loadBalancerBlocksAreSkippedWithAWarning() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }

                virtual_server_group web {
                    10.0.0.100 80
                }

                virtual_server 10.0.0.100 80 {
                    delay_loop 6
                    lb_algo rr
                    real_server 10.0.0.11 80 {
                        HTTP_GET {
                            url {
                                path /health
                            }
                        }
                    }
                }
                """, "k.conf");
        assertEquals(1, config.instances().size());
        assertEquals(List.of(
                        "k.conf:10: skipped 'virtual_server_group web': keepalived's load balancer (LVS) is not part of floatd",
                        "k.conf:14: skipped 'virtual_server 10.0.0.100 80': keepalived's load balancer (LVS) is not part of floatd"),
                config.warnings().stream().map(ConfigError::toString).toList());
    }

    @Test
    void lexesLikeKeepalived() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                # hash comment
                ! bang comment
                vrrp_instance "VI 1"    # the name is quoted
                {
                    interface eth0  ! trailing comment
                	virtual_router_id	51
                    priority 200# a comment may touch a word
                    unicast_peer { 10.0.0.2 }
                    authentication
                    {
                        auth_type PASS
                        auth_pass "pa ss#1"
                    }
                }
                """, "k.conf");
        InstanceConfig vi = config.instances().getFirst();
        assertEquals("VI 1", vi.name());
        assertEquals(3, vi.line());
        assertEquals(200, vi.priority());
        assertEquals(List.of(UnicastPeer.of(ip("10.0.0.2"))), vi.unicastPeers());
        assertEquals("pa ss#1", vi.authentication().password().reveal());
    }

    @Test
    void longPasswordIsTruncatedToEightCharactersWithAWarning() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    authentication {
                        auth_type PASS
                        auth_pass 0123456789
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                """, "k.conf");
        assertEquals("01234567", config.instances().getFirst().authentication().password().reveal());
        assertEquals(List.of("k.conf:9: vrrp_instance VI_1: auth_pass is longer than 8 characters; only the first 8 are used, as in keepalived"),
                config.warnings().stream().map(ConfigError::toString).toList());
    }

    @Test
    void harmlessAddressOptionsAreAcceptedAndRepeatsWarned() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 110
                    priority 120
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress {
                        10.0.0.100/24 dev eth0 label eth0:1 scope global
                    }
                    preempt
                }
                """, "k.conf");
        InstanceConfig vi = config.instances().getFirst();
        assertEquals(120, vi.priority());
        assertTrue(vi.preempt());
        assertEquals(List.of(new VirtualAddress(ip("10.0.0.100"), 24, "eth0")), vi.virtualAddresses());
        assertEquals(List.of(
                        "k.conf:5: vrrp_instance VI_1: 'priority' is given again; this one wins over line 4, as in keepalived",
                        "k.conf:10: vrrp_instance VI_1: virtual_ipaddress 10.0.0.100/24: 'label eth0:1' is ignored, floatd does not label addresses"),
                config.warnings().stream().map(ConfigError::toString).toList());
    }

    @Test
    void nopreemptWithStateMasterIsWarnedAboutAsInTheManual() throws Exception {
        FloatdConfig config = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    state MASTER
                    nopreempt
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                """, "k.conf");
        assertEquals(false, config.instances().getFirst().preempt());
        assertEquals(List.of("k.conf:1: vrrp_instance VI_1: nopreempt has no effect with state MASTER; keepalived needs state BACKUP for it"),
                config.warnings().stream().map(ConfigError::toString).toList());
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                }
                """);
        InstanceConfig vi = ConfigParser.parse(file).instances().getFirst();
        assertEquals(file.toString(), vi.file());
        assertEquals(1, vi.line());
    }
}
