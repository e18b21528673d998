package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.runtime.VrrpDaemon.Instance;
import io.floatd.vrrp.timer.NanoClock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where every runner of a {@link VrrpDaemon} reports: the {@link StateReporter} (notify_fifo and state_file; none
 * when neither is configured), which a reload replaces under running instances, and the observers of every
 * instance's transitions, whichever configuration made the instance.
 */
final class Reporting implements TransitionListener {
    /** Replaced by a reload; read on the loop. */
    private volatile StateReporter reporter;
    private final List<TransitionListener> observers = new CopyOnWriteArrayList<>();

    /** The reporter now; null when the configuration has neither notify_fifo nor state_file. */
    StateReporter reporter() {
        return reporter;
    }

    void start(StateReporter first) {
        reporter = first;
    }

    void observe(TransitionListener listener) {
        observers.add(Objects.requireNonNull(listener));
    }

    @Override
    public void onTransition(Transition t) {
        StateReporter r = reporter;
        if (r != null) {
            r.onTransition(t);
        }
        for (TransitionListener o : observers) {
            o.onTransition(t);
        }
    }

    @Override
    public void onHeldChanged(String instance, boolean held) {
        StateReporter r = reporter;
        if (r != null) {
            r.onHeldChanged(instance, held);
        }
    }

    @Override
    public void onPriorityChanged(String instance, VrrpState state, int priority) {
        StateReporter r = reporter;
        if (r != null) {
            r.onPriorityChanged(instance, state, priority);
        }
    }

    /**
     * A new reporter for {@code next}'s notify_fifo and state files, seeded with every instance's state as it is now;
     * the old one is closed on a thread of its own. Called on the loop (where transitions are reported) once the
     * daemon has started, so that none is lost or written twice.
     */
    void replace(FloatdConfig next, List<Instance> instances, NanoClock clock) {
        Map<String, StateReporter.Current> now = new LinkedHashMap<>();
        // the state files show wall-clock times: "since" is now on the wall clock, less the time in the state on the
        // injected monotonic clock
        Instant wall = Instant.now();
        long nanos = clock.nanoTime();
        for (Instance i : instances) {
            InstanceRunner r = i.runner();
            now.put(i.config().name(), new StateReporter.Current(r.state().state(), r.state().effectivePriority(),
                    wall.minusNanos(Math.max(0, nanos - r.enteredStateAt())), r.state().maintenance()));
        }
        StateReporter old = reporter;
        reporter = StateReporter.create(next, now);
        if (old != null) {
            Thread.ofVirtual().name("state-report-close").start(old::close);
        }
    }

    void close() {
        if (reporter != null) {
            reporter.close();
        }
    }
}
