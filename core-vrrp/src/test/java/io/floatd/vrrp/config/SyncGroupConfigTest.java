package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vrrp_sync_group as keepalived 2.2.7 reads it. `keepalived -t` exits 5 on each refusal and each warning here
 * (checked in a namespace with the interfaces named; the messages quoted are keepalived's); the warnings are the
 * cases its daemon runs anyway (a member left out, a group of one, a group removed, a weight set to 0), which floatd
 * loads as the daemon runs them.
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

    private static void assertWarning(FloatdConfig c, String prefix, String contains) {
        assertError(c.warnings().stream().map(ConfigError::toString).toList(), prefix, contains);
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
    void anUnknownMemberIsLeftOutWithAWarningAtItsLine() throws Exception {
        // keepalived: "Virtual router VI_3 specified in sync group G doesn't exist - ignoring"
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G {\n group {\n  VI_1\n  VI_3\n  VI_2\n }\n}\n" + TWO, "k.conf");
        assertWarning(c, "k.conf:4:", "no vrrp_instance named 'VI_3'");
        assertEquals(List.of("VI_1", "VI_2"), c.syncGroups().getFirst().members());
    }

    @Test
    void anInstanceInTwoGroupsStaysInTheFirstWithAWarningAtItsSecondMention() throws Exception {
        // keepalived: "Virtual router VI_2 cannot exist in more than one sync group; ignoring H"
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G { group { VI_1 VI_2 } }\nvrrp_sync_group H {\n group {\n  VI_2\n"
                + "  VI_3\n }\n}\n" + TWO + instance("VI_3", 53), "k.conf");
        assertWarning(c, "k.conf:4:", "vrrp_instance VI_2 is already in vrrp_sync_group G");
        assertEquals(List.of("VI_1", "VI_2"), c.syncGroupOf("VI_2").orElseThrow().members());
        assertEquals(List.of("VI_3"), c.syncGroupOf("VI_3").orElseThrow().members());
    }

    @Test
    void aGroupWithOneMemberRunsAsAGroupOfOneWithAWarning() throws Exception {
        // keepalived: "Sync group G has only 1 virtual router(s) - this probably isn't what you want", and runs it
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G {\n group { VI_1 }\n notify_master /bin/g\n}\n" + TWO, "k.conf");
        assertWarning(c, "k.conf:2:", "only 1 vrrp_instance (VI_1)");
        SyncGroupConfig g = c.syncGroupOf("VI_1").orElseThrow();
        assertEquals(List.of("VI_1"), g.members());
        assertEquals("/bin/g", g.notifyScripts().master());
        assertTrue(c.syncGroupOf("VI_2").isEmpty());
    }

    @Test
    void aGroupWithoutAGroupListOrWithoutAnyInstanceIsRemovedWithAWarning() throws Exception {
        // keepalived: "Sync group G has no virtual router(s). removing"
        FloatdConfig none = ConfigParser.parse("vrrp_sync_group G {\n}\n" + TWO, "k.conf");
        assertWarning(none, "k.conf:1:", "the group is removed");
        assertEquals(List.of(), none.syncGroups());
        // keepalived: "Sync group G, no matching virtual router found in group declaration - removing"
        FloatdConfig unknown = ConfigParser.parse("vrrp_sync_group G {\n group { VI_8 VI_9 }\n}\n" + TWO, "k.conf");
        assertWarning(unknown, "k.conf:2:", "the group is removed and its instances run alone");
        assertEquals(List.of(), unknown.syncGroups());
        assertEquals(2, unknown.instances().size());
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
    void aWeightedTrackInterfaceOnAMemberRunsWithWeight0WithoutSyncGroupTrackingWeight() throws Exception {
        // keepalived: "(VI_1) ignoring eth1 tracked interface weight due to SYNC group", and runs it with weight 0
        String text = "vrrp_sync_group G { group { VI_1 VI_2 } }\n" + instance("VI_1", 51, "track_interface {\n eth1 weight 10\n}")
                + instance("VI_2", 52);
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        assertWarning(c, "k.conf:2:", "sync_group_tracking_weight");
        assertEquals(List.of(new TrackedInterface("eth1", 0, false)), c.instance("VI_1").orElseThrow().trackInterfaces());
    }

    @Test
    void aWeightedTrackScriptOnAMemberIsDroppedWithoutSyncGroupTrackingWeight() throws Exception {
        // keepalived: "(VI_1) ignoring tracked script chk with weights due to SYNC group" (it is not tracked at all)
        String text = "vrrp_script chk {\n script /bin/true\n}\nvrrp_script up {\n script /bin/true\n}\n"
                + "vrrp_sync_group G { group { VI_1 VI_2 } }\n"
                + instance("VI_1", 51, "track_script {\n chk weight -5\n up\n}") + instance("VI_2", 52);
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        assertEquals(List.of("up"), c.instance("VI_1").orElseThrow().trackScripts().stream().map(TrackedScript::name).toList());
        assertWarning(c, "k.conf:19:", "track_script chk weight -5 is not tracked at all");
    }

    @Test
    void aMemberTrackFileOfDefaultWeightRunsWithWeight0AndAnotherWeightIsDropped() throws Exception {
        // keepalived: "ignoring weight from tracked file f1 due to SYNC group. specify weight 0" (weight 1, the
        // default, becomes 0) and "ignoring tracked file f2 with weight 3 due to SYNC group" (dropped)
        String text = "track_file f1 {\n file /tmp/f1\n}\ntrack_file f2 {\n file /tmp/f2\n}\n"
                + "vrrp_sync_group G { group { VI_1 VI_2 } }\n"
                + instance("VI_1", 51, "track_file {\n f1\n f2 weight 3\n}") + instance("VI_2", 52);
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        List<TrackedFile> files = c.instance("VI_1").orElseThrow().trackFiles();
        assertEquals(List.of("f1"), files.stream().map(TrackedFile::name).toList());
        assertEquals(0, files.getFirst().weight());
        assertWarning(c, "k.conf:19:", "track_file f1 runs with weight 0");
        assertWarning(c, "k.conf:20:", "track_file f2 weight 3 is not tracked at all");
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
    void aGroupsTrackProcessNamingNoBlockIsNotTrackedWithAWarningAsInKeepalived() throws Exception {
        // keepalived: "(G) track process p1 not found, ignoring...", and the group runs without it
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G {\n group { VI_1 VI_2 }\n track_process {\n  p1 weight 2\n }\n}\n" + TWO, "k.conf");
        assertWarning(c, "k.conf:4:", "no vrrp_track_process named 'p1'");
        for (InstanceConfig i : c.instances()) {
            assertTrue(i.trackProcesses().isEmpty(), i.name() + " " + i.trackProcesses());
        }
    }

    private static final String TRACK_PROCESS = "vrrp_track_process p1 {\n process sshd\n weight 5\n}\n";

    @Test
    void theGroupsTrackProcessIsAddedToEveryMemberWithItsWeight() throws Exception {
        // keepalived -t: clean (exit 0); sync_group_tracking_init adds the entry to each member
        FloatdConfig c = ConfigParser.parse(TRACK_PROCESS + "vrrp_sync_group G {\n group { VI_1 VI_2 }\n track_process {\n"
                + "  p1 weight 10 reverse\n }\n}\n" + TWO, "k.conf");
        for (String m : List.of("VI_1", "VI_2")) {
            TrackedProcess t = c.instance(m).orElseThrow().trackProcesses().getFirst();
            assertEquals("p1", t.name());
            assertEquals(10, t.weight());
            assertTrue(t.reverse());
        }
        assertTrue(c.syncGroups().getFirst().trackingWeight(), "the group's weighted tracking moves its members' priorities");
        assertTrue(c.warnings().stream().noneMatch(w -> w.toString().contains("not watched")), c.warnings().toString());
    }

    @Test
    void theGroupsTrackProcessTakesTheBlocksWeightWhenItsLineHasNone() throws Exception {
        FloatdConfig c = ConfigParser.parse(TRACK_PROCESS + "vrrp_sync_group G {\n group { VI_1 VI_2 }\n track_process {\n"
                + "  p1\n }\n}\n" + TWO, "k.conf");
        assertEquals(5, c.instance("VI_2").orElseThrow().trackProcesses().getFirst().weight());
    }

    @Test
    void aWeightedGroupTrackProcessWithAnAddressOwnerMemberRunsWithWeight0AndAWarning() throws Exception {
        // keepalived: "(G) Cannot have weighted track process 'p1' with member having priority 255 - setting weight 0"
        // (keepalived -t exit 5; the daemon runs with weight 0)
        FloatdConfig c = ConfigParser.parse(TRACK_PROCESS + "vrrp_sync_group G {\n group { VI_2 VI_1 }\n track_process {\n"
                + "  p1 weight 10\n }\n}\n" + instance("VI_1", 51, "state MASTER", "priority 255") + instance("VI_2", 52), "k.conf");
        assertWarning(c, "k.conf:8:", "weight is set to 0");
        for (String m : List.of("VI_1", "VI_2")) {
            assertEquals(0, c.instance(m).orElseThrow().trackProcesses().getFirst().weight());
        }
    }

    @Test
    void aWeightedGroupTrackScriptWithAnAddressOwnerMemberRunsWithWeight0AndAWarning() throws Exception {
        // keepalived: "(G) Cannot have weighted track script 'chk' with member having priority 255 - clearing weight"
        FloatdConfig c = ConfigParser.parse("vrrp_script chk {\n script /bin/true\n}\nvrrp_sync_group G {\n group { VI_2 VI_1 }\n"
                + " track_script {\n  chk weight 5\n }\n}\n" + instance("VI_1", 51, "state MASTER", "priority 255")
                + instance("VI_2", 52), "k.conf");
        assertWarning(c, "k.conf:7:", "weight is set to 0");
        assertEquals(0, c.instance("VI_2").orElseThrow().trackScripts().getFirst().weight());
        assertFalse(c.syncGroups().getFirst().trackingWeight());
    }

    @Test
    void aMemberWithAWeightedTrackProcessLoadsWithoutSyncGroupTrackingWeight() throws Exception {
        // keepalived -t: clean (exit 0): vrrp_complete_instance's sync group weight check does not cover track_process
        FloatdConfig c = ConfigParser.parse(TRACK_PROCESS + "vrrp_sync_group G {\n group { VI_1 VI_2 }\n}\n"
                + instance("VI_1", 51, "track_process {\n p1 weight 10\n}") + instance("VI_2", 52), "k.conf");
        assertEquals(10, c.instance("VI_1").orElseThrow().trackProcesses().getFirst().weight());
    }

    @Test
    void aProcessTrackedByTheMemberAndItsGroupTakesTheGroupsWeightUnlessTheMembersIs0() throws Exception {
        // keepalived: "(VI_1) track_process p1 is configured on VRRP instance and sync group. Remove vrrp instance config"
        FloatdConfig c = ConfigParser.parse(TRACK_PROCESS + "vrrp_sync_group G {\n group { VI_1 VI_2 VI_3 }\n track_process {\n"
                + "  p1 weight 7\n }\n}\n" + instance("VI_1", 51, "track_process {\n p1 weight 0\n}")
                + instance("VI_2", 52, "track_process {\n p1 weight 3 reverse\n}") + instance("VI_3", 53), "k.conf");
        assertEquals(0, c.instance("VI_1").orElseThrow().trackProcesses().getFirst().weight());
        TrackedProcess vi2 = c.instance("VI_2").orElseThrow().trackProcesses().getFirst();
        assertEquals(7, vi2.weight());
        assertTrue(vi2.reverse(), "the member's own entry stays, with its reverse");
        assertEquals(7, c.instance("VI_3").orElseThrow().trackProcesses().getFirst().weight());
        assertEquals(1, c.instance("VI_2").orElseThrow().trackProcesses().size());
        assertWarning(c, "k.conf:8:", "listed in vrrp_instance VI_2 too");
    }

    @Test
    void aGroupTrackProcessReadBeforeItsBlockIsNotTrackedAsKeepalivedFindsNothing() throws Exception {
        // keepalived: "(G) track process p1 not found, ignoring..." (it resolves the name as it reads the line)
        FloatdConfig c = ConfigParser.parse("vrrp_sync_group G {\n group { VI_1 VI_2 }\n track_process {\n  p1\n }\n}\n"
                + TRACK_PROCESS + TWO, "k.conf");
        assertWarning(c, "k.conf:4:", "is defined at k.conf:7, after this line");
        for (InstanceConfig i : c.instances()) {
            assertTrue(i.trackProcesses().isEmpty(), i.name() + " " + i.trackProcesses());
        }
    }

    @Test
    void aScriptInterfaceOrFileTrackedByTheMemberAndItsGroupKeepsOneEntryWithTheGroupsWeightUnlessTheMembersIs0()
            throws Exception {
        // keepalived: "(VI_1) track_interface eth1 is configured on VRRP instance and sync group. Remove vrrp instance
        // or sync group config" (and the same, logged, for track_script and track_file); it runs with one entry
        String text = "vrrp_script chk {\n script /bin/true\n}\ntrack_file f1 {\n file /tmp/f1\n}\n"
                + "vrrp_sync_group G {\n group { VI_1 VI_2 }\n sync_group_tracking_weight\n"
                + " track_script {\n  chk weight 7 reverse\n }\n track_interface {\n  eth1 weight 4\n }\n"
                + " track_file {\n  f1 weight 0\n }\n}\n"
                + instance("VI_1", 51, "track_script {\n chk weight 3\n}", "track_interface {\n eth1\n}", "track_file {\n f1 weight 2\n}")
                + instance("VI_2", 52);
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        InstanceConfig vi1 = c.instance("VI_1").orElseThrow();
        assertEquals(List.of(new TrackedScript(vi1.trackScripts().getFirst().script(), 7, true)), vi1.trackScripts());
        assertEquals(List.of(new TrackedInterface("eth1", 0, false)), vi1.trackInterfaces(), "the member's weight 0 stays");
        assertEquals(0, vi1.trackFiles().getFirst().weight());
        assertEquals(1, vi1.trackFiles().size());
        assertEquals(List.of(new TrackedInterface("eth1", 4, false)), c.instance("VI_2").orElseThrow().trackInterfaces());
        assertWarning(c, "k.conf:14:", "track_interface eth1 is listed in vrrp_instance VI_1 too");
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
