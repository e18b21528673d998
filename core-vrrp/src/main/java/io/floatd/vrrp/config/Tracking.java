package io.floatd.vrrp.config;

import static io.floatd.vrrp.config.KeywordDispatch.suggestion;

import io.floatd.vrrp.config.Syntax.Statement;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Resolves the track_script, track_file and track_process names of the instances (and sync groups) against the
 * top-level blocks once the whole file is read, as keepalived does: an unknown name is tracked by no one and warned
 * about, a block nobody tracks is warned about too.
 */
final class Tracking {
    private final ConfigParser parser;

    Tracking(ConfigParser parser) {
        this.parser = parser;
    }

    /** One {@code track_process} line, {@code NAME [weight W [reverse|noreverse]]}, in an instance or a sync group. */
    static TrackRef trackProcessRef(Statement line) {
        return Values.trackRef(line, "track_process", TrackProcessConfig.MAX_WEIGHT);
    }

    /**
     * {@link #trackProcessRef}, noting a line read before the vrrp_track_process block it names: keepalived looks
     * the name up when it reads the line, so it reports such an entry as not found and runs without it.
     */
    TrackRef trackProcessRefHere(Statement line) {
        TrackRef ref = trackProcessRef(line);
        if (!parser.trackProcesses.containsKey(ref.name())) {
            processRefsBeforeBlock.add(ref);
        }
        return ref;
    }

    /** track_process lines read before their block ({@link #trackProcessRefHere}), by identity. */
    private final Set<TrackRef> processRefsBeforeBlock = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Resolves {@code track_process} lines against the {@code vrrp_track_process} blocks (all read by now) and
     * hands each to {@code add}; unknown names are errors in {@code scope}. For instances and sync groups.
     */
    void resolveTrackProcesses(List<TrackRef> refs, Scope scope, Consumer<TrackedProcess> add) {
        Set<String> seen = new HashSet<>();
        for (TrackRef ref : refs) {
            Located<TrackProcessConfig> found = parser.trackProcesses.get(ref.name());
            if (found == null) {
                // keepalived/vrrp/vrrp_track.c alloc_track_process: "track process X not found, ignoring..."
                scope.warn(ref.line(), "track_process: no vrrp_track_process named '" + ref.name() + "'"
                        + suggestion(ref.name(), parser.trackProcesses.keySet()) + ": not tracked, as keepalived does not track it");
                continue;
            }
            parser.usedTrackProcesses.add(ref.name());
            if (processRefsBeforeBlock.contains(ref)) {
                // keepalived: "track process NAME not found, ignoring...", and runs without it, as for an unknown name
                scope.warn(ref.line(), "track_process: vrrp_track_process " + ref.name() + " is defined at "
                        + parser.sources.where(found.line()) + ", after this line; keepalived looks the name up when it reads"
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

    /** Resolves the instance's track_script and track_file names once every block of the file is read. */
    void resolveTracking(InstanceScope i) {
        resolveScripts(i);
        resolveFiles(i);
        resolveTrackProcesses(i.processRefs, i, tp -> {
            i.weighted |= tp.weight() != 0;
            i.builder.addTrackProcess(tp);
        });
        if (i.weighted && i.priority == 255) {
            i.warn(i.line, "tracking weights are ignored for an address owner (priority 255), as in keepalived;"
                    + " only weight 0 (FAULT) applies");
        }
    }

    private void resolveScripts(InstanceScope i) {
        for (TrackRef ref : i.scriptRefs) {
            Located<VrrpScriptConfig> found = parser.scripts.get(ref.name());
            if (found == null || parser.scriptOrder.getOrDefault(ref.name(), 0) > i.order) {
                // keepalived looks the name up as it reads the line and runs the instance without it
                // (keepalived/vrrp/vrrp_track.c alloc_track_script: "track script X not found, ignoring...")
                i.warn(ref.line(), "track_script: " + (parser.droppedScripts.contains(ref.name())
                        ? "vrrp_script " + ref.name() + " was removed (no user to run it as)"
                        : found == null ? "no vrrp_script named '" + ref.name() + "'" + suggestion(ref.name(), parser.scripts.keySet())
                        : "vrrp_script " + ref.name() + " is defined after this vrrp_instance") + ": not tracked, as keepalived does not track it (\"track script not found,"
                        + " ignoring\")");
                continue;
            }
            VrrpScriptConfig script = found.value();
            parser.usedScripts.add(ref.name());
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
    }

    private void resolveFiles(InstanceScope i) {
        for (TrackRef ref : i.fileRefs) {
            Located<TrackFileConfig> found = parser.trackFiles.get(ref.name());
            if (found == null) {
                // keepalived/trackers/track_file.c: "track file X not found, ignoring..."
                i.warn(ref.line(), "track_file: no track_file named '" + ref.name() + "'" + suggestion(ref.name(), parser.trackFiles.keySet())
                        + ": not tracked, as keepalived does not track it");
                continue;
            }
            TrackFileConfig tf = found.value();
            parser.usedTrackFiles.add(ref.name());
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
    }

    void warnUnused() {
        parser.scripts.forEach((name, s) -> {
            if (!parser.usedScripts.contains(name)) {
                parser.warn(s.line(), "vrrp_script " + name + " is not tracked by any vrrp_instance, so it will not run");
            }
        });
        parser.trackFiles.forEach((name, t) -> {
            if (!parser.usedTrackFiles.contains(name)) {
                parser.warn(t.line(), "track_file " + name + " is not tracked by any vrrp_instance, so it will not be read");
            }
        });
        parser.trackProcesses.forEach((name, t) -> {
            if (!parser.usedTrackProcesses.contains(name)) {
                parser.warn(t.line(), "vrrp_track_process " + name + " is not tracked by any vrrp_instance, so it is not watched");
            }
        });
    }
}
