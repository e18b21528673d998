package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.AdvertAuth;
import io.floatd.vrrp.transport.RawIpTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two in-process daemons in network namespaces speaking VRRP over UDP with HMAC, while protocol 112 is dropped by
 * iptables on both: they elect one Master, fail over when it dies, and drop forged, unsigned and replayed datagrams.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UdpTransportNamespaceTest {
    private static final String KEY = "udp-test-key-0123456789abcdefghijklmnop";
    private static final int PORT = 5112;

    @TempDir
    Path dir;

    private final List<VrrpDaemon> daemons = new ArrayList<>();
    private Lan lan;

    @AfterEach
    void tearDown() {
        daemons.forEach(VrrpDaemon::close);
        if (lan != null) {
            lan.close();
        }
    }

    private Path keyFile() throws Exception {
        Path p = dir.resolve("vrrp.key");
        Files.writeString(p, KEY + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private static String conf(int priority, String self, String peer, String transport) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        203.0.113.10
                    }
                    %s
                }
                """.formatted(priority, self, peer, transport);
    }

    private VrrpDaemon start(Netns ns, String text) throws Exception {
        FloatdConfig config = ConfigParser.parse(text, ns.name() + ".conf");
        FloatingIpProviderFactory nothing = new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "nothing";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) {
                return new FloatingIpProvider() {
                    @Override
                    public Holder holder() {
                        return Holder.nobody();
                    }

                    @Override
                    public void acquire() {
                    }

                    @Override
                    public void release() {
                    }
                };
            }
        };
        DaemonOptions options = new DaemonOptions("nothing", false, Duration.ofSeconds(5), RawIpTransport::open,
                name -> Optional.of(nothing), NanoClock.SYSTEM);
        VrrpDaemon d = ns.runInside(() -> VrrpDaemon.create(config, options));
        daemons.add(d);
        d.start();
        return d;
    }

    private static VrrpState state(VrrpDaemon d) {
        return d.instances().getFirst().runner().state().state();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void sendFrom(Netns ns, String from, String to, byte[] payload) {
        ns.runInside(() -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(from), 0))) {
                s.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(InetAddress.getByName(to), PORT)));
            }
            return null;
        });
    }

    /** One advert from {@code src} to {@code dst} as seen on the wire by tcpdump in {@code ns} (the UDP payload). */
    private static byte[] capture(Netns ns, String src, Path pcap) throws Exception {
        Process p = ns.spawn(List.of("tcpdump", "-i", Lan.IFNAME, "-U", "-c", "1", "-w", pcap.toString(),
                "udp and dst port " + PORT + " and src host " + src), null);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tcpdump captured nothing");
        byte[] file = Files.readAllBytes(pcap);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int caplen = b.getInt(24 + 8);
        int frame = 24 + 16;
        int ip = frame + 14;
        int ihl = (file[ip] & 0x0f) * 4;
        int udp = ip + ihl;
        return Arrays.copyOfRange(file, udp + 8, frame + caplen);
    }

    @Test
    void electsFailsOverAndDropsForgedAndReplayedWithProtocol112Blocked() throws Exception {
        Netns.requireRoot();
        lan = Lan.create("ud", 3);
        Netns a = lan.host(0);
        Netns b = lan.host(1);
        Netns c = lan.host(2);
        String ipA = Lan.address(0);
        String ipB = Lan.address(1);
        String ipC = Lan.address(2);
        a.exec("iptables", "-A", "INPUT", "-p", "112", "-j", "DROP");
        b.exec("iptables", "-A", "INPUT", "-p", "112", "-j", "DROP");
        String transport = "transport {\n udp port " + PORT + " auth_key_file " + keyFile() + "\n }";
        VrrpDaemon da = start(a, conf(150, ipA, ipB, transport));
        VrrpDaemon db = start(b, conf(100, ipB, ipA, transport));

        await(() -> state(da) == VrrpState.MASTER, "A to become Master");
        Thread.sleep(1000);
        assertEquals(VrrpState.BACKUP, state(db), "B hears A over UDP and stays Backup");
        assertEquals(VrrpState.MASTER, state(da));

        // a real advert from A, captured on B's side
        byte[] captured = capture(b, ipA, dir.resolve("a.pcap"));
        assertEquals(12 + AdvertAuth.TRAILER_LENGTH, captured.length, "VRRPv3 with one address, counter and MAC");

        // forged: a well-formed priority-0 advert ("Master resigns") signed with another key, from A's address and from C
        byte[] resign = VrrpPacket.v3(51, 0, 10, List.of(InetAddress.getByName("203.0.113.10")))
                .encode(InetAddress.getByName(ipA), InetAddress.getByName(ipB));
        byte[] forged = new AdvertAuth("another-key-another-key-another-key!".getBytes(StandardCharsets.US_ASCII)).seal(resign);
        long hmacBefore = db.drops().count(DropReason.AUTH_HMAC_FAILED);
        long unsignedBefore = db.drops().count(DropReason.UNSIGNED);
        long replayedBefore = db.drops().count(DropReason.REPLAYED);
        for (int i = 0; i < 5; i++) {
            sendFrom(a, ipA, ipB, forged);
            sendFrom(c, ipC, ipB, forged);
            sendFrom(a, ipA, ipB, resign); // unsigned
            sendFrom(a, ipA, ipB, captured); // replayed: B has seen newer counters since
        }
        byte[] tampered = captured.clone();
        tampered[2] = 0; // priority 0 in the real advert: the MAC no longer verifies
        sendFrom(a, ipA, ipB, tampered);
        await(() -> db.drops().count(DropReason.REPLAYED) - replayedBefore >= 5, "replays to be counted");
        await(() -> db.drops().count(DropReason.AUTH_HMAC_FAILED) - hmacBefore >= 11, "forgeries to be counted");
        await(() -> db.drops().count(DropReason.UNSIGNED) - unsignedBefore >= 5, "unsigned adverts to be counted");
        Thread.sleep(600); // more than Skew_Time + 3 intervals: a priority 0 that got through would have made B Master
        assertEquals(VrrpState.BACKUP, state(db), "nothing forged or replayed reached B's state machine");
        assertEquals(VrrpState.MASTER, state(da));
        assertEquals(0, db.drops().count(DropReason.TRANSPORT_MISMATCH));

        // kill -9 A: no priority-0 advert, its sockets just close
        da.close();
        await(() -> state(db) == VrrpState.MASTER, "B to take over after Master_Down_Interval");
    }

    @Test
    void peerStillOnProtocol112IsReported() throws Exception {
        Netns.requireRoot();
        lan = Lan.create("um", 2);
        Netns a = lan.host(0);
        Netns b = lan.host(1);
        String ipA = Lan.address(0);
        String ipB = Lan.address(1);
        VrrpDaemon da = start(a, conf(150, ipA, ipB, "transport {\n udp\n }"));
        start(b, conf(100, ipB, ipA, ""));
        await(() -> da.drops().count(DropReason.TRANSPORT_MISMATCH) > 0, "A to notice B's protocol-112 adverts");
    }

    /**
     * Issue 8: one UDP socket serves every instance with the same source and transport, and the watch used to know
     * the first instance's VRID alone, so a peer left on protocol 112 for any other instance went unnoticed (both
     * Master in silence). Here VI_1 agrees on UDP and only VI_2 (the second instance on A's socket) does not.
     */
    @Test
    void peerStillOnProtocol112ForTheSecondInstanceOnASharedSocketIsReported() throws Exception {
        Netns.requireRoot();
        lan = Lan.create("us", 2);
        Netns a = lan.host(0);
        Netns b = lan.host(1);
        String ipA = Lan.address(0);
        String ipB = Lan.address(1);
        String udp = "transport {\n udp\n }";
        VrrpDaemon da = start(a, conf(150, ipA, ipB, udp) + conf(150, ipA, ipB, udp).replace("VI_1", "VI_2")
                .replace("virtual_router_id 51", "virtual_router_id 52").replace("203.0.113.10", "203.0.113.11"));
        start(b, conf(100, ipB, ipA, udp) + conf(100, ipB, ipA, "").replace("VI_1", "VI_2")
                .replace("virtual_router_id 51", "virtual_router_id 52").replace("203.0.113.10", "203.0.113.11"));
        await(() -> da.drops().count(DropReason.TRANSPORT_MISMATCH) > 0, "A to notice B's protocol-112 adverts for VI_2");
        // VI_1 agrees on UDP: A hears B there, so A's VI_1 stays Master and B's VI_1 is not on protocol 112
        assertEquals(VrrpState.MASTER, da.instances().getFirst().runner().state().state());
    }

    /** A reload opens sockets in the calling thread's namespace, as SIGHUP does in the daemon's. */
    private static String reload(Netns ns, VrrpDaemon d, FloatdConfig next) {
        return ns.runInside(() -> d.reload(next));
    }

    @Test
    void reloadWithAnotherKeyOrPortRebindsTheUdpPort() throws Exception {
        Netns.requireRoot();
        lan = Lan.create("ur", 2);
        Netns a = lan.host(0);
        String ipA = Lan.address(0);
        String ipB = Lan.address(1);
        Path key2 = dir.resolve("vrrp2.key");
        Files.writeString(key2, "another-key-another-key-another-key-!!", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(key2, PosixFilePermissions.fromString("r--------"));
        VrrpDaemon da = start(a, conf(150, ipA, ipB, "transport {\n udp auth_key_file " + keyFile() + "\n }"));
        await(() -> state(da) == VrrpState.MASTER, "A to become Master alone");
        // same port, another key: the old socket must be closed before the new one binds 5112
        assertEquals("0 unchanged, 1 restarted, 0 added, 0 removed", reload(a, da, ConfigParser.parse(
                conf(150, ipA, ipB, "transport {\n udp auth_key_file " + key2 + "\n }"), "a.conf")));
        assertEquals("0 unchanged, 1 restarted, 0 added, 0 removed", reload(a, da, ConfigParser.parse(
                conf(150, ipA, ipB, "transport {\n udp port 5113\n }"), "a.conf")));
        assertEquals("0 unchanged, 1 restarted, 0 added, 0 removed", reload(a, da, ConfigParser.parse(
                conf(150, ipA, ipB, "transport {\n udp\n }"), "a.conf")));
        await(() -> state(da) == VrrpState.MASTER, "A to be Master again");
    }
}
