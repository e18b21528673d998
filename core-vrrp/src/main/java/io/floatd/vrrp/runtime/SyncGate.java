package io.floatd.vrrp.runtime;

/**
 * What an instance in a {@code vrrp_sync_group} asks its group; called on the VRRP loop. keepalived's rule
 * (vrrp_sync_can_goto_master): a Backup whose Master_Down_Timer ran out becomes Master only when the other members
 * want to as well.
 */
public interface SyncGate {
    /** The group's name, for the held instance's log. */
    String group();

    /** {@code member}'s Master_Down_Timer ran out in BACKUP: may it become Master now? */
    boolean mayBecomeMaster(String member);

    /** {@code member}, a Backup, heard a Master it accepts: it no longer wants to become Master. */
    void heardMaster(String member);
}
