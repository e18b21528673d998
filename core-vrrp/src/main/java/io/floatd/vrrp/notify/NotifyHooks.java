package io.floatd.vrrp.notify;

import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.script.ScriptEnv;

/**
 * The notify script lines configured for one VRRP instance, exactly as written in the configuration
 * (quotes and escapes still in place). Any of them may be null or blank, meaning "not configured".
 *
 * @param notifyScript keepalived's generic {@code notify} line (a record component cannot be called
 *        {@code notify}: it would clash with {@link Object#notify()})
 * @param runAs who the scripts run as ({@code script_user}), or {@code null} for floatd's own user
 * @param env what the scripts' environment holds beyond the fixed set ({@code script_env})
 */
public record NotifyHooks(String notifyScript, String master, String backup, String fault, String stop, RunAs runAs,
        ScriptEnv env, java.util.Map<String, RunAs> users) {
    public static final NotifyHooks NONE = new NotifyHooks(null, null, null, null, null);

    /**
     * @param users who a script runs as when its line names a user (keepalived's {@code notify_master SCRIPT USER
     *        [GROUP]}), by hook ({@code notify}, {@code notify_master}...), over {@code runAs}
     */
    public NotifyHooks {
        if (env == null) {
            env = ScriptEnv.NONE;
        }
        users = users == null ? java.util.Map.of() : java.util.Map.copyOf(users);
    }

    /** Hooks that all run as {@code runAs}. */
    public NotifyHooks(String notifyScript, String master, String backup, String fault, String stop, RunAs runAs, ScriptEnv env) {
        this(notifyScript, master, backup, fault, stop, runAs, env, java.util.Map.of());
    }

    /** Who {@code hook}'s script runs as: its own user, else {@link #runAs()}. */
    public RunAs runAs(String hook) {
        return users.getOrDefault(hook, runAs);
    }

    /** Hooks run as floatd's own user. */
    public NotifyHooks(String notifyScript, String master, String backup, String fault, String stop) {
        this(notifyScript, master, backup, fault, stop, null);
    }

    /** Hooks run as {@code runAs}, with no {@code script_env}. */
    public NotifyHooks(String notifyScript, String master, String backup, String fault, String stop, RunAs runAs) {
        this(notifyScript, master, backup, fault, stop, runAs, ScriptEnv.NONE);
    }

    /** The state-specific line ({@code notify_master} etc.) for {@code state}, or null. */
    public String forState(NotifyState state) {
        return switch (state) {
            case MASTER -> master;
            case BACKUP -> backup;
            case FAULT -> fault;
            case STOP -> stop;
        };
    }

    public boolean isEmpty() {
        return blank(notifyScript) && blank(master) && blank(backup) && blank(fault) && blank(stop);
    }

    static boolean blank(String line) {
        return line == null || line.isBlank();
    }
}
