package io.floatd.vrrp.script;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The user (and group) a script runs as: keepalived's {@code script_user USER [GROUP]} and a {@code vrrp_script}'s
 * {@code user USER [GROUP]}. {@link ScriptRunner} switches to it with util-linux {@code setpriv}, which execs the
 * script in place (no PAM session, no extra parent process), so the script keeps the pid and process group that
 * timeouts kill.
 *
 * @param user the user name
 * @param group the group name as configured, or {@code null} for the user's primary group
 * @param uid the user's id
 * @param gid the id of {@code group}, or of the user's primary group
 * @param home the user's home directory, from the passwd entry: the script's {@code HOME}
 */
public record RunAs(String user, String group, int uid, int gid, String home) {
    public RunAs {
        Objects.requireNonNull(user, "user");
        if (home == null || home.isEmpty()) {
            home = "/";
        }
    }

    /** A user whose home is not known ({@code /}). */
    public RunAs(String user, String group, int uid, int gid) {
        this(user, group, uid, gid, "/");
    }

    /**
     * Looks {@code user} and {@code group} up (through NSS, as {@code getent} does).
     *
     * @param group {@code null} for the user's primary group
     * @throws IllegalArgumentException naming the user or group that does not exist
     */
    public static RunAs lookUp(String user, String group) {
        Account account = account(user).orElseThrow(() -> new IllegalArgumentException("user '" + user + "' does not exist"));
        int gid = account.gid();
        if (group != null) {
            gid = groupId(group).orElseThrow(() -> new IllegalArgumentException("group '" + group + "' does not exist"));
        }
        return new RunAs(user, group, account.uid(), gid, account.home());
    }

    /** Whether scripts run as this user have root's privileges. */
    public boolean isRoot() {
        return uid == 0;
    }

    /** The command prefix that makes the rest of the command line run as this user. */
    public List<String> prefix(Path setpriv) {
        return List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--");
    }

    @Override
    public String toString() {
        return group == null ? user : user + ":" + group;
    }

    /** A passwd entry: the user's id, primary group and home directory. */
    public record Account(String name, int uid, int gid, String home) {
    }

    /** The passwd entry of {@code name}, if the user exists. */
    public static Optional<Account> account(String name) {
        return getent("passwd", name).map(f -> new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                f.length > 5 ? f[5] : "/"));
    }

    /** The id of group {@code name}, if it exists. */
    public static Optional<Integer> groupId(String name) {
        return getent("group", name).map(f -> Integer.parseInt(f[2]));
    }

    /** The effective user id of this process (the owner of {@code /proc/self}). */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static Optional<String[]> getent(String database, String key) {
        // names only: a leading '-' would be read as an option, and numeric ids are not keepalived's syntax
        if (key == null || key.isEmpty() || key.startsWith("-") || key.chars().anyMatch(c -> c == ':' || Character.isWhitespace(c))) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("getent", database, key)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String[] fields = out.strip().split(":", -1);
            if (fields.length < 3 || !fields[0].equals(key)) {
                return Optional.empty();
            }
            return Optional.of(fields);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
