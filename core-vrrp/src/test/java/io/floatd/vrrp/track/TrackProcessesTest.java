package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Netns;
import io.floatd.vrrp.config.TrackProcessConfig;
import io.floatd.vrrp.config.TrackProcessConfig.ParamMatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker against real processes: a copy of {@code sleep} under a name no other process has is started and
 * killed, and the verdicts that reach the listener are checked, through the kernel's process events and through the
 * /proc scan used without them. Bounds are generous: the machine is shared.
 */
class TrackProcessesTest {
    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killAll() {
        started.forEach(Process::destroyForcibly);
    }

    /** A copy of sleep named {@code fdtp} + 6 digits: its process name is that (10 characters, under comm's 15). */
    private Path distinctSleep() throws IOException {
        String name = "fdtp" + ThreadLocalRandom.current().nextInt(100000, 1000000);
        Path copy = dir.resolve(name);
        Files.copy(Path.of("/bin/sleep"), copy, StandardCopyOption.COPY_ATTRIBUTES);
        return copy;
    }

    private Process start(Path program, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(program.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        started.add(p);
        return p;
    }

    private record Verdict(boolean up, String detail, int count) {
    }

    private static LinkedBlockingQueue<Verdict> listen(TrackProcesses t, String name) {
        LinkedBlockingQueue<Verdict> q = new LinkedBlockingQueue<>();
        t.addListener(name, (up, detail, count) -> q.add(new Verdict(up, detail, count)));
        return q;
    }

    private static Verdict next(LinkedBlockingQueue<Verdict> q) throws InterruptedException {
        Verdict v = q.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(v, "no verdict within " + WAIT_SECONDS + " s");
        return v;
    }

    private static TrackProcessConfig byCommand(String name, Path program, String... params) {
        return new TrackProcessConfig(name, program.toString(), List.of(params), ParamMatch.EXACT, true, 0, false, 1,
                TrackProcessConfig.NO_MAXIMUM, Duration.ZERO, Duration.ZERO, 0);
    }

    @Test
    void kernelEventsReportAStartedAndAKilledProcessByNameAndByCommandLine() throws Exception {
        Netns.requireRoot(); // the connector needs CAP_NET_ADMIN
        Path sleep = distinctSleep();
        TrackProcessConfig byName = TrackProcessConfig.of("by_name", sleep.getFileName().toString());
        TrackProcessConfig byArgs = byCommand("by_args", sleep, "300");
        try (TrackProcesses t = new TrackProcesses(List.of(byName, byArgs))) {
            assertEquals(TrackProcesses.Mode.CONNECTOR, t.mode());
            assertFalse(t.up("by_name"));
            LinkedBlockingQueue<Verdict> names = listen(t, "by_name");
            LinkedBlockingQueue<Verdict> args = listen(t, "by_args");
            t.start();

            // other arguments: the name matches, the exact command line does not
            Process other = start(sleep, "301");
            Verdict up = next(names);
            assertTrue(up.up());
            assertEquals(1, up.count());
            assertTrue(args.isEmpty(), args.toString());

            Process p = start(sleep, "300");
            assertTrue(next(args).up());
            assertEquals(2, t.count("by_name"));

            other.destroyForcibly().waitFor();
            p.destroyForcibly().waitFor();
            Verdict down = next(names);
            assertFalse(down.up());
            assertEquals("quorum lost: 0 processes, quorum at least 1", down.detail());
            assertFalse(next(args).up());
            assertTrue(t.stats().events() > 0);
            // threads start and end all the time (this JVM's too): the kernel filters their events out
            Thread.ofPlatform().start(() -> { }).join();
            assertEquals(0, t.stats().threadEvents(), t.stats().toString());
        }
    }

    @Test
    void theScanWithoutKernelEventsReportsTheSame() throws Exception {
        Path sleep = distinctSleep();
        Process early = start(sleep, "300");
        TrackProcessConfig two = new TrackProcessConfig("two", sleep.getFileName().toString(), List.of(), ParamMatch.NONE,
                false, 0, false, 2, TrackProcessConfig.NO_MAXIMUM, Duration.ZERO, Duration.ZERO, 0);
        // the process is running before the tracker starts: the first scan finds it
        awaitRunning(early);
        try (TrackProcesses t = new TrackProcesses(List.of(two), Path.of("/proc"), false, System::nanoTime,
                Duration.ofMillis(100))) {
            assertEquals(TrackProcesses.Mode.SCAN, t.mode());
            assertEquals(1, t.count("two"));
            assertFalse(t.up("two"));
            LinkedBlockingQueue<Verdict> q = listen(t, "two");
            t.start();
            start(sleep, "300");
            Verdict up = next(q);
            assertTrue(up.up());
            assertEquals(2, up.count());
            early.destroyForcibly().waitFor();
            assertFalse(next(q).up());
            assertTrue(t.stats().scans() > 1);
        }
    }

    @Test
    void insideAnotherNetworkNamespaceTheEventsComeThroughTheInitialOne() throws Exception {
        Netns.requireRoot();
        Path sleep = distinctSleep();
        TrackProcessConfig byName = TrackProcessConfig.of("by_name", sleep.getFileName().toString());
        try (Netns ns = Netns.create("tpn");
                TrackProcesses t = ns.runInside(() -> new TrackProcesses(List.of(byName)))) {
            assertEquals(TrackProcesses.Mode.CONNECTOR, t.mode());
            LinkedBlockingQueue<Verdict> q = listen(t, "by_name");
            t.start();
            Process p = start(sleep, "300");
            assertTrue(next(q).up());
            p.destroyForcibly().waitFor();
            assertFalse(next(q).up());
        }
    }

    @Test
    void terminateDelayKeepsTheQuorumThroughARestart() throws Exception {
        Netns.requireRoot();
        Path sleep = distinctSleep();
        Process first = start(sleep, "300");
        awaitRunning(first);
        TrackProcessConfig c = new TrackProcessConfig("tp", sleep.getFileName().toString(), List.of(), ParamMatch.NONE,
                false, 0, false, 1, TrackProcessConfig.NO_MAXIMUM, Duration.ZERO, Duration.ofSeconds(30), 0);
        try (TrackProcesses t = new TrackProcesses(List.of(c))) {
            assertTrue(t.up("tp"));
            LinkedBlockingQueue<Verdict> q = listen(t, "tp");
            t.start();
            first.destroyForcibly().waitFor();
            awaitCount(t, "tp", 0);
            assertTrue(t.up("tp"), "held by terminate_delay");
            Process second = start(sleep, "300");
            awaitCount(t, "tp", 1);
            assertTrue(t.up("tp"));
            assertTrue(q.isEmpty(), "the restart within terminate_delay is never reported: " + q);
            second.destroyForcibly().waitFor();
        }
    }

    private static void awaitCount(TrackProcesses t, String name, int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (t.count(name) != count) {
            assertTrue(System.nanoTime() < end, "count of " + name + " stayed " + t.count(name) + ", expected " + count);
            Thread.sleep(20);
        }
    }

    /** Until the process has exec'd the copy (its name is the copy's), so a scan can see it. */
    private static void awaitRunning(Process p) throws Exception {
        Path comm = Path.of("/proc/" + p.pid() + "/comm");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!Files.readString(comm).strip().startsWith("fdtp")) {
            assertTrue(System.nanoTime() < end, "process " + p.pid() + " did not start");
            Thread.sleep(10);
        }
    }
}
