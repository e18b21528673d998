package io.floatd.vrrp.config;

import io.floatd.vrrp.codec.AuthType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** keepalived 2.2.7's meaning of the keywords issue 15 added, each checked against `keepalived -t` by hand. */
class KeepalivedCompatibilityConfigTest {

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

    private static List<String> warnings(FloatdConfig c) {
        return c.warnings().stream().map(ConfigError::toString).toList();
    }

    private static List<String> errors(String text) {
        return assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf")).errors().stream()
                .map(ConfigError::toString).toList();
    }

    @Test
    void unicastSrcIpAndPeerWithAPrefixUseTheAddress() throws Exception {
        // keepalived -t accepts 'unicast_src_ip 10.0.0.11/24' and 'unicast_peer { 10.0.0.12/24 }' (exit 0)
        FloatdConfig c = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_src_ip 10.0.0.11/24
                    unicast_peer {
                        10.0.0.12/24
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                """, "k.conf");
        InstanceConfig i = c.instances().getFirst();
        assertEquals(InetAddress.ofLiteral("10.0.0.11"), i.unicastSrcIp());
        assertEquals(InetAddress.ofLiteral("10.0.0.12"), i.unicastPeers().getFirst().address());
        assertEquals(List.of(), warnings(c));
    }

    @Test
    void aMalformedAddressBeforeThePrefixIsStillAnError() {
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: unicast_src_ip '10.0.0.300' is not a valid IPv4 or IPv6 address"),
                errors(instance("unicast_src_ip 10.0.0.300/24")));
    }

    @Test
    void authenticationInAVersion3InstanceIsIgnoredWithOneWarning() throws Exception {
        // keepalived 2.2.7: "(VI_1) VRRP version 3 does not support authentication. Ignoring."
        FloatdConfig c = ConfigParser.parse(instance("version 3", "authentication {", "    auth_type PASS",
                "    auth_pass secret", "}"), "k.conf");
        assertNull(c.instances().getFirst().authentication());
        assertEquals(List.of("k.conf:8: vrrp_instance VI_1: authentication is ignored: VRRP version 3 has none"
                + " (RFC 5798), as keepalived ignores it"), warnings(c));
    }

    @Test
    void authenticationInAVersion2InstanceStillAuthenticates() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("authentication {", "    auth_type PASS", "    auth_pass secret", "}"),
                "k.conf");
        assertEquals(AuthType.PASS, c.instances().getFirst().authentication().type());
    }

    @Test
    void excludedAddressesAreHeldButNotAdvertised() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("virtual_ipaddress {", "    10.0.0.100/24", "}",
                "virtual_ipaddress_excluded {", "    10.0.0.101/24 dev eth1", "    2001:db8::100/64", "}"), "k.conf");
        InstanceConfig i = c.instances().getFirst();
        assertEquals(List.of(InetAddress.ofLiteral("10.0.0.100")), i.virtualAddresses().stream().map(VirtualAddress::address).toList());
        assertEquals(List.of(InetAddress.ofLiteral("10.0.0.101"), InetAddress.ofLiteral("2001:db8::100")),
                i.excludedAddresses().stream().map(VirtualAddress::address).toList());
        assertEquals(List.of("10.0.0.100", "10.0.0.101", "2001:db8::100"),
                i.heldAddresses().stream().map(a -> Addresses.format(a.address())).toList());
        assertEquals("eth1", i.excludedAddresses().getFirst().device());
        assertEquals(List.of(), warnings(c));
    }

    @Test
    void anAddressListedInBothListsIsAnError() {
        assertEquals(List.of("k.conf:11: vrrp_instance VI_1: virtual_ipaddress_excluded 10.0.0.100 is listed twice"),
                errors(instance("virtual_ipaddress {", "    10.0.0.100", "}",
                        "virtual_ipaddress_excluded {", "    10.0.0.100", "}")));
    }

    @Test
    void defaultInterfaceIsWarnedAndAnInstanceStillNeedsAnInterface() throws Exception {
        // keepalived 2.2.7 uses default_interface for static addresses only: an instance without interface is
        // "(VI_1) Unknown interface!" with or without it
        FloatdConfig c = ConfigParser.parse("global_defs {\n    default_interface eth0\n}\n" + instance(), "k.conf");
        assertEquals(1, warnings(c).size());
        assertTrue(warnings(c).getFirst().startsWith("k.conf:2: global_defs: 'default_interface' is ignored: "));
        List<String> errors = errors("""
                global_defs {
                    default_interface eth0
                }
                vrrp_instance VI_1 {
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                }
                """);
        assertEquals(List.of("k.conf:4: vrrp_instance VI_1: interface is required"), errors);
    }

    @Test
    void notifyPriorityChangesFollowsGlobalDefsUnlessTheInstanceSaysOtherwise() throws Exception {
        String global = "global_defs {\n    vrrp_notify_priority_changes\n}\n";
        assertTrue(ConfigParser.parse(global + instance(), "k.conf").instances().getFirst().notifyPriorityChanges());
        assertFalse(ConfigParser.parse(global + instance("notify_priority_changes off"), "k.conf")
                .instances().getFirst().notifyPriorityChanges());
        assertTrue(ConfigParser.parse(instance("notify_priority_changes yes"), "k.conf").instances().getFirst().notifyPriorityChanges());
        assertFalse(ConfigParser.parse(instance(), "k.conf").instances().getFirst().notifyPriorityChanges());
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: notify_priority_changes takes yes or no (true/on, false/off),"
                + " but was 'maybe'"), errors(instance("notify_priority_changes maybe")));
    }

    @Test
    void aNotifyFifoScriptGoesWithItsOwnFifo() throws Exception {
        FloatdConfig c = ConfigParser.parse("""
                global_defs {
                    vrrp_notify_fifo /run/k.fifo
                    vrrp_notify_fifo_script "/bin/cat"
                    notify_fifo_script /bin/true
                }
                """ + instance(), "k.conf");
        // notify_fifo_script has no notify_fifo: keepalived does not run it either
        assertEquals(Map.of(Path.of("/run/k.fifo"), "/bin/cat"), c.global().notifyFifoScripts());
    }

    @Test
    void acceptAndCheckUnicastSrcAreWhatFloatdAlwaysDoes() throws Exception {
        FloatdConfig c = ConfigParser.parse("global_defs {\n    vrrp_check_unicast_src\n}\n"
                + instance("accept", "check_unicast_src"), "k.conf");
        assertEquals(List.of(), warnings(c));
    }

    @Test
    void harmlessKeywordsFromTheIssueLoadWithOneWarningEach() throws Exception {
        FloatdConfig c = ConfigParser.parse("""
                global_defs {
                    notification_email {
                        ops@example.com
                    }
                    notification_email_from lb@example.com
                    smtp_server 127.0.0.1
                    smtp_connect_timeout 30
                    max_auto_priority
                    vrrp_gna_interval 0
                }
                """ + instance("debug 2", "smtp_alert", "lvs_sync_daemon_interface eth0"), "k.conf");
        List<String> w = warnings(c);
        assertEquals(9, w.size(), String.join("\n", w));
        assertTrue(w.get(0).startsWith("k.conf:2: global_defs: 'notification_email' is ignored: floatd sends no mail"), w.get(0));
        assertTrue(w.get(8).startsWith("k.conf:19: vrrp_instance VI_1: 'lvs_sync_daemon_interface' is ignored: "), w.get(8));
    }

    @Test
    void theDumpOfTheNewKeywordsReadsBackToTheSameConfiguration() throws Exception {
        FloatdConfig c = ConfigParser.parse("""
                global_defs {
                    notify_fifo /run/a.fifo
                    vrrp_notify_fifo /run/b.fifo
                    vrrp_notify_fifo_script "/bin/cat -u"
                    vrrp_notify_priority_changes
                }
                """ + instance("notify_priority_changes no", "virtual_ipaddress {", "    10.0.0.100/24", "}",
                "virtual_ipaddress_excluded {", "    2001:db8::100/64 dev eth1", "}"), "k.conf");
        FloatdConfig again = ConfigParser.parse(c.dump(false), "dump");
        assertEquals(c.global(), again.global());
        assertEquals(c.instances(), again.instances());
        assertFalse(again.instances().getFirst().notifyPriorityChanges());
    }

    @Test
    void dynamicInterfacesTakesAllowIfChangesAndWarnsAboutAnyOtherOptionAsKeepalivedDoes() throws Exception {
        FloatdConfig withOption = ConfigParser.parse("global_defs {\n    dynamic_interfaces allow_if_changes\n}\n" + instance(), "k.conf");
        assertEquals(List.of(), warnings(withOption));
        assertTrue(withOption.global().dynamicInterfaces());
        // keepalived 2.2.7 (global_parser.c, dynamic_interfaces_handler): "Unknown dynamic_interfaces option", still set
        FloatdConfig unknown = ConfigParser.parse("global_defs {\n    dynamic_interfaces sometimes\n}\n" + instance(), "k.conf");
        assertTrue(unknown.global().dynamicInterfaces());
        assertEquals(1, warnings(unknown).size(), warnings(unknown).toString());
        assertTrue(warnings(unknown).getFirst().startsWith("k.conf:2: "), warnings(unknown).toString());
    }

    @Test
    void aNotifyFifoScriptIsSecurityCheckedLikeEveryScriptRunAsRoot(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.floatd.vrrp.script.RunAs.currentUid() == 0, "needs root");
        org.junit.jupiter.api.Assumptions.assumeTrue(io.floatd.vrrp.script.RunAs.account(ConfigParser.DEFAULT_SCRIPT_USER).isEmpty());
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = Files.writeString(open.resolve("reader.sh"), "#!/bin/sh\ncat \"$1\"\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> errors = errors("""
                global_defs {
                    enable_script_security
                    script_user root
                    notify_fifo /run/k.fifo
                    notify_fifo_script %s
                }
                """.formatted(script) + instance());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("k.conf:5: global_defs: notify_fifo_script '" + script + "' runs as root, but "),
                errors.getFirst());
    }

    @Test
    void aSyncGroupsNotifyPriorityChangesIsItsMembersDefaultBetweenTheirOwnAndGlobalDefs() throws Exception {
        FloatdConfig c = ConfigParser.parse("""
                global_defs {
                    vrrp_notify_priority_changes no
                }
                vrrp_sync_group G {
                    group {
                        VI_1
                        VI_2
                    }
                    notify_priority_changes
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    unicast_peer {
                        10.0.0.2
                    }
                    notify_priority_changes off
                    virtual_ipaddress { 10.0.0.100 }
                }
                vrrp_instance VI_3 {
                    interface eth0
                    virtual_router_id 53
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                """, "k.conf");
        assertEquals(List.of(true, false, false), c.instances().stream().map(InstanceConfig::notifyPriorityChanges).toList());
        assertEquals(List.of(), warnings(c));
    }

    @Test
    void noTrackOnAnAddressIsAcceptedWithOneWarningAndTheNextOptionStillRead() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("virtual_ipaddress_excluded {", "    10.0.0.101/24 no_track dev eth1",
                "}"), "k.conf");
        assertEquals(List.of("k.conf:8: vrrp_instance VI_1: virtual_ipaddress_excluded 10.0.0.101/24: 'no_track' is ignored:"
                + " floatd stays Master when the address is deleted under it and adds it back at its next recheck"
                + " (recheck_interval)"), warnings(c));
        assertEquals("eth1", c.instances().getFirst().excludedAddresses().getFirst().device());
    }
}
