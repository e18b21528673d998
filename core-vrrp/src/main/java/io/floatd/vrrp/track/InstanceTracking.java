package io.floatd.vrrp.track;

import io.floatd.vrrp.fsm.VrrpEvent;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything one instance tracks, folded into what the state machine needs: whether the instance is in FAULT and
 * its effective priority. Trackers report into it from their own threads; it sends {@link VrrpEvent}s to the
 * VRRP loop only when the outcome changes, at once.
 *
 * <p>As in keepalived:
 * <ul>
 * <li>an item with weight 0 puts the instance in FAULT while it fails (with {@code reverse}: while it succeeds);
 * <li>a positive weight is added while the item succeeds, a negative one while it fails; {@code reverse} negates
 *     the weight (so a positive reversed weight is subtracted while the item succeeds);
 * <li>a {@code track_file} adds value × weight (negated with {@code reverse}), capped at 253; a result at or
 *     below -254 means FAULT; with weight 0 a non-zero value means FAULT;
 * <li>the effective priority is configured priority + the sum, kept within 1..254; an address owner (255)
 *     ignores weights and keeps 255;
 * <li>a script with weight 0 and no result yet holds the instance in INIT: it starts only once every such
 *     script has reported once (keepalived does not start an instance while a tracked script is in its initial
 *     state), so a node whose check fails from the start never takes the address.
 * </ul>
 */
public final class InstanceTracking {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    static final int OWNER = 255;
    static final int FAULT_LEVEL = -254;

    /** One tracked input's latest report. */
    public final class Input {
        private final String kind;
        private final String name;
        private final int weight;
        private final boolean reverse;
        private final boolean numeric;
        private Boolean up;
        private long value;
        private String detail = "";

        private Input(String kind, String name, int weight, boolean reverse, boolean numeric) {
            this.kind = kind;
            this.name = name;
            this.weight = weight;
            this.reverse = reverse;
            this.numeric = numeric;
        }

        /** A check or link reports success ({@code true}) or failure; {@code detail} says why, for the reason. */
        public void set(boolean nowUp, String why) {
            synchronized (InstanceTracking.this) {
                up = nowUp;
                detail = why == null ? "" : why;
                recompute();
            }
        }

        /** A tracked process reports its quorum's verdict and how many processes match (shown as the value). */
        public void set(boolean nowUp, String why, long count) {
            synchronized (InstanceTracking.this) {
                value = count;
                set(nowUp, why);
            }
        }

        /** A tracked file reports its value. */
        public void setValue(long newValue) {
            synchronized (InstanceTracking.this) {
                up = true;
                value = newValue;
                recompute();
            }
        }

        public String name() {
            return name;
        }

        boolean pending() {
            return up == null && weight == 0;
        }

        /** The FAULT reason if this input puts the instance in FAULT, else null. */
        String fault() {
            if (numeric) {
                if (weight == 0 ? (value != 0) != reverse : level() <= FAULT_LEVEL) {
                    return "track file " + name + " has value " + value;
                }
                return null;
            }
            if (weight != 0 || up == null || up != reverse) {
                return null;
            }
            return reverse
                    ? kind + " " + name + " is up (weight 0 reverse)"
                    : kind + " " + name + (kind.equals("track interface") ? " is down" : " failed") + (detail.isEmpty() ? "" : " (" + detail + ")");
        }

        /** What this input adds to the priority. */
        int delta() {
            if (weight == 0 || up == null) {
                return 0;
            }
            if (numeric) {
                int level = level();
                return level <= FAULT_LEVEL ? 0 : level;
            }
            int signed = reverse ? -weight : weight;
            return up ? (weight > 0 ? signed : 0) : (weight < 0 ? signed : 0);
        }

        private int level() {
            long v = value * weight * (reverse ? -1 : 1);
            return (int) Math.max(FAULT_LEVEL, Math.min(253, v));
        }
    }

    private final String instance;
    private final int configuredPriority;
    private final Consumer<VrrpEvent> sink;
    private final List<Input> inputs = new ArrayList<>();
    private boolean started;
    private boolean startupSent;
    private boolean fault;
    private String faultReason;
    private int priority;

    /**
     * @param sink receives the events, in order; in the daemon it posts them to the VRRP loop
     */
    public InstanceTracking(String instance, int configuredPriority, Consumer<VrrpEvent> sink) {
        this.instance = instance;
        this.configuredPriority = configuredPriority;
        this.sink = sink;
        this.priority = configuredPriority;
    }

    /** A {@code track_script} entry; unknown until its first result. */
    public synchronized Input addScript(String name, int weight, boolean reverse) {
        return add(new Input("track script", name, weight, reverse, false));
    }

    /** A {@code track_interface} entry, with the link's state now. */
    public synchronized Input addInterface(String name, int weight, boolean reverse, boolean up) {
        Input input = add(new Input("track interface", name, weight, reverse, false));
        input.up = up;
        input.detail = "";
        return input;
    }

    /** A {@code track_process} entry, with its quorum's verdict now. */
    public synchronized Input addProcess(String name, int weight, boolean reverse, boolean up, String detail, long count) {
        Input input = add(new Input("track process", name, weight, reverse, false));
        input.up = up;
        input.detail = detail;
        input.value = count;
        return input;
    }

    /** A {@code track_file} entry, with the file's value now. */
    public synchronized Input addFile(String name, int weight, boolean reverse, long value) {
        Input input = add(new Input("track file", name, weight, reverse, true));
        input.up = true;
        input.value = value;
        return input;
    }

    private Input add(Input input) {
        if (started) {
            throw new IllegalStateException("inputs are added before start()");
        }
        inputs.add(input);
        return input;
    }

    /**
     * Sends the starting point: the effective priority if tracking moved it, FAULT if an input already fails,
     * then {@link VrrpEvent.Startup} unless a weight-0 script has not reported yet (it follows its first result).
     */
    public synchronized void start() {
        started = true;
        int p = computePriority();
        String reason = computeFault();
        if (p != configuredPriority) {
            LOG.log(Level.INFO, "VRRP_Instance({0}) Changing effective priority from {1} to {2}", instance, configuredPriority, p);
            priority = p;
            sink.accept(new VrrpEvent.PriorityChanged(p));
        }
        if (reason != null) {
            fault = true;
            faultReason = reason;
            sink.accept(new VrrpEvent.FaultRaised(reason));
        }
        if (!pending()) {
            startupSent = true;
            sink.accept(new VrrpEvent.Startup());
        } else {
            LOG.log(Level.INFO, "VRRP_Instance({0}) waits for the first result of its tracked scripts before starting", instance);
        }
    }

    private void recompute() {
        if (!started) {
            return;
        }
        int p = computePriority();
        if (p != priority) {
            LOG.log(Level.INFO, "VRRP_Instance({0}) Changing effective priority from {1} to {2}", instance, priority, p);
            priority = p;
            sink.accept(new VrrpEvent.PriorityChanged(p));
        }
        String reason = computeFault();
        if (reason != null && !fault) {
            fault = true;
            faultReason = reason;
            sink.accept(new VrrpEvent.FaultRaised(reason));
        } else if (reason == null && fault) {
            fault = false;
            faultReason = null;
            sink.accept(new VrrpEvent.FaultCleared());
        } else if (reason != null) {
            faultReason = reason;
        }
        if (!startupSent && !pending()) {
            startupSent = true;
            sink.accept(new VrrpEvent.Startup());
        }
    }

    private int computePriority() {
        if (configuredPriority == OWNER) {
            return OWNER;
        }
        int sum = configuredPriority;
        for (Input i : inputs) {
            sum += i.delta();
        }
        return Math.max(1, Math.min(254, sum));
    }

    private String computeFault() {
        for (Input i : inputs) {
            String reason = i.fault();
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    private boolean pending() {
        return inputs.stream().anyMatch(Input::pending);
    }

    public String instance() {
        return instance;
    }

    /** The effective priority tracking last sent (the configured one until something moves it). */
    public synchronized int effectivePriority() {
        return priority;
    }

    /** Why the instance is in FAULT, if tracking put it there. */
    public synchronized Optional<String> faultReason() {
        return Optional.ofNullable(fault ? faultReason : null);
    }

    /**
     * One tracked input as status shows it.
     *
     * @param kind {@code track script}, {@code track interface}, {@code track file} or {@code track process}
     * @param up the last result (a link's state, a check's verdict); null before the first; true for a file
     * @param value a track file's value, a track process's count of matching processes (0 for the others)
     * @param priorityDelta what the input adds to the effective priority now
     * @param fault why the input puts the instance in FAULT, or null
     */
    public record InputState(String kind, String name, int weight, boolean reverse, Boolean up, long value,
            int priorityDelta, String fault) {
    }

    /** Every input's latest report, in configuration order. */
    public synchronized List<InputState> inputs() {
        return inputs.stream()
                .map(i -> new InputState(i.kind, i.name, i.weight, i.reverse, i.up, i.value, i.delta(), i.fault()))
                .toList();
    }

    /** Whether the instance still waits for a first script result before it starts. */
    public synchronized boolean waitingForFirstResult() {
        return started && !startupSent;
    }
}
