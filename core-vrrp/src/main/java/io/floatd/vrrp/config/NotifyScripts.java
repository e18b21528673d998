package io.floatd.vrrp.config;

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
 */
public record NotifyScripts(String any, String master, String backup, String fault, String stop) {
    public static final NotifyScripts NONE = new NotifyScripts(null, null, null, null, null);

    public NotifyScripts {
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
        return new NotifyScripts(script, master, backup, fault, stop);
    }

    public NotifyScripts withMaster(String script) {
        return new NotifyScripts(any, script, backup, fault, stop);
    }

    public NotifyScripts withBackup(String script) {
        return new NotifyScripts(any, master, script, fault, stop);
    }

    public NotifyScripts withFault(String script) {
        return new NotifyScripts(any, master, backup, script, stop);
    }

    public NotifyScripts withStop(String script) {
        return new NotifyScripts(any, master, backup, fault, script);
    }
}
