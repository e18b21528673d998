package io.floatd.vrrp.fsm;

/** An instance's state, named as keepalived logs and notifies them. */
public enum VrrpState {
    INIT, BACKUP, MASTER, FAULT, STOP
}
