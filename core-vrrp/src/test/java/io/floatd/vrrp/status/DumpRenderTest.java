package io.floatd.vrrp.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.status.StatusSnapshot.FloatingIpStatus;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.status.StatusSnapshot.TrackStatus;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SIGUSR1's data dump and SIGUSR2's statistics from a hand-made snapshot: what they show, and no secret. */
class DumpRenderTest {
    private static final Instant NOW = Instant.parse("2026-12-07T04:30:00Z");

    private static final String CONF = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 1
                version 2
                unicast_src_ip 10.0.0.11
                unicast_peer {
                    10.0.0.12
                }
                authentication {
                    auth_type PASS
                    auth_pass s3cret99
                }
                virtual_ipaddress {
                    10.0.0.100/24
                }
            }
            """;

    private static InstanceStatus backup() {
        FloatingIpStatus ip = new FloatingIpStatus("eipalloc-1", "aws", "peer", null, "timeout", "CLOSED", null, null,
                new TakeoverOrchestrator.Stats(3, 1, 2, 0, 4, 5, 6, 7, 8, 9, 10, 11));
        return new InstanceStatus("VI_1", VrrpState.BACKUP, NOW.minusSeconds(3), 3, 140, 150, "10.0.0.12", 200, 85.0,
                List.of(), List.of(ip), 17, 30, 2,
                List.of(new TrackStatus(TrackStatus.Kind.FILE, "/run/weight", -5, false, true, 2, -10, null)),
                null, 0, true, false);
    }

    @Test
    void dataDumpShowsStatePrioritiesPeersTimerTrackingAndHolderButNoPassword() throws Exception {
        InstanceConfig c = ConfigParser.parse(CONF, "k.conf").instances().getFirst();
        StringBuilder sb = new StringBuilder();
        DataDump.instance(sb, backup(), c, new DataDump.Deadline("master down", 712.25));
        String d = sb.toString();
        assertTrue(d.startsWith(" VRRP Instance = VI_1\n"), d);
        for (String line : List.of("State = BACKUP", "Effective priority = 140",
                "Base priority = 150", "Master = 10.0.0.12 priority 200", "Last advert received = 85.0 ms ago",
                "Deadline = in 712.3 ms (master down)", "Unicast peer = 10.0.0.12", "Authentication = PASS",
                "Virtual IP = 10.0.0.100/24 dev eth0", "Tracked file = /run/weight value 2 weight -5 delta -10",
                "Floating IP holder = peer", "Floating IP last error = timeout", "VRRP version = 2")) {
            assertTrue(d.contains("   " + line + "\n"), () -> "'" + line + "' not in\n" + d);
        }
        assertFalse(d.contains("s3cret"), d);
    }

    @Test
    void statisticsCountPerInstanceAndDropsPerReason() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            drops.put(r, 0L);
        }
        drops.put(DropReason.BAD_CHECKSUM, 7L);
        drops.put(DropReason.NOT_A_PEER, 2L);
        String s = StatsDump.render(new StatusSnapshot("0.1.0", NOW, true, List.of(backup()), drops));
        for (String line : List.of("Adverts sent = 17", "Adverts received = 30", "Transitions = 2",
                "Floating IP takeovers = 1", "Floating IP re-takeovers = 6", "bad_checksum = 7", "not_a_peer = 2")) {
            assertTrue(s.contains("   " + line + "\n"), () -> "'" + line + "' not in\n" + s);
        }
        assertTrue(s.contains(" Packets dropped = 9\n"), s);
        assertEquals(DropReason.values().length, s.lines().filter(l -> l.matches("   [a-z_0-9]+ = \\d+")).count(), s);
    }
}
