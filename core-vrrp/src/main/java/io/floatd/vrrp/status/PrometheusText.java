package io.floatd.vrrp.status;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.status.StatusSnapshot.FloatingIpStatus;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.status.StatusSnapshot.ScriptStatus;
import io.floatd.vrrp.status.StatusSnapshot.TrackStatus;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: a {@link StatusSnapshot} in the Prometheus text exposition format 0.0.4, written by the official
 * Prometheus Java client ({@code prometheus-metrics-exposition-textformats}) from snapshots built here at scrape time.
 * Every family has its HELP and TYPE lines, even when it has no sample yet: the client leaves a family without samples
 * out, so those two lines are added after the client's output for such a family.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private PrometheusText() {
    }

    private record Sample(Labels labels, double value) {
    }

    /** One family as exposed ({@code _total} of a counter, {@code _info} of an info family, in its name). */
    private record Family(String name, String type, String help, List<Sample> samples) {
        MetricSnapshot snapshot() {
            return switch (type) {
                case "counter" -> {
                    CounterSnapshot.Builder b = CounterSnapshot.builder().name(strip(name, "_total")).help(help);
                    samples.forEach(x -> b.dataPoint(CounterDataPointSnapshot.builder().labels(x.labels()).value(x.value()).build()));
                    yield b.build();
                }
                case "info" -> {
                    InfoSnapshot.Builder b = InfoSnapshot.builder().name(strip(name, "_info")).help(help);
                    samples.forEach(x -> b.dataPoint(InfoDataPointSnapshot.builder().labels(x.labels()).build()));
                    yield b.build();
                }
                default -> {
                    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
                    samples.forEach(x -> b.dataPoint(GaugeDataPointSnapshot.builder().labels(x.labels()).value(x.value()).build()));
                    yield b.build();
                }
            };
        }

        private static String strip(String name, String suffix) {
            return name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
        }
    }

    private static final class Out {
        final List<Family> families = new ArrayList<>();

        void family(String name, String type, String help, List<Sample> samples) {
            families.add(new Family(name, type, help, samples));
        }

        void perInstance(List<InstanceStatus> instances, String name, String type, String help,
                Function<InstanceStatus, Double> value) {
            List<Sample> samples = new ArrayList<>();
            for (InstanceStatus i : instances) {
                Double v = value.apply(i);
                if (v != null) {
                    samples.add(new Sample(Labels.of("instance", i.name()), v));
                }
            }
            family(name, type, help, samples);
        }

        /** One sample per block, labelled {@code instance} and {@code address}. */
        void perBlock(List<Block> blocks, String name, String type, String help, Function<FloatingIpStatus, Double> value) {
            List<Sample> samples = new ArrayList<>();
            for (Block b : blocks) {
                Double v = value.apply(b.status());
                if (v != null) {
                    samples.add(new Sample(Labels.of("instance", b.instance(), "address", String.valueOf(b.status().address())), v));
                }
            }
            family(name, type, help, samples);
        }

        void perScript(Map<String, ScriptStatus> scripts, String name, String type, String help,
                ToDoubleFunction<ScriptStatus> value) {
            List<Sample> samples = new ArrayList<>();
            scripts.forEach((n, s) -> samples.add(new Sample(Labels.of("script", n), value.applyAsDouble(s))));
            family(name, type, help, samples);
        }

        /** The client's exposition of the families with samples, then HELP and TYPE of those without. */
        String text() {
            List<MetricSnapshot> withSamples = new ArrayList<>();
            StringBuilder empty = new StringBuilder();
            for (Family f : families) {
                if (f.samples().isEmpty()) {
                    empty.append("# HELP ").append(f.name()).append(' ').append(f.help()).append('\n')
                            .append("# TYPE ").append(f.name()).append(' ').append(f.type().equals("info") ? "gauge" : f.type())
                            .append('\n');
                } else {
                    withSamples.add(f.snapshot());
                }
            }
            return write(new MetricSnapshots(withSamples)) + empty;
        }
    }

    /** Snapshots from the client's own collectors (or built here) in the text format. */
    static String write(MetricSnapshots snapshots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            WRITER.write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public static String render(StatusSnapshot s) {
        Out out = new Out();
        daemon(out, s);
        instanceStates(out, s.instances());
        instanceCounters(out, s.instances());
        notifyAndDrops(out, s);
        trackScripts(out, s.scriptsByName());
        tracked(out, s.instances());
        floatingIps(out, s.instances());
        return out.text();
    }

    /** What the daemon is: its version and whether its loop runs. */
    private static void daemon(Out out, StatusSnapshot s) {
        out.family("floatd_info", "info", "floatd's version (always 1).",
                List.of(new Sample(Labels.of("version", s.version()), 1)));
        out.family("floatd_loop_running", "gauge", "1 while the VRRP loop thread runs.",
                List.of(new Sample(Labels.EMPTY, s.loopRunning() ? 1 : 0)));
    }

    /** Each instance's state (one-hot), whether it runs or is handed over, and its virtual router. */
    private static void instanceStates(Out out, List<InstanceStatus> is) {
        List<Sample> states = new ArrayList<>();
        for (InstanceStatus i : is) {
            for (VrrpState st : VrrpState.values()) {
                states.add(new Sample(Labels.of("instance", i.name(), "state", st.name()), i.state() == st ? 1 : 0));
            }
        }
        out.family("floatd_instance_state", "gauge", "The instance's VRRP state (one-hot over INIT, BACKUP, MASTER, FAULT, STOP).", states);
        out.perInstance(is, "floatd_instance_running", "gauge",
                "1 when the instance runs; 0 while it cannot start (FAULT, retried; /healthz answers 503).",
                i -> i.running() ? 1.0 : 0.0);
        out.perInstance(is, "floatd_instance_held", "gauge",
                "1 while the instance is handed over (floatd handover): it stays Backup until floatd resume.",
                i -> i.held() ? 1.0 : 0.0);
        List<Sample> infos = new ArrayList<>();
        for (InstanceStatus i : is) {
            if (i.identity() != null) {
                infos.add(new Sample(Labels.of("instance", i.name(), "vrid", Integer.toString(i.identity().vrid()),
                        "interface", i.identity().interfaceName(), "version", Integer.toString(i.identity().vrrpVersion())), 1));
            }
        }
        out.family("floatd_instance_info", "info",
                "The instance's virtual router (always 1): its VRID, interface and VRRP version.", infos);
    }

    /** Each instance's state times, priorities, advert age and counters. */
    private static void instanceCounters(Out out, List<InstanceStatus> is) {
        out.perInstance(is, "floatd_state_since_timestamp_seconds", "gauge",
                "Unix time the instance entered its current state.",
                i -> i.since() == null ? null : i.since().toEpochMilli() / 1000.0);
        // kept one release beside the timestamp, so dashboards and alerts built on it keep working while they move
        out.perInstance(is, "floatd_state_since_seconds", "gauge",
                "Deprecated, removed in the next release: use time() - floatd_state_since_timestamp_seconds."
                        + " Seconds since the instance entered its current state.",
                i -> i.sinceSeconds());
        out.perInstance(is, "floatd_effective_priority", "gauge", "Priority in use (configured, moved by tracking weights).",
                i -> (double) i.effectivePriority());
        out.perInstance(is, "floatd_configured_priority", "gauge", "Priority from the configuration.",
                i -> (double) i.configuredPriority());
        out.perInstance(is, "floatd_last_advert_age_seconds", "gauge", "Seconds since the last accepted advert (absent before the first).",
                i -> i.lastAdvertMillisAgo() == null ? null : i.lastAdvertMillisAgo() / 1000);
        out.perInstance(is, "floatd_transitions_total", "counter", "State transitions since start.",
                i -> (double) i.transitions());
        out.perInstance(is, "floatd_adverts_sent_total", "counter", "Adverts sent.",
                i -> (double) i.advertsSent());
        out.perInstance(is, "floatd_adverts_received_total", "counter", "Adverts that passed the receive checks.",
                i -> (double) i.advertsReceived());
        out.perInstance(is, "floatd_notify_skipped_total", "counter",
                "Transitions whose notify scripts never started: superseded by a newer one while earlier scripts ran.",
                i -> (double) i.notifySkipped());
    }

    /** Notify script runs (every instance and sync group) and received packets dropped, by reason. */
    private static void notifyAndDrops(Out out, StatusSnapshot s) {
        NotifyDispatcher.Counters notify = s.notifyScripts();
        out.family("floatd_notify_script_runs_total", "counter", "Notify script runs (notify, notify_master, ...; every instance and sync group).",
                List.of(new Sample(Labels.EMPTY, notify.runs())));
        out.family("floatd_notify_script_failures_total", "counter",
                "Notify script runs that failed: a non-zero exit, a timeout, or the script could not start.",
                List.of(new Sample(Labels.EMPTY, notify.failures())));
        out.family("floatd_notify_script_timeouts_total", "counter", "Notify script runs killed for exceeding the timeout.",
                List.of(new Sample(Labels.EMPTY, notify.timeouts())));

        List<Sample> drops = new ArrayList<>();
        for (Map.Entry<DropReason, Long> e : s.drops().entrySet()) {
            drops.add(new Sample(Labels.of("reason", e.getKey().metricName()), e.getValue()));
        }
        out.family("floatd_packets_dropped_total", "counter", "Received VRRP packets discarded, by reason.", drops);
    }

    /** vrrp_script runs, failures, durations and health, by script. */
    private static void trackScripts(Out out, Map<String, ScriptStatus> scripts) {
        out.perScript(scripts, "floatd_track_script_runs_total", "counter", "Runs of the vrrp_script.", ScriptStatus::runs);
        out.perScript(scripts, "floatd_track_script_failures_total", "counter", "Failed runs (non-zero exit, timeout, could not start).",
                ScriptStatus::failures);
        out.perScript(scripts, "floatd_track_script_timeouts_total", "counter", "Runs killed for exceeding the timeout.",
                ScriptStatus::timeouts);
        out.perScript(scripts, "floatd_track_script_duration_seconds", "gauge", "Duration of the last run.",
                ScriptStatus::lastDurationSeconds);
        List<Sample> healthy = new ArrayList<>();
        scripts.forEach((n, sc) -> {
            if (sc.healthy() != null) {
                healthy.add(new Sample(Labels.of("script", n), sc.healthy() ? 1 : 0));
            }
        });
        out.family("floatd_track_script_healthy", "gauge", "1 when the check counts as healthy (absent before its first result).", healthy);
    }

    /** track_interface links, track_file values and vrrp_track_process quorums, by instance. */
    private static void tracked(Out out, List<InstanceStatus> is) {
        List<Sample> links = new ArrayList<>();
        List<Sample> files = new ArrayList<>();
        List<Sample> processesUp = new ArrayList<>();
        List<Sample> processCounts = new ArrayList<>();
        for (InstanceStatus i : is) {
            for (TrackStatus t : i.tracked()) {
                if (t.kind() == TrackStatus.Kind.INTERFACE && t.up() != null) {
                    links.add(new Sample(Labels.of("instance", i.name(), "interface", t.name()), t.up() ? 1 : 0));
                } else if (t.kind() == TrackStatus.Kind.FILE) {
                    files.add(new Sample(Labels.of("instance", i.name(), "file", t.name()), t.value()));
                } else if (t.kind() == TrackStatus.Kind.PROCESS && t.up() != null) {
                    Labels labels = Labels.of("instance", i.name(), "process", t.name());
                    processesUp.add(new Sample(labels, t.up() ? 1 : 0));
                    processCounts.add(new Sample(labels, t.value()));
                }
            }
        }
        out.family("floatd_track_interface_up", "gauge", "1 while a track_interface link is up.", links);
        out.family("floatd_track_file_value", "gauge", "The number last read from a track_file.", files);
        out.family("floatd_track_process_up", "gauge", "1 while a vrrp_track_process has its quorum.", processesUp);
        out.family("floatd_track_process_count", "gauge", "Processes matching a vrrp_track_process.", processCounts);
    }

    /** Each floating_ip block's provider calls, breaker, takeovers and holder. */
    private static void floatingIps(Out out, List<InstanceStatus> is) {
        // one sample per floating_ip block, told apart by its address (or allocation id, or provider name)
        List<Block> blocks = new ArrayList<>();
        is.forEach(i -> i.floatingIps().forEach(f -> blocks.add(new Block(i.name(), f))));
        out.perBlock(blocks, "floatd_provider_calls_total", "counter", "Provider API calls.",
                f -> (double) f.stats().calls());
        out.perBlock(blocks, "floatd_provider_retries_total", "counter", "Provider API calls retried.",
                f -> (double) f.stats().retries());
        out.perBlock(blocks, "floatd_provider_failures_total", "counter", "Provider operations that failed after retries.",
                f -> (double) f.stats().failures());
        out.perBlock(blocks, "floatd_provider_acquires_total", "counter", "Floating IP acquisitions.",
                f -> (double) f.stats().acquires());
        out.perBlock(blocks, "floatd_provider_releases_total", "counter", "Floating IP releases.",
                f -> (double) f.stats().releases());
        out.perBlock(blocks, "floatd_provider_breaker_opens_total", "counter",
                "Times the provider API circuit breaker opened (the last calls had all failed).",
                f -> (double) f.stats().breakerOpens());
        out.perBlock(blocks, "floatd_provider_breaker_open", "gauge",
                "1 while the provider API circuit breaker is open: calls are refused until it lets a trial through.",
                f -> f.breaker() == null ? null : ("OPEN".equals(f.breaker()) || "FORCED_OPEN".equals(f.breaker())) ? 1.0 : 0.0);
        out.perBlock(blocks, "floatd_provider_calls_not_permitted_total", "counter",
                "Provider calls the open circuit breaker refused (they never reached the API).",
                f -> (double) f.stats().callsNotPermitted());
        out.perBlock(blocks, "floatd_provider_yields_total", "counter",
                "Times this Master found the IP it held on a peer it could not hear (split brain) and went Backup.",
                f -> (double) f.stats().yields());
        out.perBlock(blocks, "floatd_provider_reacquires_total", "counter",
                "Times this Master took the IP back from nobody, a peer or a stranger.",
                f -> (double) f.stats().reacquires());
        out.perBlock(blocks, "floatd_provider_handovers_total", "counter",
                "Times this node, stepping down to a higher Master's advert, moved the IP it held to that Master.",
                f -> (double) f.stats().handovers());
        out.perBlock(blocks, "floatd_provider_damped_total", "counter",
                "Take-backs put off because this Master had taken the IP back too often in a row (no ping-pong).",
                f -> (double) f.stats().damped());
        out.perBlock(blocks, "floatd_floating_ip_held", "gauge", "1 when the floating IP's holder, as last read, is this node.",
                f -> "self".equals(f.holder()) ? 1.0 : 0.0);
        out.perBlock(blocks, "floatd_takeover_duration_seconds", "gauge", "The last takeover, from entering MASTER to its last milestone.",
                FloatingIpStatus::lastTakeoverSeconds);
    }

    /**
     * One family from outside the snapshot (the status endpoint's and the control socket's own counters), in the same
     * shape: HELP, TYPE, then one sample per label value, in the map's order ({@code labelName} null: no label, the
     * values' keys are ignored).
     */
    public static String family(String name, String type, String help, String labelName, Map<String, ? extends Number> byLabel) {
        Out out = new Out();
        List<Sample> samples = new ArrayList<>();
        byLabel.forEach((value, n) -> samples.add(new Sample(labelName == null ? Labels.EMPTY : Labels.of(labelName, value),
                n.doubleValue())));
        out.family(name, type, help, samples);
        return out.text();
    }

    /** One floating_ip block of an instance, for its samples. */
    private record Block(String instance, FloatingIpStatus status) {
    }
}
