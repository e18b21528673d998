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
import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.codec.ChecksumVariant;
import io.floatd.vrrp.codec.DecodeResult;
import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.transport.RawIpTransport;
import io.floatd.vrrp.transport.ReceivedDatagram;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * floatd against a real keepalived (Debian 2.2.7, from PATH) on one two-host {@link Lan}: host 0 runs keepalived,
 * host 1 runs floatd, same VRID, unicast to each other, VIP 10.199.0.100/24. For each wire variant one scenario:
 * <ol>
 *   <li>an advert captured live from keepalived decodes with floatd's codec to exactly what keepalived was told;</li>
 *   <li>(PASS only) floatd with the wrong password drops keepalived's adverts as auth_failed, never logs a password,
 *       and becomes Master itself: the split brain is visible;</li>
 *   <li>keepalived Master, floatd Backup: floatd honours keepalived's adverts for more than two of its own
 *       Master_Down_Intervals and drops nothing;</li>
 *   <li>kill -9 keepalived: floatd takes over after its Master_Down_Interval;</li>
 *   <li>a lower-priority keepalived honours floatd's adverts for more than two of its Master_Down_Intervals;</li>
 *   <li>kill -9 floatd: keepalived takes over after its Master_Down_Interval;</li>
 *   <li>graceful stops both ways: the priority-0 advert each sends makes the other take over after Skew_Time.</li>
 * </ol>
 * A second scenario ({@link #preemptsAndYieldsToKeepalived}) checks preemption both ways. The variants run
 * concurrently, in separate namespaces. {@code FLOATD_IT_FULL_LOGS=1} prints every daemon's whole log.
 * Timings come from the notify scripts (wall clock) and are printed; the bounds are generous because other
 * namespace tests may share this machine's CPUs.
 */
@Timeout(150)
class KeepalivedInteropTest {
    private static final int VRID = 51;
    private static final String VIP = "10.199.0.100";
    private static final String VIP_CIDR = VIP + "/24";
    private static final String PASSWORD = "secret12";
    private static final String WRONG_PASSWORD = "wrong987";
    private static final int KA = 0;
    private static final int FD = 1;
    private static final Duration START = Duration.ofSeconds(20);

    enum Variant {
        V2(2, 100, null, "i2"),
        V2_PASS(2, 100, PASSWORD, "ip"),
        V3(3, 10, null, "i3");

        final int version;
        final int advertCentis;
        final String password;
        final String lanPrefix;

        Variant(int version, int advertCentis, String password, String lanPrefix) {
            this.version = version;
            this.advertCentis = advertCentis;
            this.password = password;
            this.lanPrefix = lanPrefix;
        }

        Duration advert() {
            return Duration.ofMillis(advertCentis * 10L);
        }

        /** RFC 3768 §6.1 (skew in whole seconds' fractions) / RFC 5798 §6.1 (skew scaled by the interval). */
        long skewNanos(int priority) {
            long unit = version == 2 ? 1_000_000_000L : advert().toNanos();
            return (256 - priority) * unit / 256;
        }

        long masterDownNanos(int priority) {
            return 3 * advert().toNanos() + skewNanos(priority);
        }

        /** Slack on top of a protocol interval for process start-up, notify forks and a busy machine. */
        long marginNanos() {
            return version == 2 ? 1_500_000_000L : 1_000_000_000L;
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    @Execution(ExecutionMode.CONCURRENT) // separate namespaces; mostly waiting, so ~40 s instead of ~85 s
    void interoperatesWithKeepalived(Variant v) throws Exception {
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        StringBuilder report = new StringBuilder("keepalived interop " + v + ":\n");
        try {
            Lan lan = Lan.create(v.lanPrefix, 2);
            cleanup.push(lan);
            Netns kaHost = lan.host(KA);
            Netns fdHost = lan.host(FD);

            // 1. keepalived Master at 150; one of its adverts, captured before floatd exists
            KeepalivedProcess ka1 = keepalived(kaHost, v, 150, "MASTER", cleanup);
            ka1.awaitState("MASTER", START);
            captureAndCheckAdvert(v, fdHost, report);

            if (v.password != null) {
                wrongPasswordIsVisibleSplitBrain(v, fdHost, ka1, cleanup, report);
            }

            // 2. floatd Backup at 100 honours keepalived's adverts
            FloatdProcess fd1 = floatd(fdHost, v, 100, v.password, cleanup);
            fd1.awaitState("BACKUP", START);
            awaitVip(fdHost, false); // a Backup holds no VIP, even one a crashed floatd left behind
            long fdMdi = v.masterDownNanos(100);
            sleepNanos(2 * fdMdi + 500_000_000L);
            assertEquals(List.of("BACKUP"), states(fd1), "floatd must honour keepalived's adverts:\n" + fd1.log());
            assertFalse(fd1.log().contains("dropped advert"), "floatd dropped keepalived's adverts:\n" + fd1.log());
            assertEquals("MASTER", ka1.currentState());
            report.append(String.format("  floatd stayed BACKUP for %.2f s (2 x MDI %.3f s + 0.5 s) under keepalived%n",
                    (2 * fdMdi + 500_000_000L) / 1e9, fdMdi / 1e9));

            // 3. keepalived crashes: floatd takes over after its Master_Down_Interval
            long killed = epochNanos();
            ka1.kill9();
            fd1.awaitState("MASTER", Duration.ofNanos(fdMdi + v.marginNanos() + 3_000_000_000L));
            long failover = fd1.notifiedAt("MASTER", killed) - killed;
            report.append(String.format("  kill -9 keepalived -> floatd MASTER after %.3f s (MDI %.3f s)%n",
                    failover / 1e9, fdMdi / 1e9));
            assertTrue(failover <= fdMdi + v.marginNanos(), "floatd took over after " + failover / 1e6 + " ms");
            assertTrue(failover >= fdMdi - v.advert().toNanos() - 50_000_000L,
                    "floatd took over after " + failover / 1e6 + " ms: sooner than its Master_Down_Interval allows");
            awaitVip(fdHost, true);

            // 4. keepalived back at 50 honours floatd's adverts
            KeepalivedProcess ka2 = keepalived(kaHost, v, 50, "BACKUP", cleanup);
            ka2.awaitState("BACKUP", START);
            long kaMdi = v.masterDownNanos(50);
            sleepNanos(2 * kaMdi + 500_000_000L);
            assertEquals(List.of("BACKUP"), ka2.history().stream().map(KeepalivedProcess.StateChange::state).toList(),
                    "keepalived must honour floatd's adverts; keepalived log:\n" + ka2.log());
            assertEquals(List.of("BACKUP", "MASTER"), states(fd1), fd1.log());
            assertFalse(fd1.log().contains("dropped advert"), fd1.log());
            report.append(String.format("  keepalived(50) stayed BACKUP for %.2f s (2 x MDI %.3f s + 0.5 s) under floatd%n",
                    (2 * kaMdi + 500_000_000L) / 1e9, kaMdi / 1e9));

            // floatd crashes: keepalived takes over after its Master_Down_Interval
            long killedMs = System.currentTimeMillis();
            fd1.kill9();
            KeepalivedProcess.StateChange kaMaster =
                    ka2.awaitState("MASTER", Duration.ofNanos(kaMdi + v.marginNanos() + 3_000_000_000L));
            long kaFailover = (kaMaster.epochMillis() - killedMs) * 1_000_000L;
            report.append(String.format("  kill -9 floatd -> keepalived MASTER after %.3f s (MDI %.3f s)%n",
                    kaFailover / 1e9, kaMdi / 1e9));
            assertTrue(kaFailover <= kaMdi + v.marginNanos(), "keepalived took over after " + kaFailover / 1e6 + " ms");
            assertTrue(kaFailover >= kaMdi - v.advert().toNanos() - 50_000_000L,
                    "keepalived took over after " + kaFailover / 1e6 + " ms: sooner than its Master_Down_Interval allows");
            awaitVip(kaHost, true);

            // 6. graceful stops: keepalived Master (50) -> floatd Backup (30), then floatd Master -> keepalived (10)
            FloatdProcess fd2 = floatd(fdHost, v, 30, v.password, cleanup);
            fd2.awaitState("BACKUP", START);
            sleepNanos(2 * v.advert().toNanos());
            long termKa = epochNanos();
            ka2.stop();
            fd2.awaitState("MASTER", Duration.ofNanos(v.masterDownNanos(30) + v.marginNanos() + 3_000_000_000L));
            long fdGraceful = fd2.notifiedAt("MASTER", termKa) - termKa;
            report.append(String.format("  SIGTERM keepalived -> floatd(30) MASTER after %.3f s (skew %.3f s, MDI %.3f s)%n",
                    fdGraceful / 1e9, v.skewNanos(30) / 1e9, v.masterDownNanos(30) / 1e9));
            assertEquals("STOP", ka2.currentState());
            assertTrue(fdGraceful < v.skewNanos(30) + v.marginNanos() / 2,
                    "floatd took over " + fdGraceful / 1e6 + " ms after keepalived's priority 0");

            KeepalivedProcess ka3 = keepalived(kaHost, v, 10, "BACKUP", cleanup);
            ka3.awaitState("BACKUP", START);
            sleepNanos(2 * v.advert().toNanos());
            long termFdMs = System.currentTimeMillis();
            assertEquals(0, fd2.stop(Duration.ofSeconds(15)), fd2.log());
            KeepalivedProcess.StateChange ka3Master =
                    ka3.awaitState("MASTER", Duration.ofNanos(v.masterDownNanos(10) + v.marginNanos() + 3_000_000_000L));
            long kaGraceful = (ka3Master.epochMillis() - termFdMs) * 1_000_000L;
            report.append(String.format("  SIGTERM floatd -> keepalived(10) MASTER after %.3f s (skew %.3f s, MDI %.3f s)%n",
                    kaGraceful / 1e9, v.skewNanos(10) / 1e9, v.masterDownNanos(10) / 1e9));
            assertTrue(fd2.notifications().getLast().contains(" STOP "), "floatd notified " + fd2.notifications());
            assertTrue(kaGraceful < v.skewNanos(10) + v.marginNanos() / 2,
                    "keepalived took over " + kaGraceful / 1e6 + " ms after floatd's priority 0");
            assertFalse(fd2.log().contains("dropped advert"), fd2.log());

            // keepalived had nothing to say about floatd's packets (only the wrong password, where there was one)
            assertEquals(v.password != null, ka1.log().contains("received an invalid passwd!"), ka1.log());
            for (KeepalivedProcess k : List.of(ka1, ka2, ka3)) {
                List<String> complaints = k.log().lines().filter(KeepalivedInteropTest::complaint)
                        .filter(l -> !l.contains("received an invalid passwd!")).toList();
                assertEquals(List.of(), complaints, "keepalived complained:\n" + k.log());
            }
        } finally {
            if (System.getenv("FLOATD_IT_FULL_LOGS") != null) { // every daemon's whole log, for debugging
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

    /**
     * Preemption both ways: a higher-priority floatd takes over from a keepalived Master (keepalived yields to its
     * adverts), then a higher-priority keepalived takes over from floatd (floatd yields). Each newcomer starts as
     * Backup, ignores the lower-priority Master's adverts and takes over when its Master_Down_Interval runs out.
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"V2", "V3"})
    @Execution(ExecutionMode.CONCURRENT)
    void preemptsAndYieldsToKeepalived(Variant v) throws Exception {
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        StringBuilder report = new StringBuilder("keepalived preemption " + v + ":\n");
        try {
            Lan lan = Lan.create(v == Variant.V2 ? "q2" : "q3", 2);
            cleanup.push(lan);
            KeepalivedProcess ka1 = keepalived(lan.host(KA), v, 150, "BACKUP", cleanup);
            ka1.awaitState("MASTER", START);

            FloatdProcess fd = floatd(lan.host(FD), v, 200, null, cleanup);
            fd.awaitState("BACKUP", START);
            long backupAt = fd.notifiedAt("BACKUP", 0);
            fd.awaitState("MASTER", Duration.ofNanos(v.masterDownNanos(200) + v.marginNanos() + 3_000_000_000L));
            long preempt = fd.notifiedAt("MASTER", backupAt) - backupAt;
            ka1.awaitState("BACKUP", Duration.ofSeconds(5));
            report.append(String.format("  floatd(200) preempted keepalived(150) %.3f s after entering BACKUP (MDI %.3f s)%n",
                    preempt / 1e9, v.masterDownNanos(200) / 1e9));
            assertTrue(preempt <= v.masterDownNanos(200) + v.marginNanos(), "floatd preempted after " + preempt / 1e6 + " ms");
            ka1.stop();

            KeepalivedProcess ka2 = keepalived(lan.host(KA), v, 250, "BACKUP", cleanup);
            KeepalivedProcess.StateChange kaBackup = ka2.awaitState("BACKUP", START);
            KeepalivedProcess.StateChange kaMaster = ka2.awaitState("MASTER",
                    Duration.ofNanos(v.masterDownNanos(250) + v.marginNanos() + 3_000_000_000L));
            fd.awaitState("BACKUP", Duration.ofSeconds(5));
            long kaPreempt = (kaMaster.epochMillis() - kaBackup.epochMillis()) * 1_000_000L;
            report.append(String.format("  keepalived(250) preempted floatd(200) %.3f s after entering BACKUP (MDI %.3f s)%n",
                    kaPreempt / 1e9, v.masterDownNanos(250) / 1e9));
            assertEquals(List.of("BACKUP", "MASTER", "BACKUP"), states(fd), fd.log());
            assertTrue(fd.log().contains("Entering BACKUP STATE"), fd.log());
            assertFalse(fd.log().contains("dropped advert"), fd.log());
            for (KeepalivedProcess k : List.of(ka1, ka2)) {
                assertEquals(List.of(), k.log().lines().filter(KeepalivedInteropTest::complaint).toList(),
                        "keepalived complained:\n" + k.log());
            }
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

    /** One advert from keepalived, read on the floatd host's eth0 with floatd's own transport and codec. */
    private static void captureAndCheckAdvert(Variant v, Netns fdHost, StringBuilder report) throws Exception {
        InetAddress self = InetAddress.getByName(Lan.address(FD));
        InetAddress keepalived = InetAddress.getByName(Lan.address(KA));
        try (RawIpTransport t = fdHost.runInside(() -> RawIpTransport.open(self, Lan.IFNAME))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            ReceivedDatagram d = null;
            while (d == null && System.nanoTime() < deadline) {
                ReceivedDatagram r = t.receive(Duration.ofMillis(500));
                if (r != null && r.source().equals(keepalived)) {
                    d = r;
                }
            }
            assertTrue(d != null, "no advert from keepalived within 5 s");
            assertEquals(self, d.destination(), "keepalived sends unicast to its peer");
            assertEquals(255, d.ttl(), "keepalived sends IPv4 unicast adverts with TTL 255");
            DecodeResult result = VrrpPacket.decode(d.payload(), 0, d.payload().length, d.source(), d.destination());
            DecodeResult.Ok ok = assertInstanceOf(DecodeResult.Ok.class, result, "keepalived's advert: " + result);
            VrrpPacket p = ok.packet();
            assertEquals(ChecksumVariant.RFC, ok.variant());
            assertEquals(v.version, p.version());
            assertEquals(VrrpPacket.ADVERTISEMENT, p.type());
            assertEquals(VRID, p.vrid());
            assertEquals(150, p.priority());
            assertEquals(v.advertCentis, p.advertIntervalCentis());
            assertEquals(List.of(InetAddress.getByName(VIP)), p.addresses());
            if (v.version == 2) {
                assertEquals(v.password == null ? AuthType.NONE : AuthType.PASS, p.authType());
                byte[] expected = v.password == null ? new byte[8]
                        : Arrays.copyOf(v.password.getBytes(StandardCharsets.US_ASCII), 8);
                assertArrayEquals(expected, p.authData(), "auth data");
            } else {
                assertEquals(AuthType.NONE, p.authType());
                assertEquals(0, p.authData().length);
            }
            report.append("  captured from keepalived: ").append(p).append(", ").append(d).append(", checksum ")
                    .append(ok.variant()).append('\n');
        }
    }

    /** floatd with the wrong password: keepalived's adverts are dropped, so both end up Master, and floatd says why. */
    private static void wrongPasswordIsVisibleSplitBrain(Variant v, Netns fdHost, KeepalivedProcess ka,
            Deque<AutoCloseable> cleanup, StringBuilder report) {
        FloatdProcess wrong = floatd(fdHost, v, 100, WRONG_PASSWORD, cleanup);
        wrong.awaitState("BACKUP", START);
        long backupAt = wrong.notifiedAt("BACKUP", 0);
        long mdi = v.masterDownNanos(100);
        wrong.awaitState("MASTER", Duration.ofNanos(mdi + v.marginNanos() + 3_000_000_000L));
        long after = wrong.notifiedAt("MASTER", backupAt) - backupAt;
        sleepNanos(2 * v.advert().toNanos()); // keepalived gets some of floatd's wrong-password adverts
        String log = wrong.log();
        report.append("  keepalived on floatd's wrong password: ").append(ka.log().lines()
                .filter(l -> l.contains("passwd")).findFirst().orElse("(nothing yet)")).append('\n');
        report.append(String.format("  wrong password: floatd MASTER %.3f s after BACKUP (MDI %.3f s); keepalived %s%n",
                after / 1e9, mdi / 1e9, ka.currentState()));
        log.lines().filter(l -> l.contains("dropped")).forEach(l -> report.append("    floatd: ").append(l).append('\n'));
        assertTrue(log.contains("(auth_failed)"), "floatd should log auth_failed:\n" + log);
        assertFalse(log.contains(PASSWORD) || log.contains(WRONG_PASSWORD), "floatd logged a password:\n" + log);
        assertTrue(after <= mdi + v.marginNanos(), "wrong-password floatd became Master after " + after / 1e6 + " ms");
        assertEquals("MASTER", ka.currentState(), "keepalived must not accept floatd's wrong password either");
        wrong.kill9();
    }

    private static KeepalivedProcess keepalived(Netns host, Variant v, int priority, String state,
            Deque<AutoCloseable> cleanup) {
        KeepalivedConf conf = KeepalivedConf.instance("VI_1").vrid(VRID).priority(priority).state(state)
                .version(v.version).advertInt(v.advert())
                .unicastSrcIp(Lan.address(KA)).peer(Lan.address(FD)).vip(VIP_CIDR);
        if (v.password != null) {
            conf.authPass(v.password);
        }
        KeepalivedProcess k = KeepalivedProcess.start(host, conf);
        cleanup.push(k);
        return k;
    }

    private static FloatdProcess floatd(Netns host, Variant v, int priority, String password,
            Deque<AutoCloseable> cleanup) {
        FloatdProcess f = FloatdProcess.start(host, notify -> floatdConf(v, priority, password, notify));
        cleanup.push(f);
        return f;
    }

    /** keepalived.conf syntax, as a floatd user would write it for the peer of the keepalived above. */
    static String floatdConf(Variant v, int priority, String password, String notify) {
        StringBuilder b = new StringBuilder();
        b.append("vrrp_instance VI_1 {\n");
        b.append("  state BACKUP\n  interface ").append(Lan.IFNAME).append('\n');
        b.append("  virtual_router_id ").append(VRID).append('\n');
        b.append("  priority ").append(priority).append('\n');
        b.append("  advert_int ").append(v.advertCentis % 100 == 0 ? Integer.toString(v.advertCentis / 100)
                : String.format("%d.%02d", v.advertCentis / 100, v.advertCentis % 100)).append('\n');
        b.append("  version ").append(v.version).append('\n');
        if (password != null) {
            b.append("  authentication {\n    auth_type PASS\n    auth_pass ").append(password).append("\n  }\n");
        }
        b.append("  unicast_src_ip ").append(Lan.address(FD)).append('\n');
        b.append("  unicast_peer {\n    ").append(Lan.address(KA)).append("\n  }\n");
        b.append("  virtual_ipaddress {\n    ").append(VIP_CIDR).append(" dev ").append(Lan.IFNAME).append("\n  }\n");
        b.append("  notify \"").append(notify).append("\"\n");
        b.append("}\n");
        return b.toString();
    }

    private static List<String> states(FloatdProcess f) {
        return f.notifications().stream().map(l -> l.split(" ")[1]).collect(Collectors.toList());
    }

    private static void awaitVip(Netns host, boolean present) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String addrs = "";
        while (System.nanoTime() < deadline) {
            addrs = host.exec("ip", "-br", "addr", "show", Lan.IFNAME);
            if (addrs.contains(VIP_CIDR) == present) {
                return;
            }
            sleepNanos(50_000_000L);
        }
        throw new AssertionError("VIP " + (present ? "missing on " : "still on ") + host + ": " + addrs);
    }

    /**
     * A keepalived line that would mean it disliked a packet. Its start-up always says "SECURITY VIOLATION" about
     * notify scripts without script_security, which is about our harness, not about floatd.
     */
    private static boolean complaint(String line) {
        String l = line.toLowerCase();
        if (l.contains("security violation")
                // protocol, not complaints: a Master yielding to a preempting floatd, a preempting Backup
                // ignoring floatd's lower-priority adverts until its Master_Down_Interval runs out
                || l.contains("master received advert from " + Lan.address(FD) + " with higher priority")
                || l.contains("advert from " + Lan.address(FD) + " - discarding") && l.contains("received lower priority")) {
            return false;
        }
        return (l.contains(Lan.address(FD)) || l.contains("invalid")
                || l.contains("bad ") || l.contains("ttl") || l.contains("checksum") || l.contains("mismatch")
                || l.contains("wrong") || l.contains("error") || l.contains("warning") || l.contains("discard")
                || l.contains("ignor"));
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static void sleepNanos(long nanos) {
        FloatdProcess.sleep(nanos / 1_000_000L);
    }
}
