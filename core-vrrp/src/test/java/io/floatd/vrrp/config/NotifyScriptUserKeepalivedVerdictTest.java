package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.floatd.testing.KeepalivedCheck;
import io.floatd.testing.Netns;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notify script naming a user or group that does not exist, through the real {@code keepalived -t -f FILE} (2.2.7)
 * and floatd's parser: keepalived logs "Invalid user/group for ... script ... - ignoring" and passes the file (exit
 * 0); floatd loads it too, without that script.
 */
class NotifyScriptUserKeepalivedVerdictTest {
    @RegisterExtension
    static final KeepalivedCheck CHECK = KeepalivedCheck.perClass("nsu", "10.9.0.1/24");

    @TempDir
    Path dir;

    private static String config(String notify) {
        return "global_defs {\n    script_user root\n}\nvrrp_instance VI_1 {\n    interface eth0\n    state BACKUP\n"
                + "    virtual_router_id 51\n    priority 100\n    unicast_src_ip 10.9.0.1\n    unicast_peer {\n        10.9.0.2\n    }\n"
                + "    virtual_ipaddress {\n        10.9.0.51/24\n    }\n    " + notify + "\n}\n";
    }

    @Test
    void anUnknownUserOrGroupDropsOnlyThatScriptInBoth() throws Exception {
        for (String notify : new String[] {"notify_master /bin/true floatd-no-such-user",
                "notify_master /bin/true nobody floatd-no-such-group"}) {
            String text = config(notify);
            Netns.Result r = CHECK.check(dir.resolve("k.conf"), text, "-l");
            assertEquals(KeepalivedCheck.CLEAN, r.exitCode(), r.output());
            FloatdConfig c = ConfigParser.parse(text, "k.conf");
            assertNull(c.instances().getFirst().notifyScripts().master(), notify);
            assertEquals(1, c.warnings().stream().filter(w -> w.toString().contains("is ignored: its")).count(), notify);
        }
    }
}
