package io.floatd.vrrp.track;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One message of the kernel's process events connector ({@code linux/cn_proc.h}), decoded. The kernel sends one
 * event per netlink message: {@code nlmsghdr} (16 bytes), {@code cn_msg} (20), then {@code proc_event}: what
 * (4), cpu (4), timestamp (8), and the event's data, in host byte order.
 *
 * @param what the event
 * @param pid the task the event is about (for FORK: the child's); a thread's id when {@code pid != tgid}
 * @param tgid its process (thread group)
 * @param parentTgid FORK: the parent's process; else 0
 * @param comm COMM: the new name; else null
 * @param error ACK: the kernel's answer to the subscription (0, or an errno such as EPERM)
 */
public record ProcEvent(What what, int pid, int tgid, int parentTgid, String comm, int error) {
    /** The events floatd acts on; the rest (uid, gid, sid, ptrace, coredump) are OTHER. */
    public enum What { ACK, FORK, EXEC, COMM, EXIT, OTHER, NOT_PROC }

    static final int NLMSG_HDRLEN = 16;
    static final int CN_MSG_LEN = 20;
    static final int CN_IDX_PROC = 1;
    static final int CN_VAL_PROC = 1;
    static final int PROC_EVENT_NONE = 0;
    static final int PROC_EVENT_FORK = 0x1;
    static final int PROC_EVENT_EXEC = 0x2;
    static final int PROC_EVENT_COMM = 0x200;
    static final int PROC_EVENT_EXIT = 0x80000000;
    /** Offset of proc_event's data from the netlink header: 16 + 20 + what, cpu, timestamp. */
    static final int DATA = NLMSG_HDRLEN + CN_MSG_LEN + 16;
    /** The shortest message holding any event floatd reads (COMM: pid, tgid, 16-byte name). */
    static final int MIN_LENGTH = DATA + 24;

    /** A thread's event rather than a process's. */
    public boolean thread() {
        return pid != tgid;
    }

    /**
     * Decodes the message of {@code length} bytes at the start of {@code buf}.
     *
     * @return the event, or one of kind NOT_PROC for anything that is not a complete proc connector event
     */
    public static ProcEvent decode(ByteBuffer buf, int length) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.nativeOrder());
        if (length < DATA + 8 || b.getInt(0) < DATA + 8 || b.getInt(NLMSG_HDRLEN) != CN_IDX_PROC
                || b.getInt(NLMSG_HDRLEN + 4) != CN_VAL_PROC) {
            return new ProcEvent(What.NOT_PROC, 0, 0, 0, null, 0);
        }
        int what = b.getInt(NLMSG_HDRLEN + CN_MSG_LEN);
        return switch (what) {
            case PROC_EVENT_NONE -> new ProcEvent(What.ACK, 0, 0, 0, null, b.getInt(DATA));
            case PROC_EVENT_FORK -> length < DATA + 16 ? notProc()
                    : new ProcEvent(What.FORK, b.getInt(DATA + 8), b.getInt(DATA + 12), b.getInt(DATA + 4), null, 0);
            case PROC_EVENT_EXEC -> new ProcEvent(What.EXEC, b.getInt(DATA), b.getInt(DATA + 4), 0, null, 0);
            case PROC_EVENT_EXIT -> new ProcEvent(What.EXIT, b.getInt(DATA), b.getInt(DATA + 4), 0, null, 0);
            case PROC_EVENT_COMM -> length < MIN_LENGTH ? notProc()
                    : new ProcEvent(What.COMM, b.getInt(DATA), b.getInt(DATA + 4), 0, comm(b, DATA + 8), 0);
            default -> new ProcEvent(What.OTHER, 0, 0, 0, null, 0);
        };
    }

    private static ProcEvent notProc() {
        return new ProcEvent(What.NOT_PROC, 0, 0, 0, null, 0);
    }

    private static String comm(ByteBuffer b, int offset) {
        int n = 0;
        while (n < 16 && b.get(offset + n) != 0) {
            n++;
        }
        byte[] name = new byte[n];
        b.get(offset, name);
        return new String(name, StandardCharsets.UTF_8);
    }
}
