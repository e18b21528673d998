package io.floatd.vrrp.transport.internal;

import java.io.IOException;

/** A failed libc call: {@link #errno()} and a message {@code "<what>: <strerror(errno)>"}. */
public class NativeException extends IOException {
    private final int errno;

    public NativeException(String what, int errno) {
        super(what + ": " + Libc.strerror(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** The bare {@code strerror} text, without the operation. */
    public String reason() {
        return Libc.strerror(errno);
    }
}
