package io.floatd.vrrp.config;

import java.util.List;
import java.util.Objects;

/**
 * One {@code vrrp_sync_group}: instances that move together (all MASTER, all BACKUP, or all FAULT). The group's own
 * {@code track_interface}, {@code track_script} and {@code track_file} entries are not kept here: the parser adds
 * them to every member's tracking, as keepalived does.
 *
 * @param name the group's name
 * @param members the member instances' names, in the order of the {@code group} block (one or more: keepalived
 *     runs a group of one, with a warning)
 * @param notifyScripts the group's notify scripts: {@code notify_master} etc. run without arguments, {@code notify} with
 *     keepalived's {@code GROUP NAME STATE 0}
 * @param trackingWeight the members' tracking weights apply ({@code sync_group_tracking_weight}, or weights on the
 *     group's own tracking); without it a member's tracking can only put it in FAULT
 * @param file the file the block is in
 * @param line the line of {@code vrrp_sync_group}
 */
public record SyncGroupConfig(String name, List<String> members, NotifyScripts notifyScripts, boolean trackingWeight,
        String file, int line) {
    public SyncGroupConfig {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("vrrp_sync_group " + name + " needs at least one member");
        }
        notifyScripts = notifyScripts == null ? NotifyScripts.NONE : notifyScripts;
    }
}
