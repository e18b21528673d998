package io.floatd.vrrp.config;

import io.floatd.vrrp.config.SyncGroupParser.SyncGroupScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which instances a {@code vrrp_sync_group} ends up with, as keepalived 2.2.7's daemon decides it
 * ({@code vrrp_complete_init} and {@code vrrp_sync_set_group} in vrrp_sync.c). Each case is reported by keepalived
 * ({@code keepalived -t} exits 5) while its daemon runs on, so floatd warns at the line and does the same:
 * <ul>
 * <li>no {@code group} list: "Sync group G has no virtual router(s). removing";</li>
 * <li>a name that is no vrrp_instance: "Virtual router X specified in sync group G doesn't exist - ignoring";</li>
 * <li>an instance already in an earlier group: "Virtual router X cannot exist in more than one sync group; ignoring
 * G" (it stays in the first);</li>
 * <li>no member left: "Sync group G, no matching virtual router found in group declaration - removing" (its
 * instances run alone);</li>
 * <li>one member left: "Sync group G has only 1 virtual router(s) - this probably isn't what you want" (the group
 * runs with that one member: it moves as it would alone, and the group's notify scripts and tracking apply).</li>
 * </ul>
 */
final class SyncGroupMembers {
    private SyncGroupMembers() {
    }

    /**
     * @param memberOf instance name to the group that took it, filled in as groups are resolved in file order
     * @return the group's members in the group's order; empty when the group is removed
     */
    static List<InstanceScope> resolve(SyncGroupScope g, ConfigParser parser, Map<String, SyncGroupScope> memberOf) {
        List<InstanceScope> members = new ArrayList<>();
        if (g.groupLine == null) {
            g.warn(g.line, "no 'group { INSTANCE ... }' list: the group is removed, as keepalived does (\"has no virtual"
                    + " router(s). removing\")");
            return members;
        }
        for (Located<String> m : g.members) {
            InstanceScope i = parser.instanceNames.get(m.value());
            if (i == null) {
                g.warn(m.line(), "no vrrp_instance named '" + m.value() + "'"
                        + KeywordDispatch.suggestion(m.value(), parser.instanceNames.keySet())
                        + ": left out of the group, as keepalived does (\"doesn't exist - ignoring\")");
                continue;
            }
            SyncGroupScope other = memberOf.putIfAbsent(m.value(), g);
            if (other != null) {
                g.warn(m.line(), "vrrp_instance " + m.value() + " is already in vrrp_sync_group " + other.name + " ("
                        + parser.sources.where(other.line) + "); an instance can be in one sync group only, so it stays"
                        + " there and is left out of this one, as keepalived does");
                continue;
            }
            members.add(i);
        }
        if (members.isEmpty()) {
            g.warn(g.groupLine, "none of the group's names is a vrrp_instance: the group is removed and its instances"
                    + " run alone, as keepalived does (\"no matching virtual router found\")");
        } else if (members.size() == 1) {
            g.warn(g.groupLine, "the group has only 1 vrrp_instance (" + members.getFirst().name + "): it runs as a group"
                    + " of one, as keepalived does (\"this probably isn't what you want\")");
        }
        return members;
    }
}
