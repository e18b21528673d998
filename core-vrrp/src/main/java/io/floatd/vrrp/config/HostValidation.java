package io.floatd.vrrp.config;

import io.floatd.vrrp.config.HostQuestion.NotifyUser;
import io.floatd.vrrp.config.HostQuestion.RunAsUser;
import io.floatd.vrrp.config.HostQuestion.ScriptFile;
import java.util.List;

/**
 * The step after the parse that asks the host what the file names (issue 18): {@code floatd check}, {@code run} and a
 * reload call it on the {@link ParsedConfig}, with {@link HostLookups#SYSTEM}; a test gives another host. keepalived
 * answers these as it reads, and the answers shape the configuration, so this step applies them as keepalived does:
 * <ul>
 *   <li>{@code script_user} and a vrrp_script's {@code user}: a user or group that does not exist is an error at its
 *       line; a vrrp_script's absolute command that is missing or not executable too;</li>
 *   <li>a notify script naming a user that does not exist is dropped, with a warning at its line;</li>
 *   <li>with no {@code script_user}, the account {@code keepalived_script}, if it exists, runs the scripts;</li>
 *   <li>under {@code enable_script_security} with no user to run them as, floatd running as root, the scripts that
 *       name no user are dropped ({@link ScriptsWithoutUser}), before the instances' tracking is resolved;</li>
 *   <li>a script run as root that another user could change ({@link ScriptSecurity}).</li>
 * </ul>
 * Its errors and warnings join the parse's, at file:line, in one list; a configuration with any error is refused as
 * a whole ({@link ConfigException}), so a reload whose validation fails changes nothing.
 */
public final class HostValidation {
    private HostValidation() {
    }

    /**
     * The configuration {@code parsed} makes on {@code host}, or every error of the parse and of this step.
     *
     * @throws IllegalStateException when {@code parsed} was validated before
     */
    public static FloatdConfig validate(ParsedConfig parsed, HostLookups host) throws ConfigException {
        ConfigParser p = parsed.take();
        return p.guarded(() -> {
            p.questions.forEach(q -> answer(q, host));
            ScriptChecks scripts = p.scriptChecks;
            boolean defaultUser = p.global.builder.scriptUser() == null && scripts.anyScript()
                    && host.accountExists(ConfigParser.DEFAULT_SCRIPT_USER);
            GlobalDefs globalDefs = p.globalDefs(defaultUser);
            if (globalDefs.scriptSecurity() && globalDefs.scriptUser() == null && scripts.anyScript() && host.currentUid() == 0) {
                scripts.dropScriptsWithoutUser();
            }
            List<SyncGroupConfig> groups = p.resolve();
            scripts.checkScriptSecurity(globalDefs, host);
            return p.build(globalDefs, groups);
        });
    }

    private static void answer(HostQuestion question, HostLookups host) {
        switch (question) {
            case RunAsUser q -> {
                try {
                    host.user(q.who().user(), q.who().group());
                    q.resolved().run();
                } catch (IllegalArgumentException e) {
                    q.scope().error(q.line(), q.keyword() + ": " + e.getMessage());
                    q.unknown().run();
                }
            }
            case ScriptFile q -> {
                String refusal = switch (host.scriptFile(java.nio.file.Path.of(q.command()))) {
                    case MISSING -> "script " + q.command() + " does not exist";
                    case NOT_EXECUTABLE -> "script " + q.command() + " is not executable";
                    case RUNNABLE -> null;
                };
                if (refusal != null) {
                    q.scope().error(q.line(), refusal);
                    q.refused().run();
                }
            }
            case NotifyUser q -> {
                if (!q.admitted().getAsBoolean()) {
                    return;
                }
                if (ScriptUser.dropped(q.who(), host, q.keyword(), q.script(), message -> q.scope().warn(q.line(), message))) {
                    q.dropped().run();
                } else {
                    q.kept().run();
                }
            }
        }
    }
}
