package io.floatd.vrrp.config;

import io.floatd.vrrp.codec.AuthType;
import static java.util.Map.entry;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import io.floatd.vrrp.files.SecretFile;
import io.floatd.vrrp.notify.RunAs;
import io.floatd.vrrp.notify.ScriptEnv;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads keepalived.conf as keepalived does, for the part floatd implements.
 *
 * <p>Each block has one keyword table, read top to bottom like its section of {@code keepalived.conf(5)}.
 * A keyword with no handler is looked up in {@link KeepalivedKeywords}: one that cannot change who holds the
 * address (mail, SNMP, LVS, scheduling hints) is skipped with one warning saying so; any other is an error naming
 * why, never skipped: a dropped {@code track_script} would let a sick node take the address. Every error is
 * collected before giving up.
 */
public final class ConfigParser {

    @FunctionalInterface
    interface Handler<S extends Scope> {
        void handle(Statement statement, S scope);
    }

    // ---- top level ----

    private static final Map<String, Handler<Scope>> TOP = Map.ofEntries(
            entry("global_defs", (s, top) -> top.parser.globalDefs(s)),
            entry("vrrp_instance", (s, top) -> top.parser.instance(s)),
            entry("vrrp_sync_group", (s, top) -> top.parser.syncGroups.block(s)),
            entry("vrrp_script", (s, top) -> top.parser.vrrpScript(s)),
            entry("track_file", (s, top) -> top.parser.trackFileBlock(s)),
            // keepalived's older name for track_file
            entry("vrrp_track_file", (s, top) -> top.parser.trackFileBlock(s)),
            entry("vrrp_track_process", (s, top) -> top.parser.trackProcessBlock(s)),
            entry("virtual_server", ConfigParser::skipLoadBalancer),
            entry("virtual_server_group", ConfigParser::skipLoadBalancer));

    private static final Set<String> TOP_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.TOP);

    private static void skipLoadBalancer(Statement s, Scope top) {
        String what = Stream.concat(Stream.of(s.keyword()), s.args().stream()).reduce((a, b) -> a + " " + b).orElseThrow();
        top.warn(s.line(), "skipped '" + what + "': keepalived's load balancer (LVS) is not part of floatd");
    }

    // ---- global_defs ----

    private static final Map<String, Handler<GlobalScope>> GLOBAL_DEFS = Map.ofEntries(
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
                RunAs as = runAs(s);
                g.builder.scriptUser(as.user(), as.group());
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
            entry("notify_fifo_script", ConfigParser::fifoScript),
            entry("vrrp_notify_fifo_script", ConfigParser::fifoScript),
            entry("vrrp_notify_priority_changes", (s, g) -> g.builder.notifyPriorityChanges(bool(s))),
            // floatd always drops adverts from addresses that are not unicast peers
            entry("vrrp_check_unicast_src", (s, g) -> s.noValue()),
            entry("vrrp_strict", (s, g) -> {
                s.noValue();
                g.strictLine = s.line();
            }),
            entry("dynamic_interfaces", ConfigParser::dynamicInterfaces));

    /** {@code dynamic_interfaces [allow_if_changes]}: missing interfaces are allowed (HostCheck); floatd always allows changes. */
    private static void dynamicInterfaces(Statement s, GlobalScope g) {
        g.builder.dynamicInterfaces(true);
        if (!s.args().isEmpty() && !(s.args().size() == 1 && s.args().getFirst().equals("allow_if_changes"))) {
            // keepalived reports "Unknown dynamic_interfaces option" and still sets dynamic_interfaces
            g.warn(s.line(), "dynamic_interfaces: unknown option '" + String.join(" ", s.args())
                    + "' ignored (keepalived knows only allow_if_changes); dynamic_interfaces is set");
        }
    }

    private static void fifoScript(Statement s, GlobalScope g) {
        String script = script(s);
        ScriptUser user = ScriptUser.of(ScriptWords.of(s));
        if (ScriptUser.dropped(user, s.keyword(), script, message -> g.warn(s.line(), message))) {
            return;
        }
        g.builder.notifyFifoScript(s.keyword(), script, user);
        g.fifoScripts.put(s.keyword(), new Located<>(script, s.line()));
        g.fifoUsers.put(s.keyword(), user);
    }

    /** The user keepalived runs scripts as when {@code script_user} is not set, if it exists. */
    static final String DEFAULT_SCRIPT_USER = "keepalived_script";

    private static final Set<String> GLOBAL_DEFS_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.GLOBAL_DEFS);

    // ---- vrrp_instance ----

    private static final Map<String, Handler<InstanceScope>> VRRP_INSTANCE = Map.ofEntries(
            entry("state", (s, i) -> {
                i.stateLine = s.line();
                i.builder.initialState(i.state = i.givenState
                        = InstanceWords.state(s.value(), i.givenState, message -> i.warn(s.line(), message)));
            }),
            entry("interface", (s, i) -> i.builder.interfaceName(i.interfaceName = s.value()).interfaceLine(i.parser.where(s.line()))),
            entry("virtual_router_id", (s, i) -> i.builder.virtualRouterId(wholeNumber(s))),
            entry("priority", (s, i) -> i.builder.priority(i.priority = InstanceWords.priority(s.value(),
                    message -> i.warn(s.line(), message)))),
            entry("advert_int", (s, i) -> i.advertInt = new Located<>(seconds(s), s.line())),
            entry("version", (s, i) -> {
                int version = wholeNumber(s);
                InstanceConfig.checkVersion("version", version);
                i.version = new Located<>(version, s.line());
            }),
            entry("nopreempt", (s, i) -> {
                s.noValue();
                i.builder.preempt(i.preempt = false);
            }),
            // keepalived keeps it for old configurations; preempting is the default, so it changes nothing
            entry("preempt", (s, i) -> s.noValue()),
            entry("preempt_delay", (s, i) -> {
                i.preemptDelayLine = s.line();
                i.builder.preemptDelay(i.preemptDelay = duration(s));
            }),
            entry("unicast_src_ip", (s, i) -> {
                i.unicastSrcLine = s.line();
                i.srcLine = s.line();
                i.builder.unicastSrcIp(i.srcIp = address("unicast_src_ip", withoutPrefix(s.value())));
            }),
            // keepalived keeps mcast_src_ip and unicast_src_ip in one field: the source of every advert
            entry("mcast_src_ip", (s, i) -> {
                i.srcLine = s.line();
                i.builder.unicastSrcIp(i.srcIp = address("mcast_src_ip", withoutPrefix(s.value())));
            }),
            entry("mcast_dst_ip", (s, i) -> {
                InetAddress group = address("mcast_dst_ip", s.value());
                MulticastConfig.instanceGroupProblem(group).ifPresentOrElse(message -> i.warn(s.line(), message),
                        () -> i.mcastDst = new Located<>(group, s.line()));
            }),
            entry("skip_check_adv_addr", (s, i) -> {
                s.noBlock();
                MulticastConfig.SkipCheck skip = MulticastConfig.skipCheckAdvAddr(s.args());
                skip.warning().ifPresent(message -> i.warn(s.line(), message));
                i.skipCheckAdvAddr |= skip.set();
            }),
            entry("unicast_peer", (s, i) -> {
                i.peerBlockLine = s.line();
                i.peerErrors += eachLine(s.plainBlock(), i, ConfigParser::unicastPeer);
            }),
            entry("authentication", ConfigParser::authentication),
            entry("virtual_ipaddress", (s, i) -> eachLine(s.plainBlock(), i, ConfigParser::virtualAddress)),
            entry("notify", (s, i) -> i.notify = i.notify.withAny(i.notifyScript(s))),
            entry("notify_master", (s, i) -> i.notify = i.notify.withMaster(i.notifyScript(s))),
            entry("notify_backup", (s, i) -> i.notify = i.notify.withBackup(i.notifyScript(s))),
            entry("notify_fault", (s, i) -> i.notify = i.notify.withFault(i.notifyScript(s))),
            entry("notify_stop", (s, i) -> i.notify = i.notify.withStop(i.notifyScript(s))),
            entry("floating_ip", ConfigParser::floatingIp),
            entry("transport", (s, i) -> {
                i.transportLine = s.line();
                eachLine(s.plainBlock(), i, ConfigParser::transportLine);
            }),
            entry("track_script", (s, i) -> eachLine(s.plainBlock(), i, ConfigParser::trackScriptLine)),
            entry("track_interface", (s, i) -> eachLine(s.plainBlock(), i, ConfigParser::trackInterfaceLine)),
            entry("track_file", (s, i) -> eachLine(s.plainBlock(), i, ConfigParser::trackFileLine)),
            entry("track_process", (s, i) -> eachLine(s.plainBlock(), i, (line, in) -> in.processRefs.add(in.parser.trackProcessRefHere(line)))),
            entry("garp_master_delay", (s, i) -> i.garp = i.garp.withMasterDelay(garpSeconds(s))),
            entry("garp_master_repeat", (s, i) -> i.garp = i.garp.withMasterRepeat(wholeNumber(s))),
            entry("garp_master_refresh", (s, i) -> i.garp = i.garp.withMasterRefresh(garpSeconds(s))),
            entry("garp_master_refresh_repeat", (s, i) -> i.garp = i.garp.withMasterRefreshRepeat(wholeNumber(s))),
            entry("state_file", (s, i) -> i.builder.stateFile(absolutePath(s))),
            entry("script_env", (s, i) -> i.env.add(s, i)),
            entry("virtual_ipaddress_excluded", (s, i) -> eachLine(s.plainBlock(), i, ConfigParser::excludedAddress)),
            entry("virtual_routes", (s, i) -> eachLine(s.plainBlock(), i, ConfigParser::virtualRoute)),
            entry("virtual_rules", (s, i) -> eachLine(s.plainBlock(), i, ConfigParser::virtualRule)),
            entry("notify_priority_changes", (s, i) -> i.notifyPriorityChanges = bool(s)),
            // floatd never filters traffic to its addresses: accept mode is what it always does
            entry("accept", (s, i) -> s.noValue()),
            entry("strict_mode", (s, i) -> i.strictMode = new Located<>(bool(s), s.line())),
            // floatd always drops adverts from addresses that are not unicast peers
            entry("check_unicast_src", (s, i) -> s.noValue()),
            // floatd never faults an instance for its own interface's link; track_interface does
            entry("dont_track_primary", (s, i) -> s.noValue()));

    private static final Set<String> VRRP_INSTANCE_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.VRRP_INSTANCE);

    /** The keywords {@code block} has a handler for in this build (for the catalogue's tests and check --explain). */
    static Set<String> handled(KeepalivedKeywords.Block block) {
        return switch (block) {
            case TOP -> TOP.keySet();
            case GLOBAL_DEFS -> GLOBAL_DEFS.keySet();
            case VRRP_INSTANCE -> VRRP_INSTANCE.keySet();
            case AUTHENTICATION -> AUTHENTICATION.keySet();
            case VRRP_SCRIPT -> VRRP_SCRIPT.keySet();
            case TRACK_FILE -> TRACK_FILE.keySet();
            case VRRP_SYNC_GROUP -> SyncGroupParser.handled();
            case VRRP_TRACK_PROCESS -> TrackProcessBlock.handled();
            default -> Set.of();
        };
    }

    // keepalived appends these blocks when repeated; every other keyword's last occurrence wins
    private static final Set<String> REPEATABLE = Set.of(
            "global_defs", "vrrp_instance", "virtual_server", "virtual_server_group", "unicast_peer", "virtual_ipaddress",
            "vrrp_script", "track_file", "vrrp_track_file", "track_script", "track_interface", "script_env",
            "vrrp_sync_group", "group", "vrrp_track_process", "track_process", "virtual_ipaddress_excluded",
            "virtual_routes", "virtual_rules", "floating_ip");

    /**
     * A notify script line as keepalived 2.2.7 reads it ({@link ScriptWords}): the command line is the first word
     * after the keyword, quotes and escapes resolved; the words after it are the user and group to run it as.
     */
    static String script(Statement s) {
        // the words after it are the user and group to run it as: ScriptUser
        return ScriptWords.of(s).get(1);
    }

    // ---- unicast_peer { ADDR [min_ttl N] [max_ttl N] } ----

    private static void unicastPeer(Statement line, InstanceScope i) {
        line.noBlock();
        InetAddress address = address("unicast_peer", withoutPrefix(line.keyword()));
        Map<String, Integer> ttl = new HashMap<>(Map.of("min_ttl", UnicastPeer.DEFAULT_TTL, "max_ttl", UnicastPeer.DEFAULT_TTL));
        for (int n = 0; n < line.args().size(); n += 2) {
            String option = line.args().get(n);
            if (!ttl.containsKey(option)) {
                throw new ConfigProblem("unknown unicast_peer option '" + option + "' (expected min_ttl or max_ttl)");
            }
            ttl.put(option, wholeNumber(option, optionValue(line, n)));
        }
        i.builder.addUnicastPeer(new UnicastPeer(address, ttl.get("min_ttl"), ttl.get("max_ttl")));
        i.peers.add(new Located<>(address, line.line()));
    }

    // ---- virtual_ipaddress { ADDR[/PREFIX] [dev IF] ... } ----

    @FunctionalInterface
    private interface AddressOption {
        void apply(String value, AddressDraft draft, Statement line, InstanceScope i);
    }

    private static final class AddressDraft {
        String device;
    }

    private static final Map<String, AddressOption> VIRTUAL_ADDRESS_OPTIONS = Map.ofEntries(
            entry("dev", (value, a, line, i) -> a.device = value),
            // only names the alias for ifconfig's sake: routing and ARP are the same without it
            entry("label", (value, a, line, i) -> i.warn(line.line(), "virtual_ipaddress " + line.keyword()
                    + ": 'label " + value + "' is ignored, floatd does not label addresses")),
            entry("scope", (value, a, line, i) -> {
                if (!value.equals("global")) {
                    throw new ConfigProblem("floatd does not support 'scope " + value + "' in virtual_ipaddress yet, only the default, global");
                }
            }));

    private static final Set<String> VIRTUAL_ADDRESS_KEEPALIVED = Set.of(
            "brd", "use_vmac", "peer", "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin",
            "preferred_lft", "track_group");

    // ---- virtual_routes { ... } and virtual_rules { ... }: VirtualRoutesParser ----

    private static void virtualRoute(Statement line, InstanceScope i) {
        VirtualRoute r = VirtualRoutesParser.route(lineWords(line), w -> i.warn(line.line(), w));
        i.builder.addVirtualRoute(r);
        if (r.device() != null) {
            i.builder.deviceLine(r.device(), i.parser.where(line.line())); // for HostCheck
        }
    }

    private static void virtualRule(Statement line, InstanceScope i) {
        VirtualRule r = VirtualRoutesParser.rule(lineWords(line), w -> i.warn(line.line(), w));
        i.builder.addVirtualRule(r);
        for (String device : java.util.Arrays.asList(r.inputInterface(), r.outputInterface())) {
            if (device != null) {
                i.builder.deviceLine(device, i.parser.where(line.line())); // for HostCheck
            }
        }
    }

    /** A list block's line as words: its keyword, then its arguments. */
    private static List<String> lineWords(Statement line) {
        line.noBlock();
        return Stream.concat(Stream.of(line.keyword()), line.args().stream()).toList();
    }

    /** keepalived reads {@code 10.0.0.11/24} (and {@code 10.0.0.11-20}) as the address before the '/' or '-'. */
    private static String withoutPrefix(String text) {
        int cut = text.indexOf('/');
        int dash = text.indexOf('-');
        if (dash >= 0 && (cut < 0 || dash < cut)) {
            cut = dash;
        }
        return cut < 0 ? text : text.substring(0, cut);
    }

    /** keepalived's boolean: none means yes; otherwise true/on/yes or false/off/no. */
    private static boolean bool(Statement s) {
        s.noBlock();
        if (s.args().isEmpty()) {
            return true;
        }
        return switch (s.value()) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new ConfigProblem(s.keyword() + " takes yes or no (true/on, false/off), but was '" + s.value() + "'");
        };
    }

    private static void virtualAddress(Statement line, InstanceScope i) {
        if (VirtualAddressWord.skipped("virtual_ipaddress", line, i)) {
            return;
        }
        VirtualAddress a = virtualAddressLine("virtual_ipaddress", line, i);
        i.builder.addVirtualAddress(a);
        i.virtualAddresses.add(new Located<>(a.address(), line.line()));
    }

    /** Added and removed with the virtual addresses but not listed in adverts, so any family goes. */
    private static void excludedAddress(Statement line, InstanceScope i) {
        if (VirtualAddressWord.skipped("virtual_ipaddress_excluded", line, i)) {
            return;
        }
        i.builder.addExcludedAddress(virtualAddressLine("virtual_ipaddress_excluded", line, i));
    }

    private static VirtualAddress virtualAddressLine(String what, Statement line, InstanceScope i) {
        line.noBlock();
        String[] parts = line.keyword().split("/", 2);
        InetAddress address = address(what, parts[0]);
        int prefix = parts.length == 2 ? wholeNumber("prefix length", parts[1]) : address instanceof Inet4Address ? 32 : 128;
        var draft = new AddressDraft();
        for (int n = 0; n < line.args().size(); n += 2) {
            String option = line.args().get(n);
            if (option.equals("no_track")) {
                // keepalived: the instance stays Master when the address is deleted under it; floatd always does
                i.warn(line.line(), what + " " + line.keyword() + ": 'no_track' is ignored: floatd stays Master when the"
                        + " address is deleted under it and adds it back at its next recheck (recheck_interval)");
                n--;
                continue;
            }
            AddressOption handler = VIRTUAL_ADDRESS_OPTIONS.get(option);
            if (handler == null) {
                throw new ConfigProblem(VIRTUAL_ADDRESS_KEEPALIVED.contains(option)
                        ? "floatd does not support '" + option + "' in " + what + " yet"
                        : "unknown " + what + " option '" + option + "'" + suggestion(option, VIRTUAL_ADDRESS_OPTIONS.keySet()));
            }
            handler.apply(optionValue(line, n), draft, line, i);
        }
        if (draft.device != null) {
            i.builder.deviceLine(draft.device, i.parser.where(line.line()));
        }
        return new VirtualAddress(address, prefix, draft.device);
    }

    // ---- authentication { auth_type PASS  auth_pass X } ----

    private static final Map<String, Handler<AuthScope>> AUTHENTICATION = Map.ofEntries(
            entry("auth_type", (s, a) -> {
                a.typeGiven = true;
                a.typeLine = s.line();
                a.type = authType(s.value(), message -> a.warn(s.line(), message));
            }),
            entry("auth_pass", (s, a) -> a.password = new Located<>(s.value(), s.line())));

    /**
     * Exact case, as keepalived compares: any other word (including 'pass' and 'PASS;') is reported by keepalived
     * ("unknown authentication type", keepalived/vrrp/vrrp_parser.c vrrp_auth_type_handler) and leaves the instance
     * without authentication; floatd warns and runs it the same way.
     *
     * @return {@code null} for a word keepalived does not know
     */
    private static AuthType authType(String value, java.util.function.Consumer<String> warn) {
        return switch (value) {
            case "AH" -> AuthType.AH;
            case "PASS" -> AuthType.PASS;
            default -> {
                warn.accept("unknown auth_type '" + value + "' (expected PASS or AH): the instance runs without"
                        + " authentication, as keepalived runs it");
                yield null;
            }
        };
    }

    private static void authentication(Statement s, InstanceScope i) {
        var auth = new AuthScope(i);
        dispatch(s.plainBlock(), AUTHENTICATION, Set.of(), "authentication", auth);
        i.authLine = s.line();
        if (auth.type == null) {
            if (!auth.typeGiven) {
                i.error(s.line(), "authentication needs 'auth_type PASS'");
            }
            i.authLine = 0; // an unknown auth_type: no authentication, warned at its line
            return;
        }
        if (auth.password == null) {
            // keepalived/vrrp/vrrp.c vrrp_complete_instance: "Authentication specified but no password given.
            // Ignoring", and the instance runs without
            i.warn(s.line(), "authentication without auth_pass: the instance runs without authentication, as keepalived"
                    + " runs it");
            i.authLine = 0;
            return;
        }
        String password = auth.password.value();
        if (password.length() > Authentication.MAX_PASSWORD_LENGTH) {
            i.warn(auth.password.line(), "auth_pass is longer than 8 characters; only the first 8 are used, as in keepalived");
            password = password.substring(0, Authentication.MAX_PASSWORD_LENGTH);
        }
        i.builder.authentication(new Authentication(auth.type, Secret.of(password)));
        if (auth.type == AuthType.AH) {
            i.ahLine = auth.typeLine;
        }
    }

    // ---- transport { udp [port N] [auth_key_file PATH] } (floatd's own) ----

    private static void transportLine(Statement line, InstanceScope i) {
        line.noBlock();
        if (!line.keyword().equals("udp")) {
            throw new ConfigProblem("unknown transport '" + line.keyword() + "' (expected: udp [port N] [auth_key_file PATH];"
                    + " without a transport block, VRRP runs over IP protocol 112)");
        }
        int port = TransportSettings.DEFAULT_UDP_PORT;
        Path keyFile = null;
        for (int n = 0; n < line.args().size(); n += 2) {
            String option = line.args().get(n);
            String value = optionValue(line, n);
            switch (option) {
                case "port" -> {
                    port = wholeNumber("port", value);
                    if (port < 1 || port > 65535) {
                        throw new ConfigProblem("transport udp port must be 1-65535, but was " + port);
                    }
                }
                case "auth_key_file" -> {
                    keyFile = Path.of(value);
                    if (!keyFile.isAbsolute()) {
                        throw new ConfigProblem("auth_key_file must be an absolute path, but was '" + value + "'");
                    }
                }
                default -> throw new ConfigProblem("unknown transport udp option '" + option + "' (expected port or auth_key_file)");
            }
        }
        i.builder.transport(new TransportSettings(true, port, keyFile, keyFile == null ? null : readKey(keyFile)));
    }

    /** The HMAC key: the file's bytes without trailing white space; a {@link SecretFile}, root's and no one else's. */
    private static byte[] readKey(Path file) {
        byte[] bytes;
        try {
            bytes = SecretFile.read("auth_key_file", file);
        } catch (IOException e) {
            throw new ConfigProblem(e.getMessage());
        }
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r' || bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
            end--;
        }
        if (end < TransportSettings.MIN_KEY_LENGTH) {
            throw new ConfigProblem("auth_key_file " + file + " holds " + end + " bytes; the key must be at least "
                    + TransportSettings.MIN_KEY_LENGTH + " (e.g. umask 077; head -c 32 /dev/urandom | base64 > " + file + ")");
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    // ---- floating_ip { key value ... } (floatd's own) ----

    private static void floatingIp(Statement s, InstanceScope i) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        eachLine(s.plainBlock(), i, (line, scope) -> {
            unsupportedSyntax(line.keyword()).ifPresent(message -> { throw new ConfigProblem(message); });
            String value = FloatingIpSettings.LIST_KEYS.contains(line.keyword()) ? words(line) : line.value();
            if (line.keyword().equals("provider")) {
                FloatingIpSettings.checkProvider(value);
            }
            if (values.putIfAbsent(line.keyword(), value) != null) {
                throw new ConfigProblem("floating_ip '" + line.keyword() + "' is already set on "
                        + i.parser.sources.from(line.line(), lines.get(line.keyword())));
            }
            lines.put(line.keyword(), line.line());
        });
        FloatingIpSettings block = new FloatingIpSettings(values, i.parser.sources.file(s.line()), Sources.line(s.line()));
        FloatingIpBlocks.duplicate(i.builder.floatingIps(), block).ifPresent(message -> { throw new ConfigProblem(message); });
        if (!block.isEmpty()) {
            i.builder.addFloatingIp(block);
        }
    }

    /** A list-valued keyword's words, joined by one space. */
    private static String words(Statement line) {
        line.noBlock();
        if (line.args().isEmpty()) {
            throw new ConfigProblem("missing value after '" + line.keyword() + "'");
        }
        return String.join(" ", line.args());
    }

    // ---- vrrp_script NAME { ... } and track_file NAME { ... } (top level) ----

    private static final Map<String, Handler<ScriptScope>> VRRP_SCRIPT = Map.ofEntries(
            entry("script", ConfigParser::scriptLine),
            entry("interval", (s, v) -> v.interval = timer(s)),
            entry("timeout", (s, v) -> v.timeout = timer(s)),
            entry("fall", (s, v) -> v.fall = count(s)),
            entry("rise", (s, v) -> v.rise = count(s)),
            entry("weight", (s, v) -> {
                s.noBlock();
                Weight w = weight(s.keyword(), s.args(), 0, VrrpScriptConfig.MAX_WEIGHT, true);
                v.weight = w.weight();
                v.reverse = w.reverse() != null && w.reverse();
            }),
            entry("init_fail", (s, v) -> {
                s.noValue();
                v.initFail = true;
            }),
            entry("user", ConfigParser::scriptUser),
            entry("script_env", (s, v) -> v.env.add(s, v)));

    private static final Set<String> VRRP_SCRIPT_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.VRRP_SCRIPT);

    private static final Map<String, Handler<TrackFileScope>> TRACK_FILE = Map.ofEntries(
            entry("file", (s, t) -> t.file = Path.of(s.value())),
            entry("weight", (s, t) -> {
                s.noBlock();
                Weight w = weight(s.keyword(), s.args(), 0, TrackFileConfig.MAX_WEIGHT, true);
                t.weight = w.weight();
                t.reverse = w.reverse() != null && w.reverse();
            }),
            entry("init_file", (s, t) -> {
                s.noBlock();
                List<String> args = s.args();
                int n = 0;
                long value = 0;
                if (n < args.size() && !args.get(n).equals("overwrite")) {
                    if (!isWhole(args.get(n))) {
                        throw new ConfigProblem("init_file value must be a whole number, but was '" + args.get(n) + "'");
                    }
                    value = Long.parseLong(args.get(n++));
                }
                boolean overwrite = false;
                if (n < args.size()) {
                    if (!args.get(n).equals("overwrite")) {
                        throw new ConfigProblem("unknown init_file option '" + args.get(n) + "' (expected overwrite)");
                    }
                    overwrite = true;
                    n++;
                }
                if (n < args.size()) {
                    throw new ConfigProblem("init_file takes [VALUE] [overwrite], but got " + String.join(" ", args));
                }
                t.initValue = value;
                t.overwrite = overwrite;
            }));

    private static final Set<String> TRACK_FILE_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.TRACK_FILE);

    private static final Set<String> SCRIPT_OPTIONS = Set.of("interval", "timeout", "fall", "rise", "weight", "init_fail", "user");

    private static void scriptLine(Statement s, ScriptScope v) {
        List<String> words = ScriptWords.of(s);
        String line = words.get(1);
        if (words.size() > 2) {
            // keepalived 2.2.7 runs the first word after 'script' and drops the rest of the line
            String rest = String.join(" ", words.subList(2, words.size()));
            v.warn(s.line(), "'" + rest + "' after the script " + line + " is ignored, as keepalived ignores it; to pass"
                    + " arguments, quote the whole command line (script \"" + line + " " + rest + "\")"
                    + (words.subList(2, words.size()).stream().anyMatch(SCRIPT_OPTIONS::contains) ? ", and put each option on its own line" : ""));
        }
        List<String> argv;
        try {
            argv = io.floatd.vrrp.config.CommandLine.split(line);
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(e.getMessage());
        }
        if (argv.isEmpty()) {
            throw new ConfigProblem("missing value after 'script'");
        }
        String command = argv.getFirst();
        if (command.startsWith("/")) {
            Path p = Path.of(command);
            if (!Files.exists(p)) {
                throw new ConfigProblem("script " + command + " does not exist");
            }
            if (Files.isDirectory(p) || !Files.isExecutable(p)) {
                throw new ConfigProblem("script " + command + " is not executable");
            }
        }
        v.script = line;
        v.scriptLine = s.line();
    }

    private static void scriptUser(Statement s, ScriptScope v) {
        RunAs as = runAs(s);
        v.user = as.user();
        v.group = as.group();
    }

    /** {@code USER [GROUP]}, both looked up: an unknown name is an error at this line. */
    private static RunAs runAs(Statement s) {
        s.noBlock();
        List<String> args = s.args();
        if (args.isEmpty() || args.size() > 2) {
            throw new ConfigProblem(s.keyword() + " takes USER [GROUP], but got " + (args.isEmpty() ? "nothing" : String.join(" ", args)));
        }
        try {
            return RunAs.lookUp(args.get(0), args.size() == 2 ? args.get(1) : null);
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(s.keyword() + ": " + e.getMessage());
        }
    }

    // ---- script_env NAME=VALUE | NAME ... (floatd's own) in global_defs, vrrp_instance and vrrp_script ----

    /** A block's {@code script_env} entries as they are read: one or more NAME=VALUE or NAME per line, the last wins. */
    private static final class EnvDraft {
        private final Map<String, Located<ScriptEnv.Entry>> entries = new LinkedHashMap<>();

        void add(Statement s, Scope scope) {
            s.noBlock();
            if (s.args().isEmpty()) {
                throw new ConfigProblem("script_env takes NAME=VALUE, or NAME to pass floatd's own value on, but got nothing");
            }
            for (String word : s.args()) {
                ScriptEnv.Entry e;
                try {
                    e = ScriptEnv.Entry.parse(word);
                } catch (IllegalArgumentException ex) {
                    // the value is never shown: it may be a secret
                    scope.error(s.line(), "script_env: " + ex.getMessage());
                    continue;
                }
                Located<ScriptEnv.Entry> earlier = entries.put(e.name(), new Located<>(e, s.line()));
                if (earlier != null) {
                    scope.warn(s.line(), "script_env " + e.name() + " is given again; this one wins over "
                            + scope.parser.sources.from(s.line(), earlier.line()));
                }
                if (e.passThrough() && System.getenv(e.name()) == null) {
                    scope.warn(s.line(), "script_env " + e.name() + ": floatd's environment has no " + e.name()
                            + ", so scripts will not get it either");
                }
            }
        }

        ScriptEnv build() {
            return ScriptEnv.of(entries.values().stream().map(Located::value).toList());
        }
    }

    private record Weight(int weight, Boolean reverse) {
    }

    /** {@code weight W [reverse|noreverse]} starting at {@code from}; {@code bare} when the keyword itself is "weight". */
    private static Weight weight(String what, List<String> args, int from, int max, boolean bare) {
        int n = from;
        if (!bare) {
            if (!args.get(n).equals("weight")) {
                throw new ConfigProblem("unknown " + what + " option '" + args.get(n) + "' (expected weight)");
            }
            n++;
        }
        if (n >= args.size()) {
            throw new ConfigProblem("missing value after 'weight'");
        }
        String text = args.get(n++);
        int weight = wholeNumber("weight", text);
        if (weight < -max || weight > max) {
            throw new ConfigProblem((bare ? "" : what + " ") + "weight must be between -" + max + " and " + max + ", but was " + weight);
        }
        Boolean reverse = null;
        if (n < args.size()) {
            reverse = switch (args.get(n)) {
                case "reverse" -> true;
                case "noreverse", "no_reverse" -> false;
                default -> throw new ConfigProblem("unknown weight option '" + args.get(n) + "' (expected reverse or noreverse)");
            };
            n++;
        }
        if (n < args.size()) {
            throw new ConfigProblem("unexpected '" + String.join(" ", args.subList(n, args.size())) + "' after the weight");
        }
        return new Weight(weight, reverse);
    }

    private static Duration timer(Statement s) {
        BigDecimal seconds = seconds(s);
        Duration d = Duration.ofNanos(seconds.setScale(6, RoundingMode.HALF_UP).movePointRight(9).min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue());
        if (seconds.compareTo(new BigDecimal("0.01")) < 0 || d.compareTo(VrrpScriptConfig.MAX_TIMER) > 0) {
            throw new ConfigProblem(s.keyword() + " must be between 0.01 and " + VrrpScriptConfig.MAX_TIMER.toSeconds()
                    + " seconds, but was " + s.value());
        }
        return d;
    }

    private static int count(Statement s) {
        int n = wholeNumber(s);
        if (n < 1 || n > VrrpScriptConfig.MAX_FALL_RISE) {
            throw new ConfigProblem(s.keyword() + " must be between 1 and " + VrrpScriptConfig.MAX_FALL_RISE + ", but was " + n);
        }
        return n;
    }

    private void vrrpScript(Statement s) {
        String name = blockName(s, "vrrp_script");
        var v = new ScriptScope(this, name);
        scriptOrder.putIfAbsent(name, ++blocksRead);
        dispatch(s.requireBlock(), VRRP_SCRIPT, VRRP_SCRIPT_KEEPALIVED, "vrrp_script", v);
        Located<VrrpScriptConfig> earlier = scripts.get(name);
        if (earlier != null) {
            error(s.line(), "vrrp_script " + name + " is already defined at " + file + ":" + earlier.line());
            return;
        }
        if (v.script == null) {
            if (!v.seen.contains("script")) {
                v.error(s.line(), "'script' is required");
            }
            return;
        }
        if (v.errors > 0) {
            // still known, so instances naming it are not also told it does not exist
            scripts.put(name, new Located<>(null, s.line()));
            return;
        }
        Duration timeout = v.timeout != null ? v.timeout : v.interval;
        try {
            scripts.put(name, new Located<>(new VrrpScriptConfig(name, v.script, v.interval, timeout, v.fall, v.rise,
                    v.weight, v.reverse, v.initFail, v.user, v.group, v.env.build(), file, s.line()), s.line()));
            scriptLines.put(name, v.scriptLine);
        } catch (IllegalArgumentException e) {
            v.error(s.line(), e.getMessage());
            scripts.put(name, new Located<>(null, s.line()));
        }
    }

    private void trackFileBlock(Statement s) {
        String name = blockName(s, s.keyword());
        var t = new TrackFileScope(this, s.keyword() + " " + name + ": ");
        dispatch(s.requireBlock(), TRACK_FILE, TRACK_FILE_KEEPALIVED, s.keyword(), t);
        Located<TrackFileConfig> earlier = trackFiles.get(name);
        if (earlier != null) {
            error(s.line(), "track_file " + name + " is already defined at " + file + ":" + earlier.line());
            return;
        }
        if (t.file == null && !t.seen.contains("file")) {
            t.error(s.line(), "'file' is required");
        }
        if (t.errors > 0) {
            trackFiles.put(name, new Located<>(null, s.line()));
            return;
        }
        trackFiles.put(name, new Located<>(new TrackFileConfig(name, t.file, t.weight, t.reverse, t.initValue, t.overwrite,
                s.line()), s.line()));
    }

    private void trackProcessBlock(Statement s) {
        String name = blockName(s, s.keyword());
        TrackProcessConfig read = TrackProcessBlock.read(name, s.requireBlock(), s.line(), new TrackProcessBlock.Reporter() {
            @Override
            public void error(int position, String message) {
                ConfigParser.this.error(position, message);
            }

            @Override
            public void warn(int position, String message) {
                ConfigParser.this.warn(position, message);
            }
        });
        Located<TrackProcessConfig> earlier = trackProcesses.get(name);
        if (earlier != null) {
            // keepalived accepts it and tracks the first one
            warn(s.line(), "vrrp_track_process " + name + " is already defined at " + sources.where(earlier.line())
                    + "; that one is used, as in keepalived");
            return;
        }
        trackProcesses.put(name, new Located<>(read, s.line()));
    }

    /** One {@code track_process} line, {@code NAME [weight W [reverse|noreverse]]}, in an instance or a sync group. */
    static TrackRef trackProcessRef(Statement line) {
        return trackRef(line, "track_process", TrackProcessConfig.MAX_WEIGHT);
    }

    /**
     * {@link #trackProcessRef}, noting a line read before the vrrp_track_process block it names: keepalived looks
     * the name up when it reads the line, so it reports such an entry as not found and runs without it.
     */
    TrackRef trackProcessRefHere(Statement line) {
        TrackRef ref = trackProcessRef(line);
        if (!trackProcesses.containsKey(ref.name())) {
            processRefsBeforeBlock.add(ref);
        }
        return ref;
    }

    /** track_process lines read before their block ({@link #trackProcessRefHere}), by identity. */
    private final Set<TrackRef> processRefsBeforeBlock = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /**
     * Resolves {@code track_process} lines against the {@code vrrp_track_process} blocks (all read by now) and
     * hands each to {@code add}; unknown names are errors in {@code scope}. For instances and sync groups.
     */
    void resolveTrackProcesses(List<TrackRef> refs, Scope scope, java.util.function.Consumer<TrackedProcess> add) {
        Set<String> seen = new java.util.HashSet<>();
        for (TrackRef ref : refs) {
            Located<TrackProcessConfig> found = trackProcesses.get(ref.name());
            if (found == null) {
                // keepalived/vrrp/vrrp_track.c alloc_track_process: "track process X not found, ignoring..."
                scope.warn(ref.line(), "track_process: no vrrp_track_process named '" + ref.name() + "'"
                        + suggestion(ref.name(), trackProcesses.keySet()) + ": not tracked, as keepalived does not track it");
                continue;
            }
            usedTrackProcesses.add(ref.name());
            if (processRefsBeforeBlock.contains(ref)) {
                // keepalived: "track process NAME not found, ignoring...", and runs without it, as for an unknown name
                scope.warn(ref.line(), "track_process: vrrp_track_process " + ref.name() + " is defined at "
                        + sources.where(found.line()) + ", after this line; keepalived looks the name up when it reads"
                        + " the line, finds nothing and runs without it, and so does floatd: move the block above");
                continue;
            }
            if (!seen.add(ref.name())) {
                scope.error(ref.line(), "track_process " + ref.name() + " is listed twice (keepalived refuses it)");
                continue;
            }
            TrackProcessConfig tp = found.value();
            if (tp == null) {
                continue;
            }
            int weight = ref.weight() != null ? ref.weight() : tp.weight();
            boolean reverse = ref.reverse() != null ? ref.reverse() : tp.reverse();
            try {
                add.accept(new TrackedProcess(tp, weight, reverse));
            } catch (IllegalArgumentException e) {
                scope.error(ref.line(), e.getMessage());
            }
        }
    }

    private static String blockName(Statement s, String keyword) {
        if (s.args().size() != 1) {
            throw new ConfigProblem(s.args().isEmpty() ? keyword + " needs a name"
                    : keyword + " takes one name, but got " + s.args().size() + ": " + String.join(" ", s.args()));
        }
        return s.args().getFirst();
    }

    // ---- track_script / track_interface / track_file { NAME [weight W [reverse]] } in vrrp_instance ----

    record TrackRef(String name, Integer weight, Boolean reverse, int line) {
    }

    static TrackRef trackRef(Statement line, String what, int max) {
        line.noBlock();
        if (line.args().isEmpty()) {
            return new TrackRef(line.keyword(), null, null, line.line());
        }
        Weight w = weight(what + " " + line.keyword(), line.args(), 0, max, false);
        return new TrackRef(line.keyword(), w.weight(), w.reverse(), line.line());
    }

    private static void trackScriptLine(Statement line, InstanceScope i) {
        i.scriptRefs.add(trackRef(line, "track_script", VrrpScriptConfig.MAX_WEIGHT));
    }

    private static void trackInterfaceLine(Statement line, InstanceScope i) {
        TrackRef ref = trackRef(line, "track_interface", VrrpScriptConfig.MAX_WEIGHT);
        // added once the instance's own interface is known (InstanceScope.complete)
        i.interfaceRefs.add(new Located<>(new TrackedInterface(ref.name(), ref.weight() == null ? 0 : ref.weight(),
                ref.reverse() != null && ref.reverse()), line.line()));
    }

    private static void trackFileLine(Statement line, InstanceScope i) {
        i.fileRefs.add(trackRef(line, "track_file", TrackFileConfig.MAX_WEIGHT));
    }

    /** Resolves the instance's track_script and track_file names once every block of the file is read. */
    private void resolveTracking(InstanceScope i) {
        for (TrackRef ref : i.scriptRefs) {
            Located<VrrpScriptConfig> found = scripts.get(ref.name());
            if (found == null || scriptOrder.getOrDefault(ref.name(), 0) > i.order) {
                // keepalived looks the name up as it reads the line and runs the instance without it
                // (keepalived/vrrp/vrrp_track.c alloc_track_script: "track script X not found, ignoring...")
                i.warn(ref.line(), "track_script: " + (droppedScripts.contains(ref.name())
                        ? "vrrp_script " + ref.name() + " was removed (no user to run it as)"
                        : found == null ? "no vrrp_script named '" + ref.name() + "'" + suggestion(ref.name(), scripts.keySet())
                        : "vrrp_script " + ref.name() + " is defined after this vrrp_instance") + ": not tracked, as keepalived does not track it (\"track script not found,"
                        + " ignoring\")");
                continue;
            }
            VrrpScriptConfig script = found.value();
            usedScripts.add(ref.name());
            if (script == null) {
                continue;
            }
            int weight = ref.weight() != null ? ref.weight() : script.weight();
            boolean reverse = ref.reverse() != null ? ref.reverse() : script.reverse();
            i.weighted |= weight != 0;
            try {
                i.builder.addTrackScript(new TrackedScript(script, weight, reverse));
            } catch (IllegalArgumentException e) {
                i.error(ref.line(), e.getMessage());
            }
        }
        for (TrackRef ref : i.fileRefs) {
            Located<TrackFileConfig> found = trackFiles.get(ref.name());
            if (found == null) {
                // keepalived/trackers/track_file.c: "track file X not found, ignoring..."
                i.warn(ref.line(), "track_file: no track_file named '" + ref.name() + "'" + suggestion(ref.name(), trackFiles.keySet())
                        + ": not tracked, as keepalived does not track it");
                continue;
            }
            TrackFileConfig tf = found.value();
            usedTrackFiles.add(ref.name());
            if (tf == null) {
                continue;
            }
            int weight = ref.weight() != null ? ref.weight() : tf.weight();
            boolean reverse = ref.reverse() != null ? ref.reverse() : tf.reverse();
            i.weighted |= weight != 0;
            try {
                i.builder.addTrackFile(new TrackedFile(tf, weight, reverse));
            } catch (IllegalArgumentException e) {
                i.error(ref.line(), e.getMessage());
            }
        }
        resolveTrackProcesses(i.processRefs, i, tp -> {
            i.weighted |= tp.weight() != 0;
            i.builder.addTrackProcess(tp);
        });
        if (i.weighted && i.priority == 255) {
            i.warn(i.line, "tracking weights are ignored for an address owner (priority 255), as in keepalived;"
                    + " only weight 0 (FAULT) applies");
        }
    }

    private void warnUnused() {
        scripts.forEach((name, s) -> {
            if (!usedScripts.contains(name)) {
                warn(s.line(), "vrrp_script " + name + " is not tracked by any vrrp_instance, so it will not run");
            }
        });
        trackFiles.forEach((name, t) -> {
            if (!usedTrackFiles.contains(name)) {
                warn(t.line(), "track_file " + name + " is not tracked by any vrrp_instance, so it will not be read");
            }
        });
        trackProcesses.forEach((name, t) -> {
            if (!usedTrackProcesses.contains(name)) {
                warn(t.line(), "vrrp_track_process " + name + " is not tracked by any vrrp_instance, so it is not watched");
            }
        });
    }

    // ---- the parse ----

    private final String file;
    private final Path path;
    final Sources sources;
    private final List<ConfigError> errors = new ArrayList<>();
    private final List<ConfigError> warnings = new ArrayList<>();
    private final GlobalScope global = new GlobalScope(this);
    private final List<InstanceScope> instances = new ArrayList<>();
    final Map<String, InstanceScope> instanceNames = new HashMap<>();
    final SyncGroupParser syncGroups = new SyncGroupParser(this);
    /** Errors and warnings past {@link ParseLimits#MAX_ERRORS}, and where the first of them was. */
    private int moreErrors;
    private int moreErrorsAt;
    private int moreWarnings;
    private int moreWarningsAt;
    /** The statement being handled ({@link #at}). */
    private int position;
    final Map<String, Located<VrrpScriptConfig>> scripts = new LinkedHashMap<>();
    /** When each vrrp_script and vrrp_instance block was read: keepalived resolves a track_script as it reads it. */
    private final Map<String, Integer> scriptOrder = new HashMap<>();
    /** vrrp_scripts removed because no user can run them ({@link ScriptsWithoutUser}). */
    private final Set<String> droppedScripts = new java.util.HashSet<>();
    private int blocksRead;
    final Map<String, Located<TrackFileConfig>> trackFiles = new LinkedHashMap<>();
    final Set<String> usedScripts = new java.util.HashSet<>();
    final Set<String> usedTrackFiles = new java.util.HashSet<>();
    final Map<String, Located<TrackProcessConfig>> trackProcesses = new LinkedHashMap<>();
    final Set<String> usedTrackProcesses = new java.util.HashSet<>();
    /** vrrp_script name to the line of its {@code script} keyword. */
    private final Map<String, Integer> scriptLines = new HashMap<>();

    private ConfigParser(String file, Path path, ParseOptions options) {
        this.file = file;
        this.path = path;
        this.sources = new Sources(file, options.configId(), this::error);
    }

    /**
     * Reads {@code file} and what it includes. Returns a configuration or throws {@link ConfigException} with every
     * error found, and nothing else: the daemon parses on SIGHUP, and no file may end it (see {@link ParseLimits}).
     */
    public static FloatdConfig parse(Path file) throws ConfigException {
        return parse(file, ParseOptions.defaults());
    }

    /** The same with {@code options} (the config id that {@code @ID} lines are matched against). */
    public static FloatdConfig parse(Path file, ParseOptions options) throws ConfigException {
        return new ConfigParser(file.toString(), file, options).run(null);
    }

    /**
     * @param fileName how errors name the file; relative {@code include}s are read from its directory (the
     *     working directory when it has none)
     */
    public static FloatdConfig parse(String text, String fileName) throws ConfigException {
        return parse(text, fileName, ParseOptions.defaults());
    }

    /** The same with {@code options} (the config id that {@code @ID} lines are matched against). */
    public static FloatdConfig parse(String text, String fileName, ParseOptions options) throws ConfigException {
        Path path;
        try {
            path = Path.of(fileName);
        } catch (java.nio.file.InvalidPathException e) {
            path = Path.of("floatd.conf");
        }
        return new ConfigParser(fileName, path, options).run(text);
    }

    /** @param text the main file's text, or {@code null} to read it from {@link #path} */
    private FloatdConfig run(String text) throws ConfigException {
        try {
            return read(text);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // a bug, or a limit too generous for this heap: the configuration is refused, the caller runs on
            error(position, "internal error while reading this line: " + e + " (a floatd bug: please report it;"
                    + " the configuration is refused)");
            throw new ConfigException(sortedErrors());
        }
    }

    private FloatdConfig read(String text) throws ConfigException {
        var top = new Scope(this, "");
        List<Syntax.Token> tokens = text == null ? sources.expand(path) : sources.expand(text, path);
        dispatch(Syntax.read(tokens, top::error, top::warn), TOP, TOP_KEEPALIVED, "the top level", top);
        // after the whole file: global_defs may come after the instances it applies to
        if (global.builder.scriptUser() == null && anyScript() && RunAs.account(DEFAULT_SCRIPT_USER).isPresent()) {
            global.builder.scriptUser(DEFAULT_SCRIPT_USER, null);
        }
        global.builder.scriptEnv(global.env.build());
        GlobalDefs globalDefs = global.builder.build();
        inheritGlobals(globalDefs);
        List<InstanceConfig> built = new ArrayList<>();
        Map<RouterKey, InstanceConfig> routers = new HashMap<>();
        if (global.strictLine > 0) {
            warn(global.strictLine, StrictMode.NO_FIREWALL);
        }
        if (globalDefs.scriptSecurity() && globalDefs.scriptUser() == null && RunAs.currentUid() == 0 && anyScript()) {
            dropScriptsWithoutUser();
        }
        for (InstanceScope i : instances) {
            i.applyStrict(global.strictLine > 0);
            resolveTracking(i);
        }
        List<SyncGroupConfig> groups = syncGroups.resolve();
        // keepalived: an instance without notify_priority_changes takes its sync group's, then global_defs'
        for (SyncGroupParser.SyncGroupScope g : syncGroups.groups()) {
            if (g.notifyPriorityChanges != null) {
                g.members.forEach(m -> Optional.ofNullable(instanceNames.get(m.value()))
                        .filter(i -> i.notifyPriorityChanges == null)
                        .ifPresent(i -> i.notifyPriorityChanges = g.notifyPriorityChanges));
            }
        }
        warnUnused();
        checkScriptSecurity(globalDefs);
        for (InstanceScope i : instances) {
            i.finish(globalDefs).ifPresent(config -> {
                checkUniqueRouter(config, routers);
                built.add(config);
            });
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(sortedErrors());
        }
        return new FloatdConfig(globalDefs, built, sorted(warnings, moreWarnings, moreWarningsAt, "warnings"), groups);
    }

    private List<ConfigError> sortedErrors() {
        return sorted(errors, moreErrors, moreErrorsAt, "errors");
    }

    /** In file order, then line order; the last line says how many more there were past {@link ParseLimits#MAX_ERRORS}. */
    private List<ConfigError> sorted(List<ConfigError> found, int more, int moreAt, String what) {
        List<ConfigError> out = new ArrayList<>(found);
        out.sort(Comparator.comparingInt((ConfigError e) -> sources.order(e.file())).thenComparingInt(ConfigError::line));
        if (more > 0) {
            out.add(new ConfigError(sources.file(moreAt), Sources.line(moreAt), "too many " + what + ": " + more
                    + " more from here on are not shown (at most " + ParseLimits.MAX_ERRORS + " are)"));
        }
        return out;
    }

    // ---- script_user and enable_script_security, once the whole file is read ----

    /** {@link ScriptsWithoutUser}: the scripts keepalived cannot run, dropped before tracking is resolved. */
    private void dropScriptsWithoutUser() {
        warn(global.securityLine, "global_defs: " + ScriptsWithoutUser.summary());
        for (var it = scripts.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().value() != null && e.getValue().value().user() == null) {
                warn(e.getValue().line(), ScriptsWithoutUser.vrrpScript(e.getKey()));
                droppedScripts.add(e.getKey());
                it.remove();
            }
        }
        for (InstanceScope i : instances) {
            // a script naming its own user runs as that user: keepalived keeps it
            i.notifyUses.keySet().removeIf(keyword -> {
                if (i.notifyUsers.containsKey(keyword)) {
                    return false;
                }
                i.warn(i.notifyUses.get(keyword).line(), ScriptsWithoutUser.notifyScript(keyword, i.notifyUses.get(keyword).value()));
                i.notify = i.notify.with(keyword, null);
                return true;
            });
        }
        for (SyncGroupParser.SyncGroupScope g : syncGroups.groups()) {
            g.notifyUses.keySet().removeIf(keyword -> {
                if (g.notify.user(keyword) != null) {
                    return false;
                }
                g.warn(g.notifyUses.get(keyword).line(), ScriptsWithoutUser.notifyScript(keyword, g.notifyUses.get(keyword).value()));
                g.notify = g.notify.with(keyword, null);
                return true;
            });
        }
    }

    private boolean anyScript() {
        return instances.stream().anyMatch(i -> !i.notifyUsers.keySet().containsAll(i.notifyUses.keySet()))
                || global.fifoScripts.keySet().stream().anyMatch(k -> global.fifoUsers.get(k) == null)
                || syncGroups.groups().stream().anyMatch(g -> !g.notify.users().keySet().containsAll(g.notifyUses.keySet()))
                || scripts.values().stream().anyMatch(s -> s.value() != null && s.value().user() == null);
    }

    /** A vrrp_script without its own {@code user} runs as {@code script_user}; its script_env goes over global_defs'. */
    private void inheritGlobals(GlobalDefs g) {
        scripts.replaceAll((name, located) -> {
            VrrpScriptConfig v = located.value();
            if (v == null) {
                return located;
            }
            boolean own = v.user() != null;
            return new Located<>(v.with(own ? v.user() : g.scriptUser(), own ? v.group() : g.scriptGroup(),
                    v.env().over(g.scriptEnv())), located.line());
        });
    }

    /** A script that will run, for the security check: its keyword's line, who it runs as, and its PATH. */
    private record ScriptUse(String prefix, String keyword, String script, int line, String user, String group, String path) {
    }

    /**
     * keepalived's rule: a script run as root must not be modifiable by a non-root user. With
     * {@code enable_script_security} such a script is an error; without, a warning (keepalived's "SECURITY
     * VIOLATION"). See {@link ScriptSecurity} for what is checked.
     */
    private void checkScriptSecurity(GlobalDefs g) {
        List<ScriptUse> uses = new ArrayList<>();
        // a FIFO's script runs only when its FIFO is set, as in keepalived
        global.fifoScripts.forEach((keyword, script) -> {
            if (g.notifyFifoScripts().containsValue(script.value())) {
                ScriptUser own = global.fifoUsers.get(keyword);
                uses.add(new ScriptUse("global_defs: ", keyword, script.value(), script.line(),
                        own != null ? own.user() : g.scriptUser(), own != null ? own.group() : g.scriptGroup(),
                        scriptPath(g.scriptEnv())));
            }
        });
        for (InstanceScope i : instances) {
            String path = scriptPath(i.env.build().over(g.scriptEnv()));
            i.notifyUses.forEach((keyword, script) -> {
                ScriptUser own = i.notifyUsers.get(keyword);
                uses.add(new ScriptUse(i.prefix, keyword, script.value(), script.line(),
                        own != null ? own.user() : g.scriptUser(), own != null ? own.group() : g.scriptGroup(), path));
            });
        }
        String globalPath = scriptPath(g.scriptEnv());
        syncGroups.groups().forEach(sg -> sg.notifyUses.forEach((keyword, script) -> {
            ScriptUser own = sg.notify.user(keyword);
            uses.add(new ScriptUse(sg.prefix, keyword, script.value(), script.line(),
                    own != null ? own.user() : g.scriptUser(), own != null ? own.group() : g.scriptGroup(), globalPath));
        }));
        scripts.forEach((name, located) -> {
            VrrpScriptConfig v = located.value();
            if (v != null && usedScripts.contains(name)) {
                uses.add(new ScriptUse("vrrp_script " + name + ": ", "script", v.script(), scriptLines.get(name), v.user(), v.group(),
                        scriptPath(v.env())));
            }
        });
        if (uses.isEmpty()) {
            return;
        }
        uses.sort(Comparator.comparingInt((ScriptUse u) -> sources.order(sources.file(u.line()))).thenComparingInt(ScriptUse::line));
        int self = RunAs.currentUid();
        if (g.scriptUser() == null && self == 0) {
            // keepalived: scripts run as root when neither script_user nor keepalived_script is there
            ScriptUse first = uses.stream().filter(u -> u.user() == null).findFirst().orElse(null);
            if (first != null && g.scriptSecurity()) {
                error(global.securityLine, "global_defs: enable_script_security: no script_user is set and user '"
                        + DEFAULT_SCRIPT_USER + "' does not exist, so scripts would run as root by default, which keepalived"
                        + " refuses (it disables every such script); set 'script_user USER', or 'script_user root' to run"
                        + " them as root once they pass the check");
            } else if (first != null) {
                warn(first.line(), first.prefix() + "scripts run as root: no script_user is set and user '" + DEFAULT_SCRIPT_USER
                        + "' does not exist (as keepalived does); set 'script_user USER' to run them as another user");
            }
        }
        for (ScriptUse u : uses) {
            boolean root;
            if (u.user() == null) {
                root = self == 0;
            } else {
                try {
                    root = RunAs.lookUp(u.user(), u.group()).isRoot();
                } catch (IllegalArgumentException e) {
                    continue; // already reported where the user is named
                }
            }
            if (!root) {
                continue;
            }
            String what = u.prefix() + u.keyword() + " '" + u.script() + "' runs as root, but ";
            ScriptSecurity.check(u.script(), u.path()).ifPresent(f -> {
                if (g.scriptSecurity()) {
                    error(u.line(), what + f.message() + (f.unverifiable()
                            ? "; enable_script_security cannot check it" : "; enable_script_security refuses it, as keepalived does"));
                } else if (!f.unverifiable()) {
                    warn(u.line(), "SECURITY VIOLATION: " + what + f.message() + ", so a non-root user could change what"
                            + " root runs; enable_script_security would refuse it");
                }
            });
        }
    }

    /** The PATH a script with {@code env} runs with: where a bare command name is looked up. */
    private static String scriptPath(ScriptEnv env) {
        return env.environment(System.getenv()).get("PATH");
    }

    private void globalDefs(Statement s) {
        dispatch(s.plainBlock(), GLOBAL_DEFS, GLOBAL_DEFS_KEEPALIVED, "global_defs", global);
    }

    private void instance(Statement s) {
        if (s.args().size() != 1) {
            throw new ConfigProblem(s.args().isEmpty() ? "vrrp_instance needs a name"
                    : "vrrp_instance takes one name, but got " + s.args().size() + ": " + String.join(" ", s.args()));
        }
        var instance = new InstanceScope(this, s.args().getFirst(), s.line());
        InstanceScope other = instanceNames.putIfAbsent(instance.name, instance);
        if (other != null) {
            instance.error(s.line(), "vrrp_instance " + instance.name + " is already defined at " + sources.where(other.line));
        }
        instance.order = ++blocksRead;
        dispatch(s.requireBlock(), VRRP_INSTANCE, VRRP_INSTANCE_KEEPALIVED, "vrrp_instance", instance);
        instance.complete();
        instances.add(instance);
    }

    /** An instance's place among the virtual routers: one per VRID, interface and family. */
    private record RouterKey(String interfaceName, int virtualRouterId, boolean ipv6) {
    }

    private void checkUniqueRouter(InstanceConfig config, Map<RouterKey, InstanceConfig> earlier) {
        // adverts are told apart by VRID per interface and family; a clash would mix two routers' elections
        Optional.ofNullable(earlier.putIfAbsent(new RouterKey(config.interfaceName(), config.virtualRouterId(), config.isIpv6()), config))
                .ifPresent(e -> error(config.line(), "vrrp_instance " + config.name() + ": virtual_router_id "
                        + config.virtualRouterId() + " is already used on " + config.interfaceName() + " ("
                        + (config.isIpv6() ? "IPv6" : "IPv4") + ") by vrrp_instance " + e.name() + " at "
                        + e.file() + ":" + e.line()));
    }

    /** @param position a {@link Sources} position: the line, and the included file it is in */
    void error(int position, String message) {
        if (errors.size() < ParseLimits.MAX_ERRORS) {
            errors.add(new ConfigError(sources.file(position), Sources.line(position), message));
        } else if (moreErrors++ == 0) {
            moreErrorsAt = position;
        }
    }

    void warn(int position, String message) {
        if (warnings.size() < ParseLimits.MAX_ERRORS) {
            warnings.add(new ConfigError(sources.file(position), Sources.line(position), message));
        } else if (moreWarnings++ == 0) {
            moreWarningsAt = position;
        }
    }

    /** The file and line of a position, kept in the parsed configuration for later passes (HostCheck). */
    SourceLine where(int position) {
        return new SourceLine(sources.file(position), Sources.line(position));
    }

    /** The statement being handled, for an internal error's file:line. */
    void at(int position) {
        this.position = position;
    }

    private static String internalError(Statement s, RuntimeException e) {
        return "internal error while reading '" + s.keyword() + "': " + e + " (a floatd bug: please report it;"
                + " the configuration is refused)";
    }

    // ---- dispatching ----

    static <S extends Scope> void dispatch(
            List<Statement> body, Map<String, Handler<S>> table, Set<String> keepalivedOnly, String where, S scope) {
        Map<String, Integer> seen = new HashMap<>();
        for (Statement s : body) {
            Handler<S> handler = table.get(s.keyword());
            if (handler == null) {
                // keepalived.conf(5)'s keywords floatd has no handler for: one warning, or an error naming why
                Optional<KeepalivedKeywords.Keyword> known = KeepalivedKeywords.find(where, s.keyword());
                if (known.isPresent() && known.get().treatment() == KeepalivedKeywords.Treatment.WARNED) {
                    scope.warn(s.line(), KeepalivedKeywords.message(known.get()));
                } else if (known.isEmpty() && !keepalivedOnly.contains(s.keyword()) && unsupportedSyntax(s.keyword()).isEmpty()) {
                    scope.warn(s.line(), UnknownKeyword.message(s, where, suggestion(s.keyword(), table.keySet())));
                } else {
                    scope.error(s.line(), known.map(KeepalivedKeywords::message)
                            .orElseGet(() -> notImplemented(s.keyword(), table.keySet(), keepalivedOnly, where)));
                }
                continue;
            }
            Integer earlier = seen.put(s.keyword(), s.line());
            if (earlier != null && !REPEATABLE.contains(s.keyword())) {
                scope.warn(s.line(), "'" + s.keyword() + "' is given again; this one wins over "
                        + scope.parser.sources.from(s.line(), earlier) + ", as in keepalived");
            }
            scope.seen.add(s.keyword());
            scope.parser.at(s.line());
            try {
                handleFirstValue(handler, s, scope);
            } catch (ConfigProblem | IllegalArgumentException e) {
                scope.error(s.line(), e.getMessage());
            } catch (RuntimeException e) {
                scope.error(s.line(), internalError(s, e));
            }
        }
    }

    /** keepalived reads a one-value keyword's first word and ignores the rest: a warning, then the first value. */
    private static <S extends Scope> void handleFirstValue(Handler<S> handler, Statement s, S scope) {
        try {
            handler.handle(s, scope);
        } catch (Syntax.ExtraWords e) {
            scope.warn(s.line(), e.getMessage());
            handler.handle(s.firstValueOnly(), scope);
        }
    }

    /** Runs {@code handler} on each line of a list block, so that one bad line does not hide the next; counts errors. */
    private static int eachLine(List<Statement> block, InstanceScope i, Handler<InstanceScope> handler) {
        int errors = 0;
        for (Statement line : block) {
            i.parser.at(line.line());
            try {
                unsupportedSyntax(line.keyword()).ifPresent(message -> { throw new ConfigProblem(message); });
                handler.handle(line, i);
            } catch (Syntax.ExtraWords e) {
                i.error(line.line(), e.refusal());
                errors++;
            } catch (ConfigProblem | IllegalArgumentException e) {
                i.error(line.line(), e.getMessage());
                errors++;
            } catch (RuntimeException e) {
                i.error(line.line(), internalError(line, e));
                errors++;
            }
        }
        return errors;
    }

    private static String notImplemented(String keyword, Set<String> handled, Set<String> keepalivedOnly, String where) {
        return unsupportedSyntax(keyword).orElseGet(() -> keepalivedOnly.contains(keyword)
                ? "floatd does not support '" + keyword + "' in " + where + " yet"
                : "unknown keyword '" + keyword + "' in " + where + suggestion(keyword, handled));
    }

    /** What is left of keepalived's preprocessor syntax once the {@link Preprocessor} has read a line. */
    private static Optional<String> unsupportedSyntax(String keyword) {
        if (keyword.startsWith("@")) {
            return Optional.of("unknown keyword '" + keyword + "': keepalived reads one @ID (or @^ID) prefix at the start"
                    + " of a line, and a line of @ID alone is dropped");
        }
        if (keyword.startsWith("$")) {
            return Optional.of("'" + keyword + "': no parameter of that name is defined before this line, so it is left"
                    + " as it is (as keepalived does); define it first with $NAME=value (no blanks before '='); a multi-line"
                    + " parameter only expands where its use ends the line");
        }
        if (keyword.startsWith("~")) {
            return Optional.of("unknown keyword '" + keyword + "': keepalived 2.2.7 repeats lines with ~SEQ(...) and"
                    + " ~LST(...) only");
        }
        return Optional.empty();
    }

    static String suggestion(String keyword, Set<String> known) {
        return known.stream()
                // cheap first: a long word (up to a line's 64 KiB) is never within 2 edits of a keyword
                .filter(k -> Math.abs(k.length() - keyword.length()) <= 2 && editDistance(k, keyword) <= 2)
                .min(Comparator.comparingInt((String k) -> editDistance(k, keyword)).thenComparing(k -> k))
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse("");
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    // ---- values ----

    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern WHOLE = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)");

    /** A literal address, as inet_pton reads it: never a host name, which would need DNS at startup. */
    static InetAddress address(String what, String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                return Inet4Address.ofLiteral(text);
            }
            if (IPV6.matcher(text).matches()) {
                return Inet6Address.ofLiteral(text);
            }
        } catch (IllegalArgumentException e) {
            // reported below, like any other malformed address
        }
        throw new ConfigProblem(what + " '" + text + "' is not a valid IPv4 or IPv6 address");
    }

    /** Whether {@link #address} reads {@code text}. */
    static boolean isAddress(String text) {
        try {
            address("", text);
            return true;
        } catch (ConfigProblem e) {
            return false;
        }
    }

    private static boolean isWhole(String text) {
        return WHOLE.matcher(text).matches();
    }

    private static int wholeNumber(Statement s) {
        return wholeNumber(s.keyword(), s.value());
    }

    private static int wholeNumber(String what, String text) {
        if (!WHOLE.matcher(text).matches()) {
            throw new ConfigProblem(what + " must be a whole number, but was '" + text + "'");
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigProblem(what + " is out of range: " + text);
        }
    }

    /** keepalived's TIMER: seconds, possibly fractional. */
    private static BigDecimal seconds(Statement s) {
        String text = s.value();
        if (!DECIMAL.matcher(text).matches()) {
            throw new ConfigProblem(s.keyword() + " must be a number of seconds, but was '" + text + "'");
        }
        return new BigDecimal(text);
    }

    private static Duration duration(Statement s) {
        BigDecimal seconds = seconds(s);
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(InstanceConfig.MAX_PREEMPT_DELAY.toSeconds())) > 0) {
            throw new ConfigProblem(s.keyword() + " must be between 0 and 1000 seconds, but was " + s.value());
        }
        // keepalived keeps timers in microseconds
        return Duration.ofNanos(seconds.setScale(6, RoundingMode.HALF_UP).movePointRight(9).longValueExact());
    }

    /** A {@code garp} time: seconds, possibly fractional, kept to the microsecond as keepalived does. */
    private static Duration garpSeconds(Statement s) {
        BigDecimal seconds = seconds(s);
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(GarpSettings.MAX_DELAY.toSeconds())) > 0) {
            throw new ConfigProblem(s.keyword() + " must be between 0 and " + GarpSettings.MAX_DELAY.toSeconds()
                    + " seconds, but was " + s.value());
        }
        return Duration.ofNanos(seconds.setScale(6, RoundingMode.HALF_UP).movePointRight(9).longValueExact());
    }

    /** A file the daemon writes: absolute, since the daemon's working directory is nobody's business. */
    private static Path absolutePath(Statement s) {
        String text = s.value();
        Path path;
        try {
            path = Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigProblem(s.keyword() + " '" + text + "' is not a valid path");
        }
        if (!path.isAbsolute() || path.getFileName() == null) {
            throw new ConfigProblem(s.keyword() + " must be an absolute path to a file, but was '" + text + "'");
        }
        return path;
    }

    private static String optionValue(Statement line, int optionIndex) {
        if (optionIndex + 1 >= line.args().size()) {
            throw new ConfigProblem("missing value after '" + line.args().get(optionIndex) + "'");
        }
        return line.args().get(optionIndex + 1);
    }

    // ---- scopes: what a block's handlers write into ----

    record Located<T>(T value, int line) {
    }

    /** Where a handler reports to; the prefix names the instance, so a message stands on its own. */
    static class Scope {
        final ConfigParser parser;
        final String prefix;
        final Set<String> seen = new java.util.HashSet<>();
        int errors;

        Scope(ConfigParser parser, String prefix) {
            this.parser = parser;
            this.prefix = prefix;
        }

        void error(int line, String message) {
            errors++;
            parser.error(line, prefix + message);
        }

        void warn(int line, String message) {
            parser.warn(line, prefix + message);
        }
    }

    private static final class GlobalScope extends Scope {
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

    private static final class ScriptScope extends Scope {
        String script;
        int scriptLine;
        Duration interval = VrrpScriptConfig.DEFAULT_INTERVAL;
        Duration timeout;
        int fall = 1;
        int rise = 1;
        int weight;
        boolean reverse;
        boolean initFail;
        String user;
        String group;
        final EnvDraft env = new EnvDraft();

        ScriptScope(ConfigParser parser, String name) {
            super(parser, "vrrp_script " + name + ": ");
        }
    }

    private static final class TrackFileScope extends Scope {
        Path file;
        int weight = TrackFileConfig.DEFAULT_WEIGHT;
        boolean reverse;
        Long initValue;
        boolean overwrite;

        TrackFileScope(ConfigParser parser, String prefix) {
            super(parser, prefix);
        }
    }

    private static final class AuthScope extends Scope {
        final InstanceScope instance;
        boolean typeGiven;
        int typeLine;
        AuthType type;
        Located<String> password;

        AuthScope(InstanceScope instance) {
            super(instance.parser, instance.prefix);
            this.instance = instance;
        }

        @Override
        void error(int line, String message) {
            super.error(line, message);
            instance.errors++;
        }
    }

    /**
     * An instance being read. The builder takes what each line says; what depends on several lines (the version
     * against advert_int, address families) is checked once the whole file is read, against the right line.
     */
    static final class InstanceScope extends Scope {
        final String name;
        final int line;
        final InstanceConfig.Builder builder;
        InitialState state = InitialState.BACKUP;
        /** What the state lines said; {@code null} without one (keepalived then derives it from the priority). */
        InitialState givenState;
        String interfaceName;
        /** When the block was read, against {@link ConfigParser#scriptOrder}. */
        int order;
        final List<Located<TrackedInterface>> interfaceRefs = new ArrayList<>();
        /** {@code strict_mode}; {@code null}: global_defs' {@code vrrp_strict}. */
        Located<Boolean> strictMode;
        boolean strict;
        int stateLine;
        int preemptDelayLine;
        boolean preempt = true;
        Duration preemptDelay = Duration.ZERO;
        Located<Integer> version;
        Located<BigDecimal> advertInt;
        int authLine;
        int ahLine;
        int peerBlockLine;
        int peerErrors;
        int transportLine;
        int unicastSrcLine;
        int srcLine;
        Located<InetAddress> mcastDst;
        boolean skipCheckAdvAddr;
        InetAddress srcIp;
        NotifyScripts notify = NotifyScripts.NONE;
        final EnvDraft env = new EnvDraft();
        /** The notify lines in effect, by keyword, where each is written. */
        final Map<String, Located<String>> notifyUses = new LinkedHashMap<>();
        GarpSettings.Override garp = GarpSettings.Override.NONE;
        final List<Located<InetAddress>> peers = new ArrayList<>();
        final List<Located<InetAddress>> virtualAddresses = new ArrayList<>();
        final List<TrackRef> scriptRefs = new ArrayList<>();
        final List<TrackRef> fileRefs = new ArrayList<>();
        final List<TrackRef> processRefs = new ArrayList<>();
        boolean weighted;
        int priority = InstanceConfig.DEFAULT_PRIORITY;
        /** {@code notify_priority_changes}; {@code null}: global_defs' {@code vrrp_notify_priority_changes}. */
        Boolean notifyPriorityChanges;

        InstanceScope(ConfigParser parser, String name, int line) {
            super(parser, "vrrp_instance " + name + ": ");
            this.name = name;
            this.line = line;
            this.builder = InstanceConfig.builder(name).source(parser.sources.file(line), Sources.line(line));
        }

        /**
         * What keepalived derives once the block is read (keepalived/vrrp/vrrp.c vrrp_complete_instance): a missing
         * priority from the state (MASTER: 255), a missing state from the priority, and the tracked interfaces
         * without the instance's own ("Ignoring track_interface X since own interface": it is tracked anyway).
         */
        void complete() {
            if (!seen.contains("priority")) {
                builder.priority(priority = InstanceWords.defaultPriority(givenState));
            }
            if (givenState == null) {
                builder.initialState(state = InstanceWords.defaultState(priority));
            }
            for (Located<TrackedInterface> t : interfaceRefs) {
                if (t.value().name().equals(interfaceName)) {
                    // keepalived drops the entry but tracks its own interface anyway, weight 0, unless
                    // dont_track_primary; floatd does not track its own interface by itself, so it keeps that
                    boolean dont = seen.contains("dont_track_primary");
                    warn(t.line(), "track_interface " + interfaceName + " is the instance's own interface: its weight"
                            + " and reverse are ignored, as keepalived ignores the entry (\"since own interface\");"
                            + (dont ? " with dont_track_primary its link is not tracked"
                            : " its link going down puts the instance in FAULT, as keepalived's own interface does"));
                    if (!dont) {
                        builder.addTrackInterface(new TrackedInterface(interfaceName, 0, false));
                        builder.trackInterfaceLine(interfaceName, parser.where(t.line()));
                    }
                    continue;
                }
                builder.addTrackInterface(t.value());
                builder.trackInterfaceLine(t.value().name(), parser.where(t.line()));
                weighted |= t.value().weight() != 0;
            }
        }

        /** keepalived's strict mode rules that change what the instance runs ({@link StrictMode}). */
        void applyStrict(boolean global) {
            strict = strictMode != null ? strictMode.value() : global;
            if (!strict) {
                return;
            }
            InitialState written = state;
            StrictMode.state(state, priority).ifPresent(now -> {
                warn(seen.contains("state") ? stateLine : line, StrictMode.stateMessage(written, priority, now));
                builder.initialState(state = now);
            });
            if (authLine > 0) {
                warn(authLine, StrictMode.AUTHENTICATION);
                builder.authentication(null);
                authLine = 0;
                ahLine = 0;
            }
            if (!preemptDelay.isZero()) {
                warn(preemptDelayLine, StrictMode.PREEMPT_DELAY);
                builder.preemptDelay(preemptDelay = Duration.ZERO);
            }
        }

        String notifyScript(Statement s) {
            String script = script(s);
            ScriptUser user = ScriptUser.of(ScriptWords.of(s));
            if (ScriptUser.dropped(user, s.keyword(), script, message -> warn(s.line(), message))) {
                notifyUses.remove(s.keyword());
                notifyUsers.remove(s.keyword());
                return null;
            }
            notifyUses.put(s.keyword(), new Located<>(script, s.line()));
            if (user != null) {
                notifyUsers.put(s.keyword(), user);
            } else {
                notifyUsers.remove(s.keyword());
            }
            return script;
        }

        /** The users the notify scripts name after their command lines, by keyword. */
        final Map<String, ScriptUser> notifyUsers = new LinkedHashMap<>();

        /** A multicast instance's family without a source address: mcast_dst_ip, else its first virtual address. */
        private InetAddress multicastReference() {
            if (!peers.isEmpty()) {
                return null;
            }
            return mcastDst != null ? mcastDst.value() : virtualAddresses.isEmpty() ? null : virtualAddresses.getFirst().value();
        }

        /**
         * keepalived 2.2.7 takes a multicast instance's family from the first of the source address, mcast_dst_ip and
         * the virtual addresses it reads, and skips (with a message, running on) any later one of the other family:
         * floatd does the same, with a warning at each skipped line.
         */
        private void multicast(GlobalDefs global) {
            List<Located<InetAddress>> candidates = new ArrayList<>();
            if (srcIp != null) {
                candidates.add(new Located<>(srcIp, srcLine));
            }
            if (mcastDst != null) {
                candidates.add(mcastDst);
            }
            if (!virtualAddresses.isEmpty()) {
                candidates.add(virtualAddresses.getFirst());
            }
            Located<InetAddress> first = candidates.stream().min(Comparator.comparingInt(Located::line)).orElse(null);
            boolean ipv6 = first != null && first.value() instanceof Inet6Address;
            String from = first == null ? "" : " (from line " + Sources.line(first.line()) + ")";
            if (srcIp != null && (srcIp instanceof Inet6Address) != ipv6) {
                warn(srcLine, MulticastConfig.otherFamily("source address", srcIp, ipv6, from));
                srcIp = null;
                builder.unicastSrcIp(null);
            }
            if (mcastDst != null && (mcastDst.value() instanceof Inet6Address) != ipv6) {
                warn(mcastDst.line(), MulticastConfig.otherFamily("mcast_dst_ip", mcastDst.value(), ipv6, from));
                mcastDst = null;
            }
            for (var it = virtualAddresses.iterator(); it.hasNext(); ) {
                Located<InetAddress> a = it.next();
                if ((a.value() instanceof Inet6Address) != ipv6) {
                    warn(a.line(), MulticastConfig.otherFamily("virtual_ipaddress", a.value(), ipv6, from));
                    builder.removeVirtualAddress(a.value());
                    it.remove();
                }
            }
            InetAddress group = mcastDst != null ? mcastDst.value()
                    : ipv6 ? parser.global.mcastGroup6 : parser.global.mcastGroup4;
            builder.multicast(new MulticastSettings(group, skipCheckAdvAddr || parser.global.skipCheckAdvAddr));
        }

        Optional<InstanceConfig> finish(GlobalDefs global) {
            if (!seen.contains("interface")) {
                error(line, "interface is required");
            }
            if (!seen.contains("virtual_router_id")) {
                error(line, "virtual_router_id is required");
            }
            // a peer line already reported as wrong says enough; without peers, VRRP runs over multicast
            if (peers.isEmpty() && peerErrors == 0 && transportLine > 0) {
                error(transportLine, InstanceConfig.NO_PEER);
            } else if (peers.isEmpty() && peerErrors == 0 && (peerBlockLine > 0 || unicastSrcLine > 0)) {
                // keepalived 2.2.7 falls back to multicast and calls it deprecated: the daemon runs it
                warn(peerBlockLine > 0 ? peerBlockLine : unicastSrcLine, MulticastConfig.UNICAST_WITHOUT_PEERS);
            }
            InetAddress firstPeer = peers.isEmpty() ? null : peers.getFirst().value();
            if (peers.isEmpty() && peerErrors == 0) {
                multicast(global);
            }
            peers.forEach(p -> InstanceConfig.familyProblem("unicast_peer", p.value(), srcIp, firstPeer)
                    .ifPresent(message -> error(p.line(), message)));
            virtualAddresses.forEach(a -> InstanceConfig.familyProblem("virtual_ipaddress", a.value(), srcIp, firstPeer)
                    .ifPresent(message -> error(a.line(), message)));
            InetAddress reference = srcIp != null ? srcIp : firstPeer != null ? firstPeer : multicastReference();
            boolean ipv6 = reference instanceof Inet6Address;
            // keepalived runs IPv6 instances as version 3 whatever vrrp_version says
            int effectiveVersion = version != null ? version.value() : ipv6 ? 3 : global.vrrpVersion();
            if (version != null) {
                InstanceConfig.ipv6VersionProblem(ipv6, effectiveVersion).ifPresent(message -> error(version.line(), message));
            }
            builder.version(effectiveVersion);
            // an instance already refused for a wrong address line says enough
            if (errors == 0 && virtualAddresses.isEmpty() && !seen.contains("floating_ip")) {
                if (NoVip.refused(effectiveVersion, strict)) {
                    error(line, NoVip.message(effectiveVersion, strict));
                } else {
                    warn(line, NoVip.message(effectiveVersion, strict));
                }
            }
            if (advertInt != null) {
                InstanceConfig.advertIntervalProblem(advertInt.value(), effectiveVersion).ifPresentOrElse(
                        message -> error(advertInt.line(), message),
                        () -> builder.advertIntervalCentis(advertInt.value().movePointRight(2).intValueExact()));
            }
            if (authLine > 0 && effectiveVersion == 3) {
                // keepalived 2.2.7 logs "VRRP version 3 does not support authentication. Ignoring." and runs without
                warn(authLine, "authentication is ignored: VRRP version 3 has none (RFC 5798), as keepalived ignores it");
                builder.authentication(null);
            }
            builder.notifyPriorityChanges(notifyPriorityChanges != null ? notifyPriorityChanges : global.notifyPriorityChanges());
            if (ahLine > 0 && effectiveVersion == 2) {
                AhRules.transportProblem(seen.contains("transport")).ifPresent(message -> error(ahLine, message));
                if (AhRules.clearsInitialMaster(state, seen.contains("priority") ? priority : null)) {
                    warn(ahLine, AhRules.INITIAL_MASTER);
                    builder.initialState(state = InitialState.BACKUP);
                }
            }
            notifyUsers.forEach((keyword, user) -> notify = notify.withUser(keyword, user));
            builder.notifyScripts(notify);
            builder.scriptEnv(env.build().over(global.scriptEnv()));
            builder.garp(garp.over(global.garp()));
            if (state == InitialState.MASTER && (!preempt || !preemptDelay.isZero())) {
                warn(line, (preempt ? "preempt_delay" : "nopreempt") + " has no effect with state MASTER; keepalived needs state BACKUP for it");
            }
            if (errors > 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(builder.build());
            } catch (IllegalStateException e) {
                parser.error(line, e.getMessage());
                return Optional.empty();
            }
        }
    }
}
