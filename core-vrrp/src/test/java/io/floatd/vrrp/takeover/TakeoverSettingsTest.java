package io.floatd.vrrp.takeover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.InstanceConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The floating_ip keywords the orchestrator reads, and their errors with the block's file:line. */
class TakeoverSettingsTest {

    private static InstanceConfig instance(String floatingIp) throws Exception {
        return ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    unicast_peer {
                        10.0.0.2
                    }
                    floating_ip {
                        provider aws
                        address 203.0.113.10
                %s
                    }
                }
                """.formatted(floatingIp), "k.conf").instances().getFirst();
    }

    @Test
    void sharedKeysBecomeThePolicyAndTheRestGoesToTheProvider() throws Exception {
        InstanceConfig ic = instance("""
                        recheck_interval 0.5
                        warm_interval 15
                        deadline 12
                        attempt_timeout 1.5
                        release yes
                """);
        TakeoverPolicy p = TakeoverSettings.policy(ic);
        assertEquals(Duration.ofMillis(500), p.recheckInterval());
        assertEquals(Duration.ofSeconds(15), p.warmInterval());
        assertEquals(Duration.ofSeconds(12), p.deadline());
        assertEquals(Duration.ofMillis(1500), p.attemptTimeout());
        assertEquals(Boolean.TRUE, p.releaseOnLeave());
        assertEquals(Map.of("address", "203.0.113.10"), TakeoverSettings.providerSettings(ic));
    }

    /** Issue 13: a node that stepped down holding the IP leaves the new Master two of its advert intervals. */
    @Test
    void theHandOverGraceIsTwoAdvertIntervals() throws Exception {
        assertEquals(Duration.ofSeconds(2), TakeoverSettings.policy(instance("")).handOverGrace(), "advert_int 1");
        InstanceConfig fast = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    version 3
                    advert_int 0.1
                    unicast_peer {
                        10.0.0.2
                    }
                    floating_ip {
                        provider aws
                        address 203.0.113.10
                    }
                }
                """, "k.conf").instances().getFirst();
        assertEquals(Duration.ofMillis(200), TakeoverSettings.policy(fast).handOverGrace());
    }

    @Test
    void warmIntervalDefaultsToTwentySecondsAndZeroTurnsItOff() throws Exception {
        assertEquals(TakeoverPolicy.DEFAULT_WARM_INTERVAL, TakeoverSettings.policy(instance("")).warmInterval());
        assertEquals(Duration.ofSeconds(20), TakeoverPolicy.DEFAULT_WARM_INTERVAL);
        assertEquals(Duration.ZERO, TakeoverSettings.policy(instance("        warm_interval 0")).warmInterval());
    }

    @Test
    void aNegativeWarmIntervalIsAnErrorOfTheParseAtTheBlocksFileAndLine() {
        io.floatd.vrrp.config.ConfigException e = assertThrows(io.floatd.vrrp.config.ConfigException.class,
                () -> instance("        warm_interval -1"));
        assertTrue(e.getMessage().contains("k.conf:7: vrrp_instance VI_1: floating_ip: warm interval must be zero (off) or"
                + " positive, but was -1 s"), e.getMessage());
    }
}
