package io.floatd.vrrp.config;

import static io.floatd.vrrp.config.KeywordDispatch.eachLine;
import static io.floatd.vrrp.config.KeywordDispatch.suggestion;
import static io.floatd.vrrp.config.KeywordDispatch.unsupportedSyntax;
import static io.floatd.vrrp.config.Values.absolutePath;
import static io.floatd.vrrp.config.Values.address;
import static io.floatd.vrrp.config.Values.bool;
import static io.floatd.vrrp.config.Values.duration;
import static io.floatd.vrrp.config.Values.garpSeconds;
import static io.floatd.vrrp.config.Values.lineWords;
import static io.floatd.vrrp.config.Values.optionValue;
import static io.floatd.vrrp.config.Values.seconds;
import static io.floatd.vrrp.config.Values.trackRef;
import static io.floatd.vrrp.config.Values.wholeNumber;
import static io.floatd.vrrp.config.Values.withoutPrefix;
import static io.floatd.vrrp.config.Values.words;
import static java.util.Map.entry;

import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import io.floatd.vrrp.files.SecretFile;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code vrrp_instance NAME { ... }}: its keyword table and the handlers of its lines and inner blocks
 * (unicast_peer, virtual_ipaddress, authentication, transport, floating_ip, track_*). What depends on several lines
 * is checked by {@link InstanceScope} once the whole file is read.
 */
final class InstanceBlock {
    private InstanceBlock() {
    }

    static final Map<String, Handler<InstanceScope>> VRRP_INSTANCE = Map.ofEntries(
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
                InstanceRules.checkVersion("version", version);
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
                i.peerErrors += eachLine(s.plainBlock(), i, InstanceBlock::unicastPeer);
            }),
            entry("authentication", InstanceBlock::authentication),
            entry("virtual_ipaddress", (s, i) -> eachLine(s.plainBlock(), i, InstanceBlock::virtualAddress)),
            entry("notify", (s, i) -> i.notify = i.notify.withAny(i.notifyScript(s))),
            entry("notify_master", (s, i) -> i.notify = i.notify.withMaster(i.notifyScript(s))),
            entry("notify_backup", (s, i) -> i.notify = i.notify.withBackup(i.notifyScript(s))),
            entry("notify_fault", (s, i) -> i.notify = i.notify.withFault(i.notifyScript(s))),
            entry("notify_stop", (s, i) -> i.notify = i.notify.withStop(i.notifyScript(s))),
            entry("floating_ip", InstanceBlock::floatingIp),
            entry("transport", (s, i) -> {
                i.transportLine = s.line();
                eachLine(s.plainBlock(), i, InstanceBlock::transportLine);
            }),
            entry("track_script", (s, i) -> eachLine(s.plainBlock(), i, InstanceBlock::trackScriptLine)),
            entry("track_interface", (s, i) -> eachLine(s.plainBlock(), i, InstanceBlock::trackInterfaceLine)),
            entry("track_file", (s, i) -> eachLine(s.plainBlock(), i, InstanceBlock::trackFileLine)),
            entry("track_process", (s, i) -> eachLine(s.plainBlock(), i, (line, in) -> in.processRefs.add(in.parser.tracking.trackProcessRefHere(line)))),
            entry("garp_master_delay", (s, i) -> i.garp = i.garp.withMasterDelay(garpSeconds(s))),
            entry("garp_master_repeat", (s, i) -> i.garp = i.garp.withMasterRepeat(wholeNumber(s))),
            entry("garp_master_refresh", (s, i) -> i.garp = i.garp.withMasterRefresh(garpSeconds(s))),
            entry("garp_master_refresh_repeat", (s, i) -> i.garp = i.garp.withMasterRefreshRepeat(wholeNumber(s))),
            entry("state_file", (s, i) -> i.builder.stateFile(absolutePath(s))),
            entry("script_env", (s, i) -> i.env.add(s, i)),
            entry("virtual_ipaddress_excluded", (s, i) -> eachLine(s.plainBlock(), i, InstanceBlock::excludedAddress)),
            entry("virtual_routes", (s, i) -> eachLine(s.plainBlock(), i, InstanceBlock::virtualRoute)),
            entry("virtual_rules", (s, i) -> eachLine(s.plainBlock(), i, InstanceBlock::virtualRule)),
            entry("notify_priority_changes", (s, i) -> i.notifyPriorityChanges = bool(s)),
            // floatd never filters traffic to its addresses: accept mode is what it always does
            entry("accept", (s, i) -> s.noValue()),
            entry("strict_mode", (s, i) -> i.strictMode = new Located<>(bool(s), s.line())),
            // floatd always drops adverts from addresses that are not unicast peers
            entry("check_unicast_src", (s, i) -> s.noValue()),
            // floatd never faults an instance for its own interface's link; track_interface does
            entry("dont_track_primary", (s, i) -> s.noValue()));

    static final Set<String> VRRP_INSTANCE_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.VRRP_INSTANCE);

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

    static final Map<String, Handler<AuthScope>> AUTHENTICATION = Map.ofEntries(
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
        KeywordDispatch.dispatch(s.plainBlock(), AUTHENTICATION, Set.of(), "authentication", auth);
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
            String value = FloatingIpKeywords.isListKey(line.keyword()) ? words(line) : line.value();
            if (line.keyword().equals("provider")) {
                FloatingIpKeywords.checkProvider(value);
            }
            if (values.putIfAbsent(line.keyword(), value) != null) {
                throw new ConfigProblem("floating_ip '" + line.keyword() + "' is already set on "
                        + i.parser.sources.from(line.line(), lines.get(line.keyword())));
            }
            lines.put(line.keyword(), line.line());
        });
        FloatingIpSettings block;
        try {
            block = new FloatingIpSettings(values, i.parser.sources.file(s.line()), Sources.line(s.line()));
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem("floating_ip: " + e.getMessage());
        }
        FloatingIpBlocks.duplicate(i.builder.floatingIps(), block).ifPresent(message -> { throw new ConfigProblem(message); });
        if (!block.isEmpty()) {
            i.builder.addFloatingIp(block);
        }
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

    static final class AuthScope extends Scope {
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
}
