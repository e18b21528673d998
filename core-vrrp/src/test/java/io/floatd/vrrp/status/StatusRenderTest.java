package io.floatd.vrrp.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.PromText;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.status.StatusSnapshot.FloatingIpStatus;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.status.StatusSnapshot.MarkStatus;
import io.floatd.vrrp.status.StatusSnapshot.ScriptStatus;
import io.floatd.vrrp.status.StatusSnapshot.TrackStatus;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON and Prometheus rendering of a hand-made snapshot: shapes, escaping, one-hot states, HELP/TYPE. */
class StatusRenderTest {
    private static final Instant NOW = Instant.parse("2026-11-22T05:30:00Z");

    private static StatusSnapshot snapshot() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            drops.put(r, 0L);
        }
        drops.put(DropReason.BAD_CHECKSUM, 7L);
        FloatingIpStatus ip = new FloatingIpStatus("eipalloc-1", "aws", "self", "eipalloc-1", null, "CLOSED",
                List.of(new MarkStatus("entered MASTER", null, 0), new MarkStatus("acquired", "eipalloc-1", 812.5)),
                0.8125, new TakeoverOrchestrator.Stats(3, 1, 0, 0, 2, 0, 5, 6, 1, 4, 7, 8));
        InstanceStatus master = new InstanceStatus("VI_1", VrrpState.MASTER, NOW.minusMillis(12_300), 12.3, 150, 150,
                "10.199.0.10", 150, null,
                List.of(new ScriptStatus("chk \"nginx\"", 20, true, 12, 1, 0, 0.0042, 20, null)), List.of(ip), 123, 4, 2,
                List.of(new TrackStatus(TrackStatus.Kind.INTERFACE, "eth1", 0, false, true, 0, 0, null)), null, 98, true, false,
                new StatusSnapshot.Identity(51, "eth0", 3));
        InstanceStatus backup = new InstanceStatus("VI_2", VrrpState.FAULT, NOW.minusSeconds(3), 3, 90, 100,
                "10.199.0.11", 200, 85.0, List.of(), null, 0, 30, 1,
                List.of(new TrackStatus(TrackStatus.Kind.INTERFACE, "eth1", 0, false, false, 0, 0, "track interface eth1 is down"),
                        new TrackStatus(TrackStatus.Kind.FILE, "/run/weight", -5, false, true, 2, -10, null)),
                "track interface eth1 is down", 0, true, true);
        return new StatusSnapshot("0.1.0", NOW, true, List.of(master, backup), drops,
                new io.floatd.vrrp.notify.NotifyDispatcher.Counters(9, 4, 1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasTheDocumentedShape() {
        String text = StatusJson.render(snapshot());
        Map<String, Object> doc = (Map<String, Object>) Json.parse(text);
        assertEquals("0.1.0", doc.get("version"));
        assertEquals(true, doc.get("loop_running"));
        assertEquals(7L, ((Map<String, Object>) doc.get("drops")).get("bad_checksum"));
        List<Object> instances = (List<Object>) doc.get("instances");
        assertEquals(2, instances.size());

        Map<String, Object> vi1 = (Map<String, Object>) instances.get(0);
        assertEquals("VI_1", vi1.get("name"));
        assertEquals("MASTER", vi1.get("state"));
        assertEquals(false, vi1.get("held"));
        assertEquals("2026-11-22T05:29:47.700Z", vi1.get("since"));
        assertEquals(12.3, vi1.get("since_seconds"));
        assertEquals(Map.of("effective", 150L, "configured", 150L), vi1.get("priority"));
        assertEquals("10.199.0.10", ((Map<String, Object>) vi1.get("master")).get("address"));
        assertNull(vi1.get("last_advert_ms_ago"));
        Map<String, Object> script = (Map<String, Object>) ((List<Object>) vi1.get("tracking")).get(0);
        assertEquals("chk \"nginx\"", script.get("script"), "quotes survive the round trip");
        assertEquals(true, script.get("healthy"));
        assertEquals(12L, script.get("runs"));
        assertEquals(4.2, script.get("last_duration_ms"));
        Map<String, Object> ip = (Map<String, Object>) vi1.get("floating_ip");
        assertEquals("self", ip.get("holder"));
        assertEquals("CLOSED", ip.get("breaker"));
        Map<String, Object> takeover = (Map<String, Object>) ip.get("last_takeover");
        assertEquals(812.5, takeover.get("duration_ms"));
        List<Object> marks = (List<Object>) takeover.get("marks");
        assertEquals(Map.of("what", "acquired", "detail", "eipalloc-1", "ms", 812.5), marks.get(1));
        assertEquals(2L, ((Map<String, Object>) ip.get("stats")).get("retries"));
        assertEquals(1L, ((Map<String, Object>) ip.get("stats")).get("breaker_opens"));
        assertEquals(4L, ((Map<String, Object>) ip.get("stats")).get("calls_not_permitted"));
        assertEquals(7L, ((Map<String, Object>) ip.get("stats")).get("handovers"));
        assertEquals(8L, ((Map<String, Object>) ip.get("stats")).get("damped"));
        assertEquals(Map.of("adverts_sent", 123L, "adverts_received", 4L, "transitions", 2L, "notify_skipped", 98L),
                vi1.get("counters"));

        Map<String, Object> vi2 = (Map<String, Object>) instances.get(1);
        assertEquals(true, vi2.get("held"), "handed over: held");
        assertEquals(85.0, vi2.get("last_advert_ms_ago"));
        assertEquals(200L, ((Map<String, Object>) vi2.get("master")).get("priority"));
        assertNull(vi2.get("floating_ip"));
        assertTrue(vi2.containsKey("floating_ip"), "absent things are null, not missing");
        assertEquals(20L, script.get("priority_delta"));
        assertNull(vi1.get("fault_reason"));
        assertEquals("track interface eth1 is down", vi2.get("fault_reason"));
        List<Object> tracked = (List<Object>) vi2.get("tracking");
        Map<String, Object> link = (Map<String, Object>) tracked.get(0);
        assertEquals("eth1", link.get("interface"));
        assertEquals(false, link.get("up"));
        assertEquals("track interface eth1 is down", link.get("fault"));
        Map<String, Object> file = (Map<String, Object>) tracked.get(1);
        assertEquals("/run/weight", file.get("file"));
        assertEquals(2L, file.get("value"));
        assertEquals(-10L, file.get("priority_delta"));
    }

    @Test
    void prometheusTextParsesAndHasEveryFamily() {
        String text = PrometheusText.render(snapshot());
        PromText p = PromText.parse(text);
        assertEquals(1, p.value("floatd_instance_state", "instance", "VI_1", "state", "MASTER"));
        assertEquals(0, p.value("floatd_instance_state", "instance", "VI_1", "state", "BACKUP"));
        assertEquals(1, p.value("floatd_instance_state", "instance", "VI_2", "state", "FAULT"));
        assertEquals(1, p.find("floatd_instance_state", "instance", "VI_2").stream().mapToDouble(PromText.Sample::value).sum(),
                "one-hot");
        assertEquals(2, p.value("floatd_transitions_total", "instance", "VI_1"));
        assertEquals(98, p.value("floatd_notify_skipped_total", "instance", "VI_1"));
        assertEquals(0, p.value("floatd_notify_skipped_total", "instance", "VI_2"));
        assertEquals(123, p.value("floatd_adverts_sent_total", "instance", "VI_1"));
        assertEquals(30, p.value("floatd_adverts_received_total", "instance", "VI_2"));
        assertEquals(7, p.value("floatd_packets_dropped_total", "reason", "bad_checksum"));
        assertEquals(DropReason.values().length, p.find("floatd_packets_dropped_total").size());
        assertEquals(12, p.value("floatd_track_script_runs_total", "script", "chk \"nginx\""), "label escaping round-trips");
        assertEquals(1, p.value("floatd_track_script_failures_total", "script", "chk \"nginx\""));
        assertEquals(0.0042, p.value("floatd_track_script_duration_seconds", "script", "chk \"nginx\""), 1e-9);
        assertEquals(3, p.value("floatd_provider_calls_total", "instance", "VI_1"));
        assertEquals(2, p.value("floatd_provider_retries_total", "instance", "VI_1"));
        assertEquals(0, p.value("floatd_provider_failures_total", "instance", "VI_1"));
        assertEquals(1, p.value("floatd_provider_breaker_opens_total", "instance", "VI_1"));
        assertEquals(4, p.value("floatd_provider_calls_not_permitted_total", "instance", "VI_1"));
        assertEquals(5, p.value("floatd_provider_reacquires_total", "instance", "VI_1"));
        assertEquals(6, p.value("floatd_provider_yields_total", "instance", "VI_1"));
        assertEquals(7, p.value("floatd_provider_handovers_total", "instance", "VI_1"));
        assertEquals(8, p.value("floatd_provider_damped_total", "instance", "VI_1"));
        assertTrue(p.find("floatd_provider_calls_total", "instance", "VI_2").isEmpty(), "no provider, no sample");
        assertEquals(0.8125, p.value("floatd_takeover_duration_seconds", "instance", "VI_1"), 1e-9);
        assertEquals(90, p.value("floatd_effective_priority", "instance", "VI_2"));
        assertEquals(0, p.value("floatd_instance_held", "instance", "VI_1"));
        assertEquals(1, p.value("floatd_instance_held", "instance", "VI_2"));
        assertEquals(1, p.value("floatd_track_interface_up", "instance", "VI_1", "interface", "eth1"));
        assertEquals(0, p.value("floatd_track_interface_up", "instance", "VI_2", "interface", "eth1"));
        assertEquals(2, p.value("floatd_track_file_value", "instance", "VI_2", "file", "/run/weight"));
        assertEquals(0.085, p.value("floatd_last_advert_age_seconds", "instance", "VI_2"), 1e-9);
        // the epoch time the state was entered (12.3 s before NOW), and the deprecated age beside it
        assertEquals(NOW.getEpochSecond() - 12.3, p.value("floatd_state_since_timestamp_seconds", "instance", "VI_1"), 1e-3);
        assertEquals(12.3, p.value("floatd_state_since_seconds", "instance", "VI_1"), 1e-9);
        assertTrue(p.families.get("floatd_state_since_seconds").help().startsWith("Deprecated"));
        assertEquals(1, p.value("floatd_instance_info", "instance", "VI_1", "vrid", "51", "interface", "eth0", "version", "3"));
        assertTrue(p.find("floatd_instance_info", "instance", "VI_2").isEmpty(), "identity unknown: no info sample");
        assertEquals(9, p.value("floatd_notify_script_runs_total"));
        assertEquals(4, p.value("floatd_notify_script_failures_total"));
        assertEquals(1, p.value("floatd_notify_script_timeouts_total"));
        assertEquals(0, p.value("floatd_provider_breaker_open", "instance", "VI_1"), "CLOSED");
        for (PromText.Family f : p.families.values()) {
            assertEquals(f.name().endsWith("_total"), f.type().equals("counter"), f.name() + " is a " + f.type());
        }
        assertTrue(text.contains("# TYPE floatd_transitions_total counter\n"), text);
    }

    /** The breaker gauge is 1 only while calls are refused: OPEN (or forced open), not HALF_OPEN, whose trials pass. */
    @Test
    void breakerOpenIsOneWhileCallsAreRefused() {
        for (String state : List.of("CLOSED", "OPEN", "HALF_OPEN", "FORCED_OPEN")) {
            FloatingIpStatus ip = new FloatingIpStatus("198.51.100.7", "digitalocean", "self", null, null, state, null, null,
                    new TakeoverOrchestrator.Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            InstanceStatus vi = new InstanceStatus("VI_1", VrrpState.MASTER, NOW, 0, 100, 100, null, null, null, List.of(),
                    List.of(ip), 0, 0, 0, List.of(), null, 0, true, false);
            PromText p = PromText.parse(PrometheusText.render(
                    new StatusSnapshot("0.1.0", NOW, true, List.of(vi), new EnumMap<>(DropReason.class))));
            assertEquals(state.endsWith("OPEN") && !state.startsWith("HALF") ? 1 : 0,
                    p.value("floatd_provider_breaker_open", "instance", "VI_1", "address", "198.51.100.7"), state);
        }
    }

    @Test
    void familiesArePresentWithNoInstance() {
        StatusSnapshot empty = new StatusSnapshot("0.1.0", NOW, false, List.of(), new EnumMap<>(DropReason.class));
        PromText p = PromText.parse(PrometheusText.render(empty));
        assertTrue(p.families.containsKey("floatd_instance_state"));
        assertTrue(p.families.containsKey("floatd_takeover_duration_seconds"));
        for (String f : List.of("floatd_instance_info", "floatd_state_since_timestamp_seconds", "floatd_provider_breaker_open",
                "floatd_notify_script_failures_total")) {
            assertTrue(p.families.containsKey(f), f);
        }
        assertEquals(0, p.value("floatd_notify_script_failures_total"));
        assertEquals(0, p.value("floatd_loop_running"));
        assertTrue(StatusJson.render(empty).contains("\"instances\":[]"));
    }

    @Test
    void jsonWriterEscapesAndParserRejectsGarbage() {
        String s = new Json.Writer().beginObject().field("a\n", "x\"\\\u0001y").field("n", (Double) null).endObject().toString();
        assertEquals("{\"a\\n\":\"x\\\"\\\\\\u0001y\",\"n\":null}", s);
        assertEquals(Map.of("a\n", "x\"\\\u0001y"), ((Map<?, ?>) Json.parse(s)).entrySet().stream()
                .filter(e -> e.getValue() != null).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,2] x"));
        assertEquals(List.of(1L, 2.5, true, false), Json.parse(" [1, 2.5, true, false] "));
    }
}
