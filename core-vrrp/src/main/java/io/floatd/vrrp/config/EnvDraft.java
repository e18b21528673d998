package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import io.floatd.vrrp.script.ScriptEnv;
import java.util.LinkedHashMap;
import java.util.Map;

/** A block's {@code script_env} entries as they are read: one or more NAME=VALUE or NAME per line, the last wins. */
final class EnvDraft {
    private final Map<String, Located<ScriptEnv.Entry>> entries = new LinkedHashMap<>();

    void add(Statement s, Scope scope) {
        s.noBlock();
        if (s.args().isEmpty()) {
            throw new ConfigProblem("script_env takes NAME=VALUE, or NAME to pass floatd's own value on, but got nothing");
        }
        for (String word : s.args()) {
            ScriptEnv.Entry e;
            try {
                e = ScriptEnv.Entry.parse(word);
            } catch (IllegalArgumentException ex) {
                // the value is never shown: it may be a secret
                scope.error(s.line(), "script_env: " + ex.getMessage());
                continue;
            }
            Located<ScriptEnv.Entry> earlier = entries.put(e.name(), new Located<>(e, s.line()));
            if (earlier != null) {
                scope.warn(s.line(), "script_env " + e.name() + " is given again; this one wins over "
                        + scope.parser.sources.from(s.line(), earlier.line()));
            }
            if (e.passThrough() && System.getenv(e.name()) == null) {
                scope.warn(s.line(), "script_env " + e.name() + ": floatd's environment has no " + e.name()
                        + ", so scripts will not get it either");
            }
        }
    }

    ScriptEnv build() {
        return ScriptEnv.of(entries.values().stream().map(Located::value).toList());
    }
}
