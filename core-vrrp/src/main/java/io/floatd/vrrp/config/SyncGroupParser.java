package io.floatd.vrrp.config;

import static java.util.Map.entry;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vrrp_sync_group NAME { ... }}: its keyword table, and the checks keepalived 2.2.7 makes once every
 * instance is read. Where keepalived's daemon reports a member and runs on ({@code vrrp_sync_set_group}: an unknown
 * member or an instance already in another group is left out, a group left with one member runs as a group of one,
 * a group with no member or no group list is removed; {@code sync_group_tracking_init}: the group's weighted
 * tracking with a priority-255 member has its weight set to 0; vrrp_complete_instance: a member's weighted tracking
 * without {@code sync_group_tracking_weight}, {@link SyncGroupMemberWeights}), floatd warns at the line and does the
 * same. Refused, as {@code keepalived -t} does: address owners followed by a non-owner, the deprecated
 * {@code global_tracking}.
 */
final class SyncGroupParser {

    /** One group being read. */
    static final class SyncGroupScope extends Scope {
        final String name;
        final int line;
        Integer groupLine;
        final List<Located<String>> members = new ArrayList<>();
        NotifyScripts notify = NotifyScripts.NONE;
        final Map<String, Located<String>> notifyUses = new LinkedHashMap<>();
        boolean trackingWeight;
        final List<TrackRef> interfaceRefs = new ArrayList<>();
        final List<TrackRef> scriptRefs = new ArrayList<>();
        final List<TrackRef> fileRefs = new ArrayList<>();
        final List<TrackRef> processRefs = new ArrayList<>();
        Boolean notifyPriorityChanges;

        SyncGroupScope(ConfigParser parser, String name, int line) {
            super(parser, "vrrp_sync_group " + name + ": ");
            this.name = name;
            this.line = line;
        }

        /** Set once its user is known to exist: one naming a user that does not leaves the keyword free. */
        void notifyScript(Statement s, String keyword, java.util.function.UnaryOperator<NotifyScripts> set) {
            ScriptUser user = ScriptUser.of(ScriptWords.of(s));
            String script = Values.script(s);
            int at = s.line();
            parser.ask(new HostQuestion.NotifyUser(this, at, keyword, script, user, () -> {
                if (notifyUses.containsKey(keyword)) {
                    // keepalived: "notify_master script already specified - ignoring"
                    error(at, keyword + " is already set on " + parser.sources.from(at, notifyUses.get(keyword).line())
                            + " (keepalived ignores the second one and refuses the file)");
                    return false;
                }
                return true;
            }, () -> {
                notifyUses.put(keyword, new Located<>(script, at));
                notify = set.apply(notify).withUser(keyword, user);
            }, () -> { }));
        }
    }

    private static final Map<String, Handler<SyncGroupScope>> SYNC_GROUP = Map.ofEntries(
            entry("group", SyncGroupParser::groupBlock),
            entry("notify_master", (s, g) -> g.notifyScript(s, "notify_master", n -> n.withMaster(Values.script(s)))),
            entry("notify_backup", (s, g) -> g.notifyScript(s, "notify_backup", n -> n.withBackup(Values.script(s)))),
            entry("notify_fault", (s, g) -> g.notifyScript(s, "notify_fault", n -> n.withFault(Values.script(s)))),
            entry("notify_stop", (s, g) -> g.notifyScript(s, "notify_stop", n -> n.withStop(Values.script(s)))),
            entry("notify", (s, g) -> g.notifyScript(s, "notify", n -> n.withAny(Values.script(s)))),
            entry("smtp_alert", (s, g) -> {
                s.noBlock();
                g.warn(s.line(), "smtp_alert is accepted and ignored: floatd sends no mail, and mail does not change who"
                        + " holds the address (use notify_master/notify_backup/notify_fault to send your own)");
            }),
            entry("global_tracking", (s, g) -> {
                throw new ConfigProblem("global_tracking is deprecated: write sync_group_tracking_weight (keepalived 2.2.7 reads"
                        + " it as that, but reports an error, so 'keepalived -t' refuses the file)");
            }),
            entry("sync_group_tracking_weight", (s, g) -> {
                s.noValue();
                g.trackingWeight = true;
            }),
            entry("notify_priority_changes", (s, g) -> {
                s.noBlock();
                // the default of its members' notify_priority_changes (ConfigParser applies it)
                g.notifyPriorityChanges = s.args().isEmpty() || trueFalse(s);
            }),
            entry("track_interface", (s, g) -> eachRef(s, g, "track_interface", VrrpScriptConfig.MAX_WEIGHT, g.interfaceRefs)),
            entry("track_script", (s, g) -> eachRef(s, g, "track_script", VrrpScriptConfig.MAX_WEIGHT, g.scriptRefs)),
            entry("track_file", (s, g) -> eachRef(s, g, "track_file", TrackFileConfig.MAX_WEIGHT, g.fileRefs)),
            // read as an instance's track_process lines are; resolved against vrrp_track_process blocks in resolveProcesses
            entry("track_process", (s, g) -> {
                for (Statement line : s.plainBlock()) {
                    g.parser.at(line.line());
                    try {
                        g.processRefs.add(g.parser.tracking.trackProcessRefHere(line));
                    } catch (ConfigProblem | IllegalArgumentException e) {
                        g.error(line.line(), e.getMessage());
                    }
                }
            }));

    private static final Set<String> SYNC_GROUP_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.VRRP_SYNC_GROUP);

    /** The keywords the block has a handler for (for the keyword catalogue's tests and check --explain). */
    static Set<String> handled() {
        return SYNC_GROUP.keySet();
    }

    private final ConfigParser parser;
    private final List<SyncGroupScope> groups = new ArrayList<>();
    private final Map<String, SyncGroupScope> names = new HashMap<>();

    SyncGroupParser(ConfigParser parser) {
        this.parser = parser;
    }

    private static boolean trueFalse(Statement s) {
        return switch (s.value().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new ConfigProblem(s.keyword() + " must be true or false, but was '" + s.value() + "'");
        };
    }

    private static void groupBlock(Statement s, SyncGroupScope g) {
        if (g.groupLine != null) {
            throw new ConfigProblem("group list already given on " + g.parser.sources.from(s.line(), g.groupLine)
                    + " (keepalived refuses a second one)");
        }
        g.groupLine = s.line();
        for (Statement line : s.plainBlock()) {
            g.members.add(new Located<>(line.keyword(), line.line()));
            line.noBlock();
            line.args().forEach(word -> g.members.add(new Located<>(word, line.line())));
        }
    }

    private static void eachRef(Statement s, SyncGroupScope g, String what, int max, List<TrackRef> into) {
        for (Statement line : s.plainBlock()) {
            g.parser.at(line.line());
            try {
                into.add(Values.trackRef(line, what, max));
            } catch (ConfigProblem | IllegalArgumentException e) {
                g.error(line.line(), e.getMessage());
            }
        }
    }

    /** The top-level handler: {@code vrrp_sync_group NAME { ... }}. */
    void block(Statement s) {
        if (s.args().size() != 1) {
            throw new ConfigProblem(s.args().isEmpty() ? "vrrp_sync_group needs a name"
                    : "vrrp_sync_group takes one name, but got " + s.args().size() + ": " + String.join(" ", s.args()));
        }
        if (s.block() == null) {
            // keepalived reads the lines after it as keywords of the top level ("Missing '{' at beginning of
            // configuration block", lib/parser.c) and runs the instances without a group
            parser.warn(s.line(), "vrrp_sync_group " + s.args().getFirst() + " has no '{' on its line: no sync group is"
                    + " made, as keepalived makes none; its instances run alone");
            return;
        }
        var g = new SyncGroupScope(parser, s.args().getFirst(), s.line());
        KeywordDispatch.dispatch(s.requireBlock(), SYNC_GROUP, SYNC_GROUP_KEEPALIVED, "vrrp_sync_group", g);
        SyncGroupScope earlier = names.putIfAbsent(g.name, g);
        if (earlier != null) {
            g.error(s.line(), "vrrp_sync_group " + g.name + " is already defined at " + parser.sources.where(earlier.line));
            return;
        }
        groups.add(g);
    }

    /** Each group's notify lines, for the script checks (script_user, enable_script_security). */
    List<SyncGroupScope> groups() {
        return groups;
    }

    /**
     * Once every instance's own tracking is resolved: checks the members, and adds the group's tracking to each
     * member (keepalived's sync_group_tracking_init: a group's track_* apply to every member, weights included).
     */
    List<SyncGroupConfig> resolve() {
        Map<String, SyncGroupScope> memberOf = new HashMap<>();
        List<SyncGroupConfig> out = new ArrayList<>();
        for (SyncGroupScope g : groups) {
            List<InstanceScope> members = SyncGroupMembers.resolve(g, parser, memberOf);
            if (members.isEmpty()) {
                continue;
            }
            mixedOwners(g, members);
            boolean owner = members.stream().anyMatch(i -> i.priority == 255);
            if (!g.trackingWeight) {
                // keepalived drops or zeroes such weights, reporting each ("ignoring ... due to SYNC group"), and runs
                members.forEach(i -> SyncGroupMemberWeights.apply(g, i));
            }
            boolean groupWeighted = addTracking(g, members, owner);
            groupWeighted |= resolveProcesses(g, members, owner);
            if (g.errors == 0) {
                out.add(new SyncGroupConfig(g.name, members.stream().map(i -> i.name).toList(), g.notify,
                        g.trackingWeight || groupWeighted, parser.sources.file(g.line), Sources.line(g.line)));
            }
        }
        return out;
    }

    /**
     * keepalived starts a group in MASTER only while its members, in the group's order, are address owners (priority
     * 255) configured {@code state MASTER}; a {@code state BACKUP} member after such a run is its error "Sync group G
     * has some member(s) as address owner and some not as address owner. This won't work." (order matters, as there)
     */
    private static void mixedOwners(SyncGroupScope g, List<InstanceScope> members) {
        boolean ownersSoFar = true;
        for (int k = 0; k < members.size(); k++) {
            InstanceScope i = members.get(k);
            if (k > 0 && ownersSoFar && i.state == InitialState.BACKUP) {
                g.error(g.groupLine, "some members are address owners (priority 255, state MASTER) and " + i.name
                        + " is not: keepalived refuses this (\"This won't work.\")");
                return;
            }
            ownersSoFar &= i.state == InitialState.MASTER && i.priority == 255;
        }
    }

    /**
     * keepalived's sync_group_tracking_init: a weighted entry of a group with a priority-255 member is reported
     * ("Cannot have weighted track ... with member having priority 255 - setting weight 0") and runs with weight 0.
     */
    private static int ownerWeight(SyncGroupScope g, boolean owner, String what, String name, int weight, int line) {
        if (owner && weight != 0) {
            g.warn(line, what + " " + name + " weight " + weight + ": a member has priority 255 (address owner), so the"
                    + " weight is set to 0 as keepalived does (only FAULT applies)");
            return 0;
        }
        return weight;
    }

    /**
     * A group's entry for something a member already tracks itself: keepalived keeps the member's entry and gives it
     * the group's weight and reverse, unless the member's weight is 0 (add_vrrp_to_track_script,
     * add_obj_to_track_file, add_vrrp_to_interface: "is configured on VRRP instance and sync group").
     *
     * @return whether the member had it
     */
    private static <T> boolean merge(List<T> entries, T groupEntry, java.util.function.Function<T, String> name,
            java.util.function.ToIntFunction<T> weight) {
        for (int k = 0; k < entries.size(); k++) {
            T own = entries.get(k);
            if (name.apply(own).equals(name.apply(groupEntry))) {
                if (weight.applyAsInt(own) != 0) {
                    entries.set(k, groupEntry);
                }
                return true;
            }
        }
        return false;
    }

    private static void listedTwice(SyncGroupScope g, InstanceScope i, String what, String name, int line) {
        g.warn(line, what + " " + name + " is listed in vrrp_instance " + i.name + " too: its entry there takes the"
                + " group's weight unless its own is 0, as in keepalived; list it in one place only");
    }

    /** @return whether any of the group's entries has a weight */
    private boolean addTracking(SyncGroupScope g, List<InstanceScope> members, boolean owner) {
        boolean weighted = addInterfaces(g, members, owner);
        weighted |= addScripts(g, members, owner);
        weighted |= addFiles(g, members, owner);
        return weighted;
    }

    private boolean addInterfaces(SyncGroupScope g, List<InstanceScope> members, boolean owner) {
        boolean weighted = false;
        for (TrackRef ref : g.interfaceRefs) {
            int weight = ownerWeight(g, owner, "track_interface", ref.name(), ref.weight() == null ? 0 : ref.weight(), ref.line());
            weighted |= weight != 0;
            TrackedInterface t = new TrackedInterface(ref.name(), weight, ref.reverse() != null && ref.reverse());
            for (InstanceScope i : members) {
                boolean[] had = {false};
                i.builder.editTracking(list -> had[0] = merge(list, t, TrackedInterface::name, TrackedInterface::weight), s -> { }, f -> { });
                if (had[0]) {
                    listedTwice(g, i, "track_interface", t.name(), ref.line());
                } else {
                    i.builder.addTrackInterface(t).trackInterfaceLine(t.name(), parser.where(ref.line()));
                }
            }
        }
        return weighted;
    }

    private boolean addScripts(SyncGroupScope g, List<InstanceScope> members, boolean owner) {
        boolean weighted = false;
        for (TrackRef ref : g.scriptRefs) {
            Located<VrrpScriptConfig> found = parser.scripts.get(ref.name());
            if (found == null) {
                // keepalived/vrrp/vrrp_track.c alloc_track_script: "track script X not found, ignoring..."
                g.warn(ref.line(), "track_script: no vrrp_script named '" + ref.name() + "'"
                        + KeywordDispatch.suggestion(ref.name(), parser.scripts.keySet()) + ": not tracked, as keepalived does"
                        + " not track it");
                continue;
            }
            parser.usedScripts.add(ref.name());
            VrrpScriptConfig script = found.value();
            if (script == null) {
                continue;
            }
            int weight = ownerWeight(g, owner, "track_script", ref.name(), ref.weight() != null ? ref.weight() : script.weight(),
                    ref.line());
            boolean reverse = ref.reverse() != null ? ref.reverse() : script.reverse();
            weighted |= weight != 0;
            TrackedScript t = new TrackedScript(script, weight, reverse);
            for (InstanceScope i : members) {
                boolean[] had = {false};
                i.builder.editTracking(n -> { }, list -> had[0] = merge(list, t, TrackedScript::name, TrackedScript::weight), f -> { });
                if (had[0]) {
                    listedTwice(g, i, "track_script", t.name(), ref.line());
                } else {
                    i.builder.addTrackScript(t);
                }
            }
        }
        return weighted;
    }

    private boolean addFiles(SyncGroupScope g, List<InstanceScope> members, boolean owner) {
        boolean weighted = false;
        for (TrackRef ref : g.fileRefs) {
            Located<TrackFileConfig> found = parser.trackFiles.get(ref.name());
            if (found == null) {
                g.warn(ref.line(), "track_file: no track_file named '" + ref.name() + "'"
                        + KeywordDispatch.suggestion(ref.name(), parser.trackFiles.keySet()) + ": not tracked, as keepalived does"
                        + " not track it");
                continue;
            }
            parser.usedTrackFiles.add(ref.name());
            TrackFileConfig tf = found.value();
            if (tf == null) {
                continue;
            }
            int weight = ownerWeight(g, owner, "track_file", ref.name(), ref.weight() != null ? ref.weight() : tf.weight(),
                    ref.line());
            boolean reverse = ref.reverse() != null ? ref.reverse() : tf.reverse();
            weighted |= weight != 0;
            TrackedFile t = new TrackedFile(tf, weight, reverse);
            for (InstanceScope i : members) {
                boolean[] had = {false};
                i.builder.editTracking(n -> { }, sc -> { }, list -> had[0] = merge(list, t, TrackedFile::name, TrackedFile::weight));
                if (had[0]) {
                    listedTwice(g, i, "track_file", t.name(), ref.line());
                } else {
                    i.builder.addTrackFile(t);
                }
            }
        }
        return weighted;
    }

    /**
     * The group's {@code track_process} entries, resolved as an instance's are (the same vrrp_track_process blocks,
     * names, weights and duplicates), added to every member with keepalived's group rules: weight 0 with a
     * priority-255 member ({@link #ownerWeight}); a member that tracks the process itself keeps its own entry, with
     * the group's weight unless its own is 0 (keepalived's add_vrrp_to_track_process: "track_process NAME is
     * configured on VRRP instance and sync group").
     *
     * @return whether any entry has a weight
     */
    private boolean resolveProcesses(SyncGroupScope g, List<InstanceScope> members, boolean owner) {
        boolean[] weighted = {false};
        parser.tracking.resolveTrackProcesses(g.processRefs, g, tp -> {
            int line = g.processRefs.stream().filter(r -> r.name().equals(tp.name())).findFirst().map(TrackRef::line).orElse(g.line);
            TrackedProcess t = new TrackedProcess(tp.process(), ownerWeight(g, owner, "track_process", tp.name(), tp.weight(), line),
                    tp.reverse());
            weighted[0] |= t.weight() != 0;
            for (InstanceScope i : members) {
                TrackedProcess own = i.builder.trackProcess(t.name()).orElse(null);
                if (own == null) {
                    i.builder.addTrackProcess(t);
                } else {
                    g.warn(line, "track_process " + t.name() + " is listed in vrrp_instance " + i.name + " too: its entry"
                            + " there takes the group's weight unless its own is 0, as in keepalived (weight "
                            + (own.weight() == 0 ? 0 : t.weight()) + "); list it in one place only");
                    i.builder.replaceTrackProcess(new TrackedProcess(own.process(), own.weight() == 0 ? 0 : t.weight(),
                            own.reverse()));
                }
            }
        });
        return weighted[0];
    }
}
