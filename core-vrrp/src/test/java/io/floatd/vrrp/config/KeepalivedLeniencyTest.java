package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where keepalived 2.2.7 reports a setting, adjusts it and runs (keepalived/vrrp/vrrp.c vrrp_complete_instance,
 * vrrp_parser.c), floatd runs the same thing with a warning at the line; where it refuses, floatd refuses.
 */
class KeepalivedLeniencyTest {

    private static String instance(String... lines) {
        return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    unicast_peer {\n        10.0.0.2\n    }\n"
                + String.join("\n", lines) + (lines.length > 0 ? "\n" : "") + "}\n";
    }

    private static final String VIP = "    virtual_ipaddress { 10.0.0.100 }";

    private static List<String> warnings(FloatdConfig c) {
        return c.warnings().stream().map(ConfigError::toString).toList();
    }

    private static List<String> errors(String text) {
        return assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf")).errors().stream()
                .map(ConfigError::toString).toList();
    }

    @Test
    void stateMasterWithoutAPriorityLineIsTheAddressOwner255AsInKeepalived() throws Exception {
        // vrrp_complete_instance: "If no priority has been set, derive it from the initial state"
        InstanceConfig master = ConfigParser.parse(instance("    state MASTER", VIP), "k.conf").instances().getFirst();
        assertEquals(255, master.priority());
        assertEquals(InitialState.MASTER, master.initialState());
        InstanceConfig backup = ConfigParser.parse(instance("    state BACKUP", VIP), "k.conf").instances().getFirst();
        assertEquals(100, backup.priority());
        // and without a state line, the state comes from the priority: MASTER only for the owner
        InstanceConfig owner = ConfigParser.parse(instance("    priority 255", VIP), "k.conf").instances().getFirst();
        assertEquals(InitialState.MASTER, owner.initialState());
        InstanceConfig plain = ConfigParser.parse(instance("    priority 254", VIP), "k.conf").instances().getFirst();
        assertEquals(InitialState.BACKUP, plain.initialState());
        // a priority line keepalived cannot read is a priority line: 100, not 255
        InstanceConfig bad = ConfigParser.parse(instance("    state MASTER", "    priority 300", VIP), "k.conf").instances().getFirst();
        assertEquals(100, bad.priority());
        assertEquals(InitialState.MASTER, bad.initialState());
    }

    @Test
    void stateBackupAfterStateMasterIsIgnoredAsInKeepalived() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("    state MASTER", "    state BACKUP", "    priority 150", VIP), "k.conf");
        assertEquals(InitialState.MASTER, c.instances().getFirst().initialState());
        assertTrue(warnings(c).stream().anyMatch(w -> w.startsWith("k.conf:8:") && w.contains("previously set as MASTER")),
                warnings(c).toString());
    }

    @Test
    void noVipIsAWarningInVersion2AndARefusalInVersion3UnlessAFloatingIpBlockHoldsTheAddress() throws Exception {
        assertEquals(List.of("k.conf:1: " + "vrrp_instance VI_1: " + NoVip.message(2, false)),
                warnings(ConfigParser.parse(instance(), "k.conf")));
        assertEquals(List.of("k.conf:1: vrrp_instance VI_1: " + NoVip.message(3, false)), errors(instance("    version 3")));
        FloatdConfig cloud = ConfigParser.parse(instance("    version 3", "    floating_ip {", "        provider aws",
                "        region eu-west-1", "        address 203.0.113.10", "    }"), "k.conf");
        assertTrue(cloud.warnings().stream().noneMatch(w -> w.message().contains("no virtual_ipaddress")), warnings(cloud).toString());
    }

    @Test
    void vrrpStrictAppliesKeepalivedsConfigurationRulesWithAWarningEach() throws Exception {
        FloatdConfig c = ConfigParser.parse("global_defs {\n    vrrp_strict\n}\n" + instance("    state MASTER",
                "    priority 150", "    preempt_delay 10", "    authentication {", "        auth_type PASS",
                "        auth_pass secret", "    }", VIP), "k.conf");
        InstanceConfig i = c.instances().getFirst();
        assertEquals(InitialState.BACKUP, i.initialState());
        assertNull(i.authentication());
        assertEquals(Duration.ZERO, i.preemptDelay());
        assertEquals(List.of(
                        "k.conf:2: " + StrictMode.NO_FIREWALL,
                        "k.conf:10: vrrp_instance VI_1: " + StrictMode.stateMessage(InitialState.MASTER, 150, InitialState.BACKUP),
                        "k.conf:12: vrrp_instance VI_1: " + StrictMode.PREEMPT_DELAY,
                        "k.conf:13: vrrp_instance VI_1: " + StrictMode.AUTHENTICATION),
                warnings(c));
        // strict mode needs an address, as VRRPv3 does; strict_mode off in the instance lifts it
        assertEquals(List.of("k.conf:4: vrrp_instance VI_1: " + NoVip.message(2, true)),
                errors("global_defs {\n    vrrp_strict\n}\n" + instance()));
        ConfigParser.parse("global_defs {\n    vrrp_strict\n}\n" + instance("    strict_mode off"), "k.conf");
    }

    @Test
    void trackInterfaceNamingTheOwnInterfaceIsWarnedAndStillPutsTheInstanceInFault() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("    track_interface {", "        eth0 weight 10", "    }", VIP), "k.conf");
        assertTrue(warnings(c).getFirst().startsWith("k.conf:8: vrrp_instance VI_1: track_interface eth0 is the instance's own"
                + " interface"), warnings(c).toString());
        assertEquals(List.of(new TrackedInterface("eth0", 0, false)), c.instances().getFirst().trackInterfaces());
    }

    @Test
    void aTrackScriptDefinedAfterItsInstanceIsNotTrackedAsInKeepalived() throws Exception {
        // keepalived looks the name up while reading the instance: "track script chk not found, ignoring..."
        FloatdConfig c = ConfigParser.parse(instance("    track_script {", "        chk", "    }", VIP)
                + "vrrp_script chk {\n    script /bin/true\n}\n", "k.conf");
        assertTrue(c.instances().getFirst().trackScripts().isEmpty());
        assertTrue(warnings(c).stream().anyMatch(w -> w.startsWith("k.conf:8:") && w.contains("defined after this vrrp_instance")),
                warnings(c).toString());
    }

    @Test
    void aSyncGroupWithoutItsBraceIsNoGroupAsInKeepalived() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G\n  group {\n    VI_1\n  }\n}\n" + instance(VIP), "k.conf");
        assertTrue(c.syncGroups().isEmpty());
        assertTrue(warnings(c).getFirst().startsWith("k.conf:1: vrrp_sync_group G has no '{'"), warnings(c).toString());
    }
}
