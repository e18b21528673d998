package io.floatd.vrrp.track;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads processes from {@code /proc}: the PIDs, and per process its name and state ({@code /proc/PID/stat}) and,
 * only when some block needs it, the start of its command line ({@code /proc/PID/cmdline}, which may have to be
 * swapped in, so no more than needed is read). A process gone between listing and reading is skipped (counted).
 */
public final class ProcTable {
    /** One process as read: zombies never match (they are not running; keepalived skips them too). */
    public record Entry(int pid, String comm, boolean zombie, byte[] cmdline) {
    }

    private final Path root;
    private final int cmdlineBytes;
    private final AtomicLong vanished = new AtomicLong();

    /**
     * @param root {@code /proc}, or a directory laid out like it (tests)
     * @param cmdlineBytes how much of each command line to read; 0 to read none
     */
    public ProcTable(Path root, int cmdlineBytes) {
        this.root = root;
        this.cmdlineBytes = cmdlineBytes;
    }

    /** Every process's PID (thread-group ids: /proc lists no other threads). */
    public List<Integer> pids() {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
            for (Path p : dir) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.charAt(0) >= '1' && n.charAt(0) <= '9' && n.chars().allMatch(Character::isDigit)) {
                    try {
                        out.add(Integer.parseInt(n));
                    } catch (NumberFormatException e) {
                        // not a PID
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + root, e);
        }
        return out;
    }

    /** One process, or null if it is gone. */
    public Entry read(int pid) {
        Path dir = root.resolve(Integer.toString(pid));
        try {
            String stat = new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.UTF_8);
            // "PID (COMM) S ...": the name may itself hold ')' and spaces, the last ')' ends it
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open) {
                vanished.incrementAndGet();
                return null;
            }
            String comm = stat.substring(open + 1, close);
            char state = close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            byte[] cmdline = null;
            if (cmdlineBytes > 0) {
                try (InputStream in = Files.newInputStream(dir.resolve("cmdline"))) {
                    cmdline = in.readNBytes(cmdlineBytes);
                }
            }
            return new Entry(pid, comm, state == 'Z' || state == 'X', cmdline);
        } catch (IOException e) {
            vanished.incrementAndGet();
            return null;
        }
    }

    /**
     * A process that has just run a new program (an exec event), read more cheaply than {@link #read}: its name
     * from {@code /proc/PID/comm} (16 bytes) rather than the whole {@code stat} line, since it is running, not a
     * zombie; the name only when {@code comm} is wanted. This runs for every exec on the host.
     *
     * @return the process, or null if it is gone
     */
    public Entry readExec(int pid, boolean comm) {
        Path dir = root.resolve(Integer.toString(pid));
        try {
            String name = null;
            if (comm) {
                byte[] b = Files.readAllBytes(dir.resolve("comm"));
                int n = b.length > 0 && b[b.length - 1] == '\n' ? b.length - 1 : b.length;
                name = new String(b, 0, n, StandardCharsets.UTF_8);
            }
            byte[] cmdline = null;
            if (cmdlineBytes > 0) {
                try (InputStream in = Files.newInputStream(dir.resolve("cmdline"))) {
                    cmdline = in.readNBytes(cmdlineBytes);
                }
            }
            return new Entry(pid, name, false, cmdline);
        } catch (IOException e) {
            vanished.incrementAndGet();
            return null;
        }
    }

    /** Processes gone (or unreadable) between being listed or announced and being read. */
    public long vanished() {
        return vanished.get();
    }
}
