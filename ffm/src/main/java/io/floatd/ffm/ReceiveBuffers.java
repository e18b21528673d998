package io.floatd.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;

/**
 * The native memory one socket's receiver uses for poll and recvmsg, allocated once per transport rather than per
 * packet: a daemon with 255 instances at advert_int 0.1 receives 2550 packets a second, and a fresh 64 KiB buffer
 * for each was zeroed, malloc'd and freed every time. Not thread-safe: the transport's receive lock guards it. The
 * memory is freed with the transport, by the garbage collector.
 */
public final class ReceiveBuffers {
    /** Two struct pollfd { int fd; short events; short revents; }: the socket at 0, the wake-up eventfd at 8. */
    public final MemorySegment fds;
    /** The datagram buffer {@code recvmsg} writes into. */
    public final MemorySegment buf;
    /** The sender's address ({@code sockaddr_in6}-sized). */
    public final MemorySegment name;
    /** The ancillary data (cmsg) buffer. */
    public final MemorySegment control;
    /** The one {@code struct iovec}, pointing at {@link #buf}. */
    public final MemorySegment iov;
    /** The {@code struct msghdr} tying them together. */
    public final MemorySegment msg;

    /** Allocates the buffers for one socket and its wake-up eventfd. */
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

    /** Points {@link #msg} at the buffers again before a {@code recvmsg} (the kernel rewrites its lengths and flags). */
    public void reset() {
        Structs.resetMsghdr(msg, name, iov, control);
    }

    /** Whether the kernel cut the last datagram to fit {@link #buf} ({@code MSG_TRUNC}). */
    public boolean truncated() {
        return (msg.get(JAVA_INT, Structs.MSG_FLAGS) & Libc.MSG_TRUNC) != 0;
    }

    /** The length of the sender's address the kernel wrote to {@link #name}. */
    public int nameLength() {
        return msg.get(JAVA_INT, Structs.MSG_NAMELEN);
    }

    /** The sender's address from {@link #name}: a {@code sockaddr_in6} (with its scope) or a {@code sockaddr_in}. */
    public InetAddress sender(boolean ipv6) {
        return ipv6 ? Structs.inet6(name, 8, name.get(JAVA_INT, 24)) : Structs.inet4(name, 4);
    }

    /** {@code length} bytes of the datagram from {@code offset}, copied out of the reused buffer. */
    public byte[] bytes(int offset, int length) {
        return buf.asSlice(offset, length).toArray(JAVA_BYTE);
    }

    /**
     * The walk over the ancillary data (cmsg(3)) of the last {@code recvmsg}: where the data of the last control
     * message of {@code level} and {@code type} with at least {@code minData} bytes starts in {@link #control}, or
     * -1 when there is none. The walk stops at a header whose length is impossible.
     */
    public long cmsgData(int level, int type, int minData) {
        long found = -1;
        long controlLength = msg.get(JAVA_LONG, Structs.MSG_CONTROLLEN);
        for (long off = 0; off + Structs.CMSG_HDR <= controlLength; ) {
            long len = control.get(JAVA_LONG, off);
            if (len < Structs.CMSG_HDR || off + len > controlLength) {
                break;
            }
            if (control.get(JAVA_INT, off + 8) == level && control.get(JAVA_INT, off + 12) == type
                    && len >= Structs.CMSG_HDR + minData) {
                found = off + Structs.CMSG_HDR;
            }
            off += Structs.cmsgAlign(len);
        }
        return found;
    }

    /** The int at {@code offset} into the data of the last such control message (see {@link #cmsgData}), or {@code absent}. */
    public int cmsgInt(int level, int type, int minData, int offset, int absent) {
        long at = cmsgData(level, type, minData);
        return at < 0 ? absent : control.get(JAVA_INT, at + offset);
    }
}
