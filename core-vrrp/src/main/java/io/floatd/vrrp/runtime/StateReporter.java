package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.files.AtomicFile;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.notify.NotifyFifo;
import io.floatd.vrrp.notify.NotifyState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells the outside world each instance's state: keepalived's {@code notify_fifo} lines, floatd's global
 * {@code state_file} (one line per instance: {@code VI_1 MASTER 150 2025-01-01T10:00:00.123Z}, the time it
 * entered that state) and per-instance {@code state_file} (the state word on its first line, as notify scripts write
 * {@code /var/run/keepalived.state} today).
 *
 * <p>An instance handed over ({@code floatd handover}, until {@code floatd resume}) is <em>held</em>: its line in the
 * global file gains a fifth field {@code held}, and its own file a second line {@code held}. Both are absent otherwise,
 * so a file is byte for byte what it was before handovers existed, and a reader of the first line or the first four
 * fields sees the keepalived-style state either way.
 *
 * <p>{@link #onTransition} only queues: FIFOs and files are written by this reporter's own thread, files
 * atomically and never through a link ({@link AtomicFile}), so a reader sees the old content or the new, never a
 * partial file. State files are written once at start too, so none is left from an earlier run. A state file's
 * directory that other users can write is warned about once.
 */
public final class StateReporter implements TransitionListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.state");
    /** Transitions queued beyond this are dropped (and counted) rather than grow the heap while a disk hangs. */
    static final int MAX_QUEUED = 10_000;
    /** State files are for anyone to read: monitoring often runs as another user. */
    static final int STATE_FILE_MODE = 0644;

    private record Entry(VrrpState state, int priority, Instant since, boolean held) {
    }

    /** An instance's state when a reload makes a new reporter, so the files say what is true at once. */
    public record Current(VrrpState state, int priority, Instant since, boolean held) {
    }

    private final List<NotifyFifo> fifos = new ArrayList<>();
    private final Path stateFile;
    private final Map<String, Path> instanceFiles = new LinkedHashMap<>();
    /** Instances with notify_priority_changes: their priority changes go to the FIFOs too. */
    private final Set<String> priorityNotified = new HashSet<>();
    private final FifoScripts fifoScripts;
    /** Every instance's last state, in configuration order; touched by the writer thread only. */
    private final Map<String, Entry> table = new LinkedHashMap<>();
    private final ExecutorService writer =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("state-report").daemon(true).factory());
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong overflow = new AtomicLong();
    private final AtomicLong fileFailures = new AtomicLong();
    /** The state files' directories checked for other users' write access; touched by the writer thread only. */
    private final Set<Path> checkedDirs = new HashSet<>();

    private StateReporter(FloatdConfig config, Map<String, Current> current) {
        this.stateFile = config.global().stateFile();
        Instant now = Instant.now();
        for (InstanceConfig ic : config.instances()) {
            Current c = current.get(ic.name());
            table.put(ic.name(), c == null ? new Entry(VrrpState.INIT, ic.priority(), now, false)
                    : new Entry(c.state(), c.priority(), c.since(), c.held()));
            if (ic.stateFile() != null) {
                instanceFiles.put(ic.name(), ic.stateFile());
            }
            if (ic.notifyPriorityChanges()) {
                priorityNotified.add(ic.name());
            }
        }
        this.fifoScripts = new FifoScripts(config.global());
        writer.execute(() -> {
            config.global().notifyFifos().forEach(p -> fifos.add(new NotifyFifo(p)));
            // keepalived starts a fifo's script once the fifo exists, with its path as the last argument
            fifoScripts.start();
            writeGlobal();
            instanceFiles.keySet().forEach(this::writeOwn);
        });
    }

    /** A reporter for what the configuration asks, or {@code null} when it asks for nothing. */
    public static StateReporter create(FloatdConfig config) {
        return create(config, Map.of());
    }

    /**
     * The same for a reload: the instances in {@code current} start from their state now (the others from INIT), and
     * every file is written at once with it.
     */
    public static StateReporter create(FloatdConfig config, Map<String, Current> current) {
        boolean any = !config.global().notifyFifos().isEmpty() || config.global().stateFile() != null
                || config.instances().stream().anyMatch(i -> i.stateFile() != null);
        return any ? new StateReporter(config, current) : null;
    }

    @Override
    public void onTransition(Transition t) {
        Instant since = Instant.now();
        enqueue(() -> report(t, since));
    }

    @Override
    public void onHeldChanged(String instance, boolean held) {
        enqueue(() -> {
            Entry e = table.get(instance);
            if (e == null || e.held() == held) {
                return;
            }
            table.put(instance, new Entry(e.state(), e.priority(), e.since(), held));
            writeGlobal();
            writeOwn(instance);
        });
    }

    @Override
    public void onPriorityChanged(String instance, VrrpState state, int priority) {
        if (!priorityNotified.contains(instance)) {
            return;
        }
        String line = NotifyFifo.priorityLine(instance, state == VrrpState.MASTER, priority);
        enqueue(() -> fifos.forEach(f -> f.write(line)));
    }

    /** A vrrp_sync_group changed state: keepalived's {@code GROUP "NAME" STATE 0} line to every notify_fifo. */
    public void onGroupState(String group, NotifyState state) {
        String line = NotifyFifo.groupLine(group, state);
        enqueue(() -> fifos.forEach(f -> f.write(line)));
    }

    private void enqueue(Runnable work) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            overflow.incrementAndGet();
            return;
        }
        try {
            writer.execute(() -> {
                queued.decrementAndGet();
                work.run();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.decrementAndGet(); // closed
        }
    }

    private void report(Transition t, Instant since) {
        NotifyState fifoState = switch (t.to()) {
            case MASTER -> NotifyState.MASTER;
            case BACKUP -> NotifyState.BACKUP;
            case FAULT -> NotifyState.FAULT;
            case STOP -> NotifyState.STOP;
            case INIT -> null;
        };
        if (fifoState != null) {
            // keepalived 2.2.7 writes a stopping Master's own priority, not the 0 of its last advert
            String line = NotifyFifo.line(t.instance(), fifoState, t.priority());
            fifos.forEach(f -> f.write(line));
        }
        Entry before = table.get(t.instance());
        table.put(t.instance(), new Entry(t.to(), t.priority(), since, before != null && before.held()));
        writeGlobal();
        writeOwn(t.instance());
    }

    private void writeOwn(String instance) {
        Path own = instanceFiles.get(instance);
        Entry e = table.get(instance);
        if (own != null && e != null) {
            writeAtomically(own, e.state() + "\n" + (e.held() ? "held\n" : ""));
        }
    }

    private void writeGlobal() {
        if (stateFile == null) {
            return;
        }
        var text = new StringBuilder();
        table.forEach((name, e) -> text.append(name).append(' ').append(e.state()).append(' ').append(e.priority())
                .append(' ').append(e.since()).append(e.held() ? " held" : "").append('\n'));
        writeAtomically(stateFile, text.toString());
    }

    private void writeAtomically(Path file, String content) {
        Path dir = file.toAbsolutePath().getParent();
        if (checkedDirs.add(dir)) {
            AtomicFile.unsafeDirectory(dir).ifPresent(why -> LOG.log(Level.WARNING, "state_file {0}: directory {1}: {2}, "
                    + "so another user can replace the file floatd writes; keep state files in a directory only root "
                    + "can write, such as /run/floatd (logged once)", file, dir, why));
        }
        try {
            AtomicFile.write(file, content.getBytes(StandardCharsets.UTF_8), STATE_FILE_MODE);
        } catch (IOException | RuntimeException e) {
            if (fileFailures.getAndIncrement() == 0) {
                LOG.log(Level.WARNING, "state_file {0}: cannot write it: {1} (logged once)", file, e.getMessage());
            }
        }
    }

    /** The FIFOs written, for their counters. */
    public List<NotifyFifo> fifos() {
        sync();
        return List.copyOf(fifos);
    }

    /** Transitions not reported because the queue was full. */
    public long overflow() {
        return overflow.get();
    }

    /** State file writes that failed. */
    public long fileFailures() {
        return fileFailures.get();
    }

    /** Waits (at most 5 s) until everything queued so far is written; for tests and status. */
    public boolean sync() {
        try {
            return writer.submit(() -> { }).get(5, TimeUnit.SECONDS) == null;
        } catch (Exception e) {
            return false;
        }
    }

    /** Writes what is queued (at most 2 s), then closes the FIFOs. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.shutdownNow();
        fifos.forEach(NotifyFifo::close);
        fifoScripts.close();
    }
}
