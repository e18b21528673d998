package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.KeepalivedConf;
import io.floatd.testing.KeepalivedProcess;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.codec.AhPacket;
import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.codec.DecodeResult;
import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.transport.AhTransport;
import io.floatd.vrrp.transport.ReceivedDatagram;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * floatd against a real keepalived (Debian 2.2.7) with {@code authentication { auth_type AH }}, VRRPv2, advert_int 1,
 * unicast, on a two-host {@link Lan}: host 0 keepalived, host 1 floatd, VIP 10.198.0.100/24.
 * <ol>
 *   <li>an advert from keepalived, read with floatd's {@link AhTransport}, verifies with the shared key and carries a
 *       VRRPv2 advert of Auth Type 2;</li>
 *   <li>floatd with another {@code auth_pass}: every advert of keepalived is dropped as {@code ah_auth_failed},
 *       floatd becomes Master, and keepalived logs its "invalid IPSEC HMAC-MD5 value" and stays Master;</li>
 *   <li>keepalived Master, floatd Backup: no drop for more than two Master_Down_Intervals;</li>
 *   <li>kill -9 keepalived: floatd Master after its Master_Down_Interval, carrying on above keepalived's sequence
 *       numbers;</li>
 *   <li>keepalived back at a lower priority: it honours floatd's adverts, no complaint;</li>
 *   <li>kill -9 floatd: keepalived Master;</li>
 *   <li>sequence reset: floatd Backup under a keepalived address owner (255, state MASTER: the one case where
 *       keepalived starts an AH instance as Master), killed and restarted at once with its counter at 0. floatd
 *       drops the restarted keepalived's adverts as {@code ah_replayed} and takes over after its Master_Down_Interval;
 *       its advert makes keepalived "Sync" its counter above floatd's and floatd yields to the next one. This is what
 *       a keepalived Backup does in floatd's place (checked by hand: "IPSEC-AH : sequence number 1 already processed.
 *       Packet dropped. Local(12)" three times, MASTER, then BACKUP on the restarted peer's first synced advert).</li>
 * </ol>
 */
@Timeout(240)
class KeepalivedAhInteropTest {
    private static final int VRID = 52;
    private static final String VIP = "10.198.0.100";
    private static final String VIP_CIDR = VIP + "/24";
    private static final String KEY = "k8sAhKey";
    private static final String WRONG_KEY = "wrongKey";
    private static final int KA = 0;
    private static final int FD = 1;
    private static final Duration START = Duration.ofSeconds(20);
    private static final long SECOND = 1_000_000_000L;
    private static final long MARGIN = 1_500_000_000L;

    /** RFC 3768 §6.1: 3 x Advertisement_Interval + (256 - priority) / 256 s. */
    private static long masterDown(int priority) {
        return 3 * SECOND + (256 - priority) * SECOND / 256;
    }

    @Test
    void interoperatesWithKeepalivedOverIpsecAh() throws Exception {
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        StringBuilder report = new StringBuilder("keepalived AH interop:\n");
        try {
            Lan lan = Lan.create("ah", 2);
            cleanup.push(lan);
            Netns kaHost = lan.host(KA);
            Netns fdHost = lan.host(FD);

            // 1. keepalived (state MASTER is cleared to BACKUP with AH) becomes Master at 150
            KeepalivedProcess ka1 = keepalived(kaHost, 150, cleanup);
            ka1.awaitState("MASTER", START);
            captureAndVerify(fdHost, report);

            // 2. another auth_pass: dropped as ah_auth_failed, both Master
            FloatdProcess wrong = floatd(fdHost, 100, WRONG_KEY, cleanup);
            wrong.awaitState("BACKUP", START);
            wrong.awaitState("MASTER", Duration.ofNanos(masterDown(100) + MARGIN + 3 * SECOND));
            sleepNanos(2 * SECOND);
            String wrongLog = wrong.log();
            wrongLog.lines().filter(l -> l.contains("dropped")).forEach(l -> report.append("    floatd: ").append(l).append('\n'));
            assertTrue(wrongLog.contains("(ah_auth_failed)"), "floatd should count ah_auth_failed:\n" + wrongLog);
            assertFalse(wrongLog.contains(KEY) || wrongLog.contains(WRONG_KEY), "floatd logged a key:\n" + wrongLog);
            assertEquals("MASTER", ka1.currentState(), "keepalived must not accept floatd's adverts under another key");
            assertTrue(ka1.log().contains("IPSEC-AH : invalid IPSEC HMAC-MD5 value"), ka1.log());
            report.append("  keepalived on the wrong key: ").append(ka1.log().lines()
                    .filter(l -> l.contains("IPSEC")).findFirst().orElse("?")).append('\n');
            wrong.kill9();

            // 3. floatd Backup at 100 honours keepalived's adverts, dropping nothing
            FloatdProcess fd1 = floatd(fdHost, 100, KEY, cleanup);
            fd1.awaitState("BACKUP", START);
            sleepNanos(2 * masterDown(100) + SECOND / 2);
            assertEquals(List.of("BACKUP"), states(fd1), "floatd must honour keepalived's AH adverts:\n" + fd1.log());
            assertFalse(fd1.log().contains("dropped"), fd1.log());
            report.append(String.format("  floatd(100) stayed BACKUP %.1f s under keepalived(150), no drop%n",
                    (2 * masterDown(100) + SECOND / 2) / 1e9));

            // 4. kill -9 keepalived: floatd takes over and carries on above keepalived's numbers
            long killed = FloatdProcess.epochNanos();
            ka1.kill9();
            fd1.awaitState("MASTER", Duration.ofNanos(masterDown(100) + MARGIN + 3 * SECOND));
            long failover = fd1.notifiedAt("MASTER", killed) - killed;
            report.append(String.format("  kill -9 keepalived -> floatd MASTER after %.3f s (MDI %.3f s)%n",
                    failover / 1e9, masterDown(100) / 1e9));
            assertTrue(failover <= masterDown(100) + MARGIN, "floatd took over after " + failover / 1e6 + " ms");
            assertTrue(failover >= masterDown(100) - SECOND - 50_000_000L, "too soon: " + failover / 1e6 + " ms");

            // 5. keepalived at 50 (a fresh process, counter 0) honours floatd's adverts
            KeepalivedProcess ka2 = keepalived(kaHost, 50, cleanup);
            ka2.awaitState("BACKUP", START);
            sleepNanos(2 * masterDown(50) + SECOND / 2);
            assertEquals(List.of("BACKUP"), ka2.history().stream().map(KeepalivedProcess.StateChange::state).toList(),
                    "keepalived must honour floatd's AH adverts:\n" + ka2.log());
            assertFalse(fd1.log().contains("dropped"), fd1.log());
            assertEquals(List.of(), complaints(ka2), ka2.log());
            report.append("  keepalived(50) stayed BACKUP under floatd(100), no complaint\n");

            // 6. kill -9 floatd: keepalived takes over
            fd1.kill9();
            ka2.awaitState("MASTER", Duration.ofNanos(masterDown(50) + MARGIN + 3 * SECOND));
            ka2.stop();

            // 7. sequence reset. keepalived at 255 with state MASTER (the one case keepalived starts AH as Master) over
            // floatd Backup, killed and restarted at once: the new process counts from 1 again
            KeepalivedProcess ka3 = keepalived(kaHost, 255, cleanup);
            ka3.awaitState("MASTER", START);
            FloatdProcess fd2 = floatd(fdHost, 100, KEY, cleanup);
            fd2.awaitState("BACKUP", START);
            sleepNanos(3 * SECOND); // floatd's counter follows ka3's numbers
            assertFalse(fd2.log().contains("dropped"), fd2.log());
            long resetAt = FloatdProcess.epochNanos();
            ka3.kill9();
            KeepalivedProcess ka4 = keepalived(kaHost, 255, cleanup);
            ka4.awaitState("MASTER", START);
            // floatd drops the restarted keepalived's low numbers, as keepalived does ("already processed"), so its
            // Master_Down_Interval runs out; its own advert (above keepalived's counter) makes keepalived sync its
            // number, and keepalived's next advert (255) sends floatd back to Backup
            long fdMaster = fd2.awaitNotified("MASTER", resetAt, Duration.ofNanos(masterDown(100) + MARGIN + 5 * SECOND));
            fd2.awaitNotified("BACKUP", fdMaster, Duration.ofNanos(MARGIN + 3 * SECOND));
            assertEquals(List.of("BACKUP", "MASTER", "BACKUP"), states(fd2), fd2.log());
            assertTrue(fd2.log().contains("(ah_replayed)"), fd2.log());
            assertTrue(ka4.log().contains("IPSEC-AH : Syncing seq_num"), ka4.log());
            String before = fd2.log();
            sleepNanos(2 * masterDown(100));
            assertEquals("MASTER", ka4.currentState(), ka4.log());
            assertEquals(List.of("BACKUP", "MASTER", "BACKUP"), states(fd2), fd2.log());
            String after = fd2.log().substring(before.length());
            assertFalse(after.contains("dropped"), "drops after converging:\n" + after);
            report.append("  sequence reset: floatd ").append(states(fd2)).append("; keepalived ")
                    .append(ka4.history().stream().map(KeepalivedProcess.StateChange::state).toList()).append('\n');
            fd2.log().lines().filter(l -> l.contains("dropped")).forEach(l -> report.append("    floatd: ").append(l).append('\n'));
            ka4.log().lines().filter(l -> l.contains("IPSEC")).forEach(l -> report.append("    keepalived: ").append(l).append('\n'));
        } finally {
            if (System.getenv("FLOATD_IT_FULL_LOGS") != null) {
                for (AutoCloseable c : cleanup) {
                    if (c instanceof KeepalivedProcess k) report.append("---- ").append(k).append('\n').append(k.log());
                    if (c instanceof FloatdProcess f) report.append("---- floatd\n").append(f.log());
                }
            }
            System.out.print(report);
            while (!cleanup.isEmpty()) {
                try {
                    cleanup.pop().close();
                } catch (Exception e) {
                    System.out.println("cleanup: " + e);
                }
            }
        }
    }

    /** One advert from keepalived, read on the floatd host with floatd's AH transport (which verifies it) and codec. */
    private static void captureAndVerify(Netns fdHost, StringBuilder report) throws Exception {
        Inet4Address self = (Inet4Address) InetAddress.getByName(Lan.address(FD));
        InetAddress keepalived = InetAddress.getByName(Lan.address(KA));
        try (AhTransport t = fdHost.runInside(() -> AhTransport.open(self, Lan.IFNAME, null))) {
            t.register(VRID, "capture", AhPacket.key(KEY), true);
            long deadline = System.nanoTime() + 5 * SECOND;
            ReceivedDatagram d = null;
            while (d == null && System.nanoTime() < deadline) {
                ReceivedDatagram r = t.receive(Duration.ofMillis(500));
                if (r != null && r.source().equals(keepalived)) {
                    d = r;
                }
            }
            assertTrue(d != null, "no verified AH advert from keepalived within 5 s");
            assertEquals(255, d.ttl());
            DecodeResult.Ok ok = assertInstanceOf(DecodeResult.Ok.class,
                    VrrpPacket.decode(d.payload(), 0, d.payload().length, d.source(), d.destination()));
            VrrpPacket p = ok.packet();
            assertEquals(2, p.version());
            assertEquals(VRID, p.vrid());
            assertEquals(150, p.priority());
            assertEquals(AuthType.AH, p.authType());
            assertArrayEquals(new byte[8], p.authData());
            assertEquals(List.of(InetAddress.getByName(VIP)), p.addresses());
            report.append("  captured from keepalived and verified: ").append(p).append('\n');
        }
    }

    private static KeepalivedProcess keepalived(Netns host, int priority, Deque<AutoCloseable> cleanup) {
        KeepalivedConf conf = KeepalivedConf.instance("VI_1").vrid(VRID).priority(priority).state("MASTER")
                .version(2).advertInt(Duration.ofSeconds(1))
                .unicastSrcIp(Lan.address(KA)).peer(Lan.address(FD)).vip(VIP_CIDR).authAh(KEY);
        KeepalivedProcess k = KeepalivedProcess.start(host, conf);
        cleanup.push(k);
        return k;
    }

    private static FloatdProcess floatd(Netns host, int priority, String key, Deque<AutoCloseable> cleanup) {
        FloatdProcess f = FloatdProcess.start(host, notify -> """
                vrrp_instance VI_1 {
                  state MASTER
                  interface %s
                  virtual_router_id %d
                  priority %d
                  advert_int 1
                  authentication {
                    auth_type AH
                    auth_pass %s
                  }
                  unicast_src_ip %s
                  unicast_peer {
                    %s
                  }
                  virtual_ipaddress {
                    %s dev %s
                  }
                  notify "%s"
                }
                """.formatted(Lan.IFNAME, VRID, priority, key, Lan.address(FD), Lan.address(KA), VIP_CIDR, Lan.IFNAME,
                notify));
        cleanup.push(f);
        return f;
    }

    private static List<String> states(FloatdProcess f) {
        return f.notifications().stream().map(l -> l.split(" ")[1]).toList();
    }

    /** keepalived lines about a packet it disliked (its start-up warnings about scripts and AH's state are ours). */
    private static List<String> complaints(KeepalivedProcess k) {
        return k.log().lines().map(String::toLowerCase)
                .filter(l -> !l.contains("security violation") && !l.contains("initial state master is incompatible"))
                .filter(l -> l.contains("ipsec") || l.contains("invalid") || l.contains("mismatch")
                        || l.contains("discard") || l.contains("wrong"))
                .toList();
    }

    private static void sleepNanos(long nanos) {
        FloatdProcess.sleep(nanos / 1_000_000L);
    }
}
