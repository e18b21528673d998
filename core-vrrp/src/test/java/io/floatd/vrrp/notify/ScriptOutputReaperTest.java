package io.floatd.vrrp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script that leaves a background child holding its stdout costs floatd nothing once the script has ended: no
 * thread blocked reading the child's pipe, no descriptor. (Before: two threads and a pipe per child, for as long
 * as the child lived.)
 */
@Timeout(120)
class ScriptOutputReaperTest {
    private static final int RUNS = 20;

    @TempDir
    Path dir;

    private static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aBackgroundChildHoldingStdoutKeepsNoDaemonThreadNorPipe() throws Exception {
        Path pgids = dir.resolve("pgids");
        Path children = dir.resolve("children");
        // the background sleep inherits stdout and stderr, so the pipe's write end outlives the script
        Path s = Scripts.write(dir, "bg.sh", "sleep 300 &\necho $! >> " + children + "\necho $$ >> " + pgids + "\necho done");
        ScriptRunner runner = new ScriptRunner(Duration.ofSeconds(10));
        try {
            // warm-up: the one reader thread and its eventfd, class loading, the JDK's process reaper
            assertTrue(runner.run(s.toString(), List.of()).succeeded());
            int threadsBefore = platformThreads();
            long fdsBefore = openFds();
            for (int i = 0; i < RUNS; i++) {
                ScriptResult r = runner.run(s.toString(), List.of());
                assertTrue(r.succeeded(), r.toString());
                assertEquals("done\n", r.output(), "output written before the script ended is kept");
            }
            int threadsAfter = platformThreads();
            long fdsAfter = openFds();
            System.out.printf("after %d scripts each leaving a child on stdout: threads %d -> %d, fds %d -> %d%n",
                    RUNS, threadsBefore, threadsAfter, fdsBefore, fdsAfter);
            List<String> alive = new ArrayList<>();
            for (String pid : Files.readAllLines(children)) {
                if (Scripts.alive(Long.parseLong(pid.trim()))) {
                    alive.add(pid);
                }
            }
            assertEquals(RUNS + 1, alive.size(), "the children still live, holding the pipe's write end");
            // the JDK's own process-reaper pool may keep an idle thread or two around
            assertTrue(threadsAfter - threadsBefore <= 2, "threads " + threadsBefore + " -> " + threadsAfter);
            assertTrue(fdsAfter - fdsBefore <= 1, "descriptors " + fdsBefore + " -> " + fdsAfter);
        } finally {
            if (Files.exists(pgids)) {
                for (String pgid : Files.readAllLines(pgids)) {
                    ProcessGroups.signal(Long.parseLong(pgid.trim()), ProcessGroups.SIGKILL);
                }
            }
        }
    }

    @Test
    void aChildThatWritesAfterTheScriptEndedIsNotReadNorWaitedFor() throws Exception {
        Path pgid = dir.resolve("pgid");
        // the child keeps writing; once the script is done, its writes must not reach our memory nor hold us
        Path s = Scripts.write(dir, "chatty.sh", "echo $$ > " + pgid + "\n(while :; do echo noise; sleep 0.01; done) &\necho done");
        try {
            long t0 = System.nanoTime();
            ScriptResult r = new ScriptRunner(Duration.ofSeconds(10)).run(s.toString(), List.of());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(r.succeeded(), r.toString());
            assertTrue(r.output().startsWith("done\n") || r.output().contains("done\n"), r.output());
            assertTrue(ms < 3_000, "took " + ms + " ms");
        } finally {
            ProcessGroups.signal(Scripts.readPid(pgid, Duration.ofSeconds(1)), ProcessGroups.SIGKILL);
        }
    }
}
