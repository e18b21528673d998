package io.floatd.vrrp.config;

import io.floatd.vrrp.script.ScriptEnv;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The {@code global_defs} block: what applies to every instance. */
public final class GlobalDefs {
    /** keepalived's default {@code vrrp_version}. */
    public static final int DEFAULT_VRRP_VERSION = 2;

    private final String routerId;
    private final int vrrpVersion;
    private final GarpSettings garp;
    private final List<Path> notifyFifos;
    private final java.util.Map<Path, String> notifyFifoScripts;
    private final java.util.Map<Path, ScriptUser> notifyFifoScriptUsers;
    private final boolean notifyPriorityChanges;
    private final Path stateFile;
    private final String scriptUser;
    private final String scriptGroup;
    private final boolean scriptSecurity;
    private final ScriptEnv scriptEnv;
    private final boolean dynamicInterfaces;

    private GlobalDefs(Builder builder) {
        this.routerId = builder.routerId != null ? builder.routerId : hostName();
        this.vrrpVersion = builder.vrrpVersion;
        this.garp = builder.garp;
        this.notifyFifos = builder.notifyFifos.values().stream().distinct().toList();
        var scripts = new java.util.LinkedHashMap<Path, String>();
        var users = new java.util.LinkedHashMap<Path, ScriptUser>();
        // keepalived starts a fifo's script only when that fifo is set: notify_fifo_script goes with notify_fifo
        builder.notifyFifoScripts.forEach((keyword, script) -> {
            Path fifo = builder.notifyFifos.get(keyword.substring(0, keyword.length() - "_script".length()));
            if (fifo != null && scripts.putIfAbsent(fifo, script) == null && builder.notifyFifoScriptUsers.get(keyword) != null) {
                users.put(fifo, builder.notifyFifoScriptUsers.get(keyword));
            }
        });
        this.notifyFifoScripts = java.util.Collections.unmodifiableMap(scripts);
        this.notifyFifoScriptUsers = java.util.Collections.unmodifiableMap(users);
        this.notifyPriorityChanges = builder.notifyPriorityChanges;
        this.stateFile = builder.stateFile;
        this.scriptUser = builder.scriptUser;
        this.scriptGroup = builder.scriptGroup;
        this.scriptSecurity = builder.scriptSecurity;
        this.scriptEnv = builder.scriptEnv;
        this.dynamicInterfaces = builder.dynamicInterfaces;
    }

    /**
     * {@code dynamic_interfaces}: an interface the configuration names may be missing on this host (the instance stays
     * in FAULT until it is created) instead of the configuration being refused, as in keepalived. Not part of equality:
     * it changes what the host check accepts, not how a running instance behaves.
     */
    public boolean dynamicInterfaces() {
        return dynamicInterfaces;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static GlobalDefs defaults() {
        return builder().build();
    }

    /** {@code router_id}: names this node in notifications and logs; defaults to the host name, as keepalived. */
    public String routerId() {
        return routerId;
    }

    /** {@code vrrp_version}: the version instances use unless they set {@code version}. */
    public int vrrpVersion() {
        return vrrpVersion;
    }

    /** {@code vrrp_garp_*}: how a new Master announces its addresses, unless an instance says otherwise. */
    public GarpSettings garp() {
        return garp;
    }

    /**
     * {@code notify_fifo} and {@code vrrp_notify_fifo}: FIFOs that get one line per transition, as keepalived
     * writes them ({@code INSTANCE "VI_1" MASTER 150}); empty when none.
     */
    public List<Path> notifyFifos() {
        return notifyFifos;
    }

    /**
     * {@code notify_fifo_script} / {@code vrrp_notify_fifo_script}: per FIFO, the command line started once with the
     * FIFO's path as its last argument, to read the lines. A script whose FIFO is not set is not here (keepalived
     * does not run it either).
     */
    public java.util.Map<Path, String> notifyFifoScripts() {
        return notifyFifoScripts;
    }

    /** The user a FIFO's script names after its command line ({@link ScriptUser}), by FIFO; one not here runs as script_user. */
    public java.util.Map<Path, ScriptUser> notifyFifoScriptUsers() {
        return notifyFifoScriptUsers;
    }

    /** {@code vrrp_notify_priority_changes}: the default of each instance's {@code notify_priority_changes}. */
    public boolean notifyPriorityChanges() {
        return notifyPriorityChanges;
    }

    /** floatd's {@code state_file}: one line per instance with its state, priority and since when; {@code null} when none. */
    public Path stateFile() {
        return stateFile;
    }

    /**
     * {@code script_user USER [GROUP]}: who notify scripts, and {@code vrrp_script} checks without their own
     * {@code user}, run as. When the file does not set it, the parser fills in {@code keepalived_script} if that
     * user exists, as keepalived does; {@code null} means floatd's own user (root, normally).
     */
    public String scriptUser() {
        return scriptUser;
    }

    /** The group after {@link #scriptUser()}, or {@code null} for that user's primary group. */
    public String scriptGroup() {
        return scriptGroup;
    }

    /**
     * {@code enable_script_security}: a script that would run as root while it, or a directory on its path, can
     * be changed by a non-root user is a configuration error rather than a warning.
     */
    public boolean scriptSecurity() {
        return scriptSecurity;
    }

    /**
     * {@code script_env NAME=VALUE} / {@code script_env NAME}: what every script's environment holds beyond the fixed
     * set (see {@link ScriptEnv}); a {@code vrrp_instance}'s or {@code vrrp_script}'s own entries win over these.
     */
    public ScriptEnv scriptEnv() {
        return scriptEnv;
    }

    // keepalived uses uname's node name; the kernel's copy avoids the DNS lookup InetAddress.getLocalHost() may do
    private static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GlobalDefs other && equalsExceptOutputs(other) && notifyFifos.equals(other.notifyFifos)
                && notifyFifoScripts.equals(other.notifyFifoScripts) && notifyFifoScriptUsers.equals(other.notifyFifoScriptUsers)
                && notifyPriorityChanges == other.notifyPriorityChanges
                && Objects.equals(stateFile, other.stateFile);
    }

    /**
     * Equal but for where states are written ({@code notify_fifo}, {@code state_file}): what a reload compares to
     * know whether the instances must restart.
     */
    public boolean equalsExceptOutputs(GlobalDefs other) {
        return routerId.equals(other.routerId) && vrrpVersion == other.vrrpVersion && garp.equals(other.garp)
                && Objects.equals(scriptUser, other.scriptUser) && Objects.equals(scriptGroup, other.scriptGroup)
                && scriptSecurity == other.scriptSecurity && scriptEnv.equals(other.scriptEnv);
    }

    @Override
    public int hashCode() {
        return Objects.hash(routerId, vrrpVersion);
    }

    @Override
    public String toString() {
        return "GlobalDefs[routerId=" + routerId + ", vrrpVersion=" + vrrpVersion + ", garp=" + garp
                + ", notifyFifos=" + notifyFifos + ", stateFile=" + stateFile + ", scriptUser=" + scriptUser
                + (scriptGroup != null ? ":" + scriptGroup : "") + ", scriptSecurity=" + scriptSecurity + ", scriptEnv=" + scriptEnv + "]";
    }

    public static final class Builder {
        private String routerId;
        private int vrrpVersion = DEFAULT_VRRP_VERSION;
        private GarpSettings garp = GarpSettings.DEFAULTS;
        private final java.util.Map<String, Path> notifyFifos = new java.util.LinkedHashMap<>();
        private final java.util.Map<String, String> notifyFifoScripts = new java.util.LinkedHashMap<>();
        private final java.util.Map<String, ScriptUser> notifyFifoScriptUsers = new java.util.HashMap<>();
        private boolean notifyPriorityChanges;
        private Path stateFile;
        private String scriptUser;
        private String scriptGroup;
        private boolean scriptSecurity;
        private ScriptEnv scriptEnv = ScriptEnv.NONE;
        private boolean dynamicInterfaces;

        private Builder() {
        }

        public Builder scriptEnv(ScriptEnv env) {
            this.scriptEnv = Objects.requireNonNull(env, "env");
            return this;
        }

        /**
         * {@code script_user USER [GROUP]}; the names are not looked up here (the parser does).
         *
         * @param group {@code null} for the user's primary group
         */
        public Builder scriptUser(String user, String group) {
            if (user == null && group != null) {
                throw new IllegalArgumentException("script_user: a group needs a user");
            }
            if (user != null && user.isBlank() || group != null && group.isBlank()) {
                throw new IllegalArgumentException("script_user must not be empty");
            }
            this.scriptUser = user;
            this.scriptGroup = group;
            return this;
        }

        String scriptUser() {
            return scriptUser;
        }

        public Builder scriptSecurity(boolean enabled) {
            this.scriptSecurity = enabled;
            return this;
        }

        public Builder garp(GarpSettings garp) {
            this.garp = Objects.requireNonNull(garp, "garp");
            return this;
        }

        GarpSettings garp() {
            return garp;
        }

        /**
         * Sets the FIFO of {@code keyword} ({@code notify_fifo} or {@code vrrp_notify_fifo}); both may be given, and
         * the same path named by both is written once.
         */
        public Builder notifyFifo(String keyword, Path fifo) {
            notifyFifos.put(Objects.requireNonNull(keyword, "keyword"), Objects.requireNonNull(fifo, "fifo"));
            return this;
        }

        /** The script of {@code keyword} ({@code notify_fifo_script} or {@code vrrp_notify_fifo_script}). */
        public Builder notifyFifoScript(String keyword, String script) {
            if (!keyword.endsWith("notify_fifo_script")) {
                throw new IllegalArgumentException("not a notify_fifo_script keyword: " + keyword);
            }
            notifyFifoScripts.put(keyword, Objects.requireNonNull(script, "script"));
            notifyFifoScriptUsers.remove(keyword);
            return this;
        }

        /** The script of {@code keyword}, run as {@code user} ({@code null}: as script_user). */
        public Builder notifyFifoScript(String keyword, String script, ScriptUser user) {
            notifyFifoScript(keyword, script);
            if (user != null) {
                notifyFifoScriptUsers.put(keyword, user);
            }
            return this;
        }

        public Builder notifyPriorityChanges(boolean notifyPriorityChanges) {
            this.notifyPriorityChanges = notifyPriorityChanges;
            return this;
        }

        boolean notifyPriorityChanges() {
            return notifyPriorityChanges;
        }

        public Builder stateFile(Path stateFile) {
            this.stateFile = stateFile;
            return this;
        }

        public Builder routerId(String routerId) {
            if (routerId == null || routerId.isBlank()) {
                throw new IllegalArgumentException("router_id must not be empty");
            }
            this.routerId = routerId;
            return this;
        }

        public Builder vrrpVersion(int vrrpVersion) {
            InstanceRules.checkVersion("vrrp_version", vrrpVersion);
            this.vrrpVersion = vrrpVersion;
            return this;
        }

        public Builder dynamicInterfaces(boolean enabled) {
            this.dynamicInterfaces = enabled;
            return this;
        }

        public GlobalDefs build() {
            return new GlobalDefs(this);
        }
    }
}
