package io.floatd.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.status.Json;
import io.floatd.vrrp.status.StatusJson;
import io.floatd.vrrp.status.StatusSnapshot;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.status.StatusSnapshot.TrackStatus;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code floatd status} names a tracked process without its quorum, not as a link that is down. */
class StatusCommandTrackProcessTest {
    @Test
    void aProcessWithoutQuorumIsPrintedAsSuch() {
        Instant now = Instant.parse("2026-12-07T05:00:00Z");
        String fault = "track process haproxy failed (quorum lost: 0 processes, quorum at least 1)";
        InstanceStatus vi = new InstanceStatus("VI_1", VrrpState.FAULT, now.minusSeconds(1), 1, 100, 100,
                null, 0, null, List.of(), null, 0, 0, 1,
                List.of(new TrackStatus(TrackStatus.Kind.PROCESS, "haproxy", 0, false, false, 0, 0, fault)),
                fault, 0, true, false);
        String human = StatusCommand.human(Json.parse(StatusJson.render(
                new StatusSnapshot("0.1.0", now, true, List.of(vi), new EnumMap<>(DropReason.class)))));
        assertTrue(human.contains("no quorum: haproxy (0 running)"), human);
        assertFalse(human.contains("link down"), human);
    }
}
