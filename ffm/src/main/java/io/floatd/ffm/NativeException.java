package io.floatd.ffm;

import java.io.IOException;

/**
 * A failed system call: its {@link #errno()}, and a message {@code "<what>: <strerror(errno)>"} where {@code what}
 * names the call and its object ({@code "interface eth9: No such device"}, {@code "bind 10.0.0.1: Cannot assign
 * requested address"}). Every call of this module that can fail throws it; callers decide on the errno.
 */
public class NativeException extends IOException {
    private final int errno;

    /** @param what the operation and its object, e.g. {@code "open /run/floatd.fifo"} */
    public NativeException(String what, int errno) {
        this(what, errno, Libc.strerror(errno));
    }

    /** For subclasses whose reason says more than {@code strerror} (e.g. the kernel's netlink explanation). */
    protected NativeException(String what, int errno, String reason) {
        super(what + ": " + reason);
        this.errno = errno;
    }

    /** The {@code errno} of the failed call ({@link Libc#ENODEV}, {@link Libc#EEXIST}, ...). */
    public int errno() {
        return errno;
    }

    /**
     * Whether trying again may help: a missing device, a refused permission or an invalid request does not heal by
     * itself; the rest (ENOBUFS, a busy kernel, a time-out) may.
     */
    public boolean transientFailure() {
        return switch (errno) {
            case Libc.EPERM, Libc.EACCES, Libc.ENODEV, Libc.ENXIO, Libc.EINVAL, Libc.EADDRNOTAVAIL -> false;
            default -> true;
        };
    }

    /** The bare {@code strerror} text, without the operation. */
    public String reason() {
        return Libc.strerror(errno);
    }
}
