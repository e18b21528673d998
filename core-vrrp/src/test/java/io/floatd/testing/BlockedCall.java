package io.floatd.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The system call a thread of this JVM is blocked in, from {@code /proc/self/task/TID/syscall} (the number, then
 * the arguments): whether a thread sleeps in poll(2) or epoll_wait(2) with no timeout (poll's third argument -1,
 * ppoll's timespec pointer NULL, epoll_wait's fourth argument -1) is read from the kernel, not inferred from how long
 * it slept.
 */
public final class BlockedCall {
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
    private static final long POLL = AARCH64 ? -1 : 7;
    private static final long PPOLL = AARCH64 ? 73 : 271;
    private static final long EPOLL_WAIT = AARCH64 ? -1 : 232;
    private static final long EPOLL_PWAIT = AARCH64 ? 22 : 281;

    private BlockedCall() {
    }

    /**
     * The {@code syscall} line of the thread named {@code name} (its comm, up to 15 characters), if any; a name
     * ending in {@code *} matches any thread whose name starts with what comes before it.
     */
    public static Optional<String> of(String name) throws IOException {
        boolean prefix = name.endsWith("*");
        String bare = prefix ? name.substring(0, name.length() - 1) : name;
        String comm = bare.length() > 15 ? bare.substring(0, 15) : bare;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String c = Files.readString(t.resolve("comm")).strip();
                    if (prefix ? c.startsWith(comm) : c.equals(comm)) {
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
     * Waits (up to 10 s, re-reading) until the thread named {@code name} is blocked in poll, ppoll, epoll_wait or
     * epoll_pwait, and answers
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
                    return minusOne(f[3]);
                }
                if ((nr == EPOLL_WAIT || nr == EPOLL_PWAIT) && f.length > 4) {
                    return minusOne(f[4]);
                }
                if (nr == PPOLL && f.length > 3) {
                    return Long.parseUnsignedLong(f[3].substring(2), 16) == 0;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("thread " + name + " was never seen in poll/epoll_wait; last: '" + last + "'");
    }

    /** An int argument -1 in a register (0xffffffff, sign-extended or not). */
    private static boolean minusOne(String hex) {
        return Integer.parseUnsignedInt(hex.substring(Math.max(2, hex.length() - 8)), 16) == -1;
    }
}
