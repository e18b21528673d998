package io.floatd.vrrp.track;

import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.TrackedFile;
import io.floatd.vrrp.config.TrackedInterface;
import io.floatd.vrrp.config.TrackedProcess;
import io.floatd.vrrp.config.TrackProcessConfig;
import io.floatd.vrrp.config.TrackedScript;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.ffm.NativeException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The daemon's tracking: one {@link TrackScript}, {@link TrackInterface} or {@link TrackFile} per tracked name,
 * shared by the instances that track it, and one {@link InstanceTracking} per instance.
 *
 * <p>Use: construct (reads links and files once, writes {@code init_file}s), {@link #bind} each instance (its
 * starting point goes to its sink: priority, FAULT, Startup), then {@link #start()} the checks and watches.
 */
public final class Tracking implements AutoCloseable {
    /** How often links and files are read where they cannot be watched (no inotify, no netlink, no directory). */
    public static final long POLL_MILLIS = 100;

    private final Map<String, TrackScript> scripts = new LinkedHashMap<>();
    private final Map<String, TrackInterface> interfaces = new LinkedHashMap<>();
    private final Map<String, TrackFile> files = new LinkedHashMap<>();
    private final Map<String, InstanceTracking> instances = new LinkedHashMap<>();
    private TrackWatch watch;
    private final TrackProcesses processes;

    public Tracking(List<InstanceConfig> configs) {
        for (InstanceConfig ic : configs) {
            for (TrackedScript t : ic.trackScripts()) {
                scripts.computeIfAbsent(t.name(), n -> new TrackScript(t.script()));
            }
            for (TrackedInterface t : ic.trackInterfaces()) {
                interfaces.computeIfAbsent(t.name(), TrackInterface::new);
            }
            for (TrackedFile t : ic.trackFiles()) {
                files.computeIfAbsent(t.name(), n -> new TrackFile(t.file()));
            }
        }
        Map<String, TrackProcessConfig> tracked = new LinkedHashMap<>();
        configs.forEach(ic -> ic.trackProcesses().forEach(t -> tracked.putIfAbsent(t.name(), t.process())));
        processes = tracked.isEmpty() ? null : new TrackProcesses(tracked.values());
    }

    /**
     * Wires an instance's tracked items and sends its starting point to {@code sink}: without tracking, just
     * {@link VrrpEvent.Startup}.
     */
    public InstanceTracking bind(InstanceConfig ic, Consumer<VrrpEvent> sink) {
        InstanceTracking it = new InstanceTracking(ic.name(), ic.priority(), sink);
        for (TrackedScript t : ic.trackScripts()) {
            TrackScript script = scripts.get(t.name());
            InstanceTracking.Input input = it.addScript(t.name(), t.weight(), t.reverse());
            if (t.script().initFail()) {
                input.set(false, script.initialDetail());
            }
            script.addListener(input::set);
        }
        for (TrackedInterface t : ic.trackInterfaces()) {
            TrackInterface link = interfaces.get(t.name());
            InstanceTracking.Input input = it.addInterface(t.name(), t.weight(), t.reverse(), link.up());
            link.addListener(up -> input.set(up, ""));
        }
        for (TrackedFile t : ic.trackFiles()) {
            TrackFile file = files.get(t.name());
            InstanceTracking.Input input = it.addFile(t.name(), t.weight(), t.reverse(), file.value());
            file.addListener(input::setValue);
        }
        for (TrackedProcess t : ic.trackProcesses()) {
            InstanceTracking.Input input = it.addProcess(t.name(), t.weight(), t.reverse(), processes.up(t.name()),
                    processes.detail(t.name()), processes.count(t.name()));
            processes.addListener(t.name(), input::set);
        }
        instances.put(ic.name(), it);
        it.start();
        return it;
    }

    /** Starts every check (first run now) and the link/file watch. */
    public synchronized void start() {
        scripts.values().forEach(TrackScript::start);
        if (processes != null) {
            processes.start();
        }
        if (!interfaces.isEmpty() || !files.isEmpty()) {
            try {
                watch = new TrackWatch(files.values(), interfaces.values(), POLL_MILLIS);
                watch.start();
            } catch (NativeException e) {
                // no eventfd: nothing else would work either; the links and files keep their first reading
                System.getLogger("floatd.vrrp").log(System.Logger.Level.ERROR,
                        "track_file/track_interface cannot be watched: " + e.getMessage());
            }
        }
    }

    public Collection<TrackScript> scripts() {
        return scripts.values();
    }

    public TrackScript script(String name) {
        return scripts.get(name);
    }

    /** The daemon's process tracking, or null when no instance tracks a process. */
    public TrackProcesses processes() {
        return processes;
    }

    public InstanceTracking instance(String name) {
        return instances.get(name);
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        if (processes != null) {
            processes.close();
        }
        // interrupt all first, so their process groups are killed in parallel
        scripts.values().parallelStream().forEach(TrackScript::close);
    }
}
