package io.floatd.vrrp.track;

import io.floatd.vrrp.config.TrackProcessConfig;
import io.floatd.vrrp.config.TrackProcessConfig.ParamMatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;

/**
 * Whether one process matches a {@code vrrp_track_process}, by keepalived's rules. Pure.
 *
 * <ul>
 * <li>Without {@code full_command}, {@code process} must equal the process name exactly (the kernel's
 *     {@code comm}, as in {@code /proc/PID/stat}; at most 15 characters), like {@code pgrep '^NAME$'}.
 * <li>With it, {@code process} must equal the command's first word ({@code argv[0]} in
 *     {@code /proc/PID/cmdline}) exactly; then the arguments are compared as {@code param_match} says: not at all;
 *     exactly ({@code param_match} alone, or arguments given); the given ones first and more allowed
 *     ({@code partial}); or as partial, with the last given one only the start of the process's
 *     ({@code initial}).
 * </ul>
 */
public final class ProcessMatch {
    private ProcessMatch() {
    }

    /**
     * @param comm the process name, or null when not read
     * @param cmdline {@code /proc/PID/cmdline} (NUL after each word), at least {@link #cmdlineBytes} long when the
     *        process's is; null when not read
     */
    public static boolean matches(TrackProcessConfig c, String comm, byte[] cmdline) {
        if (!c.fullCommand()) {
            return comm != null && comm.equals(c.process());
        }
        if (cmdline == null) {
            return false;
        }
        int end = indexOfNul(cmdline);
        byte[] first = Arrays.copyOf(cmdline, end);
        if (!Arrays.equals(first, c.process().getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        if (c.paramMatch() == ParamMatch.NONE) {
            return true;
        }
        byte[] rest = end >= cmdline.length ? new byte[0] : Arrays.copyOfRange(cmdline, end + 1, cmdline.length);
        byte[] wanted = joined(c);
        return switch (c.paramMatch()) {
            case EXACT -> Arrays.equals(rest, wanted);
            case PARTIAL -> startsWith(rest, wanted, wanted.length);
            // the last word's NUL is not compared, so that word may continue
            case INITIAL -> wanted.length == 0 || startsWith(rest, wanted, wanted.length - 1);
            case NONE -> true;
        };
    }

    /** The configured arguments as they appear in cmdline: each followed by a NUL. */
    static byte[] joined(TrackProcessConfig c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : c.params()) {
            out.writeBytes(p.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /**
     * How much of a cmdline must be read to decide every {@code full_command} match: the longest configured
     * command with its arguments, plus one byte to see that a process's goes on. Reading no more spares swapping
     * in a long command line (keepalived does the same). 0 when no block uses the command line.
     */
    public static int cmdlineBytes(Collection<TrackProcessConfig> configs) {
        int max = 0;
        for (TrackProcessConfig c : configs) {
            if (c.fullCommand()) {
                max = Math.max(max, c.process().getBytes(StandardCharsets.UTF_8).length + 1 + joined(c).length + 1);
            }
        }
        return max;
    }

    private static int indexOfNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }

    private static boolean startsWith(byte[] b, byte[] prefix, int length) {
        return b.length >= length && Arrays.equals(b, 0, length, prefix, 0, length);
    }
}
