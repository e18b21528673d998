package io.floatd.vrrp.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.floatd.testing.PromText;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.status.StatusSnapshot.TrackStatus;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A track_process entry in /status: the block's name, whether the quorum holds, how many processes match. */
class StatusTrackProcessTest {
    @Test
    @SuppressWarnings("unchecked")
    void aTrackedProcessShowsItsQuorumAndCount() {
        Instant now = Instant.parse("2026-12-07T05:00:00Z");
        String fault = "track process haproxy failed (quorum lost: 0 processes, quorum at least 1)";
        InstanceStatus vi = new InstanceStatus("VI_1", VrrpState.FAULT, now.minusSeconds(1), 1, 100, 100,
                null, 0, null, List.of(), null, 0, 0, 1,
                List.of(new TrackStatus(TrackStatus.Kind.PROCESS, "haproxy", 0, false, false, 0, 0, fault)),
                fault, 0, true, false);
        String text = StatusJson.render(new StatusSnapshot("0.1.0", now, true, List.of(vi), new EnumMap<>(DropReason.class)));
        Map<String, Object> doc = (Map<String, Object>) Json.parse(text);
        Map<String, Object> instance = (Map<String, Object>) ((List<Object>) doc.get("instances")).getFirst();
        Map<String, Object> entry = (Map<String, Object>) ((List<Object>) instance.get("tracking")).getFirst();
        assertEquals("haproxy", entry.get("process"));
        assertEquals(false, entry.get("up"));
        assertEquals(0L, entry.get("processes"));
        assertEquals(fault, entry.get("fault"));
        assertFalse(entry.containsKey("value"), entry.toString());
    }

    @Test
    void prometheusHasTheQuorumAndTheCount() {
        Instant now = Instant.parse("2026-12-07T05:00:00Z");
        InstanceStatus vi = new InstanceStatus("VI_1", VrrpState.MASTER, now.minusSeconds(1), 1, 100, 100,
                null, 0, null, List.of(), null, 0, 0, 1,
                List.of(new TrackStatus(TrackStatus.Kind.PROCESS, "haproxy", -10, false, true, 3, 0, null)),
                null, 0, true, false);
        PromText p = PromText.parse(PrometheusText.render(new StatusSnapshot("0.1.0", now, true, List.of(vi),
                new EnumMap<>(DropReason.class))));
        assertEquals(1, p.value("floatd_track_process_up", "instance", "VI_1", "process", "haproxy"));
        assertEquals(3, p.value("floatd_track_process_count", "instance", "VI_1", "process", "haproxy"));
    }
}
