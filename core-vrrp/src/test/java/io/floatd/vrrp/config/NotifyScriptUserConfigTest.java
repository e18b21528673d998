package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived 2.2.7's {@code notify_master SCRIPT USER [GROUP]} (and notify, notify_backup, notify_fault, notify_stop,
 * in vrrp_instance and vrrp_sync_group): the words after the script are the user and group that script runs as,
 * over script_user, as a vrrp_script's {@code user} is.
 */
class NotifyScriptUserConfigTest {
    @TempDir
    Path dir;

    private static String instance(String... extra) {
        return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 150\n"
                + "    unicast_peer {\n        10.0.0.2\n    }\n"
                + String.join("\n", extra) + (extra.length > 0 ? "\n" : "") + "    virtual_ipaddress { 10.0.0.100 }\n}\n";
    }

    private static final String GLOBAL = "global_defs {\n    script_user root\n}\n";

    private static List<String> warnings(FloatdConfig c) {
        return c.warnings().stream().map(ConfigError::toString).toList();
    }

    @Test
    void theWordAfterTheScriptIsTheUserItRunsAsWithItsPrimaryGroup() throws Exception {
        FloatdConfig c = ConfigParser.parse(GLOBAL + instance("    notify_master /bin/true nobody", "    notify_backup /bin/false"), "k.conf");
        NotifyScripts n = c.instances().getFirst().notifyScripts();
        assertEquals("/bin/true", n.master());
        assertEquals(new ScriptUser("nobody", null), n.user("notify_master"));
        // the others keep script_user
        assertNull(n.user("notify_backup"));
        assertEquals("root", c.global().scriptUser());
    }

    @Test
    void theSecondWordIsTheGroupAndWordsAfterItAreIgnored() throws Exception {
        FloatdConfig c = ConfigParser.parse(GLOBAL + instance("    notify \"/bin/echo a b\" nobody nogroup extra"), "k.conf");
        NotifyScripts n = c.instances().getFirst().notifyScripts();
        assertEquals("/bin/echo a b", n.any());
        assertEquals(Map.of("notify", new ScriptUser("nobody", "nogroup")), n.users());
    }

    @Test
    void aSyncGroupScriptRunsAsItsOwnUserToo() throws Exception {
        FloatdConfig c = ConfigParser.parse(GLOBAL + instance() + "vrrp_sync_group G {\n    group {\n        VI_1\n    }\n"
                + "    notify_fault /bin/true nobody nogroup\n}\n", "k.conf");
        assertEquals(Map.of("notify_fault", new ScriptUser("nobody", "nogroup")), c.syncGroups().getFirst().notifyScripts().users());
    }

    @Test
    void anUnknownUserOrGroupDropsThatScriptWithAWarningAsKeepalivedDoes() throws Exception {
        // keepalived -t: "Script user '...' does not exist", "Invalid user/group for notify_master script ... - ignoring",
        // and the configuration passes
        FloatdConfig c = ConfigParser.parse(GLOBAL + instance("    notify_master /bin/true floatd-no-such-user",
                "    notify_backup /bin/true nobody floatd-no-such-group", "    notify_fault /bin/true"), "k.conf");
        NotifyScripts n = c.instances().getFirst().notifyScripts();
        assertNull(n.master());
        assertNull(n.backup());
        assertEquals("/bin/true", n.fault());
        assertEquals(Map.of(), n.users());
        assertEquals(List.of(
                "k.conf:11: vrrp_instance VI_1: notify_master '/bin/true' is ignored: its user 'floatd-no-such-user' does not"
                        + " exist (keepalived: \"Invalid user/group for notify_master script\" - ignoring)",
                "k.conf:12: vrrp_instance VI_1: notify_backup '/bin/true' is ignored: its group 'floatd-no-such-group' does not"
                        + " exist (keepalived: \"Invalid user/group for notify_backup script\" - ignoring)"), warnings(c));
    }

    private Path worldWritableScript() throws IOException {
        Path ww = Files.createDirectories(dir.resolve("ww"));
        Files.setPosixFilePermissions(ww, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path p = ww.resolve("up.sh");
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void scriptSecurityChecksAScriptAsTheUserItNames() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "the check looks at root-owned files");
        Path s = worldWritableScript();
        String global = "global_defs {\n    script_user nobody\n    enable_script_security\n}\n";
        // run as nobody (its own user), the world-writable directory is not a root risk
        FloatdConfig ok = ConfigParser.parse(global + instance("    notify_master " + s + " nobody"), "k.conf");
        assertEquals(List.of(), warnings(ok));
        // run as root (its own user over script_user nobody), it is refused
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(global + instance("    notify_master " + s + " root"), "k.conf"));
        assertEquals(List.of("k.conf:12: vrrp_instance VI_1: notify_master '" + s + "' runs as root, but " + s.getParent()
                        + " is writable by every user (mode 0777); enable_script_security refuses it, as keepalived does"),
                e.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void withEnableScriptSecurityAndNoScriptUserAScriptWithItsOwnUserIsKept() throws Exception {
        assumeTrue(RunAs.account("keepalived_script").isEmpty(), "keepalived_script exists here");
        assumeTrue(RunAs.currentUid() == 0, "floatd only drops them as root");
        FloatdConfig c = ConfigParser.parse("global_defs {\n    enable_script_security\n}\n"
                + instance("    notify_master /bin/true nobody", "    notify_backup /bin/true"), "k.conf");
        NotifyScripts n = c.instances().getFirst().notifyScripts();
        assertEquals("/bin/true", n.master());
        assertEquals(new ScriptUser("nobody", null), n.user("notify_master"));
        assertNull(n.backup());
        assertTrue(warnings(c).stream().anyMatch(w -> w.startsWith("k.conf:12: vrrp_instance VI_1: notify_backup '/bin/true' will not run")),
                String.join("\n", warnings(c)));
    }

    @Test
    void theDumpWritesTheUserAndGroupBackAndReadsBackEqual() throws Exception {
        FloatdConfig c = ConfigParser.parse(GLOBAL + instance("    notify_master \"/bin/echo up\" nobody nogroup",
                "    notify_stop /bin/true nobody") + "vrrp_sync_group G {\n    group {\n        VI_1\n    }\n"
                + "    notify /bin/true nobody\n}\n", "k.conf");
        String dump = c.dump(false);
        assertTrue(dump.contains("    notify_master \"/bin/echo up\" nobody nogroup\n"), dump);
        assertTrue(dump.contains("    notify_stop /bin/true nobody\n"), dump);
        assertTrue(dump.contains("    notify /bin/true nobody\n"), dump);
        FloatdConfig again = ConfigParser.parse(dump, "dump");
        assertEquals(c.instances(), again.instances());
        assertEquals(c.syncGroups().getFirst().notifyScripts(), again.syncGroups().getFirst().notifyScripts());
    }

    @Test
    void aFifoScriptRunsAsItsOwnUserAndTheDumpKeepsIt() throws Exception {
        FloatdConfig c = ConfigParser.parse("global_defs {\n    script_user root\n    notify_fifo /run/k.fifo\n"
                + "    notify_fifo_script /bin/cat nobody nogroup\n}\n" + instance(), "k.conf");
        assertEquals(Map.of(Path.of("/run/k.fifo"), new ScriptUser("nobody", "nogroup")), c.global().notifyFifoScriptUsers());
        String dump = c.dump(false);
        assertTrue(dump.contains("    notify_fifo_script /bin/cat nobody nogroup\n"), dump);
        assertEquals(c.global(), ConfigParser.parse(dump, "dump").global());
    }

    @Test
    void aFifoScriptWithAnUnknownUserIsIgnored() throws Exception {
        FloatdConfig c = ConfigParser.parse("global_defs {\n    script_user root\n    notify_fifo /run/k.fifo\n"
                + "    notify_fifo_script /bin/cat floatd-no-such-user\n}\n" + instance(), "k.conf");
        assertEquals(Map.of(), c.global().notifyFifoScripts());
        assertEquals(List.of("k.conf:4: global_defs: notify_fifo_script '/bin/cat' is ignored: its user 'floatd-no-such-user'"
                + " does not exist (keepalived: \"Invalid user/group for notify_fifo_script script\" - ignoring)"), warnings(c));
    }
}
