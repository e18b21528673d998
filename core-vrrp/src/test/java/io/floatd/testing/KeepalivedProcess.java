package io.floatd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real keepalived (Debian's, from PATH) running one VRRP instance in the foreground inside a {@link Netns}.
 *
 * <p>Its configuration's {@code notify} line is replaced by a generated script that appends
 * {@code <epoch-ms> <STATE>} to a state file, which is how {@link #currentState()} and {@link #awaitState} see
 * transitions; the timestamps are wall-clock milliseconds ({@code date +%s%3N}), directly comparable with
 * {@link System#currentTimeMillis()}. Everything (configuration, pid files, log, state file) lives in a private
 * temporary directory that {@link #close()} deletes.
 *
 * <p>keepalived runs as two processes: the parent (the pid of {@code -p}, which is also the pid of the process
 * we spawn, since {@code ip netns exec} execs it) and the VRRP child it forks (the pid of {@code -r}). The parent
 * respawns a child that dies, and the child leaves gracefully (priority 0 advert) when the parent dies, so a
 * crash has to be simulated by stopping the parent before killing both: see {@link #kill9()}.
 */
public final class KeepalivedProcess implements AutoCloseable {
    /** What {@link #currentState()} reports before the first notification. */
    public static final String NO_STATE = "INIT";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** One notification: when it was written and the state keepalived announced. */
    public record StateChange(long epochMillis, String state) {
    }

    private final Netns netns;
    private final KeepalivedConf conf;
    private final Path dir;
    private final Path stateFile;
    private final Path logFile;
    private final Path pidFile;
    private final Path vrrpPidFile;
    private final Process process;

    private KeepalivedProcess(Netns netns, KeepalivedConf conf, Path dir, Process process) {
        this.netns = netns;
        this.conf = conf;
        this.dir = dir;
        this.stateFile = dir.resolve("states");
        this.logFile = dir.resolve("keepalived.log");
        this.pidFile = dir.resolve("keepalived.pid");
        this.vrrpPidFile = dir.resolve("vrrp.pid");
        this.process = process;
    }

    /**
     * Starts keepalived in {@code netns} with {@code conf} (whose notify line is overwritten) and waits until
     * both of its processes have written their pid files.
     */
    public static KeepalivedProcess start(Netns netns, KeepalivedConf conf) {
        Path dir;
        try {
            dir = Files.createTempDirectory("keepalived-" + conf.name() + "-");
            Path notify = dir.resolve("notify.sh");
            // $3 is the state: keepalived calls notify with INSTANCE <name> <STATE> <priority>
            Files.writeString(notify, "#!/bin/sh\necho \"$(date +%s%3N) $3\" >> " + dir.resolve("states") + "\n");
            Files.setPosixFilePermissions(notify, PosixFilePermissions.fromString("rwxr-xr-x"));
            conf.notify(notify.toString());
            conf.writeTo(dir.resolve("keepalived.conf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = List.of("keepalived", "--dont-fork", "--log-console", "--log-detail", "--vrrp",
                "-f", dir.resolve("keepalived.conf").toString(),
                "-p", dir.resolve("keepalived.pid").toString(),
                "-r", dir.resolve("vrrp.pid").toString());
        Process p = netns.spawn(cmd, dir.resolve("keepalived.log"));
        KeepalivedProcess k = new KeepalivedProcess(netns, conf, dir, p);
        try {
            k.awaitPids(START_TIMEOUT);
        } catch (RuntimeException | Error e) {
            k.close();
            throw e;
        }
        return k;
    }

    private void awaitPids(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (readPid(pidFile).isEmpty() || readPid(vrrpPidFile).isEmpty()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("keepalived exited " + process.exitValue() + " at startup:\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("keepalived wrote no pid files within " + timeout + ":\n" + log());
            }
            sleep(20);
        }
    }

    public Netns netns() {
        return netns;
    }

    public KeepalivedConf conf() {
        return conf;
    }

    /** The pid of the parent keepalived process. */
    public long pid() {
        return process.pid();
    }

    /** The pid of the VRRP child, if it is running. */
    public Optional<Long> vrrpPid() {
        return readPid(vrrpPidFile).filter(KeepalivedProcess::alive);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every notification so far, oldest first. */
    public List<StateChange> history() {
        List<StateChange> out = new ArrayList<>();
        if (!Files.exists(stateFile)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(stateFile)) {
                String[] f = line.trim().split(" ", 2);
                if (f.length == 2) {
                    out.add(new StateChange(Long.parseLong(f[0]), f[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // a line being written right now; the next poll sees it whole
        }
        return out;
    }

    /** The last state keepalived announced (MASTER, BACKUP, FAULT, STOP), or {@link #NO_STATE}. */
    public String currentState() {
        List<StateChange> h = history();
        return h.isEmpty() ? NO_STATE : h.getLast().state();
    }

    /**
     * Waits until the current state is {@code state} and returns the notification that announced it.
     *
     * @throws AssertionError with the log if it does not happen within {@code timeout}
     */
    public StateChange awaitState(String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<StateChange> h = history();
            if (!h.isEmpty() && h.getLast().state().equals(state)) {
                return h.getLast();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(conf.name() + " in " + netns + " did not reach " + state + " within "
                        + timeout + " (states " + h + "); keepalived log:\n" + log());
            }
            sleep(10);
        }
    }

    /**
     * Kills keepalived the way a crash or power loss would: no priority-0 advert, no notify, VIPs left in place.
     * The parent is stopped first, because it would otherwise respawn the VRRP child, and a child that outlives
     * its parent shuts down gracefully.
     */
    public void kill9() {
        if (!process.isAlive()) {
            return;
        }
        long parent = process.pid();
        Netns.runForResult(List.of("kill", "-STOP", Long.toString(parent)));
        List<ProcessHandle> victims = new ArrayList<>(process.descendants().toList());
        readPid(vrrpPidFile).flatMap(ProcessHandle::of).ifPresent(victims::add);
        victims.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitGone(victims, Duration.ofSeconds(5));
    }

    /** Graceful shutdown with SIGTERM (keepalived sends priority 0 and notifies STOP); kill9 if it lingers. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> victims = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                kill9();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill9();
        }
        awaitGone(victims, Duration.ofSeconds(5));
    }

    /** keepalived's console output so far. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** Kills keepalived (and anything it started) if still running, and deletes its temporary directory. */
    @Override
    public void close() {
        kill9();
        // a straggler (e.g. a notify script that daemonised) would still name our directory on its command line
        ProcessHandle.allProcesses()
                .filter(ph -> ph.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temporary directory
        }
    }

    private static void awaitGone(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle h : handles) {
            while (alive(h.pid()) && System.nanoTime() < deadline) {
                sleep(10);
            }
        }
    }

    /**
     * Alive and not a zombie. Orphans are re-parented to pid 1, which in a container may never reap them, so
     * {@link ProcessHandle#isAlive()} alone would report a killed child as running forever.
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<Long> readPid(Path file) {
        try {
            String s = Files.exists(file) ? Files.readString(file).trim() : "";
            return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "keepalived " + conf.name() + " in " + netns + " (pid " + process.pid() + ")";
    }
}
