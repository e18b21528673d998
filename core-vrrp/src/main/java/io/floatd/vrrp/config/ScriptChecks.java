package io.floatd.vrrp.config;

import io.floatd.vrrp.script.ScriptEnv;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The checks on scripts once the whole file is read: who runs them ({@code script_user}, keepalived's
 * {@code keepalived_script}, the scripts' own users), which are dropped under {@code enable_script_security}
 * ({@link ScriptsWithoutUser}), and whether a script run as root could be changed by another user
 * ({@link ScriptSecurity}).
 */
final class ScriptChecks {
    private final ConfigParser parser;

    ScriptChecks(ConfigParser parser) {
        this.parser = parser;
    }

    /** {@link ScriptsWithoutUser}: the scripts keepalived cannot run, dropped before tracking is resolved. */
    void dropScriptsWithoutUser() {
        parser.warn(parser.global.securityLine, "global_defs: " + ScriptsWithoutUser.summary());
        for (var it = parser.scripts.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().value() != null && e.getValue().value().user() == null) {
                parser.warn(e.getValue().line(), ScriptsWithoutUser.vrrpScript(e.getKey()));
                parser.droppedScripts.add(e.getKey());
                it.remove();
            }
        }
        for (InstanceScope i : parser.instances) {
            // a script naming its own user runs as that user: keepalived keeps it
            i.notifyUses.keySet().removeIf(keyword -> {
                if (i.notifyUsers.containsKey(keyword)) {
                    return false;
                }
                i.warn(i.notifyUses.get(keyword).line(), ScriptsWithoutUser.notifyScript(keyword, i.notifyUses.get(keyword).value()));
                i.notify = i.notify.with(keyword, null);
                return true;
            });
        }
        for (SyncGroupParser.SyncGroupScope g : parser.syncGroups.groups()) {
            g.notifyUses.keySet().removeIf(keyword -> {
                if (g.notify.user(keyword) != null) {
                    return false;
                }
                g.warn(g.notifyUses.get(keyword).line(), ScriptsWithoutUser.notifyScript(keyword, g.notifyUses.get(keyword).value()));
                g.notify = g.notify.with(keyword, null);
                return true;
            });
        }
    }

    boolean anyScript() {
        return parser.instances.stream().anyMatch(i -> !i.notifyUsers.keySet().containsAll(i.notifyUses.keySet()))
                || parser.global.fifoScripts.keySet().stream().anyMatch(k -> parser.global.fifoUsers.get(k) == null)
                || parser.syncGroups.groups().stream().anyMatch(g -> !g.notify.users().keySet().containsAll(g.notifyUses.keySet()))
                || parser.scripts.values().stream().anyMatch(s -> s.value() != null && s.value().user() == null);
    }

    /** A vrrp_script without its own {@code user} runs as {@code script_user}; its script_env goes over global_defs'. */
    void inheritGlobals(GlobalDefs g) {
        parser.scripts.replaceAll((name, located) -> {
            VrrpScriptConfig v = located.value();
            if (v == null) {
                return located;
            }
            boolean own = v.user() != null;
            return new Located<>(v.with(own ? v.user() : g.scriptUser(), own ? v.group() : g.scriptGroup(),
                    v.env().over(g.scriptEnv())), located.line());
        });
    }

    /** A script that will run, for the security check: its keyword's line, who it runs as, and its PATH. */
    private record ScriptUse(String prefix, String keyword, String script, int line, String user, String group, String path) {
    }

    /**
     * keepalived's rule: a script run as root must not be modifiable by a non-root user. With
     * {@code enable_script_security} such a script is an error; without, a warning (keepalived's "SECURITY
     * VIOLATION"). See {@link ScriptSecurity} for what is checked.
     */
    void checkScriptSecurity(GlobalDefs g, HostLookups host) {
        List<ScriptUse> uses = scriptUses(g);
        if (uses.isEmpty()) {
            return;
        }
        uses.sort(Comparator.comparingInt((ScriptUse u) -> parser.sources.order(parser.sources.file(u.line()))).thenComparingInt(ScriptUse::line));
        int self = host.currentUid();
        if (g.scriptUser() == null && self == 0) {
            rootByDefault(g, uses);
        }
        for (ScriptUse u : uses) {
            checkRootScript(g, u, self, host);
        }
    }

    /** Every script that will run, with who runs it and its PATH. */
    private List<ScriptUse> scriptUses(GlobalDefs g) {
        List<ScriptUse> uses = new ArrayList<>();
        // a FIFO's script runs only when its FIFO is set, as in keepalived
        parser.global.fifoScripts.forEach((keyword, script) -> {
            if (g.notifyFifoScripts().containsValue(script.value())) {
                ScriptUser own = parser.global.fifoUsers.get(keyword);
                uses.add(new ScriptUse("global_defs: ", keyword, script.value(), script.line(),
                        own != null ? own.user() : g.scriptUser(), own != null ? own.group() : g.scriptGroup(),
                        scriptPath(g.scriptEnv())));
            }
        });
        for (InstanceScope i : parser.instances) {
            String path = scriptPath(i.env.build().over(g.scriptEnv()));
            i.notifyUses.forEach((keyword, script) -> {
                ScriptUser own = i.notifyUsers.get(keyword);
                uses.add(new ScriptUse(i.prefix, keyword, script.value(), script.line(),
                        own != null ? own.user() : g.scriptUser(), own != null ? own.group() : g.scriptGroup(), path));
            });
        }
        String globalPath = scriptPath(g.scriptEnv());
        parser.syncGroups.groups().forEach(sg -> sg.notifyUses.forEach((keyword, script) -> {
            ScriptUser own = sg.notify.user(keyword);
            uses.add(new ScriptUse(sg.prefix, keyword, script.value(), script.line(),
                    own != null ? own.user() : g.scriptUser(), own != null ? own.group() : g.scriptGroup(), globalPath));
        }));
        parser.scripts.forEach((name, located) -> {
            VrrpScriptConfig v = located.value();
            if (v != null && parser.usedScripts.contains(name)) {
                uses.add(new ScriptUse("vrrp_script " + name + ": ", "script", v.script(), parser.scriptLines.get(name), v.user(), v.group(),
                        scriptPath(v.env())));
            }
        });
        return uses;
    }

    /** keepalived: scripts run as root when neither script_user nor keepalived_script is there. */
    private void rootByDefault(GlobalDefs g, List<ScriptUse> uses) {
        ScriptUse first = uses.stream().filter(u -> u.user() == null).findFirst().orElse(null);
        if (first != null && g.scriptSecurity()) {
            parser.error(parser.global.securityLine, "global_defs: enable_script_security: no script_user is set and user '"
                    + ConfigParser.DEFAULT_SCRIPT_USER + "' does not exist, so scripts would run as root by default, which keepalived"
                    + " refuses (it disables every such script); set 'script_user USER', or 'script_user root' to run"
                    + " them as root once they pass the check");
        } else if (first != null) {
            parser.warn(first.line(), first.prefix() + "scripts run as root: no script_user is set and user '" + ConfigParser.DEFAULT_SCRIPT_USER
                    + "' does not exist (as keepalived does); set 'script_user USER' to run them as another user");
        }
    }

    /** A script run as root that another user could change: an error under enable_script_security, else a warning. */
    private void checkRootScript(GlobalDefs g, ScriptUse u, int self, HostLookups host) {
        boolean root;
        if (u.user() == null) {
            root = self == 0;
        } else {
            try {
                root = host.user(u.user(), u.group()).isRoot();
            } catch (IllegalArgumentException e) {
                return; // already reported where the user is named
            }
        }
        if (!root) {
            return;
        }
        String what = u.prefix() + u.keyword() + " '" + u.script() + "' runs as root, but ";
        host.scriptSecurity(u.script(), u.path()).ifPresent(f -> {
            if (g.scriptSecurity()) {
                parser.error(u.line(), what + f.message() + (f.unverifiable()
                        ? "; enable_script_security cannot check it" : "; enable_script_security refuses it, as keepalived does"));
            } else if (!f.unverifiable()) {
                parser.warn(u.line(), "SECURITY VIOLATION: " + what + f.message() + ", so a non-root user could change what"
                        + " root runs; enable_script_security would refuse it");
            }
        });
    }

    /** The PATH a script with {@code env} runs with: where a bare command name is looked up. */
    private static String scriptPath(ScriptEnv env) {
        return env.environment(System.getenv()).get("PATH");
    }
}
