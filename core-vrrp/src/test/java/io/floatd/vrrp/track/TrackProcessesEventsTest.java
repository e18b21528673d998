package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.TrackProcessConfig;
import io.floatd.vrrp.config.TrackProcessConfig.ParamMatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How kernel events move the counts, on a directory laid out like /proc and a clock the test moves: no kernel, no
 * real processes, no sleeping.
 */
class TrackProcessesEventsTest {
    private static final long S = 1_000_000_000L;

    @TempDir
    Path proc;

    private final AtomicLong now = new AtomicLong(1000 * S);
    private final List<String> heard = new ArrayList<>();

    /** A process as /proc shows it: stat (name, state), comm, cmdline. */
    private void process(int pid, String comm, char state, String... argv) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") " + state + " 1 1 1 0 -1\n");
        Files.writeString(dir.resolve("comm"), comm + "\n");
        Files.write(dir.resolve("cmdline"), argv.length == 0 ? new byte[0]
                : (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private void gone(int pid) throws IOException {
        Path dir = proc.resolve(Integer.toString(pid));
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private TrackProcesses tracker(TrackProcessConfig... configs) {
        TrackProcesses t = new TrackProcesses(List.of(configs), proc, false, now::get, Duration.ofSeconds(1));
        for (TrackProcessConfig c : configs) {
            t.addListener(c.name(), (up, detail, count) -> heard.add(c.name() + " " + (up ? "up" : "down") + " " + count));
        }
        return t;
    }

    private static TrackProcessConfig named(String name, String comm, int quorum, double forkDelay, double terminateDelay) {
        return new TrackProcessConfig(name, comm, List.of(), ParamMatch.NONE, false, 0, false, quorum,
                TrackProcessConfig.NO_MAXIMUM, Duration.ofNanos((long) (forkDelay * S)),
                Duration.ofNanos((long) (terminateDelay * S)), 0);
    }

    private static ProcEvent fork(int parent, int child) {
        return new ProcEvent(ProcEvent.What.FORK, child, child, parent, null, 0);
    }

    private static ProcEvent exec(int pid) {
        return new ProcEvent(ProcEvent.What.EXEC, pid, pid, 0, null, 0);
    }

    private static ProcEvent exit(int pid) {
        return new ProcEvent(ProcEvent.What.EXIT, pid, pid, 0, null, 0);
    }

    @Test
    void theStartingScanCountsMatchesAndSkipsZombies() throws Exception {
        process(10, "nginx", 'S', "nginx: master");
        process(11, "nginx", 'Z');
        process(12, "nginxd", 'S', "nginxd");
        try (TrackProcesses t = tracker(named("web", "nginx", 1, 0, 0))) {
            assertEquals(1, t.count("web"));
            assertTrue(t.up("web"));
        }
    }

    @Test
    void aForkedChildCountsLikeItsParentUntilItExecsSomethingElse() throws Exception {
        process(10, "nginx", 'S');
        try (TrackProcesses t = tracker(named("web", "nginx", 2, 0, 0))) {
            assertFalse(t.up("web"));
            t.apply(fork(10, 20), now.get());
            assertEquals(2, t.count("web"));
            assertEquals(List.of("web up 2"), heard);
            process(20, "sh", 'R', "/bin/sh");
            t.apply(exec(20), now.get());
            assertEquals(List.of("web up 2", "web down 1"), heard);
        }
    }

    @Test
    void aForkOfAnUntrackedProcessIsIgnored() throws Exception {
        process(10, "bash", 'S');
        try (TrackProcesses t = tracker(named("web", "nginx", 1, 0, 0))) {
            t.apply(fork(10, 20), now.get());
            assertEquals(0, t.count("web"));
        }
    }

    @Test
    void anExecIntoTheTrackedProgramCountsAtOnceEvenWithForkDelay() throws Exception {
        try (TrackProcesses t = tracker(named("web", "nginx", 1, 5, 5))) {
            process(30, "nginx", 'R', "/usr/sbin/nginx");
            t.apply(exec(30), now.get());
            assertEquals(List.of("web up 1"), heard);
        }
    }

    @Test
    void anExitWaitsTerminateDelayAndTheTickReportsIt() throws Exception {
        process(10, "nginx", 'S');
        try (TrackProcesses t = tracker(named("web", "nginx", 1, 0, 2))) {
            gone(10);
            t.apply(exit(10), now.get());
            t.tick(now.get() + S);
            assertTrue(t.up("web"));
            t.tick(now.get() + 2 * S);
            assertFalse(t.up("web"));
            assertEquals(List.of("web down 0"), heard);
        }
    }

    @Test
    void aRenameMovesANameTrackerButNotACommandLineTracker() throws Exception {
        process(10, "worker", 'S', "/usr/bin/worker");
        TrackProcessConfig byCmd = new TrackProcessConfig("cmd", "/usr/bin/worker", List.of(), ParamMatch.NONE, true, 0,
                false, 1, TrackProcessConfig.NO_MAXIMUM, Duration.ZERO, Duration.ZERO, 0);
        try (TrackProcesses t = tracker(named("name", "worker", 1, 0, 0), byCmd)) {
            assertTrue(t.up("name"));
            assertTrue(t.up("cmd"));
            t.apply(new ProcEvent(ProcEvent.What.COMM, 10, 10, 0, "Web Content", 0), now.get());
            assertFalse(t.up("name"));
            assertTrue(t.up("cmd"));
            t.apply(new ProcEvent(ProcEvent.What.COMM, 10, 10, 0, "worker", 0), now.get());
            assertTrue(t.up("name"));
        }
    }

    @Test
    void aThreadsEventsAreIgnoredAndCounted() throws Exception {
        process(10, "nginx", 'S');
        try (TrackProcesses t = tracker(named("web", "nginx", 1, 0, 0))) {
            // a thread of 10 ends: the process runs on
            t.apply(new ProcEvent(ProcEvent.What.EXIT, 11, 10, 0, null, 0), now.get());
            t.apply(new ProcEvent(ProcEvent.What.FORK, 12, 10, 10, null, 0), now.get());
            assertEquals(1, t.count("web"));
            assertEquals(2, t.stats().threadEvents());
        }
    }

    @Test
    void aRescanAfterLostEventsFindsWhatChanged() throws Exception {
        process(10, "nginx", 'S');
        try (TrackProcesses t = tracker(named("web", "nginx", 1, 0, 0))) {
            gone(10);
            process(40, "nginx", 'S');
            process(41, "nginx", 'S');
            t.rescan(now.get());
            assertEquals(2, t.count("web"));
            assertTrue(heard.isEmpty(), "still up: " + heard);
        }
    }

    @Test
    void withoutKernelEventsTheScanRunsEveryPeriod() throws Exception {
        try (TrackProcesses t = tracker(named("web", "nginx", 1, 0, 0))) {
            process(50, "nginx", 'S');
            t.tick(now.get() + S / 2);
            assertFalse(t.up("web"));
            t.tick(now.get() + S);
            assertTrue(t.up("web"));
        }
    }
}
