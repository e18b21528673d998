package io.floatd.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An rtnetlink socket subscribed to the link group ({@code RTMGRP_LINK}): the kernel sends it an RTM_NEWLINK on
 * every change of a link (administrative state, carrier, operational state, name) and an RTM_DELLINK when one
 * goes, in the network namespace of the thread that opened it.
 */
public final class LinkNotifications {
    public static final int RTMGRP_LINK = 1;
    public static final int SOCK_NONBLOCK = 0x800;

    private LinkNotifications() {
    }

    /** A non-blocking NETLINK_ROUTE socket bound to {@code RTMGRP_LINK}. */
    public static int open() throws NativeException {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC | SOCK_NONBLOCK, Libc.NETLINK_ROUTE);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment nl = a.allocate(Structs.SOCKADDR_NL_SIZE, 4);
            nl.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            nl.set(JAVA_INT, 8, RTMGRP_LINK); // nl_groups
            Libc.bind(fd, nl, "bind rtnetlink link notifications");
            return fd;
        } catch (NativeException e) {
            Libc.closeQuietly(fd);
            throw e;
        }
    }
}
