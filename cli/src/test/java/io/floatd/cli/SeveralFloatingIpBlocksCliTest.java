package io.floatd.cli;

import static io.floatd.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.status.Json;
import io.floatd.vrrp.status.StatusJson;
import io.floatd.vrrp.status.StatusSnapshot;
import io.floatd.vrrp.status.StatusSnapshot.FloatingIpStatus;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@code floatd check} checks every floating_ip block with its provider, each problem at its block's
 * file:line; {@code floatd status} shows each block's holder and error.
 */
class SeveralFloatingIpBlocksCliTest {
    @TempDir
    Path dir;

    private static String conf(String blocks) {
        // the blocks start at line 10
        return """
                vrrp_instance VI_1 {
                    interface lo
                    virtual_router_id 51
                    priority 150
                    advert_int 1
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                %s}
                """.formatted(blocks);
    }

    @Test
    void checkAcceptsTwoElasticIpsAndALinuxVip() throws IOException {
        Path p = dir.resolve("ok.conf");
        Files.writeString(p, conf("""
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                    }
                    floating_ip {
                        provider aws
                        address eipalloc-0123456789abcdef0
                    }
                    floating_ip {
                        provider linux-l2
                    }
                    virtual_ipaddress {
                        192.168.100.10/32
                    }
                """));
        CommandRun r = run("check", "-f", p.toString());
        assertEquals(FloatdCommand.EXIT_OK, r.exit(), r::toString);
    }

    @Test
    void checkReportsEachBlocksProviderErrorAtItsOwnLine() throws IOException {
        Path p = dir.resolve("bad.conf");
        Files.writeString(p, conf("""
                    floating_ip {
                        provider aws
                        address not-an-eip
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.11
                        region Europe
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.12
                    }
                """));
        CommandRun r = run("check", "-f", p.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r::toString);
        assertTrue(r.err().contains(p + ":10: vrrp_instance VI_1: aws: floating_ip address must be"), r::err);
        assertTrue(r.err().contains(p + ":14: vrrp_instance VI_1: aws: floating_ip region must be"), r::err);
        assertTrue(r.err().contains(p + ": 2 error(s)"), r::err);
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusShowsEachBlocksHolderAndError() {
        Instant now = Instant.parse("2026-12-07T05:00:00Z");
        TakeoverOrchestrator.Stats none = new TakeoverOrchestrator.Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        List<FloatingIpStatus> ips = List.of(
                new FloatingIpStatus("198.51.100.10", "aws", "self", "eipassoc-1", null, "CLOSED", null, null, none),
                new FloatingIpStatus("198.51.100.11", "aws", "peer", "i-0peer", "throttled", "OPEN", null, null, none));
        InstanceStatus vi = new InstanceStatus("VI_1", VrrpState.MASTER, now.minusSeconds(1), 1, 150, 150,
                "10.0.0.11", 150, null, List.of(), ips, 0, 0, 1, List.of(), null, 0, true, false);
        String human = StatusCommand.human(Json.parse(StatusJson.render(
                new StatusSnapshot("0.1.0", now, true, List.of(vi), new EnumMap<>(DropReason.class)))));
        assertTrue(human.contains("ip: 198.51.100.10 self, 198.51.100.11 peer"), human);
        assertTrue(human.contains("error (198.51.100.11): throttled"), human);

        // a status document from a daemon before several blocks (floating_ip only) still reads
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>((java.util.Map<String, Object>) Json.parse(
                StatusJson.render(new StatusSnapshot("0.1.0", now, true, List.of(vi), new EnumMap<>(DropReason.class)))));
        java.util.Map<String, Object> i = new java.util.LinkedHashMap<>(
                (java.util.Map<String, Object>) ((List<Object>) doc.get("instances")).getFirst());
        i.remove("floating_ips");
        doc.put("instances", List.of(i));
        assertTrue(StatusCommand.human(doc).contains("ip: self"), StatusCommand.human(doc));
    }
}
