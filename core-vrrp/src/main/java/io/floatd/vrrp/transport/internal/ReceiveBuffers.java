package io.floatd.vrrp.transport.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The native memory one socket's receiver uses for poll and recvmsg, allocated once per transport rather than per
 * packet: a daemon with 255 instances at advert_int 0.1 receives 2550 packets a second, and a fresh 64 KiB buffer
 * for each was zeroed, malloc'd and freed every time. Not thread-safe: the transport's receive lock guards it. The
 * memory is freed with the transport, by the garbage collector.
 */
public final class ReceiveBuffers {
    /** Two struct pollfd { int fd; short events; short revents; }: the socket at 0, the wake-up eventfd at 8. */
    public final MemorySegment fds;
    public final MemorySegment buf;
    public final MemorySegment name;
    public final MemorySegment control;
    public final MemorySegment iov;
    public final MemorySegment msg;

    public ReceiveBuffers(int socketFd, int wakeFd, int bufferSize, int controlSize) {
        Arena arena = Arena.ofAuto();
        fds = arena.allocate(16, 4);
        fds.set(JAVA_INT, 0, socketFd);
        fds.set(JAVA_SHORT, 4, Libc.POLLIN);
        fds.set(JAVA_INT, 8, wakeFd);
        fds.set(JAVA_SHORT, 12, Libc.POLLIN);
        buf = arena.allocate(bufferSize, 8);
        name = arena.allocate(Structs.SOCKADDR_IN6_SIZE, 8);
        control = arena.allocate(controlSize, 8);
        iov = arena.allocate(Structs.IOVEC);
        iov.set(ADDRESS, 0, buf);
        iov.set(JAVA_LONG, 8, buf.byteSize());
        msg = arena.allocate(Structs.MSGHDR);
    }
}
