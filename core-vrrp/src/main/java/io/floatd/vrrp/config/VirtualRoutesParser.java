package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The lines of {@code virtual_routes} and {@code virtual_rules}, read as keepalived 2.2.7 reads them (the words of
 * {@code ip route add} and {@code ip rule add}). The common options are implemented; every other option keepalived
 * knows is refused by name, so none is dropped silently. Warnings go to the caller, which adds the file:line.
 */
final class VirtualRoutesParser {
    private static final String MIXED = "Cannot mix IPv4 and IPv6 addresses for route";

    /** The preference keepalived gives a rule without one. */
    static final int DEFAULT_RULE_PRIORITY = 16384;

    private VirtualRoutesParser() {
    }

    // keepalived's route options floatd does not implement: refused by name
    private static final Set<String> ROUTE_REFUSED = Set.of("from", "tos", "dsfield", "nexthop", "or", "encap",
            "expires", "mtu", "hoplimit", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh",
            "realms", "rto_min", "initcwnd", "initrwnd", "features", "quickack", "congctl", "pref", "ttl-propagate",
            "fastopen_no_cookie", "add", "prepend", "append", "vrf", "as", "track_group");
    private static final Set<String> ROUTE_TYPES_REFUSED = Set.of("local", "nat", "broadcast", "brd", "anycast",
            "multicast", "xresolve");
    private static final Map<String, VirtualRoute.Type> ROUTE_TYPES = Map.of("unicast", VirtualRoute.Type.UNICAST,
            "blackhole", VirtualRoute.Type.BLACKHOLE, "unreachable", VirtualRoute.Type.UNREACHABLE,
            "prohibit", VirtualRoute.Type.PROHIBIT, "throw", VirtualRoute.Type.THROW);
    // keepalived's rule options floatd does not implement: refused by name
    private static final Set<String> RULE_REFUSED = Set.of("realms", "suppress_prefixlength", "sup_pl",
            "suppress_ifgroup", "sup_group", "tunnel-id", "uidrange", "l3mdev", "ipproto", "sport", "dport",
            "track_group", "goto", "nop");
    private static final Map<String, VirtualRule.Action> RULE_ACTIONS = Map.of(
            "blackhole", VirtualRule.Action.BLACKHOLE,
            "unreachable", VirtualRule.Action.UNREACHABLE, "prohibit", VirtualRule.Action.PROHIBIT);
    // iproute2's fixed names (rt_tables, rt_scopes, rt_protos); keepalived also reads /etc/iproute2, floatd does not
    private static final Map<String, Integer> TABLES = Map.of("main", 254, "local", 255, "default", 253);
    private static final Map<String, Integer> SCOPES = Map.of("global", 0, "universe", 0, "site", 200, "link", 253,
            "host", 254, "nowhere", 255);
    private static final Map<String, Integer> PROTOCOLS = Map.of("unspec", 0, "redirect", 1, "kernel", 2, "boot", 3,
            "static", 4, "keepalived", 18);

    /** A {@code virtual_routes} line: its words, the first one included. */
    static VirtualRoute route(List<String> words, Consumer<String> warn) {
        var r = new RouteDraft();
        for (int n = 0; n < words.size(); n++) {
            n = r.word(words, n, warn);
        }
        return r.build(String.join(" ", words), warn);
    }

    /** A virtual_routes line as its words are read. */
    private static final class RouteDraft {
        VirtualRoute.Type type = VirtualRoute.Type.UNICAST;
        Boolean ipv6; // the family, once something says it
        String destText;
        InetAddress dest;
        int destLength;
        InetAddress gateway;
        String device;
        InetAddress source;
        int table = VirtualRoute.TABLE_MAIN;
        Integer metric;
        Integer scope;
        Integer protocol;
        boolean onlink;
        boolean tracked = true;

        /** Reads the word at {@code n} and the values it takes; returns the index of the last word read. */
        int word(List<String> words, int n, Consumer<String> warn) {
            String w = words.get(n);
            switch (w) {
                case "inet", "inet6" -> ipv6 = family(ipv6, w.equals("inet6"), w + " specified for "
                        + (w.equals("inet6") ? "IPv4" : "IPv6") + " route");
                case "via", "gw" -> {
                    if (w.equals("gw")) {
                        warn.accept("\"gw\" for routes is deprecated. Please use \"via\"");
                    }
                    String value = value(words, ++n, w);
                    if (value.equals("inet") || value.equals("inet6")) {
                        ipv6 = family(ipv6, value.equals("inet6"), MIXED);
                        value = value(words, ++n, w);
                    }
                    gateway = Values.address("route via address", value);
                    ipv6 = family(ipv6, gateway instanceof Inet6Address, MIXED);
                }
                case "src" -> {
                    source = Values.address("route src address", value(words, ++n, w));
                    ipv6 = family(ipv6, source instanceof Inet6Address, MIXED);
                }
                case "dev", "oif" -> device = value(words, ++n, w);
                case "table" -> table = named(TABLES, value(words, ++n, w), "Routing table", "for route", 0xffffffffL);
                case "metric", "priority", "preference" -> metric = named(Map.of(), value(words, ++n, w), "metric",
                        "for route", 0xffffffffL);
                case "scope" -> scope = named(SCOPES, value(words, ++n, w), "Scope", "for route", 255);
                case "protocol" -> protocol = named(PROTOCOLS, value(words, ++n, w), "Protocol", "for route", 255);
                case "onlink" -> onlink = true;
                case "no_track" -> tracked = false;
                default -> n = destination(words, n, warn);
            }
            return n;
        }

        /** {@code [to] [TYPE] PREFIX}, {@code default}, {@code default6}: the route's destination. */
        private int destination(List<String> words, int n, Consumer<String> warn) {
            String w = words.get(n);
            if (ROUTE_REFUSED.contains(w)) {
                throw new ConfigProblem("floatd does not support '" + w + "' in virtual_routes yet");
            }
            if (w.equals("to")) {
                w = value(words, ++n, "to");
            }
            if (ROUTE_TYPES_REFUSED.contains(w)) {
                throw new ConfigProblem("floatd does not support '" + w + "' routes in virtual_routes yet");
            }
            if (ROUTE_TYPES.containsKey(w)) {
                type = ROUTE_TYPES.get(w);
                w = value(words, ++n, w);
            }
            destText = w;
            if (w.equals("default") || w.equals("any") || w.equals("all")) {
                dest = null;
                destLength = 0;
                return n;
            }
            if (w.equals("default6")) {
                warn.accept("'default6' is deprecated - please replace with 'inet6 default'");
                ipv6 = family(ipv6, true, MIXED + " (" + w + ")");
                dest = null;
                destLength = 0;
                return n;
            }
            Prefix p = prefix(w, "unknown route keyword " + w);
            dest = p.address();
            destLength = p.length();
            ipv6 = family(ipv6, dest instanceof Inet6Address, MIXED + " (" + w + ")");
            return n;
        }

        VirtualRoute build(String text, Consumer<String> warn) {
            if (destText == null) {
                throw new ConfigProblem("Route must have a destination");
            }
            boolean v6 = Boolean.TRUE.equals(ipv6);
            if (dest == null) {
                dest = zero(v6);
            }
            if (type == VirtualRoute.Type.UNICAST && gateway == null && device == null) {
                throw new ConfigProblem("route " + text + ": a unicast route needs 'via' or 'dev' (the kernel refuses it)");
            }
            if (tracked) {
                if (protocol != null && protocol != VirtualRoute.PROTOCOL_KEEPALIVED) {
                    warn.accept("Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
                }
                protocol = VirtualRoute.PROTOCOL_KEEPALIVED;
                if (device == null) {
                    warn.accept("Warning - cannot track route " + destText + " with no interface specified, not tracking");
                    tracked = false;
                }
            }
            return new VirtualRoute(text, type, dest, destLength, gateway, device, source, table, metric, scope,
                    protocol == null ? VirtualRoute.PROTOCOL_KEEPALIVED : protocol, onlink, tracked);
        }
    }

    /** A {@code virtual_rules} line: its words, the first one included. */
    static VirtualRule rule(List<String> words, Consumer<String> warn) {
        var r = new RuleDraft();
        for (int n = 0; n < words.size(); n++) {
            n = r.word(words, n);
        }
        return r.build(String.join(" ", words), warn);
    }

    /** A virtual_rules line as its words are read. */
    private static final class RuleDraft {
        Boolean ipv6;
        VirtualRule.Prefix from;
        VirtualRule.Prefix to;
        boolean invert;
        VirtualRule.Action action;
        int table;
        Integer priority;
        String iif;
        String oif;
        Long fwmark;
        Long fwmask;
        int tos;
        Integer protocol;
        boolean tracked = true;

        /** Reads the word at {@code n} and the values it takes; returns the index of the last word read. */
        int word(List<String> words, int n) {
            String w = words.get(n);
            switch (w) {
                case "inet", "inet6" -> ipv6 = family(ipv6, w.equals("inet6"), w + " specified for "
                        + (w.equals("inet6") ? "IPv4" : "IPv6") + " rule");
                case "from", "to" -> fromOrTo(w, value(words, ++n, w));
                case "table", "lookup" -> {
                    table = named(TABLES, value(words, ++n, w), "Routing table", "for rule", 0xffffffffL);
                    if (table == 0) {
                        throw new ConfigProblem("Table 0 is not valid");
                    }
                    action = oneAction(action, VirtualRule.Action.TABLE);
                }
                case "not" -> invert = true;
                case "preference", "order", "priority" -> priority = named(Map.of(), value(words, ++n, w),
                        "rule preference", "", 0xffffffffL);
                case "tos", "dsfield" -> tos = named(Map.of(), value(words, ++n, w), "TOS value", "", 255);
                case "fwmark" -> {
                    String value = value(words, ++n, w);
                    String[] parts = value.split("/", 2);
                    fwmark = unsigned(parts[0], "Invalid rule fwmark " + value + " specified");
                    if (parts.length == 2) {
                        fwmask = unsigned(parts[1], "Invalid rule fwmark " + value + " specified");
                    }
                }
                case "dev", "iif" -> iif = value(words, ++n, w);
                case "oif" -> oif = value(words, ++n, w);
                case "protocol" -> protocol = named(Map.of(), value(words, ++n, w), "Protocol",
                        "for rule (a number: keepalived reads no names here)", 255);
                case "no_track" -> tracked = false;
                default -> {
                    if (w.equals("type")) {
                        w = value(words, ++n, w);
                    }
                    if (RULE_REFUSED.contains(w)) {
                        throw new ConfigProblem("floatd does not support '" + w + "' in virtual_rules yet");
                    }
                    VirtualRule.Action a = RULE_ACTIONS.get(w);
                    if (a == null) {
                        throw new ConfigProblem("Unknown rule option " + w);
                    }
                    action = oneAction(action, a);
                }
            }
            return n;
        }

        private void fromOrTo(String w, String value) {
            VirtualRule.Prefix p = null;
            if (!value.equals("all") && !value.equals("any") && !value.equals("default")) {
                Prefix q = prefix(value, "Invalid rule " + w + " address " + value);
                p = new VirtualRule.Prefix(q.address(), q.length());
                ipv6 = family(ipv6, q.address() instanceof Inet6Address,
                        "rule specification has mixed IPv4 and IPv6");
            }
            if (w.equals("from")) {
                from = p;
            } else {
                to = p;
            }
        }

        VirtualRule build(String text, Consumer<String> warn) {
            if (action == null) {
                throw new ConfigProblem("No action specified for rule - ignoring");
            }
            if (priority == null) {
                // keepalived gives it a fixed preference, so that it can be deleted again as the same rule
                warn.accept("Rule has no preference specified - setting to " + DEFAULT_RULE_PRIORITY
                        + ". This is probably not what you want.");
                priority = DEFAULT_RULE_PRIORITY;
            }
            if (tracked) {
                if (protocol != null && protocol != VirtualRoute.PROTOCOL_KEEPALIVED) {
                    warn.accept("Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
                }
                protocol = VirtualRoute.PROTOCOL_KEEPALIVED;
            }
            return new VirtualRule(text, Boolean.TRUE.equals(ipv6), from, to, invert, action, table, priority, iif, oif,
                    fwmark, fwmask, tos, protocol == null ? VirtualRoute.PROTOCOL_KEEPALIVED : protocol, tracked);
        }
    }

    private static VirtualRule.Action oneAction(VirtualRule.Action earlier, VirtualRule.Action now) {
        if (earlier != null) {
            throw new ConfigProblem("Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable"
                    + " for rule");
        }
        return now;
    }

    private record Prefix(InetAddress address, int length) {
    }

    /** {@code ADDR[/LEN]}: a network whose host bits are zero, as the kernel requires. */
    private static Prefix prefix(String text, String problem) {
        String[] parts = text.split("/", 2);
        InetAddress address;
        try {
            address = Values.address("address", parts[0]);
        } catch (ConfigProblem e) {
            throw new ConfigProblem(problem);
        }
        int max = address instanceof Inet4Address ? 32 : 128;
        int length = max;
        if (parts.length == 2) {
            if (!parts[1].matches("[0-9]{1,3}") || Integer.parseInt(parts[1]) > max) {
                throw new ConfigProblem(problem);
            }
            length = Integer.parseInt(parts[1]);
        }
        byte[] raw = address.getAddress();
        for (int bit = length; bit < raw.length * 8; bit++) {
            if ((raw[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                throw new ConfigProblem(text + " has host bits set beyond /" + length + ": the kernel refuses it"
                        + " (keepalived -t accepts it, but the route or rule is never added)");
            }
        }
        return new Prefix(address, length);
    }

    private static InetAddress zero(boolean ipv6) {
        try {
            return InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Boolean family(Boolean known, boolean ipv6, String problem) {
        if (known != null && known != ipv6) {
            throw new ConfigProblem(problem);
        }
        return ipv6;
    }

    private static String value(List<String> words, int n, String option) {
        if (n >= words.size()) {
            throw new ConfigProblem("missing value after '" + option + "'");
        }
        return words.get(n);
    }

    /** A number (decimal or 0x hex) up to {@code max}, or one of iproute2's fixed names. */
    private static int named(Map<String, Integer> names, String text, String what, String suffix, long max) {
        Integer known = names.get(text);
        if (known != null) {
            return known;
        }
        long v;
        try {
            v = unsigned(text, null);
        } catch (ConfigProblem e) {
            v = -1;
        }
        if (v < 0 || v > max) {
            String tail = suffix.isEmpty() ? "" : " " + suffix;
            throw new ConfigProblem(what + " " + text + " not found or invalid" + tail
                    + (names.isEmpty() ? "" : " (floatd knows the numbers and "
                            + String.join(", ", new java.util.TreeSet<>(names.keySet()))
                            + "; it reads no names from /etc/iproute2)"));
        }
        return (int) v;
    }

    private static long unsigned(String text, String problem) {
        try {
            boolean hex = text.startsWith("0x") || text.startsWith("0X");
            long v = hex ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
            if (v >= 0 && v <= 0xffffffffL) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ConfigProblem(problem == null ? "not a number: " + text : problem);
    }
}
