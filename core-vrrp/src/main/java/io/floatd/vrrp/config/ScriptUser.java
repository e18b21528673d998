package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * The user (and group) written after a notify script's command line, as keepalived 2.2.7 reads it: the word after
 * the script is the user, the next the group; with no group the script runs with the user's primary group. Words
 * after the group are ignored, as keepalived does. The script runs as this user instead of {@code script_user}.
 *
 * @param user the user name
 * @param group the group name, or {@code null} for the user's primary group
 */
public record ScriptUser(String user, String group) {
    public ScriptUser {
        Objects.requireNonNull(user, "user");
    }

    /** The user and group after the script in a script line's words (keyword, script, user, group...), or null. */
    static ScriptUser of(java.util.List<String> words) {
        return words.size() > 2 ? new ScriptUser(words.get(2), words.size() > 3 ? words.get(3) : null) : null;
    }

    /**
     * Why keepalived would not run a script as this user: the user or group does not exist (keepalived then logs
     * "Invalid user/group for ... script ... - ignoring" and drops the script, without failing the configuration).
     */
    java.util.Optional<String> unknown(HostLookups host) {
        try {
            host.user(user, group);
            return java.util.Optional.empty();
        } catch (IllegalArgumentException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    /**
     * Whether a script naming {@code user} (null: none) is dropped because that user or group does not exist; if so,
     * {@code warn} gets the one line saying so, as keepalived drops it and runs on.
     */
    static boolean dropped(ScriptUser user, HostLookups host, String keyword, String script,
            java.util.function.Consumer<String> warn) {
        java.util.Optional<String> why = user == null ? java.util.Optional.empty() : user.unknown(host);
        why.ifPresent(w -> warn.accept(keyword + " '" + script + "' is ignored: its " + w
                + " (keepalived: \"Invalid user/group for " + keyword + " script\" - ignoring)"));
        return why.isPresent();
    }

    /** How the dump writes it after the script: the user, then the group if one is named. */
    String words() {
        return FloatdConfig.quote(user) + (group != null ? " " + FloatdConfig.quote(group) : "");
    }
}
