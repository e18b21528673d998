package io.floatd.vrrp.status;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.TrackedScript;
import io.floatd.vrrp.fsm.InstanceState;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.runtime.InstanceRunner;
import io.floatd.vrrp.runtime.VrrpDaemon;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import io.floatd.vrrp.takeover.Timeline;
import io.floatd.vrrp.track.InstanceTracking;
import io.floatd.vrrp.track.TrackScript;
import io.floatd.vrrp.track.Tracking;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a daemon looks like at one moment, read from volatile fields, atomic references and counters only: taking
 * a snapshot never waits for the VRRP loop. Fields are not one atomic cut (a counter can move between two reads).
 *
 * @param version floatd's version
 * @param now the wall clock when taken
 * @param loopRunning whether the VRRP loop thread is alive
 * @param instances one entry per configured instance, in configuration order ({@code running} false for one that
 *     could not start: it shows FAULT with the reason)
 * @param drops received packets discarded, per reason (every reason, zeros included)
 * @param notifyScripts the notify scripts' runs, failures and timeouts since start, over every instance and sync group
 */
public record StatusSnapshot(String version, Instant now, boolean loopRunning, List<InstanceStatus> instances,
        Map<DropReason, Long> drops, NotifyDispatcher.Counters notifyScripts) {

    /** A snapshot with no notify script run yet. */
    public StatusSnapshot(String version, Instant now, boolean loopRunning, List<InstanceStatus> instances,
            Map<DropReason, Long> drops) {
        this(version, now, loopRunning, instances, drops, new NotifyDispatcher.Counters(0, 0, 0));
    }

    /**
     * One instance. Null fields mean "not known" (no advert heard yet, no provider, no takeover yet).
     * {@code notifySkipped}: transitions whose notify scripts never started, superseded by a newer one. {@code held}:
     * handed over by an operator ({@code floatd handover}), staying Backup until {@code floatd resume}.
     */
    public record InstanceStatus(
            String name,
            VrrpState state,
            Instant since,
            double sinceSeconds,
            int effectivePriority,
            int configuredPriority,
            String masterAddress,
            Integer masterPriority,
            Double lastAdvertMillisAgo,
            List<ScriptStatus> scripts,
            List<FloatingIpStatus> floatingIps,
            long advertsSent,
            long advertsReceived,
            long transitions,
            List<TrackStatus> tracked,
            String faultReason,
            long notifySkipped,
            boolean running,
            boolean held,
            Identity identity) {
        /** {@code floatingIps}: one entry per floating_ip block, in file order; null or empty: nothing moves. */
        public InstanceStatus {
            floatingIps = floatingIps == null ? List.of() : List.copyOf(floatingIps);
        }

        /** An instance whose identity is not known (hand-made snapshots): no {@code floatd_instance_info}. */
        public InstanceStatus(String name, VrrpState state, Instant since, double sinceSeconds, int effectivePriority,
                int configuredPriority, String masterAddress, Integer masterPriority, Double lastAdvertMillisAgo,
                List<ScriptStatus> scripts, List<FloatingIpStatus> floatingIps, long advertsSent, long advertsReceived,
                long transitions, List<TrackStatus> tracked, String faultReason, long notifySkipped, boolean running,
                boolean held) {
            this(name, state, since, sinceSeconds, effectivePriority, configuredPriority, masterAddress, masterPriority,
                    lastAdvertMillisAgo, scripts, floatingIps, advertsSent, advertsReceived, transitions, tracked,
                    faultReason, notifySkipped, running, held, null);
        }
    }

    /**
     * What tells an instance's virtual router apart from the configuration: its VRID, interface and VRRP version. Two
     * nodes' instances with the same VRID (on one link, or between the same unicast peers) are one virtual router.
     */
    public record Identity(int vrid, String interfaceName, int vrrpVersion) {
    }

    /**
     * Why the daemon is not healthy (what {@code /healthz} answers with a 503): the VRRP loop stopped, or an instance
     * could not start ({@code VI_3 not running: cannot start: ...}); empty when healthy.
     */
    public List<String> healthProblems() {
        List<String> out = new ArrayList<>();
        if (!loopRunning) {
            out.add("VRRP loop not running");
        }
        for (InstanceStatus i : instances) {
            if (!i.running()) {
                out.add(i.name() + " not running: " + i.faultReason());
            }
        }
        return out;
    }

    /** A tracked vrrp_script, as seen by one instance: its runs, and what it does to the instance now. */
    public record ScriptStatus(String name, int weight, Boolean healthy, long runs, long failures, long timeouts,
            double lastDurationSeconds, int priorityDelta, String fault) {
    }

    /**
     * A {@code track_interface} ({@code up}: the link), {@code track_file} ({@code value}: the file's number) or
     * {@code track_process} ({@code up}: the quorum holds; {@code value}: matching processes) entry:
     * what it adds to the priority now and, with weight 0, why it holds the instance in FAULT.
     */
    public record TrackStatus(Kind kind, String name, int weight, boolean reverse, Boolean up, long value,
            int priorityDelta, String fault) {
        public enum Kind { INTERFACE, FILE, PROCESS }
    }

    /**
     * One floating_ip block of the instance: what it moves ({@code address}: its address or allocation id, else its
     * provider's name) and with which provider, the holder as last read, the last takeover, the provider's counters.
     */
    public record FloatingIpStatus(String address, String provider, String holder, String holderId, String lastError, String breaker,
            List<MarkStatus> lastTakeover, Double lastTakeoverSeconds, TakeoverOrchestrator.Stats stats) {
    }

    /** One takeover milestone, in milliseconds since the instance entered MASTER. */
    public record MarkStatus(String what, String detail, double millis) {
    }

    /** Reads {@code daemon} now. */
    public static StatusSnapshot of(VrrpDaemon daemon, String version) {
        return of(daemon, version, Instant.now().truncatedTo(ChronoUnit.MILLIS), daemon.loop().clock().nanoTime());
    }

    /** Reads {@code daemon} as of {@code wallNow} / {@code nanoNow} (the daemon's clock). */
    public static StatusSnapshot of(VrrpDaemon daemon, String version, Instant wallNow, long nanoNow) {
        List<InstanceStatus> out = new ArrayList<>();
        for (VrrpDaemon.Instance i : daemon.instances()) {
            out.add(instance(daemon, i, wallNow, nanoNow));
        }
        return new StatusSnapshot(version, wallNow, daemon.loop().alive(), List.copyOf(out), daemon.drops().snapshot(),
                daemon.notifyDispatcher().counters());
    }

    private static InstanceStatus instance(VrrpDaemon daemon, VrrpDaemon.Instance i, Instant wallNow, long nanoNow) {
        InstanceRunner r = i.runner();
        InstanceState s = r.state();
        InstanceConfig ic = i.config();
        long ago = Math.max(0, nanoNow - r.enteredStateAt());
        boolean master = s.state() == VrrpState.MASTER;
        InetAddress masterAddress = master ? i.source() : s.masterAddress();
        Integer masterPriority = master ? Integer.valueOf(s.effectivePriority())
                : s.masterAddress() != null ? Integer.valueOf(s.masterPriority()) : null;
        long lastAdvert = r.lastAdvertAt();
        Double advertAgo = lastAdvert == InstanceState.NEVER ? null : Math.max(0, nanoNow - lastAdvert) / 1e6;
        java.util.Optional<String> notStarted = daemon.startFailure(ic.name());
        Tracking tracking = daemon.tracking(ic.name());
        InstanceTracking bound = tracking == null ? null : tracking.instance(ic.name());
        List<InstanceTracking.InputState> inputs = bound == null ? List.of() : bound.inputs();
        return new InstanceStatus(ic.name(), s.state(), wallNow.minusNanos(ago).truncatedTo(ChronoUnit.MILLIS), ago / 1e9,
                s.effectivePriority(), ic.priority(),
                masterAddress == null ? null : masterAddress.getHostAddress(), masterPriority, advertAgo,
                scripts(tracking, inputs, ic), i.takeovers().stream().map(StatusSnapshot::floatingIp).toList(),
                r.advertsSent(), r.advertsReceived(), r.transitions(), tracked(inputs),
                notStarted.orElse(bound == null ? null : bound.faultReason().orElse(null)),
                daemon.notifyDispatcher().skipped(ic.name()), notStarted.isEmpty(), s.maintenance(),
                new Identity(ic.virtualRouterId(), ic.interfaceName(), ic.version()));
    }

    private static List<ScriptStatus> scripts(Tracking tracking, List<InstanceTracking.InputState> inputs, InstanceConfig ic) {
        Map<String, ScriptStatus> out = new LinkedHashMap<>();
        for (TrackedScript t : ic.trackScripts()) {
            String name = t.script().name();
            TrackScript script = tracking == null ? null : tracking.script(name);
            InstanceTracking.InputState in = inputs.stream()
                    .filter(x -> x.kind().equals("track script") && x.name().equals(name)).findFirst().orElse(null);
            int delta = in == null ? 0 : in.priorityDelta();
            String fault = in == null ? null : in.fault();
            if (script == null) {
                out.put(name, new ScriptStatus(name, t.weight(), null, 0, 0, 0, 0, delta, fault));
            } else {
                TrackScript.Stats st = script.stats();
                out.put(name, new ScriptStatus(name, t.weight(), script.healthy(), st.runs(), st.failures(),
                        st.timeouts(), seconds(st.lastDuration()), delta, fault));
            }
        }
        return List.copyOf(out.values());
    }

    private static List<TrackStatus> tracked(List<InstanceTracking.InputState> inputs) {
        List<TrackStatus> out = new ArrayList<>();
        for (InstanceTracking.InputState in : inputs) {
            TrackStatus.Kind kind = switch (in.kind()) {
                case "track interface" -> TrackStatus.Kind.INTERFACE;
                case "track file" -> TrackStatus.Kind.FILE;
                case "track process" -> TrackStatus.Kind.PROCESS;
                default -> null;
            };
            if (kind != null) {
                out.add(new TrackStatus(kind, in.name(), in.weight(), in.reverse(), in.up(), in.value(),
                        in.priorityDelta(), in.fault()));
            }
        }
        return List.copyOf(out);
    }

    private static FloatingIpStatus floatingIp(io.floatd.vrrp.runtime.BlockTakeover b) {
        TakeoverOrchestrator t = b.orchestrator();
        Holder h = t.lastHolder();
        Timeline timeline = t.lastTakeover();
        List<MarkStatus> marks = null;
        Double seconds = null;
        if (timeline != null) {
            List<Timeline.Mark> raw = timeline.marks();
            marks = raw.stream()
                    .map(m -> new MarkStatus(m.what(), m.detail() == null ? null : String.valueOf(m.detail()),
                            m.sinceMasterNanos() / 1e6))
                    .toList();
            seconds = raw.isEmpty() ? null : raw.getLast().sinceMasterNanos() / 1e9;
        }
        return new FloatingIpStatus(b.address(), b.provider(), h == null ? null : h.kind().name().toLowerCase(), h == null || h.id().isEmpty() ? null : h.id(),
                t.lastError(), t.breakerState().name(), marks, seconds, t.stats());
    }

    private static double seconds(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }

    /** Every instance that tracks a script, by script name: the first instance's view (runs are per script). */
    public Map<String, ScriptStatus> scriptsByName() {
        Map<String, ScriptStatus> out = new LinkedHashMap<>();
        for (InstanceStatus i : instances) {
            for (ScriptStatus s : i.scripts()) {
                out.putIfAbsent(s.name(), s);
            }
        }
        return out;
    }
}
