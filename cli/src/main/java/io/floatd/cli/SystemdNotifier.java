package io.floatd.cli;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * floatd's side of {@code Type=notify} (sd_notify(3)): {@code READY=1} once the instances run and the status endpoint
 * serves, {@code RELOADING=1} and {@code READY=1} around a SIGHUP reload, {@code STATUS=} with a one-line summary at
 * each state change, {@code STOPPING=1} on a stop, and, when systemd asks for it ({@code WatchdogSec=}, so
 * {@code $WATCHDOG_USEC}), {@code WATCHDOG=1} at half that interval: the ping is put on the queue by a task that runs on
 * the VRRP loop itself, so a loop that is stuck sends none and systemd restarts floatd.
 *
 * <p>Every datagram leaves from one thread of its own with a bounded queue: the VRRP loop only offers to the queue
 * (never blocks on the socket); a full queue drops the message and counts it. A send that fails is logged once, then
 * counted: readiness must never stop the daemon. Without {@code $NOTIFY_SOCKET} nothing runs at all.
 */
final class SystemdNotifier implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd");
    /** Above this many instances STATUS= counts them by state instead of naming each. */
    static final int NAMED_INSTANCES = 8;
    private static final String STATUS_DUE = "\u0000status";

    /** Where datagrams go: {@link SdNotify#send(String, String)} in production. */
    @FunctionalInterface
    interface Sender {
        /** Empty when sent, else why not. */
        Optional<String> send(String message);
    }

    private final Sender sender;
    private final long watchdogNanos;
    private final Consumer<Runnable> onLoop;
    private final Supplier<String> status;
    private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(64);
    private final AtomicBoolean statusPending = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;

    /**
     * @param sender sends one datagram
     * @param watchdogNanos how often to ping ({@code 0}: no watchdog)
     * @param onLoop runs a task on the VRRP loop
     * @param status the one-line summary, read on this notifier's thread
     */
    SystemdNotifier(Sender sender, long watchdogNanos, Consumer<Runnable> onLoop, Supplier<String> status) {
        this.sender = sender;
        this.watchdogNanos = watchdogNanos;
        this.onLoop = onLoop;
        this.status = status;
        this.thread = Thread.ofPlatform().daemon().name("sd-notify").unstarted(this::run);
    }

    /** From {@code $NOTIFY_SOCKET}, {@code $WATCHDOG_USEC} and {@code $WATCHDOG_PID}; null when systemd asked for nothing. */
    static SystemdNotifier fromEnvironment(Map<String, String> env, long ownPid, Consumer<Runnable> onLoop,
            Supplier<String> status) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return null;
        }
        SystemdNotifier n = new SystemdNotifier(message -> SdNotify.send(socket, message),
                watchdogInterval(env.get("WATCHDOG_USEC"), env.get("WATCHDOG_PID"), ownPid), onLoop, status);
        n.thread.start();
        return n;
    }

    /**
     * Half of {@code $WATCHDOG_USEC} in nanoseconds, as sd_watchdog_enabled(3) advises; 0 when unset, not a positive
     * number, or meant for another process ({@code $WATCHDOG_PID}).
     */
    static long watchdogInterval(String usec, String pid, long ownPid) {
        if (usec == null) {
            return 0;
        }
        try {
            if (pid != null && Long.parseLong(pid.strip()) != ownPid) {
                return 0;
            }
            long micros = Long.parseLong(usec.strip());
            return micros > 0 ? TimeUnit.MICROSECONDS.toNanos(micros) / 2 : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The watchdog interval in nanoseconds (0: none). */
    long watchdogNanos() {
        return watchdogNanos;
    }

    /** Messages dropped because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    /** Messages whose send failed. */
    long failed() {
        return failed.get();
    }

    /**
     * {@code STATUS=} for {@code states} (instance name to state, in configuration order): each named up to
     * {@link #NAMED_INSTANCES} ({@code VI_1 MASTER, VI_2 BACKUP}), else counted ({@code 255 instances: 1 MASTER,
     * 254 BACKUP}).
     */
    static String summary(List<Map.Entry<String, String>> states) {
        if (states.isEmpty()) {
            return "no instances";
        }
        if (states.size() <= NAMED_INSTANCES) {
            return String.join(", ", states.stream().map(e -> e.getKey() + " " + e.getValue()).toList());
        }
        Map<String, Integer> byState = new TreeMap<>(java.util.Comparator.comparingInt(SystemdNotifier::rank)
                .thenComparing(Function.identity()));
        states.forEach(e -> byState.merge(e.getValue(), 1, Integer::sum));
        return states.size() + " instances: " + String.join(", ",
                byState.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    }

    private static int rank(String state) {
        return switch (state) {
            case "MASTER" -> 0;
            case "BACKUP" -> 1;
            case "FAULT" -> 2;
            default -> 3;
        };
    }

    /** {@code READY=1} with the current STATUS= (at start, and after a reload). */
    void ready() {
        offer("READY=1\nSTATUS=" + status.get());
    }

    /** {@code RELOADING=1} with the monotonic time systemd wants beside it (systemd.service(5), Type=notify-reload). */
    void reloading() {
        offer("RELOADING=1\nMONOTONIC_USEC=" + TimeUnit.NANOSECONDS.toMicros(System.nanoTime()));
    }

    /** An instance changed state: a new STATUS= (several changes before it is sent make one). Any thread. */
    void statusChanged() {
        if (statusPending.compareAndSet(false, true)) {
            if (!queue.offer(STATUS_DUE)) {
                statusPending.set(false);
                dropped.incrementAndGet();
            }
        }
    }

    void stopping() {
        offer("STOPPING=1");
    }

    /** Called by the watchdog timer; the ping itself is queued by a task on the VRRP loop. */
    void watchdogTick() {
        onLoop.accept(() -> offer("WATCHDOG=1"));
    }

    private void offer(String message) {
        if (!queue.offer(message)) {
            dropped.incrementAndGet();
        }
    }

    /** Sends what is queued now (the notifier thread does this; tests call it directly). */
    void drain() {
        String m;
        while ((m = queue.poll()) != null) {
            deliver(m);
        }
    }

    private void deliver(String message) {
        if (message.isEmpty()) {
            return; // close()'s wake-up
        }
        if (message.equals(STATUS_DUE)) {
            statusPending.set(false);
            message = "STATUS=" + status.get();
        }
        Optional<String> why = sender.send(message);
        if (why.isPresent() && failed.getAndIncrement() == 0) {
            LOG.log(Level.WARNING, "sd_notify: " + why.get() + " (further failures are counted, not logged)");
        }
    }

    private void run() {
        // the notifier thread's own timed wait for the watchdog ping: real time
        long nextPing = watchdogNanos > 0 ? System.nanoTime() + watchdogNanos : Long.MAX_VALUE;
        try {
            while (!closing || !queue.isEmpty()) {
                long wait = nextPing == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(3600) : nextPing - System.nanoTime();
                String m = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : null;
                if (m != null) {
                    deliver(m);
                } else if (watchdogNanos > 0 && System.nanoTime() >= nextPing) {
                    watchdogTick();
                    nextPing += watchdogNanos;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends what is queued (at most 2 s), then stops the thread. */
    @Override
    public void close() {
        closing = true;
        offer("");
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
