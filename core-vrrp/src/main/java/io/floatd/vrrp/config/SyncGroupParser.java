package io.floatd.vrrp.config;

import static java.util.Map.entry;

import io.floatd.vrrp.config.ConfigParser.Handler;
import io.floatd.vrrp.config.ConfigParser.InstanceScope;
import io.floatd.vrrp.config.ConfigParser.Located;
import io.floatd.vrrp.config.ConfigParser.TrackRef;
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
 * instance is read. Each verdict is keepalived's own ({@code keepalived -t} exits 5 on each refused case): an
 * unknown member, an instance in two groups, a group with fewer than two members, weighted tracking on a member
 * without {@code sync_group_tracking_weight}, weighted group tracking with a priority-255 member, the deprecated
 * {@code global_tracking}.
 */
final class SyncGroupParser {

    /** One group being read. */
    static final class SyncGroupScope extends ConfigParser.Scope {
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

        void notifyScript(Statement s, String keyword, java.util.function.UnaryOperator<NotifyScripts> set) {
            if (notifyUses.containsKey(keyword)) {
                // keepalived: "notify_master script already specified - ignoring"
                throw new ConfigProblem(keyword + " is already set on " + parser.sources.from(s.line(), notifyUses.get(keyword).line())
                        + " (keepalived ignores the second one and refuses the file)");
            }
            notifyUses.put(keyword, new Located<>(ConfigParser.script(s), s.line()));
            notify = set.apply(notify);
        }
    }

    private static final Map<String, Handler<SyncGroupScope>> SYNC_GROUP = Map.ofEntries(
            entry("group", SyncGroupParser::groupBlock),
            entry("notify_master", (s, g) -> g.notifyScript(s, "notify_master", n -> n.withMaster(ConfigParser.script(s)))),
            entry("notify_backup", (s, g) -> g.notifyScript(s, "notify_backup", n -> n.withBackup(ConfigParser.script(s)))),
            entry("notify_fault", (s, g) -> g.notifyScript(s, "notify_fault", n -> n.withFault(ConfigParser.script(s)))),
            entry("notify_stop", (s, g) -> g.notifyScript(s, "notify_stop", n -> n.withStop(ConfigParser.script(s)))),
            entry("notify", (s, g) -> g.notifyScript(s, "notify", n -> n.withAny(ConfigParser.script(s)))),
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
            // the block's shape as keepalived reads it; resolved against vrrp_track_process blocks in resolveProcess
            entry("track_process", (s, g) -> eachRef(s, g, "track_process", VrrpScriptConfig.MAX_WEIGHT, g.processRefs)));

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
                into.add(ConfigParser.trackRef(line, what, max));
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
        ConfigParser.dispatch(s.requireBlock(), SYNC_GROUP, SYNC_GROUP_KEEPALIVED, "vrrp_sync_group", g);
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
            List<InstanceScope> members = new ArrayList<>();
            for (Located<String> m : g.members) {
                InstanceScope i = parser.instanceNames.get(m.value());
                if (i == null) {
                    // keepalived/vrrp/vrrp_sync.c vrrp_sync_set_group: "Virtual router X specified in sync group G
                    // doesn't exist - ignoring", and the group runs with the others
                    g.warn(m.line(), "no vrrp_instance named '" + m.value() + "'"
                            + ConfigParser.suggestion(m.value(), parser.instanceNames.keySet()) + ": left out of the group,"
                            + " as keepalived leaves it out");
                    continue;
                }
                SyncGroupScope other = memberOf.putIfAbsent(m.value(), g);
                if (other != null) {
                    g.error(m.line(), "vrrp_instance " + m.value() + " is already in vrrp_sync_group " + other.name + " ("
                            + parser.sources.where(other.line) + "); an instance can be in one sync group only");
                    continue;
                }
                members.add(i);
            }
            if (g.groupLine == null) {
                g.error(g.line, "'group { INSTANCE INSTANCE ... }' is required");
            } else if (members.isEmpty()) {
                // keepalived: "Sync group G, no matching virtual router found in group declaration - removing"
                if (g.errors == 0) {
                    g.warn(g.groupLine, "no vrrp_instance of the group exists: the group is removed, as keepalived removes it");
                }
                continue;
            } else if (members.size() < 2) {
                // keepalived/vrrp/vrrp_sync.c vrrp_sync_set_group: "has only 1 virtual router(s) - this probably isn't
                // what you want", reported, and the group runs
                g.warn(g.groupLine, "a sync group of one vrrp_instance: it runs as keepalived runs it (its notify scripts"
                        + " with the member's), but syncs nothing");
            }
            mixedOwners(g, members);
            boolean owner = members.stream().anyMatch(i -> i.priority == 255);
            for (InstanceScope i : members) {
                if (i.weighted && !g.trackingWeight && i.priority != 255) {
                    // keepalived drops or zeroes such weights with an error ("ignoring ... due to SYNC group")
                    i.error(i.line, "tracking with a weight in a member of vrrp_sync_group " + g.name + " ("
                            + parser.sources.where(g.line) + "): keepalived ignores the weight and refuses the file; set"
                            + " 'sync_group_tracking_weight' in the group to use weights, or give the entries weight 0");
                }
            }
            boolean groupWeighted = addTracking(g, members);
            if (groupWeighted && owner) {
                g.error(g.line, "weighted tracking in a sync group with a priority 255 member: keepalived clears the weights"
                        + " and refuses the file");
            }
            resolveProcesses(g);
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

    /** @return whether any of the group's entries has a weight */
    private boolean addTracking(SyncGroupScope g, List<InstanceScope> members) {
        boolean weighted = false;
        for (TrackRef ref : g.interfaceRefs) {
            int weight = ref.weight() == null ? 0 : ref.weight();
            weighted |= weight != 0;
            TrackedInterface t = new TrackedInterface(ref.name(), weight, ref.reverse() != null && ref.reverse());
            members.forEach(i -> i.builder.addTrackInterface(t));
        }
        for (TrackRef ref : g.scriptRefs) {
            Located<VrrpScriptConfig> found = parser.scripts.get(ref.name());
            if (found == null) {
                // keepalived/vrrp/vrrp_track.c alloc_track_script: "track script X not found, ignoring..."
                g.warn(ref.line(), "track_script: no vrrp_script named '" + ref.name() + "'"
                        + ConfigParser.suggestion(ref.name(), parser.scripts.keySet()) + ": not tracked, as keepalived does"
                        + " not track it");
                continue;
            }
            parser.usedScripts.add(ref.name());
            VrrpScriptConfig script = found.value();
            if (script == null) {
                continue;
            }
            int weight = ref.weight() != null ? ref.weight() : script.weight();
            boolean reverse = ref.reverse() != null ? ref.reverse() : script.reverse();
            weighted |= weight != 0;
            TrackedScript t = new TrackedScript(script, weight, reverse);
            members.forEach(i -> i.builder.addTrackScript(t));
        }
        for (TrackRef ref : g.fileRefs) {
            Located<TrackFileConfig> found = parser.trackFiles.get(ref.name());
            if (found == null) {
                g.warn(ref.line(), "track_file: no track_file named '" + ref.name() + "'"
                        + ConfigParser.suggestion(ref.name(), parser.trackFiles.keySet()) + ": not tracked, as keepalived does"
                        + " not track it");
                continue;
            }
            parser.usedTrackFiles.add(ref.name());
            TrackFileConfig tf = found.value();
            if (tf == null) {
                continue;
            }
            int weight = ref.weight() != null ? ref.weight() : tf.weight();
            boolean reverse = ref.reverse() != null ? ref.reverse() : tf.reverse();
            weighted |= weight != 0;
            TrackedFile t = new TrackedFile(tf, weight, reverse);
            members.forEach(i -> i.builder.addTrackFile(t));
        }
        return weighted;
    }

    /**
     * HOOK for track_process (vrrp_track_process blocks, implemented separately): resolve each name against the
     * parsed vrrp_track_process blocks and add the entry to every member, like track_script in
     * {@link #addTracking}. Until this build reads vrrp_track_process, no name can resolve, which is keepalived's
     * verdict for an unknown one too ("track process NAME not found").
     */
    private void resolveProcesses(SyncGroupScope g) {
        for (TrackRef ref : g.processRefs) {
            g.error(ref.line(), "track_process: no vrrp_track_process named '" + ref.name() + "'");
        }
    }
}
