package io.floatd.vrrp.runtime;

import io.floatd.vrrp.timer.NanoClock;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The VRRP loop: one thread that owns every instance's state. Work reaches it only through {@link #post};
 * between tasks it sleeps until the earliest instance deadline. Nothing on it blocks on the network, a script
 * or a file: those run on their own threads and post their results back.
 */
public final class VrrpLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    private final NanoClock clock;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
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
            while (running) {
                long now = clock.nanoTime();
                long next = Long.MAX_VALUE;
                for (InstanceRunner r : instances) {
                    r.fireIfDue(now);
                    next = Math.min(next, r.deadline());
                }
                long wait = next == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : Math.max(0, next - clock.nanoTime());
                Runnable task = wait == 0 ? tasks.poll() : tasks.poll(wait, TimeUnit.NANOSECONDS);
                while (task != null) {
                    runSafely(task);
                    task = tasks.poll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
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
