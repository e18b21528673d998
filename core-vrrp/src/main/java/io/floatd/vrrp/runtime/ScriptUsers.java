package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.NotifyScripts;
import io.floatd.vrrp.config.ScriptUser;
import io.floatd.vrrp.notify.NotifyHooks;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.script.ScriptEnv;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/** The accounts the notify scripts that name their own user ({@link ScriptUser}) run as, by keyword. */
final class ScriptUsers {
    private static final Logger LOG = System.getLogger(ScriptUsers.class.getName());

    private ScriptUsers() {
    }

    /**
     * The hooks for {@code scripts}: each script that names its own user runs as that user, looked up now; the others
     * as {@code scriptUser}. The parser already dropped a script whose user did not exist; one removed since then
     * drops its script (as keepalived ignores a script it has no user for) rather than run it as another user.
     */
    static NotifyHooks hooks(NotifyScripts scripts, RunAs scriptUser, ScriptEnv env) {
        Map<String, RunAs> users = new LinkedHashMap<>();
        NotifyScripts runnable = scripts;
        for (Map.Entry<String, ScriptUser> e : scripts.users().entrySet()) {
            try {
                users.put(e.getKey(), RunAs.lookUp(e.getValue().user(), e.getValue().group()));
            } catch (IllegalArgumentException x) {
                LOG.log(Level.WARNING, "Invalid user/group for {0} script - ignoring: {1}", e.getKey(), x.getMessage());
                runnable = runnable.with(e.getKey(), null);
            }
        }
        NotifyScripts n = runnable;
        return new NotifyHooks(n.any(), n.master(), n.backup(), n.fault(), n.stop(), scriptUser, env, users);
    }
}
