package io.floatd.vrrp.config;

/**
 * What keepalived 2.2.7 does with {@code enable_script_security} when neither {@code script_user} nor the user
 * {@code keepalived_script} exists: it has no user to run a script as, reports "Unable to set default user
 * keepalived_script for script" (lib/notify.c {@code get_default_script_user}) and drops every script that has no
 * user of its own: a vrrp_script is removed ("Unable to set default user for vrrp script X - removing",
 * keepalived/vrrp/vrrp_parser.c {@code vrrp_vscript_end_handler}), so the instances tracking it run without it, and a
 * notify script is not set ("Failed to set default user for ... script - ignoring", {@code notify_script_init}). The
 * instances run. floatd does the same, with a warning at each dropped script.
 */
final class ScriptsWithoutUser {
    private ScriptsWithoutUser() {
    }

    static String summary() {
        return "enable_script_security without script_user and without a user '" + ConfigParser.DEFAULT_SCRIPT_USER
                + "': scripts that name no user of their own do not run, as keepalived runs none of them (\"Unable to set"
                + " default user\"); set 'script_user USER' (or 'script_user root') to run them";
    }

    static String vrrpScript(String name) {
        return "vrrp_script " + name + " is removed: no user to run it as (see enable_script_security), as keepalived"
                + " removes it";
    }

    static String notifyScript(String keyword, String script) {
        return keyword + " '" + script + "' will not run: no user to run it as (see enable_script_security), as"
                + " keepalived ignores it";
    }
}
