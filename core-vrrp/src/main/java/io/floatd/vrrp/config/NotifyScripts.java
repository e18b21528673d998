package io.floatd.vrrp.config;

import io.floatd.vrrp.script.CommandLine;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scripts keepalived runs on state changes, each the command line keepalived reads from its keyword's line (the
 * first word after the keyword, its quotes and escapes resolved: {@code ScriptWords}); {@code CommandLine.split}
 * turns it into the argv keepalived would exec.
 * A {@code null} component means none is configured.
 *
 * @param any {@code notify}: every transition, with keepalived's four extra arguments (type, name, state, priority);
 *     not called {@code notify}, which {@link Object} reserves
 * @param master {@code notify_master}
 * @param backup {@code notify_backup}
 * @param fault {@code notify_fault}
 * @param stop {@code notify_stop}
 * @param users the user a script line names after its command line ({@link ScriptUser}), by keyword
 *     ({@code notify}, {@code notify_master}...); a script without one runs as {@code script_user}
 */
public record NotifyScripts(String any, String master, String backup, String fault, String stop, Map<String, ScriptUser> users) {
    public static final NotifyScripts NONE = new NotifyScripts(null, null, null, null, null);

    /** Scripts that all run as {@code script_user}. */
    public NotifyScripts(String any, String master, String backup, String fault, String stop) {
        this(any, master, backup, fault, stop, Map.of());
    }

    public NotifyScripts {
        users = users == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(users));
        check("notify", any);
        check("notify_master", master);
        check("notify_backup", backup);
        check("notify_fault", fault);
        check("notify_stop", stop);
    }

    private static void check(String keyword, String script) {
        if (script != null && script.isBlank()) {
            throw new IllegalArgumentException(keyword + " must name a script, but was empty");
        }
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    public NotifyScripts withAny(String script) {
        return new NotifyScripts(script, master, backup, fault, stop, users);
    }

    public NotifyScripts withMaster(String script) {
        return new NotifyScripts(any, script, backup, fault, stop, users);
    }

    public NotifyScripts withBackup(String script) {
        return new NotifyScripts(any, master, script, fault, stop, users);
    }

    public NotifyScripts withFault(String script) {
        return new NotifyScripts(any, master, backup, script, stop, users);
    }

    public NotifyScripts withStop(String script) {
        return new NotifyScripts(any, master, backup, fault, script, users);
    }

    /** These scripts with {@code keyword}'s script run as {@code user} ({@code null}: as {@code script_user}). */
    public NotifyScripts withUser(String keyword, ScriptUser user) {
        Map<String, ScriptUser> next = new TreeMap<>(users);
        if (user == null) {
            next.remove(keyword);
        } else {
            next.put(keyword, user);
        }
        return new NotifyScripts(any, master, backup, fault, stop, next);
    }

    /** The user {@code keyword}'s script names, or {@code null}: it runs as {@code script_user}. */
    public ScriptUser user(String keyword) {
        return users.get(keyword);
    }

    /** These scripts with {@code keyword}'s ({@code notify}, {@code notify_master}...) set to {@code script}. */
    public NotifyScripts with(String keyword, String script) {
        NotifyScripts n = switch (keyword) {
            case "notify" -> withAny(script);
            case "notify_master" -> withMaster(script);
            case "notify_backup" -> withBackup(script);
            case "notify_fault" -> withFault(script);
            case "notify_stop" -> withStop(script);
            default -> throw new IllegalArgumentException("not a notify keyword: " + keyword);
        };
        return script == null ? n.withUser(keyword, null) : n;
    }
}
