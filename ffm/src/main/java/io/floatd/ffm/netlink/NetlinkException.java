package io.floatd.ffm.netlink;

import io.floatd.ffm.NativeException;

/**
 * A netlink request the kernel refused: its errno, and the kernel's own explanation (the extended ACK's
 * {@code NLMSGERR_ATTR_MSG}) when it gave one, in {@link #reason()} and the message.
 */
public final class NetlinkException extends NativeException {
    private final String detail;

    /** @param detail the kernel's extended-ACK text, or null */
    public NetlinkException(String what, int errno, String detail) {
        super(what, errno, reason(errno, detail));
        this.detail = detail;
    }

    /** The kernel's extended-ACK text, or null when it gave none. */
    public String detail() {
        return detail;
    }

    /** {@code strerror}, plus the kernel's own explanation in parentheses when there is one. */
    @Override
    public String reason() {
        return reason(errno(), detail);
    }

    private static String reason(int errno, String detail) {
        String strerror = io.floatd.ffm.Libc.strerror(errno);
        return detail == null || detail.isEmpty() ? strerror : strerror + " (" + detail + ")";
    }
}
