package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.vrrp.script.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** script_user and enable_script_security; the checks need root to own and chown the files they look at. */
class ScriptSecurityConfigTest {
    @TempDir
    Path dir;

    @BeforeEach
    void asRoot() {
        assumeTrue(RunAs.currentUid() == 0, "these tests run as root");
    }

    private static String instance(String... extra) {
        return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 150\n"
                + "    unicast_peer {\n        10.0.0.2\n    }\n"
                + String.join("\n", extra) + (extra.length > 0 ? "\n" : "") + vip(extra) + "}\n";
    }

    /** keepalived warns about an instance without a virtual address ("at least one is sensible"): one, last. */
    private static String vip(String... extra) {
        return String.join("\n", extra).contains("virtual_ipaddress {") ? "" : "    virtual_ipaddress { 10.0.0.100 }\n";
    }

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    private static List<String> warnings(FloatdConfig c) {
        return c.warnings().stream().map(ConfigError::toString).toList();
    }

    private Path script(Path in, String mode) throws IOException {
        Files.createDirectories(in);
        Files.setPosixFilePermissions(in, PosixFilePermissions.fromString(mode));
        Path p = in.resolve("up.sh");
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** A world-writable (0777, no sticky bit) directory holding a root-owned script. */
    private Path insecure() throws IOException {
        return script(dir.resolve("ww"), "rwxrwxrwx");
    }

    private Path secure() throws IOException {
        return script(dir.resolve("ok"), "rwxr-xr-x");
    }

    /** {@code global} (up to two lines) on lines 2-3; the check's script on line 6, notify_master on line 15. */
    private static String config(String global, Path script) {
        String padded = global.contains("\n") ? global : global + "\n";
        return "global_defs {\n" + padded + "\n}\n"
                + "vrrp_script chk {\n    script " + script + "\n}\n"
                + instance("    notify_master " + script, "    track_script { chk }");
    }

    @Test
    void scriptUserWithoutGroupIsInheritedByChecksWithoutTheirOwnUser() throws Exception {
        FloatdConfig c = ConfigParser.parse(config("script_user nobody", secure()), "k.conf");
        assertEquals("nobody", c.global().scriptUser());
        assertNull(c.global().scriptGroup());
        VrrpScriptConfig chk = c.instances().getFirst().trackScripts().getFirst().script();
        assertEquals("nobody", chk.user());
        assertNull(chk.group());
        assertEquals(List.of(), warnings(c));
        assertTrue(c.dump().contains("    script_user nobody\n"), c.dump());
    }

    @Test
    void scriptUserWithGroup() throws Exception {
        FloatdConfig c = ConfigParser.parse(config("script_user nobody nogroup", secure()), "k.conf");
        assertEquals("nogroup", c.global().scriptGroup());
        assertEquals("nogroup", c.instances().getFirst().trackScripts().getFirst().script().group());
    }

    @Test
    void aCheckWithItsOwnUserKeepsIt() throws Exception {
        FloatdConfig c = ConfigParser.parse("global_defs {\n script_user nobody\n}\nvrrp_script chk {\n script /bin/true\n user root\n}\n"
                + instance("track_script { chk }"), "k.conf");
        assertEquals("root", c.instances().getFirst().trackScripts().getFirst().script().user());
    }

    @Test
    void unknownUserOrGroupIsAnErrorAtItsLine() {
        assertEquals(List.of("k.conf:2: global_defs: script_user: user 'floatd-no-such-user' does not exist"),
                errors("global_defs {\n    script_user floatd-no-such-user\n}\n" + instance()));
        assertEquals(List.of("k.conf:2: global_defs: script_user: group 'floatd-no-such-group' does not exist"),
                errors("global_defs {\n    script_user nobody floatd-no-such-group\n}\n" + instance()));
        assertEquals(List.of("k.conf:2: global_defs: script_user takes USER [GROUP], but got a b c"),
                errors("global_defs {\n    script_user a b c\n}\n" + instance()));
    }

    @Test
    void enableScriptSecurityRefusesRootScriptsInAWorldWritableDirectory() throws Exception {
        Path s = insecure();
        String why = "runs as root, but " + s.getParent() + " is writable by every user (mode 0777); enable_script_security refuses it, as keepalived does";
        assertEquals(List.of(
                        "k.conf:6: vrrp_script chk: script '" + s + "' " + why,
                        "k.conf:15: vrrp_instance VI_1: notify_master '" + s + "' " + why),
                errors(config("    script_user root\n    enable_script_security", s)));
    }

    @Test
    void withoutEnableScriptSecurityTheSameScriptsAreWarnedAbout() throws Exception {
        Path s = insecure();
        FloatdConfig c = ConfigParser.parse(config("    script_user root", s), "k.conf");
        String why = "runs as root, but " + s.getParent() + " is writable by every user (mode 0777), so a non-root user"
                + " could change what root runs; enable_script_security would refuse it";
        assertEquals(List.of(
                        "k.conf:6: SECURITY VIOLATION: vrrp_script chk: script '" + s + "' " + why,
                        "k.conf:15: SECURITY VIOLATION: vrrp_instance VI_1: notify_master '" + s + "' " + why),
                warnings(c));
    }

    @Test
    void scriptsRunAsAnotherUserAreNotChecked() throws Exception {
        FloatdConfig c = ConfigParser.parse(config("    script_user nobody\n    enable_script_security", insecure()), "k.conf");
        assertEquals(List.of(), warnings(c));
    }

    @Test
    void secureScriptsPass() throws Exception {
        FloatdConfig c = ConfigParser.parse(config("    script_user root\n    enable_script_security", secure()), "k.conf");
        assertEquals(List.of(), warnings(c));
        assertTrue(c.global().scriptSecurity());
        assertTrue(c.dump().contains("    enable_script_security\n"), c.dump());
    }

    @Test
    void stickyDirectoriesAndRootGroupWritableOnesPassAsInKeepalived() throws Exception {
        Path sticky = script(dir.resolve("sticky"), "rwxrwxrwx");
        Files.setAttribute(sticky.getParent(), "unix:mode", 01777);
        ConfigParser.parse(config("    script_user root\n    enable_script_security", sticky), "k.conf");
        Path rootGroup = script(dir.resolve("g0"), "rwxrwxr-x");
        ConfigParser.parse(config("    script_user root\n    enable_script_security", rootGroup), "k.conf");
    }

    @Test
    void otherGroupsWritableDirectoriesAndNonRootOwnersAreRefused() throws Exception {
        int nogroup = RunAs.groupId("nogroup").orElseThrow();
        Path group = script(dir.resolve("gn"), "rwxrwxr-x");
        Files.setAttribute(group.getParent(), "unix:gid", nogroup);
        assertEquals(List.of("k.conf:6: vrrp_script chk: script '" + group + "' runs as root, but " + group.getParent()
                        + " is writable by group " + nogroup + " (nogroup) (mode 0775); enable_script_security refuses it, as keepalived does"),
                errors(config("    script_user root\n    enable_script_security", group)).subList(0, 1));
        Path owned = script(dir.resolve("own"), "rwxr-xr-x");
        Files.setAttribute(owned, "unix:uid", 65534);
        assertEquals("k.conf:6: vrrp_script chk: script '" + owned + "' runs as root, but " + owned
                        + " is owned by uid 65534 (nobody); enable_script_security refuses it, as keepalived does",
                errors(config("    script_user root\n    enable_script_security", owned)).getFirst());
    }

    @Test
    void aShellLineIsCheckedAsBinShAndTheScriptItStartsWith() throws Exception {
        Path s = insecure();
        String line = s + " > /dev/null";
        assertEquals(List.of("k.conf:15: vrrp_instance VI_1: notify_master '" + line + "' runs as root, but " + s.getParent()
                        + " is writable by every user (mode 0777); enable_script_security refuses it, as keepalived does"),
                errors("global_defs {\n    script_user root\n    enable_script_security\n}\n\n\n\n"
                        + instance("    notify_master \"" + line + "\"")));
    }

    @Test
    void aBareCommandIsResolvedThroughPath() throws Exception {
        // /usr/bin/true (or /bin/true) is root's and in root-only directories
        ConfigParser.parse("global_defs {\n script_user root\n enable_script_security\n}\n" + instance("notify_master \"true x\""), "k.conf");
        assertEquals(List.of("k.conf:12: vrrp_instance VI_1: notify_master 'floatd-no-such-command' runs as root, but command not found"
                        + " in PATH: floatd-no-such-command; enable_script_security cannot check it"),
                errors("global_defs {\n script_user root\n enable_script_security\n}\n" + instance("notify_master floatd-no-such-command")));
    }

    @Test
    void withoutScriptUserOrKeepalivedScriptScriptsRunAsRootWithAWarning() throws Exception {
        assumeTrue(RunAs.account("keepalived_script").isEmpty(), "keepalived_script exists here");
        FloatdConfig c = ConfigParser.parse(config("", secure()), "k.conf");
        assertNull(c.global().scriptUser());
        assertEquals(List.of("k.conf:6: vrrp_script chk: scripts run as root: no script_user is set and user 'keepalived_script'"
                + " does not exist (as keepalived does); set 'script_user USER' to run them as another user"), warnings(c));
    }

    @Test
    void withEnableScriptSecurityAndNoUserToRunThemScriptsAreDroppedAsKeepalivedDropsThem() throws Exception {
        assumeTrue(RunAs.account("keepalived_script").isEmpty(), "keepalived_script exists here");
        assumeTrue(RunAs.currentUid() == 0, "keepalived runs as root; floatd only drops them there");
        // keepalived: "Unable to set default user keepalived_script for script", "Unable to set default user for vrrp
        // script chk - removing", "track script chk not found, ignoring..."; the notify script is not set; it runs
        FloatdConfig c = ConfigParser.parse(config("enable_script_security", secure()), "k.conf");
        List<String> w = warnings(c);
        assertEquals(4, w.size(), String.join("\n", w));
        assertTrue(w.get(0).startsWith("k.conf:2: global_defs: enable_script_security without script_user"), w.get(0));
        assertTrue(w.get(1).startsWith("k.conf:5: vrrp_script chk is removed: no user to run it as"), w.get(1));
        assertTrue(w.get(2).startsWith("k.conf:15: vrrp_instance VI_1: notify_master '" + secure() + "' will not run"), w.get(2));
        assertTrue(w.get(3).startsWith("k.conf:16: vrrp_instance VI_1: track_script: vrrp_script chk was removed"), w.get(3));
        InstanceConfig i = c.instances().getFirst();
        assertFalse(i.isTracking());
        assertEquals(NotifyScripts.NONE, i.notifyScripts());
    }
}
