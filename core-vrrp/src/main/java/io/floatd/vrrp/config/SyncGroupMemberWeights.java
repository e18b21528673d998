package io.floatd.vrrp.config;

import io.floatd.vrrp.config.SyncGroupParser.SyncGroupScope;
import java.util.List;

/**
 * A member's own weighted tracking in a {@code vrrp_sync_group} without {@code sync_group_tracking_weight}, as
 * keepalived 2.2.7's daemon runs it ({@code vrrp_complete_instance} in vrrp.c: each case is reported, so
 * {@code keepalived -t} exits 5, and the instance runs): a weighted {@code track_interface} is kept with weight 0
 * (its loss means FAULT), a weighted {@code track_script} is dropped (not tracked at all), a {@code track_file} of
 * weight 1 (the default) gets weight 0 and one of another weight is dropped. floatd warns at the entry and does the
 * same. {@code track_process} is not in keepalived's check, so its weights stay. The group's own tracking is added
 * after this, as keepalived's sync_group_tracking_init runs after it.
 */
final class SyncGroupMemberWeights {
    private SyncGroupMemberWeights() {
    }

    static void apply(SyncGroupScope g, InstanceScope i) {
        String why = " (vrrp_sync_group " + g.name + " has no sync_group_tracking_weight)";
        i.builder.editTracking(interfaces -> interfaces.replaceAll(t -> {
            if (t.weight() == 0) {
                return t;
            }
            i.warn(i.line, "track_interface " + t.name() + " weight " + t.weight() + " runs with weight 0 (FAULT when it is"
                    + " down), as keepalived does" + why);
            return new TrackedInterface(t.name(), 0, false);
        }), scripts -> scripts.removeIf(t -> {
            if (t.weight() == 0) {
                return false;
            }
            i.warn(line(i.scriptRefs, t.name(), i.line), "track_script " + t.name() + " weight " + t.weight()
                    + " is not tracked at all, as keepalived drops it" + why + "; give it weight 0 to make it a FAULT"
                    + " condition");
            return true;
        }), files -> {
            files.replaceAll(t -> {
                if (t.weight() != TrackFileConfig.DEFAULT_WEIGHT) {
                    return t;
                }
                i.warn(line(i.fileRefs, t.name(), i.line), "track_file " + t.name() + " runs with weight 0 instead of its"
                        + " default 1, as keepalived does" + why + "; write 'weight 0'");
                return new TrackedFile(t.file(), 0, t.reverse());
            });
            files.removeIf(t -> {
                if (t.weight() == 0) {
                    return false;
                }
                i.warn(line(i.fileRefs, t.name(), i.line), "track_file " + t.name() + " weight " + t.weight()
                        + " is not tracked at all, as keepalived drops it" + why + "; give it weight 0 to make it a FAULT"
                        + " condition");
                return true;
            });
        });
    }

    private static int line(List<TrackRef> refs, String name, int otherwise) {
        return refs.stream().filter(r -> r.name().equals(name)).findFirst().map(TrackRef::line).orElse(otherwise);
    }
}
