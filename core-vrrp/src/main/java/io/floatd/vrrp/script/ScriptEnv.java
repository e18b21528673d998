package io.floatd.vrrp.script;

import io.floatd.vrrp.script.RunAs;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a script's environment holds. Never floatd's own environment: floatd runs as root and may hold a cloud
 * provider's credentials there ({@code AWS_SECRET_ACCESS_KEY}, {@code DIGITALOCEAN_TOKEN}), which a script run as
 * {@code script_user nobody} must not see. A script gets a fixed minimal set:
 * <ul>
 *   <li>{@code PATH} = {@value #PATH};</li>
 *   <li>{@code LANG} as floatd has it, else {@value #DEFAULT_LANG}; {@code LC_ALL} only when floatd has it;</li>
 *   <li>{@code HOME}, {@code USER} and {@code LOGNAME} of the user the script runs as;</li>
 * </ul>
 * and then, over that set, the variables the configuration names with {@code script_env NAME=VALUE}, or
 * {@code script_env NAME} to pass floatd's own value on (nothing, or the fixed set's value, when floatd has none).
 *
 * <p>keepalived 2.2.7 adds no variable of its own: it execs a script with its whole environment
 * ({@code lib/notify.c}, {@code system_call_script}: {@code execve(script->args[0], ..., environ)}, where
 * {@code set_script_env} only switches uid and gid). A keepalived script relying on an inherited variable needs
 * {@code script_env NAME} in floatd.
 *
 * <p>Immutable; entries keep the order they were first given in, a later entry for a name replacing the value.
 */
public final class ScriptEnv {
    /** The {@code PATH} every script gets unless {@code script_env PATH=...} says otherwise. */
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** {@code LANG} when floatd's environment has none. */
    public static final String DEFAULT_LANG = "C.UTF-8";
    /** No {@code script_env}: the fixed set only. */
    public static final ScriptEnv NONE = new ScriptEnv(Map.of());

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * One {@code script_env} item.
     *
     * @param name the variable's name
     * @param value its value, or {@code null} to pass floatd's own value on
     */
    public record Entry(String name, String value) {
        public Entry {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a variable name (letters, digits and _,"
                        + " not starting with a digit)");
            }
            // the value is never echoed: it may be a secret
            if (value != null && value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(name + ": the value contains a NUL character, which no environment can hold");
            }
        }

        /** {@code NAME=VALUE} (the value may be empty) or {@code NAME}. */
        public static Entry parse(String word) {
            int eq = word.indexOf('=');
            return eq < 0 ? new Entry(word, null) : new Entry(word.substring(0, eq), word.substring(eq + 1));
        }

        /** Whether this passes floatd's own value on. */
        public boolean passThrough() {
            return value == null;
        }

        @Override
        public String toString() {
            // names only: values may be secrets, and this reaches logs through the configuration's toString
            return passThrough() ? name : name + "=…";
        }
    }

    private final Map<String, Entry> entries;

    private ScriptEnv(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** The entries in order; a name given twice keeps its first place and its last value. */
    public static ScriptEnv of(Collection<Entry> entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.name(), e));
        return map.isEmpty() ? NONE : new ScriptEnv(java.util.Collections.unmodifiableMap(map));
    }

    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** This one's entries over {@code base}'s: a block's {@code script_env} over {@code global_defs}'. */
    public ScriptEnv over(ScriptEnv base) {
        if (base.isEmpty()) {
            return this;
        }
        Map<String, Entry> map = new LinkedHashMap<>(base.entries);
        map.putAll(entries);
        return new ScriptEnv(java.util.Collections.unmodifiableMap(map));
    }

    /** The entries of this one that {@code base} does not have exactly: what a block adds to global_defs'. */
    public List<Entry> beyond(ScriptEnv base) {
        return entries.values().stream().filter(e -> !e.equals(base.entries.get(e.name()))).toList();
    }

    /** The environment of a script run as floatd's own user, floatd's environment being {@code daemon}. */
    public Map<String, String> environment(Map<String, String> daemon) {
        return environment(System.getProperty("user.name", ""), System.getProperty("user.home", "/"), daemon);
    }

    /** The environment of a script run as {@code as} ({@code null}: floatd's own user). */
    public Map<String, String> environment(RunAs as, Map<String, String> daemon) {
        return as == null ? environment(daemon) : environment(as.user(), as.home(), daemon);
    }

    private Map<String, String> environment(String user, String home, Map<String, String> daemon) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        String lang = daemon.get("LANG");
        env.put("LANG", lang == null || lang.isBlank() ? DEFAULT_LANG : lang);
        String lcAll = daemon.get("LC_ALL");
        if (lcAll != null && !lcAll.isBlank()) {
            env.put("LC_ALL", lcAll);
        }
        env.put("HOME", home == null || home.isEmpty() ? "/" : home);
        if (user != null && !user.isEmpty()) {
            env.put("USER", user);
            env.put("LOGNAME", user);
        }
        for (Entry e : entries.values()) {
            String value = e.passThrough() ? daemon.get(e.name()) : e.value();
            // a name floatd does not have leaves the fixed set as it is
            if (value != null) {
                env.put(e.name(), value);
            }
        }
        return env;
    }

    @Override
    public boolean equals(Object o) {
        // order is not configuration: the environment is a set of names
        return o instanceof ScriptEnv other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "ScriptEnv" + entries.values();
    }
}
