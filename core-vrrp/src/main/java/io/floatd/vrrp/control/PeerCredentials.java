package io.floatd.vrrp.control;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is at the other end of a connected Unix socket, as the kernel recorded it when the peer connected: not what
 * the peer says. {@code SO_PEERCRED} gives {@code struct ucred { pid_t pid; uid_t uid; gid_t gid; }} (effective ids);
 * {@code SO_PEERGROUPS} (Linux 4.13) the peer's supplementary groups.
 *
 * @param pid the peer's process id at connect time
 * @param uid its effective user id
 * @param gid its effective group id
 * @param groups its supplementary groups; empty when the kernel cannot tell ({@code ENOPROTOOPT})
 */
public record PeerCredentials(int pid, int uid, int gid, List<Integer> groups) {
    /** {@code struct ucred}: three 32-bit ints. */
    private static final int UCRED_SIZE = 12;
    /** NGROUPS_MAX on Linux. */
    private static final int MAX_GROUPS = 65536;

    public PeerCredentials {
        groups = List.copyOf(groups);
    }

    /** Reads the credentials of the peer of connected socket {@code fd}. */
    public static PeerCredentials of(int fd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ucred = arena.allocate(UCRED_SIZE, 4);
            Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_PEERCRED, ucred, "getsockopt SO_PEERCRED");
            return new PeerCredentials(ucred.get(JAVA_INT, 0), ucred.get(JAVA_INT, 4), ucred.get(JAVA_INT, 8),
                    groups(fd, arena));
        }
    }

    private static List<Integer> groups(int fd, Arena arena) throws NativeException {
        int capacity = 64;
        while (true) {
            MemorySegment buf = arena.allocate(4L * capacity, 4);
            int len;
            try {
                len = Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_PEERGROUPS, buf, "getsockopt SO_PEERGROUPS");
            } catch (NativeException e) {
                if (e.errno() == Libc.ENOPROTOOPT) {
                    return List.of(); // before Linux 4.13: only the primary group counts
                }
                if (e.errno() != Libc.ERANGE || capacity >= MAX_GROUPS) {
                    throw e;
                }
                capacity = MAX_GROUPS; // the needed length is in optlen, but one retry at the maximum is simpler
                continue;
            }
            List<Integer> out = new ArrayList<>(len / 4);
            for (int i = 0; i < len / 4; i++) {
                out.add(buf.getAtIndex(JAVA_INT, i));
            }
            return out;
        }
    }

    /** Whether the peer is in group {@code gid}, as its effective or a supplementary group. */
    public boolean inGroup(int gid) {
        return this.gid == gid || groups.contains(gid);
    }

    /** For log lines: {@code pid 1234 uid 65534 gid 65534}. */
    @Override
    public String toString() {
        return "pid " + pid + " uid " + Integer.toUnsignedString(uid) + " gid " + Integer.toUnsignedString(gid);
    }
}
