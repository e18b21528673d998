package io.floatd.vrrp.track;

import io.floatd.ffm.NativeException;
import io.floatd.vrrp.config.TrackProcessConfig;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Every {@code vrrp_track_process} of the daemon: one scan of {@code /proc} at construction, then the kernel's
 * process events ({@link ProcConnector}) on a thread of its own, which sleeps in poll(2) until the kernel reports
 * a fork, exec, rename or exit, or a delay ends: no wake-ups while nothing happens. When the connector cannot be
 * used (no CAP_NET_ADMIN, a container's PID namespace, a kernel without CONFIG_PROC_EVENTS) it scans {@code /proc}
 * every {@link #SCAN_PERIOD} instead, and says so once in the log. Lost events (a full receive buffer) mean a
 * re-scan a second later, as in keepalived.
 *
 * <p>Verdicts ({@link ProcessQuorum}) go to the listeners from this thread; the instances' listeners only post
 * events to the VRRP loop, so the loop never waits for {@code /proc}.
 */
public final class TrackProcesses implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    /** How often {@code /proc} is scanned when the kernel's process events are not available. */
    public static final Duration SCAN_PERIOD = Duration.ofSeconds(1);
    /** How long after lost events the re-scan waits, for things to settle (keepalived: one second). */
    static final Duration RESCAN_DELAY = Duration.ofSeconds(1);

    /** Who hears about a block's verdict changes. */
    @FunctionalInterface
    public interface Listener {
        void changed(boolean up, String detail, int count);
    }

    /** How processes are seen. */
    public enum Mode { CONNECTOR, SCAN }

    /** Counters, for status output and tests. */
    public record Stats(Mode mode, long events, long threadEvents, long overflows, long scans, long vanished) {
    }

    private final Map<String, ProcessQuorum> quorums = new LinkedHashMap<>();
    private final Map<String, List<Listener>> listeners = new LinkedHashMap<>();
    private final ProcTable table;
    /** Whether any block matches process names (else an exec's name need not be read). */
    private final boolean byName;
    private final LongSupplier clock;
    private final long scanPeriod;
    private final ProcConnector connector;
    private final Object lock = new Object();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong threadEvents = new AtomicLong();
    private final AtomicLong overflows = new AtomicLong();
    private final AtomicLong scans = new AtomicLong();
    private boolean rescanPending;
    private long rescanAt;
    private long nextScan;
    private volatile boolean running;
    /** Set when the connector fails while running: from then on /proc is scanned, as without it. */
    private volatile boolean connectorFailed;
    private Thread thread;

    /** The daemon's: {@code /proc}, the connector if it can be had, the system clock. */
    public TrackProcesses(Collection<TrackProcessConfig> configs) {
        this(configs, Path.of("/proc"), true, System::nanoTime, SCAN_PERIOD);
    }

    /**
     * @param useConnector false to scan {@code /proc} every {@code scanPeriod} without trying the connector
     */
    TrackProcesses(Collection<TrackProcessConfig> configs, Path proc, boolean useConnector, LongSupplier clock,
            Duration scanPeriod) {
        this.table = new ProcTable(proc, ProcessMatch.cmdlineBytes(configs));
        this.byName = configs.stream().anyMatch(c -> !c.fullCommand());
        this.clock = clock;
        this.scanPeriod = scanPeriod.toNanos();
        ProcConnector c = null;
        if (useConnector) {
            try {
                // subscribed before the scan, so that nothing happening during the scan is missed
                c = ProcConnector.open();
                LOG.log(Level.INFO, "track_process: watching the kernel''s process events (socket in {0})", c.where());
            } catch (NativeException | RuntimeException e) {
                LOG.log(Level.WARNING, "track_process: the kernel''s process events are not available ({0});"
                        + " scanning /proc every {1} s instead", e.getMessage(), scanPeriod.toMillis() / 1000.0);
            }
        } else {
            LOG.log(Level.INFO, "track_process: scanning /proc every {0} s", scanPeriod.toMillis() / 1000.0);
        }
        this.connector = c;
        Map<String, List<Integer>> found = scan(configs);
        for (TrackProcessConfig tp : configs) {
            ProcessQuorum q = new ProcessQuorum(tp, found.get(tp.name()));
            quorums.put(tp.name(), q);
            listeners.put(tp.name(), new CopyOnWriteArrayList<>());
            LOG.log(Level.INFO, "Quorum {0} for tracked process {1} ({2} process{3} at start)",
                    q.up() ? "gained" : "lost", tp.name(), q.count(), q.count() == 1 ? "" : "es");
        }
        nextScan = clock.getAsLong() + this.scanPeriod;
    }

    private Map<String, List<Integer>> scan(Collection<TrackProcessConfig> configs) {
        scans.incrementAndGet();
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        configs.forEach(tp -> out.put(tp.name(), new ArrayList<>()));
        for (int pid : table.pids()) {
            ProcTable.Entry e = table.read(pid);
            if (e == null || e.zombie()) {
                continue;
            }
            for (TrackProcessConfig tp : configs) {
                if (ProcessMatch.matches(tp, e.comm(), e.cmdline())) {
                    out.get(tp.name()).add(pid);
                }
            }
        }
        return out;
    }

    public Mode mode() {
        return connector != null && !connectorFailed ? Mode.CONNECTOR : Mode.SCAN;
    }

    /** Whether the block's quorum holds (as reported: delays included). */
    public boolean up(String name) {
        synchronized (lock) {
            return quorums.get(name).up();
        }
    }

    /** How many processes match the block now. */
    public int count(String name) {
        synchronized (lock) {
            return quorums.get(name).count();
        }
    }

    public void addListener(String name, Listener l) {
        listeners.get(name).add(l);
    }

    public Stats stats() {
        return new Stats(mode(), events.get(), threadEvents.get(), overflows.get(), scans.get(), table.vanished());
    }

    /** The count against the quorum, as FAULT reasons and status show it. */
    public String detail(String name) {
        synchronized (lock) {
            return detailLocked(quorums.get(name));
        }
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        // a platform thread: it blocks in poll(2), which would pin a virtual thread's carrier
        thread = Thread.ofPlatform().name("track-process").daemon(true).start(this::loop);
    }

    private void loop() {
        try {
            while (running) {
                long now = clock.getAsLong();
                long wait = nanosToNext(now);
                if (mode() == Mode.CONNECTOR) {
                    try {
                        connector.await(wait < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000));
                        if (!running) {
                            return;
                        }
                        ProcConnector.Drain d = connector.drain(e -> apply(e, clock.getAsLong()));
                        if (d == ProcConnector.Drain.OVERFLOW) {
                            overflowed();
                        }
                    } catch (NativeException e) {
                        // never keep a verdict nobody updates: scan from now on
                        LOG.log(Level.ERROR, "track_process: reading the kernel''s process events failed ({0});"
                                + " scanning /proc every {1} s from now on", e.getMessage(), scanPeriod / 1e9);
                        synchronized (lock) {
                            connectorFailed = true;
                            nextScan = clock.getAsLong();
                        }
                    }
                } else if (wait > 0) {
                    synchronized (lock) {
                        if (running) {
                            TimeUnit.NANOSECONDS.timedWait(lock, wait);
                        }
                    }
                }
                tick(clock.getAsLong());
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.log(Level.ERROR, "track_process: process tracking failed (" + e + "); it keeps its last verdicts", e);
            }
        }
    }

    /** Nanoseconds until the next delay end, re-scan or periodic scan; -1 when nothing is due. */
    private long nanosToNext(long now) {
        synchronized (lock) {
            long next = Long.MAX_VALUE;
            for (ProcessQuorum q : quorums.values()) {
                if (q.pending()) {
                    next = Math.min(next, q.deadline() - now);
                }
            }
            if (rescanPending) {
                next = Math.min(next, rescanAt - now);
            }
            if (mode() == Mode.SCAN) {
                next = Math.min(next, nextScan - now);
            }
            return next == Long.MAX_VALUE ? -1 : Math.max(0, next);
        }
    }

    private void overflowed() {
        long n = overflows.incrementAndGet();
        int size = connector.growReceiveBuffer();
        LOG.log(Level.WARNING, "track_process: process events were lost (receive buffer full, {0} time{1});"
                + " re-scanning /proc in 1 s; receive buffer now {2} bytes", n, n == 1 ? "" : "s", size);
        synchronized (lock) {
            rescanPending = true;
            rescanAt = clock.getAsLong() + RESCAN_DELAY.toNanos();
        }
    }

    /** One kernel event. Package-private for tests. */
    void apply(ProcEvent e, long now) {
        events.incrementAndGet();
        if (e.what() == ProcEvent.What.ACK || e.what() == ProcEvent.What.OTHER || e.what() == ProcEvent.What.NOT_PROC) {
            return;
        }
        if (e.thread()) {
            // a thread's fork, exec, rename or exit: processes are what is counted (keepalived ignores them too)
            threadEvents.incrementAndGet();
            return;
        }
        List<Runnable> reports = new ArrayList<>();
        synchronized (lock) {
            switch (e.what()) {
                case FORK -> quorums.values().forEach(q -> {
                    // a child runs what its parent runs until it execs
                    if (q.contains(e.parentTgid())) {
                        report(q, q.add(e.tgid(), ProcessQuorum.Cause.FORK, now), reports);
                    }
                });
                case EXEC -> {
                    ProcTable.Entry entry = table.readExec(e.tgid(), byName);
                    if (entry == null) {
                        return; // gone already: its exit follows
                    }
                    quorums.values().forEach(q -> {
                        boolean match = !entry.zombie() && ProcessMatch.matches(q.config(), entry.comm(), entry.cmdline());
                        report(q, match ? q.add(e.tgid(), ProcessQuorum.Cause.EXEC, now)
                                : q.remove(e.tgid(), ProcessQuorum.Cause.EXEC, now), reports);
                    });
                }
                case COMM -> quorums.values().forEach(q -> {
                    // a rename does not change the command line
                    if (!q.config().fullCommand()) {
                        boolean match = ProcessMatch.matches(q.config(), e.comm(), null);
                        report(q, match ? q.add(e.tgid(), ProcessQuorum.Cause.COMM, now)
                                : q.remove(e.tgid(), ProcessQuorum.Cause.COMM, now), reports);
                    }
                });
                case EXIT -> quorums.values().forEach(q -> report(q, q.remove(e.tgid(), ProcessQuorum.Cause.EXIT, now), reports));
                default -> {
                }
            }
        }
        reports.forEach(Runnable::run);
    }

    /** Delay ends, a due re-scan, a due periodic scan. Package-private for tests. */
    void tick(long now) {
        boolean scanNow;
        synchronized (lock) {
            scanNow = (rescanPending && now - rescanAt >= 0) || (mode() == Mode.SCAN && now - nextScan >= 0);
        }
        if (scanNow) {
            rescan(now);
        }
        List<Runnable> reports = new ArrayList<>();
        synchronized (lock) {
            quorums.values().forEach(q -> report(q, q.tick(now), reports));
        }
        reports.forEach(Runnable::run);
    }

    /** Counts again from {@code /proc}. Package-private for tests. */
    void rescan(long now) {
        List<TrackProcessConfig> configs;
        synchronized (lock) {
            rescanPending = false;
            nextScan = now + scanPeriod;
            configs = quorums.values().stream().map(ProcessQuorum::config).toList();
        }
        Map<String, List<Integer>> found = scan(configs);
        List<Runnable> reports = new ArrayList<>();
        synchronized (lock) {
            quorums.values().forEach(q -> report(q, q.replace(found.get(q.config().name()), now), reports));
        }
        reports.forEach(Runnable::run);
    }

    /** Queues the listeners' calls for a changed verdict, to run outside the lock. */
    private void report(ProcessQuorum q, Boolean change, List<Runnable> reports) {
        if (change == null) {
            return;
        }
        String name = q.config().name();
        LOG.log(Level.INFO, "Quorum {0} for tracked process {1}", change ? "gained" : "lost", name);
        String detail = (change ? "quorum gained: " : "quorum lost: ") + detailLocked(q);
        int count = q.count();
        for (Listener l : listeners.get(name)) {
            reports.add(() -> {
                try {
                    l.changed(change, detail, count);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "track_process " + name + " listener failed: " + io.floatd.vrrp.log.Failures.describe(e), e);
                }
            });
        }
    }

    private static String detailLocked(ProcessQuorum q) {
        TrackProcessConfig c = q.config();
        String range = c.quorumMax() == TrackProcessConfig.NO_MAXIMUM ? "at least " + c.quorum() : c.quorum() + ".." + c.quorumMax();
        return q.count() + " process" + (q.count() == 1 ? "" : "es") + ", quorum " + range;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (connector != null) {
            connector.wakeUp();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (connector != null && (t == null || !t.isAlive())) {
            connector.close();
        }
    }
}
