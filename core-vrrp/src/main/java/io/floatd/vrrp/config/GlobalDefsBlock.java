package io.floatd.vrrp.config;

import static io.floatd.vrrp.config.Values.absolutePath;
import static io.floatd.vrrp.config.Values.bool;
import static io.floatd.vrrp.config.Values.garpSeconds;
import static io.floatd.vrrp.config.Values.script;
import static io.floatd.vrrp.config.Values.wholeNumber;
import static java.util.Map.entry;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code global_defs { ... }}: its keyword table, its handlers, and the scope they write into. */
final class GlobalDefsBlock {
    private GlobalDefsBlock() {
    }

    static void read(Statement s, GlobalScope global) {
        KeywordDispatch.dispatch(s.plainBlock(), GLOBAL_DEFS, GLOBAL_DEFS_KEEPALIVED, "global_defs", global);
    }

    static final Map<String, Handler<GlobalScope>> GLOBAL_DEFS = Map.ofEntries(
            entry("router_id", (s, g) -> g.builder.routerId(s.value())),
            entry("vrrp_version", (s, g) -> g.builder.vrrpVersion(wholeNumber(s))),
            entry("vrrp_garp_master_delay", (s, g) -> g.builder.garp(g.builder.garp().withMasterDelay(garpSeconds(s)))),
            entry("vrrp_garp_master_repeat", (s, g) -> g.builder.garp(g.builder.garp().withMasterRepeat(wholeNumber(s)))),
            entry("vrrp_garp_master_refresh", (s, g) -> g.builder.garp(g.builder.garp().withMasterRefresh(garpSeconds(s)))),
            entry("vrrp_garp_master_refresh_repeat", (s, g) -> g.builder.garp(g.builder.garp().withMasterRefreshRepeat(wholeNumber(s)))),
            entry("vrrp_garp_interval", (s, g) -> g.builder.garp(g.builder.garp().withInterval(garpSeconds(s)))),
            entry("notify_fifo", (s, g) -> g.builder.notifyFifo(s.keyword(), absolutePath(s))),
            entry("vrrp_notify_fifo", (s, g) -> g.builder.notifyFifo(s.keyword(), absolutePath(s))),
            entry("state_file", (s, g) -> g.builder.stateFile(absolutePath(s))),
            entry("script_user", (s, g) -> {
                ScriptUser who = runAs(s);
                g.parser.ask(new HostQuestion.RunAsUser(g, s.line(), s.keyword(), who,
                        () -> g.builder.scriptUser(who.user(), who.group()), () -> { }));
            }),
            entry("enable_script_security", (s, g) -> {
                s.noValue();
                g.builder.scriptSecurity(true);
                g.securityLine = s.line();
            }),
            entry("script_env", (s, g) -> g.env.add(s, g)),
            entry("vrrp_mcast_group4", (s, g) -> MulticastConfig.globalGroup(s.keyword(), s.value(), false)
                    .ifPresent(group -> g.mcastGroup4 = group, message -> g.warn(s.line(), message))),
            entry("vrrp_mcast_group6", (s, g) -> MulticastConfig.globalGroup(s.keyword(), s.value(), true)
                    .ifPresent(group -> g.mcastGroup6 = group, message -> g.warn(s.line(), message))),
            // keepalived's handler takes no value and ignores any
            entry("vrrp_skip_check_adv_addr", (s, g) -> g.skipCheckAdvAddr = true),
            entry("notify_fifo_script", GlobalDefsBlock::fifoScript),
            entry("vrrp_notify_fifo_script", GlobalDefsBlock::fifoScript),
            entry("vrrp_notify_priority_changes", (s, g) -> g.builder.notifyPriorityChanges(bool(s))),
            // floatd always drops adverts from addresses that are not unicast peers
            entry("vrrp_check_unicast_src", (s, g) -> s.noValue()),
            entry("vrrp_strict", (s, g) -> {
                s.noValue();
                g.strictLine = s.line();
            }),
            entry("dynamic_interfaces", GlobalDefsBlock::dynamicInterfaces));

    /** {@code dynamic_interfaces [allow_if_changes]}: missing interfaces are allowed (HostCheck); floatd always allows changes. */
    private static void dynamicInterfaces(Statement s, GlobalScope g) {
        g.builder.dynamicInterfaces(true);
        if (!s.args().isEmpty() && !(s.args().size() == 1 && s.args().getFirst().equals("allow_if_changes"))) {
            // keepalived reports "Unknown dynamic_interfaces option" and still sets dynamic_interfaces
            g.warn(s.line(), "dynamic_interfaces: unknown option '" + String.join(" ", s.args())
                    + "' ignored (keepalived knows only allow_if_changes); dynamic_interfaces is set");
        }
    }

    /** Set once its user is known to exist (a line naming one that does not is dropped, an earlier line kept). */
    private static void fifoScript(Statement s, GlobalScope g) {
        String script = script(s);
        ScriptUser user = ScriptUser.of(ScriptWords.of(s));
        String keyword = s.keyword();
        int line = s.line();
        g.parser.ask(new HostQuestion.NotifyUser(g, line, keyword, script, user, () -> true, () -> {
            g.builder.notifyFifoScript(keyword, script, user);
            g.fifoScripts.put(keyword, new Located<>(script, line));
            g.fifoUsers.put(keyword, user);
        }, () -> { }));
    }

    private static final Set<String> GLOBAL_DEFS_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.GLOBAL_DEFS);

    /** {@code USER [GROUP]}, the names only: {@link HostValidation} looks them up (an unknown one is an error here). */
    static ScriptUser runAs(Statement s) {
        s.noBlock();
        List<String> args = s.args();
        if (args.isEmpty() || args.size() > 2) {
            throw new ConfigProblem(s.keyword() + " takes USER [GROUP], but got " + (args.isEmpty() ? "nothing" : String.join(" ", args)));
        }
        return new ScriptUser(args.get(0), args.size() == 2 ? args.get(1) : null);
    }

    static final class GlobalScope extends Scope {
        final GlobalDefs.Builder builder = GlobalDefs.builder();
        final EnvDraft env = new EnvDraft();
        int securityLine;
        /** The line of {@code vrrp_strict}, 0 without. */
        int strictLine;
        /** notify_fifo_script and vrrp_notify_fifo_script, for the script security check. */
        final Map<String, Located<String>> fifoScripts = new LinkedHashMap<>();
        /** The user each FIFO script names after its command line, or null. */
        final Map<String, ScriptUser> fifoUsers = new HashMap<>();
        InetAddress mcastGroup4;
        InetAddress mcastGroup6;
        boolean skipCheckAdvAddr;

        GlobalScope(ConfigParser parser) {
            super(parser, "global_defs: ");
        }
    }
}
