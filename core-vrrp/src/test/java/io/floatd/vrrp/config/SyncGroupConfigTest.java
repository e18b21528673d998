package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vrrp_sync_group as keepalived 2.2.7 reads it. Each refusal here is a file keepalived refuses too: `keepalived -t`
 * exits 5 on each (checked in a namespace with the interfaces named; the messages quoted are keepalived's).
 */
class SyncGroupConfigTest {

    private static String instance(String name, int vrid, String... extra) {
        return "vrrp_instance " + name + " {\n    interface eth0\n    virtual_router_id " + vrid + "\n    priority 150\n"
                + "    unicast_peer {\n        10.0.0.2\n    }\n    virtual_ipaddress {\n        10.0.0." + vrid + "\n    }\n"
                + String.join("\n", extra) + (extra.length > 0 ? "\n" : "") + "}\n";
    }

    private static final String TWO = instance("VI_1", 51) + instance("VI_2", 52);

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    private static void assertError(List<String> errors, String prefix, String contains) {
        assertTrue(errors.stream().anyMatch(e -> e.startsWith(prefix) && e.contains(contains)), errors.toString());
    }

    @Test
    void aGroupWithNotifyScriptsLoadsWithItsMembersInOrder() throws Exception {
        FloatdConfig c = ConfigParser.parse("""
                vrrp_sync_group G1 {
                    group {
                        VI_2
                        VI_1
                    }
                    notify_master "/usr/local/bin/g master"
                    notify_backup /usr/local/bin/g-backup
                    notify_fault /usr/local/bin/g-fault
                    notify_stop /usr/local/bin/g-stop
                    notify /usr/local/bin/g-any
                }
                """ + TWO, "k.conf");
        SyncGroupConfig g = c.syncGroups().getFirst();
        assertEquals("G1", g.name());
        assertEquals(List.of("VI_2", "VI_1"), g.members());
        assertEquals("/usr/local/bin/g master", g.notifyScripts().master());
        assertEquals("/usr/local/bin/g-any", g.notifyScripts().any());
        assertEquals("k.conf", g.file());
        assertEquals(1, g.line());
        assertFalse(g.trackingWeight());
        assertEquals(g, c.syncGroupOf("VI_1").orElseThrow());
    }

    @Test
    void membersOnOneLineAreEachAMember() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G { group { VI_1 VI_2 } }\n" + TWO, "k.conf");
        assertEquals(List.of("VI_1", "VI_2"), c.syncGroups().getFirst().members());
    }

    @Test
    void anUnknownMemberIsLeftOutWithAWarningAsInKeepalived() throws Exception {
        // keepalived: "Virtual router VI_3 specified in sync group G doesn't exist - ignoring"
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G {\n group {\n  VI_1\n  VI_3\n  VI_2\n }\n}\n" + TWO, "k.conf");
        assertWarned(c, "k.conf:4:", "no vrrp_instance named 'VI_3'");
        assertEquals(List.of("VI_1", "VI_2"), c.syncGroups().getFirst().members());
        // none left: keepalived removes the group ("no matching virtual router found")
        FloatdConfig none = ConfigParser.parse("vrrp_sync_group G {\n group {\n  VI_7\n }\n}\n" + TWO, "k.conf");
        assertTrue(none.syncGroups().isEmpty());
        assertWarned(none, "k.conf:2:", "the group is removed");
    }

    @Test
    void anInstanceInTwoGroupsIsRefusedAtItsSecondMention() {
        // keepalived: "Virtual router VI_2 cannot exist in more than one sync group; ignoring H"
        List<String> e = errors("vrrp_sync_group G { group { VI_1 VI_2 } }\nvrrp_sync_group H {\n group {\n  VI_2\n  VI_1\n }\n}\n" + TWO);
        assertError(e, "k.conf:4:", "vrrp_instance VI_2 is already in vrrp_sync_group G");
    }

    @Test
    void aGroupWithOneMemberRunsWithAWarningAsInKeepalived() throws Exception {
        // keepalived: "Sync group G has only 1 virtual router(s) - this probably isn't what you want", and it runs
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G {\n group { VI_1 }\n}\n" + TWO, "k.conf");
        assertEquals(List.of("VI_1"), c.syncGroups().getFirst().members());
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().startsWith("k.conf:2:") && w.message().contains("a sync group"
                + " of one vrrp_instance")), c.warnings().toString());
    }

    @Test
    void aGroupWithoutAGroupListIsRefused() {
        // keepalived: "Sync group G has no virtual router(s). removing"
        assertError(errors("vrrp_sync_group G {\n}\n" + TWO), "k.conf:1:", "'group { INSTANCE INSTANCE ... }' is required");
    }

    @Test
    void aGroupDefinedTwiceIsRefused() {
        // keepalived: "vrrp sync group G already defined"
        assertError(errors("vrrp_sync_group G { group { VI_1 VI_2 } }\nvrrp_sync_group G { group { VI_1 VI_2 } }\n" + TWO),
                "k.conf:2:", "already defined");
    }

    @Test
    void aGroupWithoutANameIsRefused() {
        assertError(errors("vrrp_sync_group { group { VI_1 VI_2 } }\n" + TWO), "k.conf:1:", "needs a name");
    }

    @Test
    void globalTrackingIsRefusedAsDeprecated() {
        // keepalived: "(G) global_tracking is deprecated. Use track_interface/script/file on the sync group"
        assertError(errors("vrrp_sync_group G {\n group { VI_1 VI_2 }\n global_tracking\n}\n" + TWO), "k.conf:3:",
                "global_tracking is deprecated");
    }

    @Test
    void aWeightedTrackOnAMemberIsRefusedWithoutSyncGroupTrackingWeight() {
        // keepalived: "(VI_1) ignoring eth1 tracked interface weight due to SYNC group"
        String text = "vrrp_sync_group G { group { VI_1 VI_2 } }\n" + instance("VI_1", 51, "track_interface {\n eth1 weight 10\n}")
                + instance("VI_2", 52);
        assertError(errors(text), "k.conf:2:", "sync_group_tracking_weight");
    }

    @Test
    void aWeightedTrackOnAMemberLoadsWithSyncGroupTrackingWeight() throws Exception {
        String text = "vrrp_sync_group G { group { VI_1 VI_2 }\n sync_group_tracking_weight\n}\n"
                + instance("VI_1", 51, "track_interface {\n eth1 weight 10\n}") + instance("VI_2", 52);
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        assertTrue(c.syncGroups().getFirst().trackingWeight());
        assertEquals(10, c.instance("VI_1").orElseThrow().trackInterfaces().getFirst().weight());
    }

    @Test
    void anUnweightedTrackOnAMemberLoads() throws Exception {
        String text = "vrrp_sync_group G { group { VI_1 VI_2 } }\n" + instance("VI_1", 51, "track_interface {\n eth1\n}")
                + instance("VI_2", 52);
        assertEquals(0, ConfigParser.parse(text, "k.conf").instance("VI_1").orElseThrow().trackInterfaces().getFirst().weight());
    }

    @Test
    void theGroupsTrackingIsAddedToEveryMemberWithItsWeight() throws Exception {
        String text = """
                vrrp_script chk {
                    script /bin/true
                }
                vrrp_sync_group G {
                    group { VI_1 VI_2 }
                    track_script {
                        chk weight 5
                    }
                    track_interface {
                        eth1
                    }
                }
                """ + TWO;
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        for (String m : List.of("VI_1", "VI_2")) {
            InstanceConfig i = c.instance(m).orElseThrow();
            assertEquals("chk", i.trackScripts().getFirst().name());
            assertEquals(5, i.trackScripts().getFirst().weight());
            assertEquals("eth1", i.trackInterfaces().getFirst().name());
        }
        // no "vrrp_script chk is not tracked by any vrrp_instance" warning: the group tracks it
        assertTrue(c.warnings().stream().noneMatch(w -> w.toString().contains("not tracked")), c.warnings().toString());
        assertTrue(c.syncGroups().getFirst().trackingWeight());
    }

    @Test
    void anAddressOwnerMemberFollowedByANonOwnerIsRefusedAndTheOtherOrderLoads() throws Exception {
        // keepalived: "Sync group G has some member(s) as address owner and some not as address owner. This won't work."
        // (its check looks at the members in the group's order: VI_2 VI_1 passes keepalived -t)
        String members = instance("VI_1", 51, "state MASTER", "priority 255") + instance("VI_2", 52);
        assertError(errors("vrrp_sync_group G {\n group { VI_1 VI_2 }\n}\n" + members), "k.conf:2:", "address owners");
        assertEquals(List.of("VI_2", "VI_1"),
                ConfigParser.parse("vrrp_sync_group G {\n group { VI_2 VI_1 }\n}\n" + members, "k.conf").syncGroups().getFirst().members());
    }

    @Test
    void aGroupTrackScriptNamingNoVrrpScriptIsIgnoredWithAWarningAsInKeepalived() throws Exception {
        // keepalived: "(G) track script nope not found, ignoring..."
        assertWarned(ConfigParser.parse("vrrp_sync_group G {\n group { VI_1 VI_2 }\n track_script {\n  nope\n }\n}\n" + TWO,
                "k.conf"), "k.conf:4:", "no vrrp_script named 'nope'");
    }

    private static void assertWarned(FloatdConfig c, String where, String fragment) {
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().startsWith(where) && w.message().contains(fragment)),
                c.warnings().toString());
    }

    @Test
    void trackProcessInAGroupIsReadAndItsNameMustResolve() {
        // keepalived: "(G) track process p1 not found, ignoring..."; floatd does not resolve a group's track_process
        // yet (SyncGroupParser.resolveProcesses), so it refuses every one rather than drop a tracker silently
        assertError(errors("vrrp_sync_group G {\n group { VI_1 VI_2 }\n track_process {\n  p1 weight 2\n }\n}\n" + TWO),
                "k.conf:4:", "no vrrp_track_process named 'p1'");
    }

    @Test
    void smtpAlertIsAcceptedWithAWarning() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G {\n group { VI_1 VI_2 }\n smtp_alert\n}\n" + TWO, "k.conf");
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().startsWith("k.conf:3:") && w.toString().contains("mail")),
                c.warnings().toString());
    }

    @Test
    void aSecondNotifyMasterIsRefused() {
        assertError(errors("vrrp_sync_group G {\n group { VI_1 VI_2 }\n notify_master /a\n notify_master /b\n}\n" + TWO),
                "k.conf:4:", "already set");
    }

    @Test
    void theDumpReadsBackToTheSameGroups() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G {\n group { VI_1 VI_2 }\n notify \"/bin/echo x\"\n"
                + " sync_group_tracking_weight\n}\n" + TWO, "k.conf");
        FloatdConfig again = ConfigParser.parse(c.dump(), "k.conf");
        assertEquals(c.syncGroups().getFirst().members(), again.syncGroups().getFirst().members());
        assertEquals(c.syncGroups().getFirst().notifyScripts(), again.syncGroups().getFirst().notifyScripts());
        assertEquals(c.syncGroups().getFirst().trackingWeight(), again.syncGroups().getFirst().trackingWeight());
    }
}
