package io.floatd.vrrp.runtime;

import io.floatd.vrrp.timer.NanoClock;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The VRRP loop: one thread that owns every instance's state. Work reaches it only through {@link #post};
 * between tasks it sleeps until the earliest instance deadline. Nothing on it blocks on the network, a script
 * or a file: those run on their own threads and post their results back.
 *
 * <p>An idle Master wakes once per advert interval, so what one wake costs is the daemon's idle CPU (BENCHMARKS.md
 * "Footprint"). The loop therefore sleeps in {@link LockSupport#parkNanos} and {@link #post} unparks it (a queue
 * with a lock and a condition took a lock, a condition node and a signal per wake), and one wake is one call of
 * {@link #turn}: the JIT compiles a method after a few hundred calls, whereas the loop's own method would wait for
 * an on-stack replacement after tens of thousands of iterations (hours at one advert a second), interpreted until
 * then.
 */
public final class VrrpLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    private final NanoClock clock;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<InstanceRunner> instances = new ArrayList<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public VrrpLoop(NanoClock clock) {
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("vrrp-loop").daemon(true).unstarted(this::run);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    public NanoClock clock() {
        return clock;
    }

    public void start() {
        thread.start();
    }

    /** Runs a task on the loop thread, after the tasks already queued. */
    public void post(Runnable task) {
        tasks.add(task);
        // a permit if the loop is not parked yet: its next park returns at once and it finds the task
        LockSupport.unpark(thread);
    }

    /** Adds an instance; call from a task on the loop (or before {@link #start()}). */
    public void add(InstanceRunner runner) {
        instances.add(runner);
    }

    /** Takes an instance off the loop; call from a task on the loop. */
    public void remove(InstanceRunner runner) {
        instances.remove(runner);
    }

    /** Whether the loop thread is running (for health checks; reads no loop state). */
    public boolean alive() {
        return running && thread.isAlive();
    }

    public boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        try {
            // an interrupt ends the loop as the stop does (a parked thread with its interrupt set would not sleep)
            while (running && !thread.isInterrupted()) {
                turn();
            }
        } finally {
            stopped.countDown();
        }
    }

    /** One wake: fires the instances that are due, runs the tasks queued, then sleeps until a deadline or a post. */
    private void turn() {
        long next = Long.MAX_VALUE;
        long now = clock.nanoTime();
        for (int i = 0; i < instances.size(); i++) {
            InstanceRunner r = instances.get(i);
            r.fireIfDue(now);
            next = Math.min(next, r.deadline());
        }
        boolean ran = false;
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            runSafely(task);
            ran = true;
        }
        if (ran || !running) {
            return;   // a task may have moved a deadline, added an instance or stopped the loop: look again first
        }
        long wait = next == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : next - clock.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(this, wait);
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // one bad task must not stop the election for every instance
            LOG.log(Level.ERROR, "internal error on the VRRP loop: " + io.floatd.vrrp.log.Failures.describe(e), e);
        }
    }

    /** Stops the loop after the tasks already queued have run; waits at most {@code millis}. */
    public void stop(long millis) throws InterruptedException {
        post(() -> running = false);
        if (!stopped.await(millis, TimeUnit.MILLISECONDS)) {
            running = false;
            thread.interrupt();
        }
    }

    @Override
    public void close() {
        try {
            stop(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
