package io.floatd.ffm.netlink;

import io.floatd.ffm.NativeException;

/**
 * An interface address that could not be looked up, added or removed: the errno and reason of the call that failed
 * (the kernel's netlink explanation included), and the address. Its message reads
 * {@code "add 10.0.0.100/32 to eth9: No such device"}.
 */
public final class AddressException extends NativeException {
    private final String action;
    private final InterfaceAddress address;
    private final String reason;

    AddressException(String action, InterfaceAddress address, NativeException cause) {
        super(action, cause.errno(), cause.reason());
        initCause(cause);
        this.action = action;
        this.address = address;
        this.reason = cause.reason();
    }

    /** What was being done, e.g. {@code "add 10.0.0.100/32 to eth9"} or {@code "list addresses"}. */
    public String action() {
        return action;
    }

    /** The address concerned, or null when the failure concerned them all (the kernel's address list). */
    public InterfaceAddress address() {
        return address;
    }

    @Override
    public String reason() {
        return reason;
    }
}
