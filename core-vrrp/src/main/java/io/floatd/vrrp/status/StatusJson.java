package io.floatd.vrrp.status;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.status.StatusSnapshot.FloatingIpStatus;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.status.StatusSnapshot.MarkStatus;
import io.floatd.vrrp.status.StatusSnapshot.ScriptStatus;
import io.floatd.vrrp.status.StatusSnapshot.TrackStatus;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import java.util.Map;

/** {@code GET /status}: a {@link StatusSnapshot} as one JSON object (documented in README.md). */
public final class StatusJson {
    private StatusJson() {
    }

    public static String render(StatusSnapshot s) {
        Json.Writer w = new Json.Writer();
        w.beginObject()
                .field("version", s.version())
                .field("now", s.now().toString())
                .field("loop_running", s.loopRunning());
        w.name("instances").beginArray();
        for (InstanceStatus i : s.instances()) {
            instance(w, i);
        }
        w.endArray();
        w.name("drops").beginObject();
        for (Map.Entry<DropReason, Long> e : s.drops().entrySet()) {
            w.field(e.getKey().metricName(), e.getValue());
        }
        w.endObject();
        return w.endObject().toString();
    }

    private static void instance(Json.Writer w, InstanceStatus i) {
        w.beginObject()
                .field("name", i.name())
                .field("state", i.state().name())
                .field("running", i.running())
                .field("held", i.held())
                .field("since", i.since().toString())
                .field("since_seconds", i.sinceSeconds());
        w.name("priority").beginObject()
                .field("effective", i.effectivePriority())
                .field("configured", i.configuredPriority())
                .endObject();
        w.name("master").beginObject().field("address", i.masterAddress());
        w.name("priority");
        if (i.masterPriority() == null) {
            w.nullValue();
        } else {
            w.value(i.masterPriority().longValue());
        }
        w.endObject();
        w.field("last_advert_ms_ago", i.lastAdvertMillisAgo());
        tracking(w, i);
        w.field("fault_reason", i.faultReason());
        // floating_ips: one object per floating_ip block; floating_ip: the first of them (null: none), as before
        // several blocks were possible, kept so that readers of one block go on working
        w.name("floating_ip");
        floatingIp(w, i.floatingIps().isEmpty() ? null : i.floatingIps().getFirst());
        w.name("floating_ips").beginArray();
        for (FloatingIpStatus f : i.floatingIps()) {
            floatingIp(w, f);
        }
        w.endArray();
        w.name("counters").beginObject()
                .field("adverts_sent", i.advertsSent())
                .field("adverts_received", i.advertsReceived())
                .field("transitions", i.transitions())
                .field("notify_skipped", i.notifySkipped())
                .endObject();
        w.endObject();
    }

    /** The instance's tracked scripts, interfaces, files and processes, each with its weight and effect. */
    private static void tracking(Json.Writer w, InstanceStatus i) {
        w.name("tracking").beginArray();
        for (ScriptStatus sc : i.scripts()) {
            w.beginObject().field("script", sc.name()).field("weight", sc.weight());
            w.name("healthy");
            if (sc.healthy() == null) {
                w.nullValue();
            } else {
                w.value(sc.healthy().booleanValue());
            }
            w.field("runs", sc.runs()).field("failures", sc.failures()).field("timeouts", sc.timeouts())
                    .field("last_duration_ms", sc.lastDurationSeconds() * 1000)
                    .field("priority_delta", sc.priorityDelta()).field("fault", sc.fault()).endObject();
        }
        for (TrackStatus t : i.tracked()) {
            String key = switch (t.kind()) {
                case INTERFACE -> "interface";
                case FILE -> "file";
                case PROCESS -> "process";
            };
            w.beginObject().field(key, t.name()).field("weight", t.weight()).field("reverse", t.reverse());
            if (t.kind() == TrackStatus.Kind.PROCESS) {
                w.field("processes", t.value());
            }
            if (t.kind() != TrackStatus.Kind.FILE) {
                w.name("up");
                if (t.up() == null) {
                    w.nullValue();
                } else {
                    w.value(t.up().booleanValue());
                }
            } else {
                w.field("value", t.value());
            }
            w.field("priority_delta", t.priorityDelta()).field("fault", t.fault()).endObject();
        }
        w.endArray();
    }

    private static void floatingIp(Json.Writer w, FloatingIpStatus f) {
        if (f == null) {
            w.nullValue();
            return;
        }
        w.beginObject()
                .field("address", f.address())
                .field("provider", f.provider())
                .field("holder", f.holder())
                .field("holder_id", f.holderId())
                .field("last_error", f.lastError())
                .field("breaker", f.breaker());
        w.name("last_takeover");
        if (f.lastTakeover() == null) {
            w.nullValue();
        } else {
            w.beginObject().field("duration_ms", f.lastTakeoverSeconds() == null ? null : f.lastTakeoverSeconds() * 1000);
            w.name("marks").beginArray();
            for (MarkStatus m : f.lastTakeover()) {
                w.beginObject().field("what", m.what()).field("detail", m.detail()).field("ms", m.millis()).endObject();
            }
            w.endArray().endObject();
        }
        TakeoverOrchestrator.Stats st = f.stats();
        w.name("stats").beginObject()
                .field("calls", st.calls())
                .field("acquires", st.acquires())
                .field("releases", st.releases())
                .field("skipped_writes", st.skippedWrites())
                .field("retries", st.retries())
                .field("failures", st.failures())
                .field("reacquires", st.reacquires())
                .field("yields", st.yields())
                .field("handovers", st.handovers())
                .field("damped", st.damped())
                .field("breaker_opens", st.breakerOpens())
                .field("calls_not_permitted", st.callsNotPermitted())
                .endObject();
        w.endObject();
    }
}
