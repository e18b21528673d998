package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.NotifyScripts;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.notify.NotifyHooks;
import io.floatd.vrrp.notify.NotifyState;
import io.floatd.vrrp.script.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A notify script line naming its own user really runs as that user; the instance's other scripts as script_user. */
@Timeout(60)
class NotifyScriptUserTest {
    @TempDir
    Path dir;

    @Test
    void notifyMasterRunsAsTheUserAfterItWhileNotifyRunsAsScriptUser() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "switching users needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path master = script("master.sh", "id -u > " + out.resolve("master.uid"));
        Path any = script("notify.sh", "id -u > " + out.resolve("notify.uid"));
        FloatdConfig c = ConfigParser.parse("global_defs {\n    script_user root\n}\n"
                + "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 150\n"
                + "    unicast_peer {\n        10.0.0.2\n    }\n    virtual_ipaddress { 10.0.0.100 }\n"
                + "    notify_master " + master + " nobody\n    notify " + any + "\n}\n", "k.conf");
        NotifyScripts ns = c.instances().getFirst().notifyScripts();
        NotifyHooks hooks = ScriptUsers.hooks(ns, RunAs.lookUp(c.global().scriptUser(), c.global().scriptGroup()), null);
        try (NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(20))) {
            d.stateChanged("VI_1", NotifyState.MASTER, 150, hooks);
            assertTrue(d.awaitIdle(Duration.ofSeconds(20)));
            assertEquals(0, d.counters().failures());
        }
        assertEquals(Integer.toString(RunAs.lookUp("nobody", null).uid()), Files.readString(out.resolve("master.uid")).strip());
        assertEquals("0", Files.readString(out.resolve("notify.uid")).strip());
    }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
