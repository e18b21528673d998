package io.floatd.vrrp.config;

/** keepalived's {@code state}: where an instance starts, before the first advertisement decides. */
public enum InitialState {
    MASTER,
    BACKUP
}
