package io.floatd.vrrp.control;

import io.floatd.vrrp.script.RunAs;

/**
 * Who may change the daemon's state through the control socket: root always; the members of one group when the
 * administrator names it ({@code run --control-group NAME}), as {@code docker.sock} admits group {@code docker}.
 *
 * @param group the group's name as given, or {@code null} for root only
 * @param gid the group's id, or -1 for root only
 */
public record ControlAccess(String group, int gid) {
    /** Root only. */
    public static final ControlAccess ROOT = new ControlAccess(null, -1);

    /**
     * Root and the members of {@code group} (a name, looked up as {@code getent group} does, or a number).
     *
     * @throws IllegalArgumentException naming a group that does not exist
     */
    public static ControlAccess rootOrGroup(String group) {
        if (group == null) {
            return ROOT;
        }
        if (group.matches("\\d{1,10}")) {
            return new ControlAccess(group, Integer.parseUnsignedInt(group));
        }
        int gid = RunAs.groupId(group)
                .orElseThrow(() -> new IllegalArgumentException("--control-group: group '" + group + "' does not exist"));
        return new ControlAccess(group, gid);
    }

    public boolean allows(PeerCredentials peer) {
        return peer.uid() == 0 || gid >= 0 && peer.inGroup(gid);
    }

    /** {@code root} or {@code root or members of group 'ops'}, for messages. */
    public String describe() {
        return group == null ? "root" : "root or members of group '" + group + "'";
    }
}
