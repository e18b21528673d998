package io.floatd.vrrp.config;

import io.floatd.vrrp.codec.AuthType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
        // keepalived warns about an instance without a virtual address ("at least one is sensible"): one, last
        if (!String.join("\n", extraLines).contains("virtual_ipaddress {")) {
            text.append("    virtual_ipaddress { 10.0.0.100 }\n");
        }
        return text.append("}\n").toString();
    }

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
        assertEquals(String.join("\n", errors), e.getMessage());
        return errors;
    }

    private static List<String> warnings(String text) throws ConfigException {
        return ConfigParser.parse(text, "k.conf").warnings().stream().map(ConfigError::toString).toList();
    }

    @Test
    void badAddress() {
        // a virtual_ipaddress word that is not an address is skipped with a warning, as keepalived skips it
        // (aVirtualAddressWordThatIsNotAnAddressIsSkippedAsKeepalivedSkipsIt); the others are refused
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: unicast_src_ip '10.0.0.300' is not a valid IPv4 or IPv6 address",
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
    void priorityOutOfRangeRunsWithKeepalivedsDefault100() throws Exception {
        // keepalived: "Priority not valid! must be between 1 & 255. Using default 100"
        for (String word : List.of("0", "300", "high", "'200'")) {
            FloatdConfig c = ConfigParser.parse(instance("priority " + word), "k.conf");
            assertEquals(100, c.instances().getFirst().priority(), word);
            assertEquals(List.of("k.conf:7: vrrp_instance VI_1: priority must be between 1 and 255, but was '" + word + "': the"
                            + " instance runs with priority 100, as keepalived runs it (\"Priority not valid! ... Using default 100\")"),
                    c.warnings().stream().map(ConfigError::toString).toList());
        }
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
                errors(instance("version 2", "virtual_ipaddress { 2001:db8::100 }").replace("10.0.0.2", "2001:db8::2")));
    }

    @Test
    void duplicateInstanceName() {
        assertEquals(List.of("k.conf:9: vrrp_instance VI_1: vrrp_instance VI_1 is already defined at k.conf:1"),
                errors(instance() + instance().replace("virtual_router_id 51", "virtual_router_id 52")));
    }

    @Test
    void sameVirtualRouterIdAndFamilyOnTheSameInterface() {
        assertEquals(List.of("k.conf:9: vrrp_instance VI_2: virtual_router_id 51 is already used on eth0 (IPv4)"
                        + " by vrrp_instance VI_1 at k.conf:1"),
                errors(instance() + instance().replace("VI_1", "VI_2")));
    }

    @Test
    void sameVirtualRouterIdIsFineOnAnotherInterfaceOrFamily() throws Exception {
        String v6 = instance("version 3", "virtual_ipaddress { 2001:db8::100 }").replace("VI_1", "VI_3").replace("10.0.0.2", "2001:db8::2");
        String otherInterface = instance().replace("VI_1", "VI_2").replace("eth0", "eth1");
        assertEquals(3, ConfigParser.parse(instance() + otherInterface + v6, "k.conf").instances().size());
    }

    @Test
    void unterminatedBlock() {
        assertEquals(List.of("k.conf:1: unterminated block: 'vrrp_instance VI_1' has no closing '}'"),
                errors(instance().substring(0, instance().lastIndexOf('}'))));
    }

    @Test
    void strayClosingBraceIsSkippedWithAWarningAsKeepalivedSkipsIt() throws Exception {
        // keepalived: "Extra '}' found", and the daemon runs
        assertEquals(List.of("k.conf:9: unexpected '}': no block is open here; skipped, as keepalived skips it"),
                warnings(instance() + "}\n"));
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
    void extraWordsAfterAValueAreIgnoredWithAWarningAsKeepalivedReadsTheFirst() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("advert_int 2 <--ADVERT-->", "state MASTER priority 200"), "k.conf");
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: 'advert_int' takes one value: '2' is used and '<--ADVERT-->' is ignored,"
                                + " as keepalived ignores it (quote the value if it contains spaces)",
                        "k.conf:8: vrrp_instance VI_1: 'state' takes one value: 'MASTER' is used and 'priority 200' is ignored,"
                                + " as keepalived ignores it (quote the value if it contains spaces)"),
                c.warnings().stream().map(ConfigError::toString).toList());
        assertEquals(200, c.instances().getFirst().advertIntervalCentis());
        // no priority line was read: keepalived makes a state MASTER instance without one the address owner
        assertEquals(255, c.instances().getFirst().priority());
    }

    @Test
    void unknownKeywordIsIgnoredWithAWarningAndASuggestionAsKeepalivedIgnoresIt() throws Exception {
        String ignored = ", as keepalived ignores it (it logs \"Unknown keyword\"); floatd check --strict refuses it";
        FloatdConfig c = ConfigParser.parse("global_def {\n}\n" + instance("priorty 200", "colour blue"), "k.conf");
        assertEquals(List.of(
                        "k.conf:1: unknown keyword 'global_def' in the top level (did you mean 'global_defs'?): ignored with its block" + ignored,
                        "k.conf:9: vrrp_instance VI_1: unknown keyword 'priorty' in vrrp_instance (did you mean 'priority'?): ignored" + ignored,
                        "k.conf:10: vrrp_instance VI_1: unknown keyword 'colour' in vrrp_instance: ignored" + ignored),
                c.warnings().stream().map(ConfigError::toString).toList());
        assertEquals(100, c.instances().getFirst().priority());
    }

    @Test
    void unknownOptionsOfKnownKeywordsAreStillRefused() {
        assertEquals(List.of(
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
                        "k.conf:6: global_defs: floatd does not support 'vrrp_startup_delay' in global_defs: delays the first"
                                + " election after boot, so who becomes Master",
                        "k.conf:22: vrrp_instance VI_1: floatd does not support 'brd' in virtual_ipaddress yet",
                        // vrrp_sync_group is implemented; a group of one runs with a warning (SyncGroupConfigTest)
                        "k.conf:23: vrrp_instance VI_1: floatd does not support 'scope host' in virtual_ipaddress yet, only the default, global"),
                errors("""
                        vrrp_track_process haproxy {
                            process "haproxy"
                        }
                        include /etc/keepalived/conf.d/*.conf
                        global_defs {
                            vrrp_startup_delay 5
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
        // an auth_type without auth_pass: keepalived runs without authentication ("no password given. Ignoring"),
        // a warning (AuthTypeAhVerdictsTest NO_PASSWORD); without auth_type it is still refused
        assertEquals(List.of(
                        "k.conf:10: vrrp_instance VI_1: authentication needs 'auth_type PASS'"),
                errors(instance(
                        "authentication {", "    auth_type PASS", "}",
                        "authentication {", "    auth_pass x", "}")));
    }

    @Test
    void badStateAndVersion() {
        // state FAULT is read as BACKUP with a warning (unknownStateAndAuthTypeWordsRunAsKeepalivedRunsThem)
        assertEquals(List.of(
                        "k.conf:8: vrrp_instance VI_1: version must be 2 or 3, but was 4",
                        "k.conf:13: global_defs: vrrp_version must be 2 or 3, but was 1"),
                errors(instance("state FAULT", "version 4") + "global_defs {\n    router_id a\n    vrrp_version 1\n}\n"));
    }

    @Test
    void unknownStateAndAuthTypeWordsRunAsKeepalivedRunsThem() throws Exception {
        // keepalived compares exactly: "unknown state 'master', defaulting to BACKUP"; "unknown authentication type
        // 'pass'" leaves the instance without authentication
        FloatdConfig c = ConfigParser.parse(instance("state master", "priority 200", "authentication {", "    auth_type pass",
                "    auth_pass x", "}"), "k.conf");
        assertEquals(List.of(
                        "k.conf:7: vrrp_instance VI_1: unknown state 'master': the instance starts as BACKUP, as keepalived"
                                + " starts it (\"unknown state, defaulting to BACKUP\"); write MASTER or BACKUP in capitals",
                        "k.conf:10: vrrp_instance VI_1: unknown auth_type 'pass' (expected PASS or AH): the instance runs"
                                + " without authentication, as keepalived runs it"),
                c.warnings().stream().map(ConfigError::toString).toList());
        assertEquals(InitialState.BACKUP, c.instances().getFirst().initialState());
        assertNull(c.instances().getFirst().authentication());
    }

    @Test
    void aVirtualAddressWordThatIsNotAnAddressIsSkippedAsKeepalivedSkipsIt() throws Exception {
        // keepalived: "VRRP parsed invalid IP 10.0.0. skipping IP...", then "No VIP specified; at least one is sensible"
        assertEquals(List.of(
                        "k.conf:1: vrrp_instance VI_1: no virtual_ipaddress: the adverts carry no address and floatd moves"
                                + " none, as keepalived runs it (\"No VIP specified; at least one is sensible\"); notify scripts or"
                                + " a floating_ip block move the address",
                        "k.conf:5: vrrp_instance VI_1: virtual_ipaddress '10.0.0' is not an IPv4 or IPv6 address: skipped, as"
                                + " keepalived skips it (\"VRRP parsed invalid IP\")"),
                warnings("""
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
                        // priority 0 (100), the unknown track_script and the extra '}' are warnings, as in keepalived
                        "k.conf:8: vrrp_instance VI_1: advert_int must be a whole number of seconds between 1 and 255"
                                + " with VRRP version 2, but was 0.5 (fractions need version 3)",
                        "k.conf:14: vrrp_instance VI_1: unicast_peer '10.0.0.999' is not a valid IPv4 or IPv6 address",
                        "k.conf:17: vrrp_instance VI_2: interface is required"),
                errors);
    }
}
