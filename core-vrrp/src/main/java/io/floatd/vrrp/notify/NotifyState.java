package io.floatd.vrrp.notify;

/** The states a notify script is told about; {@link #name()} is the word passed to the generic notify script. */
public enum NotifyState {
    MASTER,
    BACKUP,
    FAULT,
    /** The instance is being shut down (keepalived's {@code notify_stop}). */
    STOP
}
