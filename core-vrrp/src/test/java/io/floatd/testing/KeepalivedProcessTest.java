package io.floatd.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Proves the keepalived harness: two real keepalived in a two-host LAN elect a master and fail over. */
@Timeout(30)
class KeepalivedProcessTest {
    private static final Duration ADVERT = Duration.ofMillis(100);

    private static KeepalivedConf conf(int self, int other, int priority) {
        return KeepalivedConf.instance("VI_1")
                .vrid(51)
                .priority(priority)
                .advertInt(ADVERT)
                .version(3)
                .unicastSrcIp(Lan.address(self))
                .peer(Lan.address(other))
                .vip("10.199.0.100/24");
    }

    @Test
    void rendersTheInstance() {
        String c = conf(0, 1, 150).authPass("secret").nopreempt(true).notify("/x/n.sh arg").render();
        assertTrue(c.contains("vrrp_instance VI_1 {"), c);
        assertTrue(c.contains("advert_int 0.1\n"), c);
        assertTrue(c.contains("unicast_peer {\n    10.199.0.11\n  }"), c);
        assertTrue(c.contains("auth_type PASS"), c);
        assertTrue(c.contains("10.199.0.100/24 dev eth0"), c);
        assertTrue(c.contains("nopreempt"), c);
        assertTrue(c.contains("notify \"/x/n.sh arg\""), c);
    }

    @Test
    void higherPriorityBecomesMasterAndBackupTakesOverAfterACrash() {
        try (Lan lan = Lan.create("ka", 2);
                KeepalivedProcess high = KeepalivedProcess.start(lan.host(0), conf(0, 1, 150));
                KeepalivedProcess low = KeepalivedProcess.start(lan.host(1), conf(1, 0, 100))) {
            high.awaitState("MASTER", Duration.ofSeconds(5));
            low.awaitState("BACKUP", Duration.ofSeconds(5));
            assertTrue(lan.host(0).exec("ip", "-br", "addr", "show", "eth0").contains("10.199.0.100/24"));
            long vrrpChild = high.vrrpPid().orElseThrow();

            long killedAt = System.currentTimeMillis();
            high.kill9();
            KeepalivedProcess.StateChange takeover = low.awaitState("MASTER", Duration.ofSeconds(5));
            long failoverMs = takeover.epochMillis() - killedAt;
            System.out.println("keepalived failover after kill -9 of the master: " + failoverMs + " ms (advert_int "
                    + ADVERT.toMillis() + " ms, master_down_interval at priority 100 = 3 x 100 + skew 61 = 361 ms after the last advert)");

            assertFalse(high.isAlive());
            assertFalse(KeepalivedProcess.alive(vrrpChild), "VRRP child survived kill9");
            assertEquals("MASTER", high.currentState(), "a crashed keepalived notifies nothing");
            assertTrue(failoverMs < 2_000, "failover took " + failoverMs + " ms");
            assertTrue(lan.host(1).exec("ip", "-br", "addr", "show", "eth0").contains("10.199.0.100/24"));
        }
    }

    @Test
    void gracefulStopHandsOverAndNotifiesStop() {
        try (Lan lan = Lan.create("kb", 2);
                KeepalivedProcess high = KeepalivedProcess.start(lan.host(0), conf(0, 1, 150));
                KeepalivedProcess low = KeepalivedProcess.start(lan.host(1), conf(1, 0, 100))) {
            high.awaitState("MASTER", Duration.ofSeconds(5));
            low.awaitState("BACKUP", Duration.ofSeconds(5));
            high.stop();
            low.awaitState("MASTER", Duration.ofSeconds(5));
            assertFalse(high.isAlive());
            assertEquals("STOP", high.currentState());
        }
    }
}
