package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GarpAndOutputsConfigTest {
    private static final String INSTANCE = """
            vrrp_instance %s {
                interface eth0
                virtual_router_id %d
                unicast_peer {
                    10.0.0.2
                }
            %s
            }
            """;

    @Test
    void globalScheduleWithPerInstanceOverridesAndOutputs() throws Exception {
        FloatdConfig c = ConfigParser.parse("""
                global_defs {
                    vrrp_garp_master_delay 0.5
                    vrrp_garp_master_repeat 3
                    vrrp_garp_master_refresh 60
                    vrrp_garp_master_refresh_repeat 2
                    vrrp_garp_interval 0.001
                    notify_fifo /run/floatd.fifo
                    vrrp_notify_fifo /run/floatd.fifo
                    state_file /run/floatd.state
                }
                """ + INSTANCE.formatted("VI_1", 51, "garp_master_delay 0\ngarp_master_repeat 1\nstate_file /run/keepalived.state")
                + INSTANCE.formatted("VI_2", 52, ""), "k.conf");
        GarpSettings global = new GarpSettings(Duration.ofMillis(500), 3, Duration.ofSeconds(60), 2, Duration.ofMillis(1));
        assertEquals(global, c.global().garp());
        assertEquals(List.of(Path.of("/run/floatd.fifo")), c.global().notifyFifos());
        assertEquals(Path.of("/run/floatd.state"), c.global().stateFile());
        assertEquals(global.withMasterDelay(Duration.ZERO).withMasterRepeat(1), c.instance("VI_1").orElseThrow().garp());
        assertEquals(Path.of("/run/keepalived.state"), c.instance("VI_1").orElseThrow().stateFile());
        assertEquals(global, c.instance("VI_2").orElseThrow().garp());
        // the dump spells the schedule out and reads back the same
        assertEquals(c.instances(), ConfigParser.parse(c.dump(false), "dump").instances());
        assertEquals(c.global(), ConfigParser.parse(c.dump(false), "dump").global());
    }

    @Test
    void defaultsAreKeepaliveds() throws Exception {
        FloatdConfig c = ConfigParser.parse(INSTANCE.formatted("VI_1", 51, ""), "k.conf");
        assertEquals(new GarpSettings(Duration.ofSeconds(5), 5, Duration.ZERO, 1, Duration.ZERO), c.instance("VI_1").orElseThrow().garp());
        assertEquals(List.of(), c.global().notifyFifos());
    }

    @Test
    void badValuesPointAtTheirLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse("""
                global_defs {
                    vrrp_garp_master_repeat 0
                    vrrp_garp_interval 11
                    notify_fifo relative.fifo
                    state_file run/x.state
                }
                """ + INSTANCE.formatted("VI_1", 51, "garp_master_delay -1"), "k.conf"));
        assertEquals(List.of(
                "k.conf:2: global_defs: garp_master_repeat must be between 1 and 1000, but was 0",
                "k.conf:3: global_defs: garp_interval must be between 0 and 10 seconds, but was 11",
                "k.conf:4: global_defs: notify_fifo must be an absolute path to a file, but was 'relative.fifo'",
                // (words after the path would be a warning: keepalived reads the first value)
                "k.conf:5: global_defs: state_file must be an absolute path to a file, but was 'run/x.state'",
                "k.conf:13: vrrp_instance VI_1: garp_master_delay must be between 0 and 86400 seconds, but was -1"),
                e.errors().stream().map(ConfigError::toString).toList());
    }
}
