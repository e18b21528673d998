package io.floatd.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The system call a thread of this JVM is blocked in, from {@code /proc/self/task/TID/syscall} (the number, then
 * the arguments): whether a thread sleeps in poll(2) with no timeout (poll's third argument -1, or ppoll's
 * timespec pointer NULL) is read from the kernel, not inferred from how long it slept.
 */
public final class BlockedCall {
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
    private static final long POLL = AARCH64 ? -1 : 7;
    private static final long PPOLL = AARCH64 ? 73 : 271;

    private BlockedCall() {
    }

    /** The {@code syscall} line of the thread named {@code name} (its comm, up to 15 characters), if any. */
    public static Optional<String> of(String name) throws IOException {
        String comm = name.length() > 15 ? name.substring(0, 15) : name;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).strip().equals(comm)) {
                        return Optional.of(Files.readString(t.resolve("syscall")).strip());
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Waits (up to 10 s, re-reading) until the thread named {@code name} is blocked in poll or ppoll, and answers
     * whether that call has no timeout; fails when it is never seen there.
     */
    public static boolean pollsWithoutTimeout(String name) throws IOException, InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        String last = "";
        while (System.nanoTime() < end) {
            Optional<String> line = of(name);
            if (line.isPresent()) {
                last = line.get();
                String[] f = last.split(" ");
                long nr = f[0].equals("running") ? -2 : Long.parseLong(f[0]);
                if (nr == POLL && f.length > 3) {
                    return Long.parseUnsignedLong(f[3].substring(2), 16) == 0xffffffffffffffffL
                            || Integer.parseUnsignedInt(f[3].substring(Math.max(2, f[3].length() - 8)), 16) == -1;
                }
                if (nr == PPOLL && f.length > 3) {
                    return Long.parseUnsignedLong(f[3].substring(2), 16) == 0;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("thread " + name + " was never seen in poll/ppoll; last: '" + last + "'");
    }
}
