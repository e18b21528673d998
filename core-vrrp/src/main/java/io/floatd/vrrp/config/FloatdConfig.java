package io.floatd.vrrp.config;

import io.floatd.vrrp.script.ScriptEnv;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed configuration file.
 *
 * @param global the {@code global_defs} block, or its defaults
 * @param instances the {@code vrrp_instance} blocks in file order
 * @param warnings what was accepted but deserves a look (skipped {@code virtual_server} blocks, truncated passwords)
 * @param syncGroups the {@code vrrp_sync_group} blocks in file order
 */
public record FloatdConfig(GlobalDefs global, List<InstanceConfig> instances, List<ConfigError> warnings,
        List<SyncGroupConfig> syncGroups) {
    private static final String INDENT = "    ";

    public FloatdConfig {
        Objects.requireNonNull(global, "global");
        instances = List.copyOf(instances);
        warnings = List.copyOf(warnings);
        syncGroups = syncGroups == null ? List.of() : List.copyOf(syncGroups);
    }

    /** A configuration without {@code vrrp_sync_group}. */
    public FloatdConfig(GlobalDefs global, List<InstanceConfig> instances, List<ConfigError> warnings) {
        this(global, instances, warnings, List.of());
    }

    /** The sync group {@code instance} is in, if any. */
    public Optional<SyncGroupConfig> syncGroupOf(String instance) {
        return syncGroups.stream().filter(g -> g.members().contains(instance)).findFirst();
    }

    public Optional<InstanceConfig> instance(String name) {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * The effective configuration in keepalived syntax, every default spelled out, passwords and secret-looking
     * {@code floating_ip} values shown as {@code ****}. It parses back to the same configuration, secrets aside.
     */
    public String dump() {
        return dump(true);
    }

    String dump(boolean maskSecrets) {
        var out = new StringBuilder();
        out.append("! effective floatd configuration").append(maskSecrets ? ", secrets masked" : "").append('\n');
        dumpGlobalDefs(out, maskSecrets);
        dumpTrackingBlocks(out, maskSecrets);
        for (InstanceConfig i : instances) {
            dumpInstance(out, i, maskSecrets);
        }
        dumpSyncGroups(out);
        return out.toString();
    }

    private void dumpGlobalDefs(StringBuilder out, boolean maskSecrets) {
        out.append("global_defs {\n");
        line(out, 1, "router_id", quote(global.routerId()));
        line(out, 1, "vrrp_version", global.vrrpVersion());
        GarpSettings g = global.garp();
        line(out, 1, "vrrp_garp_master_delay", InstanceRules.seconds(g.masterDelay()));
        line(out, 1, "vrrp_garp_master_repeat", g.masterRepeat());
        line(out, 1, "vrrp_garp_master_refresh", InstanceRules.seconds(g.masterRefresh()));
        line(out, 1, "vrrp_garp_master_refresh_repeat", g.masterRefreshRepeat());
        line(out, 1, "vrrp_garp_interval", InstanceRules.seconds(g.interval()));
        if (global.stateFile() != null) {
            line(out, 1, "state_file", quote(global.stateFile().toString()));
        }
        // at most two: notify_fifo's and vrrp_notify_fifo's (the same path named by both is written once)
        for (int n = 0; n < global.notifyFifos().size(); n++) {
            java.nio.file.Path f = global.notifyFifos().get(n);
            String keyword = n == 0 ? "notify_fifo" : "vrrp_notify_fifo";
            line(out, 1, keyword, quote(f.toString()));
            String script = global.notifyFifoScripts().get(f);
            if (script != null) {
                ScriptUser user = global.notifyFifoScriptUsers().get(f);
                line(out, 1, keyword + "_script", quote(script) + (user != null ? " " + user.words() : ""));
            }
        }
        if (global.notifyPriorityChanges()) {
            out.append(INDENT).append("vrrp_notify_priority_changes\n");
        }
        if (global.scriptUser() != null) {
            line(out, 1, "script_user", quote(global.scriptUser()) + (global.scriptGroup() != null ? " " + quote(global.scriptGroup()) : ""));
        }
        if (global.scriptSecurity()) {
            out.append(INDENT).append("enable_script_security\n");
        }
        scriptEnv(out, global.scriptEnv().entries(), maskSecrets);
        out.append("}\n");
    }

    private void dumpInstance(StringBuilder out, InstanceConfig i, boolean maskSecrets) {
        out.append('\n');
        if (i.file() != null) {
            out.append("! from ").append(i.file()).append(':').append(i.line()).append('\n');
        }
        out.append("vrrp_instance ").append(quote(i.name())).append(" {\n");
        line(out, 1, "state", i.initialState());
        line(out, 1, "interface", quote(i.interfaceName()));
        line(out, 1, "virtual_router_id", i.virtualRouterId());
        line(out, 1, "priority", i.priority());
        line(out, 1, "version", i.version());
        line(out, 1, "advert_int", InstanceRules.seconds(i.advertIntervalCentis()));
        out.append(INDENT).append(i.preempt() ? "preempt" : "nopreempt").append('\n');
        line(out, 1, "preempt_delay", InstanceRules.seconds(i.preemptDelay()));
        if (i.unicastSrcIp() != null) {
            line(out, 1, i.isMulticast() ? "mcast_src_ip" : "unicast_src_ip", Addresses.format(i.unicastSrcIp()));
        }
        if (i.isMulticast()) {
            dumpMulticast(out, i);
        } else {
            out.append(INDENT).append("unicast_peer {\n");
            i.unicastPeers().forEach(p -> out.append(INDENT.repeat(2)).append(p).append('\n'));
            out.append(INDENT).append("}\n");
        }
        if (i.authentication() != null) {
            Secret password = i.authentication().password();
            out.append(INDENT).append("authentication {\n");
            line(out, 2, "auth_type", i.authentication().type());
            line(out, 2, "auth_pass", maskSecrets ? password.toString() : quote(password.reveal()));
            out.append(INDENT).append("}\n");
        }
        dumpAddresses(out, i);
        if (i.notifyPriorityChanges() != global.notifyPriorityChanges()) {
            out.append(INDENT).append("notify_priority_changes ").append(i.notifyPriorityChanges() ? "yes" : "no").append('\n');
        }
        NotifyScripts n = i.notifyScripts();
        notifyLines(out, n);
        scriptEnv(out, i.scriptEnv().beyond(global.scriptEnv()), maskSecrets);
        for (FloatingIpSettings block : i.floatingIps()) {
            out.append(INDENT).append("floating_ip {\n");
            for (Map.Entry<String, String> e : block.values().entrySet()) {
                boolean mask = maskSecrets && FloatingIpSettings.isSensitive(e.getKey());
                line(out, 2, quote(e.getKey()), mask ? Secret.of(e.getValue()).toString() : quote(e.getValue()));
            }
            out.append(INDENT).append("}\n");
        }
        if (i.transport().udp()) {
            out.append(INDENT).append("transport {\n").append(INDENT.repeat(2)).append("udp port ").append(i.transport().port());
            if (i.transport().keyFile() != null) {
                out.append(" auth_key_file ").append(quote(i.transport().keyFile().toString()));
            }
            out.append('\n').append(INDENT).append("}\n");
        }
        dumpTracking(out, i);
        garpOverrides(out, i.garp(), global.garp());
        if (i.stateFile() != null) {
            line(out, 1, "state_file", quote(i.stateFile().toString()));
        }
        out.append("}\n");
    }

    /** The virtual and excluded addresses, routes and rules, as written: read again, each line gives the same. */
    private static void dumpAddresses(StringBuilder out, InstanceConfig i) {
        out.append(INDENT).append("virtual_ipaddress {\n");
        i.virtualAddresses().forEach(a -> out.append(INDENT.repeat(2)).append(Addresses.format(a)).append('\n'));
        out.append(INDENT).append("}\n");
        if (!i.excludedAddresses().isEmpty()) {
            out.append(INDENT).append("virtual_ipaddress_excluded {\n");
            i.excludedAddresses().forEach(a -> out.append(INDENT.repeat(2)).append(Addresses.format(a)).append('\n'));
            out.append(INDENT).append("}\n");
        }
        // as written: read again, each line gives the same route or rule
        if (!i.virtualRoutes().isEmpty()) {
            out.append(INDENT).append("virtual_routes {\n");
            i.virtualRoutes().forEach(r -> out.append(INDENT.repeat(2)).append(r.text()).append('\n'));
            out.append(INDENT).append("}\n");
        }
        if (!i.virtualRules().isEmpty()) {
            out.append(INDENT).append("virtual_rules {\n");
            i.virtualRules().forEach(r -> out.append(INDENT.repeat(2)).append(r.text()).append('\n'));
            out.append(INDENT).append("}\n");
        }
    }

    /** Each vrrp_sync_group, after the instances; its tracking is shown in each member's. */
    private void dumpSyncGroups(StringBuilder out) {
        for (SyncGroupConfig g : syncGroups) {
            out.append('\n');
            if (g.file() != null) {
                out.append("! from ").append(g.file()).append(':').append(g.line()).append('\n');
            }
            out.append("vrrp_sync_group ").append(quote(g.name())).append(" {\n");
            out.append(INDENT).append("group {\n");
            g.members().forEach(m -> out.append(INDENT.repeat(2)).append(quote(m)).append('\n'));
            out.append(INDENT).append("}\n");
            NotifyScripts n = g.notifyScripts();
            notifyLines(out, n);
            if (g.trackingWeight()) {
                out.append(INDENT).append("sync_group_tracking_weight\n");
            }
            out.append("}\n");
        }
    }

    private void dumpTrackingBlocks(StringBuilder out, boolean maskSecrets) {
        Map<String, VrrpScriptConfig> scripts = new java.util.LinkedHashMap<>();
        Map<String, TrackFileConfig> files = new java.util.LinkedHashMap<>();
        for (InstanceConfig i : instances) {
            i.trackScripts().forEach(t -> scripts.putIfAbsent(t.name(), t.script()));
            i.trackFiles().forEach(t -> files.putIfAbsent(t.name(), t.file()));
        }
        for (VrrpScriptConfig v : scripts.values()) {
            out.append('\n').append("vrrp_script ").append(quote(v.name())).append(" {\n");
            line(out, 1, "script", quoteCommand(v.script()));
            line(out, 1, "interval", InstanceRules.seconds(v.interval()));
            line(out, 1, "timeout", InstanceRules.seconds(v.timeout()));
            line(out, 1, "fall", v.fall());
            line(out, 1, "rise", v.rise());
            line(out, 1, "weight", v.weight() + (v.reverse() ? " reverse" : ""));
            if (v.initFail()) {
                out.append(INDENT).append("init_fail\n");
            }
            if (v.user() != null) {
                line(out, 1, "user", quote(v.user()) + (v.group() != null ? " " + quote(v.group()) : ""));
            }
            scriptEnv(out, v.env().beyond(global.scriptEnv()), maskSecrets);
            out.append("}\n");
        }
        dumpTrackProcessBlocks(out);
        for (TrackFileConfig f : files.values()) {
            out.append('\n').append("track_file ").append(quote(f.name())).append(" {\n");
            line(out, 1, "file", quote(f.file().toString()));
            line(out, 1, "weight", f.weight() + (f.reverse() ? " reverse" : ""));
            if (f.initValue() != null) {
                line(out, 1, "init_file", f.initValue() + (f.overwrite() ? " overwrite" : ""));
            }
            out.append("}\n");
        }
    }

    /** vrrp_track_process blocks, in an order that reads back the same (quorum_max before quorum). */
    private void dumpTrackProcessBlocks(StringBuilder out) {
        Map<String, TrackProcessConfig> blocks = new java.util.LinkedHashMap<>();
        instances.forEach(i -> i.trackProcesses().forEach(t -> blocks.putIfAbsent(t.name(), t.process())));
        for (TrackProcessConfig p : blocks.values()) {
            out.append('\n').append("vrrp_track_process ").append(quote(p.name())).append(" {\n");
            StringBuilder process = new StringBuilder(quote(p.process()));
            p.params().forEach(a -> process.append(' ').append(quote(a)));
            line(out, 1, "process", process);
            switch (p.paramMatch()) {
                case EXACT -> out.append(INDENT).append("param_match\n");
                case PARTIAL -> line(out, 1, "param_match", "partial");
                case INITIAL -> line(out, 1, "param_match", "initial");
                case NONE -> {
                }
            }
            if (p.fullCommand()) {
                out.append(INDENT).append("full_command\n");
            }
            line(out, 1, "weight", p.weight() + (p.reverse() ? " reverse" : ""));
            if (p.quorumMax() != TrackProcessConfig.NO_MAXIMUM) {
                line(out, 1, "quorum_max", p.quorumMax());
            }
            if (p.quorum() > 0) {
                line(out, 1, "quorum", p.quorum());
            }
            if (!p.forkDelay().isZero()) {
                line(out, 1, "fork_delay", InstanceRules.seconds(p.forkDelay()));
            }
            if (!p.terminateDelay().isZero()) {
                line(out, 1, "terminate_delay", InstanceRules.seconds(p.terminateDelay()));
            }
            out.append("}\n");
        }
    }

    private static void dumpTracking(StringBuilder out, InstanceConfig i) {
        if (!i.trackScripts().isEmpty()) {
            out.append(INDENT).append("track_script {\n");
            i.trackScripts().forEach(t -> line(out, 2, quote(t.name()), "weight " + t.weight() + (t.reverse() ? " reverse" : "")));
            out.append(INDENT).append("}\n");
        }
        if (!i.trackInterfaces().isEmpty()) {
            out.append(INDENT).append("track_interface {\n");
            i.trackInterfaces().forEach(t -> line(out, 2, quote(t.name()), "weight " + t.weight() + (t.reverse() ? " reverse" : "")));
            out.append(INDENT).append("}\n");
        }
        if (!i.trackFiles().isEmpty()) {
            out.append(INDENT).append("track_file {\n");
            i.trackFiles().forEach(t -> line(out, 2, quote(t.name()), "weight " + t.weight() + (t.reverse() ? " reverse" : "")));
            out.append(INDENT).append("}\n");
        }
        if (!i.trackProcesses().isEmpty()) {
            out.append(INDENT).append("track_process {\n");
            // noreverse spelled out: the entry's own choice must not fall back to the block's on reading
            i.trackProcesses().forEach(t -> line(out, 2, quote(t.name()), "weight " + t.weight() + (t.reverse() ? " reverse" : " noreverse")));
            out.append(INDENT).append("}\n");
        }
    }

    // an instance inherits global_defs' schedule: only what differs is its own
    private static void garpOverrides(StringBuilder out, GarpSettings i, GarpSettings g) {
        if (!i.masterDelay().equals(g.masterDelay())) {
            line(out, 1, "garp_master_delay", InstanceRules.seconds(i.masterDelay()));
        }
        if (i.masterRepeat() != g.masterRepeat()) {
            line(out, 1, "garp_master_repeat", i.masterRepeat());
        }
        if (!i.masterRefresh().equals(g.masterRefresh())) {
            line(out, 1, "garp_master_refresh", InstanceRules.seconds(i.masterRefresh()));
        }
        if (i.masterRefreshRepeat() != g.masterRefreshRepeat()) {
            line(out, 1, "garp_master_refresh_repeat", i.masterRefreshRepeat());
        }
    }

    private static void line(StringBuilder out, int depth, String keyword, Object value) {
        out.append(INDENT.repeat(depth)).append(keyword).append(' ').append(value).append('\n');
    }

    /** A block's own {@code script_env} lines; a value whose name looks secret is masked like a password. */
    private static void scriptEnv(StringBuilder out, List<ScriptEnv.Entry> entries, boolean maskSecrets) {
        for (ScriptEnv.Entry e : entries) {
            if (e.passThrough()) {
                line(out, 1, "script_env", e.name());
            } else {
                boolean mask = maskSecrets && Syntax.secret(e.name());
                line(out, 1, "script_env", quote(e.name() + "=" + (mask ? Secret.of(e.value()).toString() : e.value())));
            }
        }
    }

    private static void notifyLines(StringBuilder out, NotifyScripts n) {
        notifyLine(out, "notify", n.any(), n.user("notify"));
        notifyLine(out, "notify_master", n.master(), n.user("notify_master"));
        notifyLine(out, "notify_backup", n.backup(), n.user("notify_backup"));
        notifyLine(out, "notify_fault", n.fault(), n.user("notify_fault"));
        notifyLine(out, "notify_stop", n.stop(), n.user("notify_stop"));
    }

    private static void notifyLine(StringBuilder out, String keyword, String script, ScriptUser user) {
        if (script != null) {
            line(out, 1, keyword, quoteCommand(script) + (user != null ? " " + user.words() : ""));
        }
    }

    /** Quotes a value when the lexer would otherwise split it, end it at a comment or read a brace. */
    /**
     * A value as one word keepalived reads back: bare when it can be, else in double quotes, which keepalived takes
     * literally (no escapes outside script lines). A value with a {@code "}, a line break or a final backslash has
     * no such form; the parser never makes one.
     */
    static String quote(String value) {
        boolean plain = !value.isEmpty() && value.chars().noneMatch(c ->
                Character.isWhitespace(c) || Character.isISOControl(c) || "\"#!{}".indexOf(c) >= 0);
        return plain ? value : "\"" + value + "\"";
    }

    /** A script's command line, double-quoted with the escapes keepalived resolves in script lines ({@link ScriptWords}). */
    static String quoteCommand(String value) {
        boolean plain = !value.isEmpty() && value.chars().noneMatch(c ->
                Character.isWhitespace(c) || Character.isISOControl(c) || "\"\\#!{}".indexOf(c) >= 0);
        if (plain) {
            return value;
        }
        var quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                default -> {
                    if (Character.isISOControl(c)) {
                        // three octal digits: a hex escape would swallow hex-looking characters after it
                        quoted.append(String.format("\\%03o", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static void dumpMulticast(StringBuilder out, InstanceConfig i) {
        if (i.multicast().group() != null) {
            line(out, 1, "mcast_dst_ip", Addresses.format(i.multicast().group()));
        }
        if (i.multicast().skipCheckAdvAddr()) {
            out.append(INDENT).append("skip_check_adv_addr\n");
        }
    }
}
