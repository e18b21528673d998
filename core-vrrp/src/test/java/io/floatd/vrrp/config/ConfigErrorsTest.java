package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per kind of mistake, each pinned to its file:line and message. */
class ConfigErrorsTest {

    /**
     * A valid instance whose extra lines start at line 7:
     * <pre>
     * 1 vrrp_instance VI_1 {
     * 2     interface eth0
     * 3     virtual_router_id 51
     * 4     unicast_peer {
     * 5         10.0.0.2
     * 6     }
     * 7     (extra lines)
     * </pre>
     */
    private static String instance(String... extraLines) {
        var text = new StringBuilder("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                """);
        for (String line : extraLines) {
            text.append("    ").append(line).append('\n');
        }
        return text.append("}\n").toString();
    }

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
        assertEquals(String.join("\n", errors), e.getMessage());
        return errors;
    }

    @Test
    void badAddress() {
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: unicast_src_ip '10.0.0.300' is not a valid IPv4 or IPv6 address",
                        "k.conf:9: vrrp_instance VI_1: virtual_ipaddress 'vip.example.com' is not a valid IPv4 or IPv6 address",
                        "k.conf:10: vrrp_instance VI_1: virtual_ipaddress '10.1' is not a valid IPv4 or IPv6 address",
                        "k.conf:11: vrrp_instance VI_1: prefix length must be between 0 and 32, but was 33",
                        "k.conf:14: vrrp_instance VI_1: unicast_peer '2001:db8::zz' is not a valid IPv4 or IPv6 address"),
                errors(instance(
                        "unicast_src_ip 10.0.0.300",
                        "virtual_ipaddress {",
                        "    vip.example.com",
                        "    10.1",
                        "    10.0.0.1/33",
                        "}",
                        "unicast_peer {",
                        "    2001:db8::zz",
                        "}")));
    }

    @Test
    void virtualRouterIdOutOfRange() {
        assertEquals(List.of("k.conf:3: vrrp_instance VI_1: virtual_router_id must be between 1 and 255, but was 256"),
                errors(instance().replace("virtual_router_id 51", "virtual_router_id 256")));
    }

    @Test
    void priorityOutOfRange() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: priority must be between 1 and 255, but was 0"),
                errors(instance("priority 0")));
    }

    @Test
    void priorityNotANumber() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: priority must be a whole number, but was 'high'"),
                errors(instance("priority high")));
    }

    @Test
    void fractionalAdvertIntervalWithVersion2() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: advert_int must be a whole number of seconds between 1 and 255"
                        + " with VRRP version 2, but was 0.5 (fractions need version 3)"),
                errors(instance("advert_int 0.5")));
    }

    @Test
    void advertIntervalOutOfRangeForVersion2() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: advert_int must be a whole number of seconds between 1 and 255"
                        + " with VRRP version 2, but was 256"),
                errors(instance("advert_int 256")));
    }

    @Test
    void advertIntervalOutOfRangeForVersion3() {
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: advert_int must be between 0.01 and 40.95 seconds with VRRP version 3, but was 41"),
                errors(instance("advert_int 41", "version 3")));
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: advert_int must be a multiple of 0.01 seconds with VRRP version 3, but was 0.015"),
                errors(instance("advert_int 0.015", "version 3")));
    }

    @Test
    void missingInterfaceAndVirtualRouterId() {
        assertEquals(List.of(
                        "k.conf:1: vrrp_instance VI_1: interface is required",
                        "k.conf:1: vrrp_instance VI_1: virtual_router_id is required"),
                errors(instance().replace("    interface eth0\n", "").replace("    virtual_router_id 51\n", "")));
    }

    @Test
    void udpTransportWithoutUnicastPeerIsRefusedAtTheTransportBlock() {
        String message = "vrrp_instance VI_1: transport udp needs unicast_peer: floatd's UDP transport is unicast only"
                + " (without a transport block, an instance without unicast_peer speaks VRRP over multicast, as keepalived does)";
        assertEquals(List.of("k.conf:4: " + message), errors("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    transport {
                        udp
                    }
                }
                """));
        assertEquals(List.of("k.conf:6: " + message), errors("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                    }
                    transport {
                        udp port 1112
                    }
                }
                """));
    }

    @Test
    void addressFamilyDiffersFromUnicastSourceIp() {
        assertEquals(List.of(
                        "k.conf:5: vrrp_instance VI_1: unicast_peer 10.0.0.2 is IPv4, but unicast_src_ip 2001:db8::1 is IPv6",
                        "k.conf:10: vrrp_instance VI_1: virtual_ipaddress 10.0.0.100 is IPv4, but unicast_src_ip 2001:db8::1 is IPv6"),
                errors(instance(
                        "unicast_src_ip 2001:db8::1",
                        "version 3",
                        "virtual_ipaddress {",
                        "    10.0.0.100",
                        "    2001:db8::100",
                        "}")));
    }

    @Test
    void addressFamilyDiffersFromFirstPeer() {
        assertEquals(List.of(
                        "k.conf:8: vrrp_instance VI_1: unicast_peer 2001:db8::3 is IPv6, but the first unicast_peer 10.0.0.2 is IPv4",
                        "k.conf:11: vrrp_instance VI_1: virtual_ipaddress 2001:db8::100 is IPv6, but the first unicast_peer 10.0.0.2 is IPv4"),
                errors(instance(
                        "unicast_peer {",
                        "    2001:db8::3",
                        "}",
                        "virtual_ipaddress {",
                        "    2001:db8::100",
                        "}")));
    }

    @Test
    void version2WithIpv6() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: version 2 is IPv4-only; IPv6 instances need version 3"),
                errors(instance("version 2").replace("10.0.0.2", "2001:db8::2")));
    }

    @Test
    void duplicateInstanceName() {
        assertEquals(List.of("k.conf:8: vrrp_instance VI_1: vrrp_instance VI_1 is already defined at k.conf:1"),
                errors(instance() + instance().replace("virtual_router_id 51", "virtual_router_id 52")));
    }

    @Test
    void sameVirtualRouterIdAndFamilyOnTheSameInterface() {
        assertEquals(List.of("k.conf:8: vrrp_instance VI_2: virtual_router_id 51 is already used on eth0 (IPv4)"
                        + " by vrrp_instance VI_1 at k.conf:1"),
                errors(instance() + instance().replace("VI_1", "VI_2")));
    }

    @Test
    void sameVirtualRouterIdIsFineOnAnotherInterfaceOrFamily() throws Exception {
        String v6 = instance("version 3").replace("VI_1", "VI_3").replace("10.0.0.2", "2001:db8::2");
        String otherInterface = instance().replace("VI_1", "VI_2").replace("eth0", "eth1");
        assertEquals(3, ConfigParser.parse(instance() + otherInterface + v6, "k.conf").instances().size());
    }

    @Test
    void unterminatedBlock() {
        assertEquals(List.of("k.conf:1: unterminated block: 'vrrp_instance VI_1' has no closing '}'"),
                errors(instance().substring(0, instance().lastIndexOf('}'))));
    }

    @Test
    void strayClosingBrace() {
        assertEquals(List.of("k.conf:8: unexpected '}': no block is open here"), errors(instance() + "}\n"));
    }

    @Test
    void missingValueAfterKeyword() {
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: missing value after 'priority'",
                        "k.conf:8: vrrp_instance VI_1: missing value after 'min_ttl'"),
                errors(instance(
                        "priority",
                        "unicast_peer { 10.0.0.3 min_ttl }")));
    }

    @Test
    void tooManyValues() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: 'interface' takes one value, but got 2: eth0 eth1 (quote it if it contains spaces)"),
                errors(instance("interface eth0 eth1")));
    }

    @Test
    void unknownKeyword() {
        assertEquals(List.of(
                        "k.conf:1: unknown keyword 'global_def' in the top level (did you mean 'global_defs'?)",
                        "k.conf:9: vrrp_instance VI_1: unknown keyword 'priorty' in vrrp_instance (did you mean 'priority'?)",
                        "k.conf:10: vrrp_instance VI_1: unknown keyword 'colour' in vrrp_instance",
                        "k.conf:11: vrrp_instance VI_1: unknown unicast_peer option 'ttl' (expected min_ttl or max_ttl)",
                        "k.conf:12: vrrp_instance VI_1: unknown virtual_ipaddress option 'deb' (did you mean 'dev'?)"),
                errors("global_def {\n}\n" + instance(
                        "priorty 100",
                        "colour blue",
                        "unicast_peer { 10.0.0.3 ttl 1 }",
                        "virtual_ipaddress { 10.0.0.100 deb eth0 }")));
    }

    @Test
    void keepalivedFeaturesFloatdLacksAreErrorsNotSkipped() {
        assertEquals(List.of(
                        "k.conf:4: include /etc/keepalived/conf.d/*.conf matches no file (floatd refuses a missing include: it may hold a health check)",
                        "k.conf:6: global_defs: floatd does not support 'vrrp_strict' in global_defs: strict RFC mode changes"
                                + " which adverts are accepted and what a Master does",
                        "k.conf:22: vrrp_instance VI_1: floatd does not support 'brd' in virtual_ipaddress yet",
                        // vrrp_sync_group is implemented; a group of one runs with a warning (SyncGroupConfigTest)
                        "k.conf:23: vrrp_instance VI_1: floatd does not support 'scope host' in virtual_ipaddress yet, only the default, global"),
                errors("""
                        vrrp_track_process haproxy {
                            process "haproxy"
                        }
                        include /etc/keepalived/conf.d/*.conf
                        global_defs {
                            vrrp_strict
                        }
                        vrrp_instance VI_1 {
                            interface eth0
                            virtual_router_id 51
                            unicast_peer {
                                10.0.0.2
                            }
                            track_process {
                                haproxy
                            }
                            garp_master_delay 1
                            virtual_ipaddress_excluded {
                                10.0.0.200
                            }
                            virtual_ipaddress {
                                10.0.0.100/24 brd 10.0.0.255
                                10.0.0.101 scope host
                            }
                        }
                        vrrp_sync_group G {
                            group {
                                VI_1
                            }
                        }
                        """));
    }

    @Test
    void authenticationHeaderNeedsVrrpOverIp() {
        assertEquals(List.of("k.conf:8: vrrp_instance VI_1: auth_type AH needs VRRP over IP (the AH header protects the IP"
                        + " header); remove the transport udp block or use auth_type PASS"),
                errors(instance("authentication {", "    auth_type AH", "    auth_pass secret", "}", "transport {", "    udp", "}")));
    }

    @Test
    void incompleteAuthentication() {
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: authentication needs 'auth_pass'",
                        "k.conf:10: vrrp_instance VI_1: authentication needs 'auth_type PASS'"),
                errors(instance(
                        "authentication {", "    auth_type PASS", "}",
                        "authentication {", "    auth_pass x", "}")));
    }

    @Test
    void badStateAndVersion() {
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: state must be MASTER or BACKUP, but was 'FAULT'",
                        "k.conf:8: vrrp_instance VI_1: version must be 2 or 3, but was 4",
                        "k.conf:12: global_defs: vrrp_version must be 2 or 3, but was 1"),
                errors(instance("state FAULT", "version 4") + "global_defs {\n    router_id a\n    vrrp_version 1\n}\n"));
    }

    @Test
    void keywordValuesAreCaseSensitiveAsInKeepalived() {
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: state must be MASTER or BACKUP, but was 'master' (keepalived would start it as BACKUP)",
                        "k.conf:9: vrrp_instance VI_1: auth_type must be PASS or AH, but was 'pass'"),
                errors(instance("state master", "authentication {", "    auth_type pass", "    auth_pass x", "}")));
    }

    @Test
    void aBadVirtualAddressInAMulticastInstanceIsReportedAlone() {
        assertEquals(List.of(
                        "k.conf:5: vrrp_instance VI_1: virtual_ipaddress '10.0.0' is not a valid IPv4 or IPv6 address"),
                errors("""
                        vrrp_instance VI_1 {
                            interface eth0
                            virtual_router_id 51
                            virtual_ipaddress {
                                10.0.0
                            }
                        }
                        """));
    }

    @Test
    void preemptDelayOutOfRange() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: preempt_delay must be between 0 and 1000 seconds, but was 1000.5"),
                errors(instance("preempt_delay 1000.5")));
    }

    @Test
    void ttlWindowMustBeOrdered() {
        assertEquals(List.of(
                        "k.conf:5: vrrp_instance VI_1: min_ttl must not exceed max_ttl, but min_ttl was 255 and max_ttl 64",
                        "k.conf:6: vrrp_instance VI_1: max_ttl must be between 0 and 255, but was 256"),
                errors("""
                        vrrp_instance VI_1 {
                            interface eth0
                            virtual_router_id 51
                            unicast_peer {
                                10.0.0.2 max_ttl 64
                                10.0.0.3 min_ttl 1 max_ttl 256
                            }
                        }
                        """));
    }

    @Test
    void floatingIpProviderMustBeKnown() {
        assertEquals(List.of(
                        "k.conf:8: vrrp_instance VI_1: provider must be one of aws, digitalocean, linux-l2, but was 'gcp'",
                        "k.conf:10: vrrp_instance VI_1: floating_ip 'token' is already set on line 9",
                        "k.conf:11: vrrp_instance VI_1: missing value after 'region'"),
                errors(instance("floating_ip {", "    provider gcp", "    token a", "    token b", "    region", "}")));
    }

    @Test
    void floatingIpKeysOtherThanThePeerIdsTakeOneValue() {
        assertEquals(List.of(
                        "k.conf:9: vrrp_instance VI_1: 'address' takes one value, but got 2: 203.0.113.10 203.0.113.11 "
                                + "(quote it if it contains spaces)",
                        "k.conf:10: vrrp_instance VI_1: missing value after 'peer_instance_id'"),
                errors(instance("floating_ip {", "    provider aws", "    address 203.0.113.10 203.0.113.11",
                        "    peer_instance_id", "}")));
    }

    @Test
    void notifyScriptRunAsAnotherUser() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: floatd does not support running 'notify_master' as another user yet"
                        + " (got 'root' after the script); if those are the script's arguments, quote the whole command line"),
                errors(instance("notify_master /etc/keepalived/master.sh root")));
    }

    @Test
    void unterminatedQuote() {
        assertEquals(List.of("k.conf:7: unterminated quoted string: missing closing '\"'"),
                errors(instance("notify_master \"/bin/true", "priority 10")));
    }

    @Test
    void parameterUsedBeforeItsDefinitionIsLeftAsItIsAndRefusedAsAKeyword() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: '$PRIO': no parameter of that name is defined before this line,"
                        + " so it is left as it is (as keepalived does); define it first with $NAME=value (no blanks before '='); a multi-line"
                        + " parameter only expands where its use ends the line"),
                errors(instance("$PRIO") + "$PRIO=priority 200\n"));
    }

    @Test
    void everyErrorInAFileIsReported() {
        List<String> errors = errors("""
                global_defs {
                    vrrp_version 5
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 300
                    priority 0
                    advert_int 0.5
                    track_script {
                        chk
                    }
                    unicast_peer {
                        10.0.0.2
                        10.0.0.999
                    }
                }
                vrrp_instance VI_2 {
                    virtual_router_id 5
                    unicast_peer {
                        10.0.0.2
                    }
                }
                }
                """);
        assertEquals(List.of(
                        "k.conf:2: global_defs: vrrp_version must be 2 or 3, but was 5",
                        "k.conf:6: vrrp_instance VI_1: virtual_router_id must be between 1 and 255, but was 300",
                        "k.conf:7: vrrp_instance VI_1: priority must be between 1 and 255, but was 0",
                        "k.conf:8: vrrp_instance VI_1: advert_int must be a whole number of seconds between 1 and 255"
                                + " with VRRP version 2, but was 0.5 (fractions need version 3)",
                        "k.conf:10: vrrp_instance VI_1: track_script: no vrrp_script named 'chk'",
                        "k.conf:14: vrrp_instance VI_1: unicast_peer '10.0.0.999' is not a valid IPv4 or IPv6 address",
                        "k.conf:17: vrrp_instance VI_2: interface is required",
                        "k.conf:23: unexpected '}': no block is open here"),
                errors);
    }
}
