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
import io.floatd.vrrp.codec.DecodeResult;
import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.transport.AhTransport;
import io.floatd.vrrp.transport.RawIpTransport;
import io.floatd.vrrp.transport.ReceivedDatagram;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Multicast VRRP between floatd and a real keepalived 2.2.7 on one two-host {@link Lan}: neither has a
 * unicast_peer, so both send to the VRRP group (224.0.0.18 or ff02::12) with TTL / hop limit 255; IPv6 from the
 * link-local address (RFC 5798 §5.1.2.1); with {@code auth_type AH} (VRRPv2) as IPv4 protocol 51, each captured
 * advert verified with floatd's AH transport. For each variant:
 * <ol>
 *   <li>an advert captured on the floatd host from keepalived arrives at the group with TTL 255 and decodes;</li>
 *   <li>keepalived Master, floatd Backup: floatd honours it for two of its Master_Down_Intervals, drops nothing;</li>
 *   <li>kill -9 keepalived: floatd Master after its Master_Down_Interval;</li>
 *   <li>a lower-priority keepalived honours floatd's adverts (captured on the keepalived host: group, TTL 255);</li>
 *   <li>kill -9 floatd: keepalived Master after its Master_Down_Interval; keepalived complained about nothing.</li>
 * </ol>
 */
@Timeout(150)
class KeepalivedMulticastInteropTest {
    private static final int VRID = 52;
    private static final int KA = 0;
    private static final int FD = 1;
    private static final Duration START = Duration.ofSeconds(20);

    enum Variant {
        V2_IPV4(2, 100, false, "m2", null),
        V3_IPV4(3, 10, false, "m3", null),
        V3_IPV6(3, 10, true, "m6", null),
        /** Both sides with mcast_src_ip and mcast_dst_ip 224.0.0.19. */
        V3_IPV4_OWN_GROUP(3, 10, false, "mg", "224.0.0.19"),
        /**
         * The Kubernetes HA guide's keepalived.conf: VRRPv2, no unicast_peer, {@code auth_type AH} (IPv4 protocol 51,
         * the TTL inside the ICV). keepalived clears its {@code state MASTER} to BACKUP, as it does for every AH
         * instance that is not the address owner.
         */
        V2_IPV4_AH(2, 100, false, "ma", null, "k8sAhKey"),
        /** The same with mcast_src_ip and mcast_dst_ip 224.0.0.19 on both sides: the AH socket joins that group. */
        V2_IPV4_AH_OWN_GROUP(2, 100, false, "mh", "224.0.0.19", "k8sAhKey");

        final int version;
        final int advertCentis;
        final boolean ipv6;
        final String lanPrefix;
        final String ownGroup;
        /** auth_pass of {@code auth_type AH} on both sides, or null. */
        final String ahKey;

        Variant(int version, int advertCentis, boolean ipv6, String lanPrefix, String ownGroup) {
            this(version, advertCentis, ipv6, lanPrefix, ownGroup, null);
        }

        Variant(int version, int advertCentis, boolean ipv6, String lanPrefix, String ownGroup, String ahKey) {
            this.version = version;
            this.advertCentis = advertCentis;
            this.ipv6 = ipv6;
            this.lanPrefix = lanPrefix;
            this.ownGroup = ownGroup;
            this.ahKey = ahKey;
        }

        Duration advert() {
            return Duration.ofMillis(advertCentis * 10L);
        }

        String vip() {
            return ipv6 ? "fd00:199::100" : "10.199.0.100";
        }

        String vipCidr() {
            return vip() + (ipv6 ? "/64" : "/24");
        }

        InetAddress group() throws Exception {
            return InetAddress.getByName(ownGroup != null ? ownGroup : ipv6 ? "ff02::12" : "224.0.0.18");
        }

        long skewNanos(int priority) {
            long unit = version == 2 ? 1_000_000_000L : advert().toNanos();
            return (256 - priority) * unit / 256;
        }

        long masterDownNanos(int priority) {
            return 3 * advert().toNanos() + skewNanos(priority);
        }

        long marginNanos() {
            return version == 2 ? 1_500_000_000L : 1_000_000_000L;
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    @Execution(ExecutionMode.CONCURRENT)
    void interoperatesWithKeepalivedOverMulticast(Variant v) throws Exception {
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        StringBuilder report = new StringBuilder("keepalived multicast interop " + v + ":\n");
        try {
            Lan lan = Lan.create(v.lanPrefix, 2);
            cleanup.push(lan);
            Netns kaHost = lan.host(KA);
            Netns fdHost = lan.host(FD);
            if (v.ipv6) {
                awaitLinkLocal(kaHost);
                awaitLinkLocal(fdHost);
            }

            KeepalivedProcess ka1 = keepalived(kaHost, v, 150, "MASTER", cleanup);
            ka1.awaitState("MASTER", START);
            report.append("  from keepalived: ").append(captureAdvert(v, fdHost, 150)).append('\n');

            FloatdProcess fd1 = floatd(fdHost, v, 100, cleanup);
            fd1.awaitState("BACKUP", START);
            long fdMdi = v.masterDownNanos(100);
            sleepNanos(2 * fdMdi + 500_000_000L);
            assertEquals(List.of("BACKUP"), states(fd1), "floatd must honour keepalived's multicast adverts:\n" + fd1.log());
            assertFalse(dropped(fd1), "floatd dropped keepalived's adverts:\n" + fd1.log());
            assertEquals("MASTER", ka1.currentState());
            report.append(String.format("  floatd stayed BACKUP for %.2f s under keepalived%n", (2 * fdMdi + 500_000_000L) / 1e9));

            long killed = epochNanos();
            ka1.kill9();
            fd1.awaitState("MASTER", Duration.ofNanos(fdMdi + v.marginNanos() + 3_000_000_000L));
            long failover = fd1.notifiedAt("MASTER", killed) - killed;
            report.append(String.format("  kill -9 keepalived -> floatd MASTER after %.3f s (MDI %.3f s)%n",
                    failover / 1e9, fdMdi / 1e9));
            assertTrue(failover <= fdMdi + v.marginNanos(), "floatd took over after " + failover / 1e6 + " ms");
            assertTrue(failover >= fdMdi - v.advert().toNanos() - 50_000_000L,
                    "floatd took over after " + failover / 1e6 + " ms: sooner than its Master_Down_Interval allows");

            KeepalivedProcess ka2 = keepalived(kaHost, v, 50, "BACKUP", cleanup);
            ka2.awaitState("BACKUP", START);
            report.append("  from floatd: ").append(captureAdvert(v, kaHost, 100)).append('\n');
            long kaMdi = v.masterDownNanos(50);
            sleepNanos(2 * kaMdi + 500_000_000L);
            assertEquals(List.of("BACKUP"), ka2.history().stream().map(KeepalivedProcess.StateChange::state).toList(),
                    "keepalived must honour floatd's multicast adverts; keepalived log:\n" + ka2.log());
            assertEquals(List.of("BACKUP", "MASTER"), states(fd1), fd1.log());
            assertFalse(dropped(fd1), fd1.log());

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
            for (KeepalivedProcess k : List.of(ka1, ka2)) {
                List<String> complaints = k.log().lines().filter(KeepalivedMulticastInteropTest::complaint).toList();
                assertEquals(List.of(), complaints, "keepalived complained:\n" + k.log());
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

    /**
     * One advert of the given priority as it arrives on {@code host}'s eth0, read with floatd's own raw transport
     * (which reports the received TTL / hop limit): sent to the VRRP group, TTL 255, the VIP, decodable.
     */
    private static String captureAdvert(Variant v, Netns host, int priority) throws Exception {
        if (v.ahKey != null) {
            return captureAhAdvert(v, host, priority);
        }
        // read with ip(8): the JVM lists IPv6 addresses from /proc/net, which is the process's namespace, not the thread's
        InetAddress linkLocal = v.ipv6 ? linkLocal(host) : null;
        return host.runInside(() -> {
            InetAddress source = v.ipv6 ? linkLocal : anyIpv4();
            try (RawIpTransport t = RawIpTransport.open(source, Lan.IFNAME)) {
                t.joinGroup(v.group());
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (System.nanoTime() < deadline) {
                    ReceivedDatagram d = t.receive(Duration.ofMillis(500));
                    if (d == null) {
                        continue;
                    }
                    DecodeResult result = VrrpPacket.decode(d.payload(), 0, d.payload().length, d.source(), d.destination());
                    DecodeResult.Ok ok = assertInstanceOf(DecodeResult.Ok.class, result, "advert " + d + ": " + result);
                    VrrpPacket p = ok.packet();
                    if (p.priority() != priority) {
                        continue;
                    }
                    assertEquals(v.group(), d.destination(), "sent to the VRRP group: " + d);
                    assertEquals(255, d.ttl(), "TTL / hop limit 255 (RFC 5798 §5.1.1.3 / §5.1.2.3): " + d);
                    assertEquals(v.version, p.version());
                    assertEquals(VRID, p.vrid());
                    assertEquals(v.advertCentis, p.advertIntervalCentis());
                    assertEquals(List.of(InetAddress.getByName(v.vip())), p.addresses());
                    if (v.ipv6) {
                        assertTrue(d.source().isLinkLocalAddress(), "IPv6 adverts come from the link-local address: " + d);
                    }
                    return p + ", " + d;
                }
                throw new AssertionError("no advert of priority " + priority + " within 5 s");
            }
        });
    }

    /**
     * One AH advert of the given priority as it arrives on {@code host}'s eth0, read with floatd's {@link AhTransport}
     * registered for multicast: its ICV verifies with the TTL covered (keepalived's multicast ICV), it was sent to the
     * group with TTL 255 and carries a VRRPv2 advert of Auth Type 2 with zero authentication data.
     */
    private static String captureAhAdvert(Variant v, Netns host, int priority) throws Exception {
        Inet4Address self = (Inet4Address) host.runInside(KeepalivedMulticastInteropTest::anyIpv4);
        try (AhTransport t = host.runInside(() -> AhTransport.open(self, Lan.IFNAME, null))) {
            t.register(VRID, "capture", AhPacket.key(v.ahKey), false);
            t.joinGroup(v.group());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                ReceivedDatagram d = t.receive(Duration.ofMillis(500));
                if (d == null) {
                    continue;
                }
                DecodeResult result = VrrpPacket.decode(d.payload(), 0, d.payload().length, d.source(), d.destination());
                VrrpPacket p = assertInstanceOf(DecodeResult.Ok.class, result, "advert " + d + ": " + result).packet();
                if (p.priority() != priority) {
                    continue;
                }
                assertEquals(v.group(), d.destination(), "sent to the VRRP group: " + d);
                assertEquals(255, d.ttl(), "TTL 255: " + d);
                assertEquals(2, p.version());
                assertEquals(VRID, p.vrid());
                assertEquals(io.floatd.vrrp.codec.AuthType.AH, p.authType());
                assertArrayEquals(new byte[8], p.authData());
                assertEquals(List.of(InetAddress.getByName(v.vip())), p.addresses());
                return "AH verified, " + p + ", " + d;
            }
            throw new AssertionError("no verified AH advert of priority " + priority + " within 5 s");
        }
    }

    /** This namespace's eth0 IPv4 address: the raw socket's source only (it receives on the interface). */
    private static InetAddress anyIpv4() throws Exception {
        for (InetAddress a : Collections.list(NetworkInterface.getByName(Lan.IFNAME).getInetAddresses())) {
            if (!(a instanceof Inet6Address)) {
                return a;
            }
        }
        throw new AssertionError("no IPv4 address on " + Lan.IFNAME);
    }

    private static InetAddress linkLocal(Netns host) throws Exception {
        String out = host.exec("ip", "-6", "-o", "addr", "show", "dev", Lan.IFNAME, "scope", "link");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("inet6 (fe80::[0-9a-f:]+)/").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no link-local address on " + host + ": " + out);
        }
        return InetAddress.getByName(m.group(1));
    }

    /** The kernel's link-local address, once its duplicate address detection is over (a tentative one cannot be bound). */
    static void awaitLinkLocal(Netns host) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String out = "";
        while (System.nanoTime() < deadline) {
            out = host.exec("ip", "-6", "addr", "show", "dev", Lan.IFNAME, "scope", "link");
            if (out.contains("fe80::") && !out.contains("tentative")) {
                return;
            }
            sleepNanos(100_000_000L);
        }
        throw new AssertionError("no usable link-local address on " + host + ": " + out);
    }

    private static KeepalivedProcess keepalived(Netns host, Variant v, int priority, String state,
            Deque<AutoCloseable> cleanup) {
        KeepalivedConf conf = KeepalivedConf.instance("VI_M").vrid(VRID).priority(priority).state(state)
                .version(v.version).advertInt(v.advert()).vip(v.vipCidr());
        if (v.ownGroup != null) {
            conf.mcastDstIp(v.ownGroup).mcastSrcIp(Lan.address(KA));
        }
        if (v.ahKey != null) {
            conf.authAh(v.ahKey);
        }
        KeepalivedProcess k = KeepalivedProcess.start(host, conf);
        cleanup.push(k);
        return k;
    }

    private static FloatdProcess floatd(Netns host, Variant v, int priority, Deque<AutoCloseable> cleanup) {
        FloatdProcess f = FloatdProcess.start(host, notify -> floatdConf(v, priority, notify));
        cleanup.push(f);
        return f;
    }

    /** keepalived.conf as its users write it for multicast: no unicast_peer, no source address. */
    static String floatdConf(Variant v, int priority, String notify) {
        return """
                vrrp_instance VI_M {
                    state BACKUP
                    interface %s
                    virtual_router_id %d
                    priority %d
                    advert_int %s
                    version %d
                    %s
                    %s
                    virtual_ipaddress {
                        %s dev %s
                    }
                    notify "%s"
                }
                """.formatted(Lan.IFNAME, VRID, priority,
                v.advertCentis % 100 == 0 ? Integer.toString(v.advertCentis / 100)
                        : String.format("%d.%02d", v.advertCentis / 100, v.advertCentis % 100),
                v.version, v.ownGroup == null ? "" : "mcast_dst_ip " + v.ownGroup + "\n    mcast_src_ip " + Lan.address(FD),
                v.ahKey == null ? "" : "authentication {\n        auth_type AH\n        auth_pass " + v.ahKey + "\n    }",
                v.vipCidr(), Lan.IFNAME, notify);
    }

    /** floatd logged a dropped advert (protocol 112 or AH). */
    private static boolean dropped(FloatdProcess f) {
        String log = f.log();
        return log.contains("dropped advert") || log.contains("dropped AH advert");
    }

    private static List<String> states(FloatdProcess f) {
        return f.notifications().stream().map(l -> l.split(" ")[1]).collect(Collectors.toList());
    }

    /** A keepalived line that would mean it disliked a packet (its notify-script security line is about the harness). */
    private static boolean complaint(String line) {
        String l = line.toLowerCase();
        if (l.contains("security violation") || l.contains("initial state master is incompatible with ah")) {
            return false;
        }
        return l.contains("invalid") || l.contains("bad ") || l.contains("ttl") || l.contains("checksum")
                || l.contains("mismatch") || l.contains("wrong") || l.contains("error") || l.contains("discard")
                || l.contains("ignor") || l.contains("expected") || l.contains("unexpected");
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static void sleepNanos(long nanos) {
        FloatdProcess.sleep(nanos / 1_000_000L);
    }
}
