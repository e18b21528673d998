package io.floatd.vrrp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.codec.AhPacket;
import io.floatd.vrrp.codec.AhSequence;
import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.VrrpPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two hosts on one segment (network namespaces): A sends VRRPv2 over IPsec-AH, B receives and verifies. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AhTransportTest {
    private static final int VRID = 9;
    private static final byte[] KEY = AhPacket.key("s3cret");
    private static Lan lan;
    private static Netns a;
    private static Netns b;

    @BeforeAll
    static void setUp() {
        lan = Lan.create("at", 2);
        a = lan.host(0);
        b = lan.host(1);
    }

    @AfterAll
    static void tearDown() {
        if (lan != null) {
            lan.close();
        }
    }

    private static Inet4Address ip(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    private static AhTransport open(Netns ns, String source, DropCounters drops) {
        return ns.runInside(() -> AhTransport.open(ip(source), Lan.IFNAME, drops));
    }

    private static byte[] advert(int priority) throws Exception {
        return VrrpPacket.builder().version(2).vrid(VRID).priority(priority).advertIntervalCentis(100)
                .authType(AuthType.AH).addresses(List.of(ip("10.199.0.100"))).build()
                .encode(ip(Lan.address(0)), ip(Lan.address(1)));
    }

    @Test
    void anAdvertArrivesVerifiedAndItsNumberIsTaken() throws Exception {
        DropCounters drops = new DropCounters();
        try (AhTransport sender = open(a, Lan.address(0), null); AhTransport receiver = open(b, Lan.address(1), drops)) {
            sender.register(VRID, "A", KEY, true);
            AhSequence seen = receiver.register(VRID, "B", KEY, true);
            byte[] msg = advert(100);
            sender.send(ip(Lan.address(1)), msg);
            ReceivedDatagram d = receiver.receive(Duration.ofSeconds(5));
            assertNotNull(d, "nothing received; drops " + drops);
            assertArrayEquals(msg, d.payload(), "the VRRP message alone, after the AH header");
            assertEquals(ip(Lan.address(0)), d.source());
            assertEquals(ip(Lan.address(1)), d.destination());
            assertEquals(255, d.ttl());
            assertEquals(1, seen.current());
            assertEquals(0, drops.total());
        }
    }

    @Test
    void multicastAdvertsReachThePeerWithTheTtlCoveredAndNeverComeBackToTheSender() throws Exception {
        DropCounters senderDrops = new DropCounters();
        DropCounters drops = new DropCounters();
        try (AhTransport sender = open(a, Lan.address(0), senderDrops); AhTransport receiver = open(b, Lan.address(1), drops)) {
            sender.register(VRID, "A", KEY, false);
            receiver.register(VRID, "B", KEY, false);
            byte[] msg = advert(100);
            sender.send(RawIpTransport.VRRP_GROUP_V4, msg);
            ReceivedDatagram d = receiver.receive(Duration.ofSeconds(5));
            assertNotNull(d, "nothing received; drops " + drops);
            assertArrayEquals(msg, d.payload());
            assertEquals(RawIpTransport.VRRP_GROUP_V4, d.destination());
            assertEquals(255, d.ttl());
            assertNull(sender.receive(Duration.ofMillis(500)), "multicast loopback is off");
            assertEquals(0, senderDrops.total(), "no own advert seen as a replay: " + senderDrops);
        }
    }

    @Test
    void anotherGroupIsReceivedOnlyOnceJoined() throws Exception {
        InetAddress group = ip("224.0.0.19");
        DropCounters drops = new DropCounters();
        try (AhTransport sender = open(a, Lan.address(0), null); AhTransport receiver = open(b, Lan.address(1), drops)) {
            sender.register(VRID, "A", KEY, false);
            receiver.register(VRID, "B", KEY, false);
            sender.send(group, advert(100));
            assertNull(receiver.receive(Duration.ofMillis(500)), "224.0.0.19 is not joined yet");
            receiver.joinGroup(group);
            receiver.joinGroup(group); // joined once: a second join is no error
            byte[] msg = advert(101);
            sender.send(group, msg);
            ReceivedDatagram d = receiver.receive(Duration.ofSeconds(5));
            assertNotNull(d, "nothing received after the join; drops " + drops);
            assertArrayEquals(msg, d.payload());
            assertEquals(group, d.destination());
            assertEquals(255, d.ttl());
            assertEquals(0, drops.total(), drops.toString());
            assertThrows(IllegalArgumentException.class, () -> receiver.joinGroup(ip("10.0.0.1")));
        }
    }

    @Test
    void plainMulticastVrrpForAnAhVridIsCountedAsAnAuthTypeMismatch() throws Exception {
        DropCounters drops = new DropCounters();
        InetAddress group = ip("224.0.0.19");
        try (AhTransport receiver = b.runInside(() -> AhMismatchWatch.openAh(ip(Lan.address(1)), Lan.IFNAME, drops));
                RawIpTransport plain = a.runInside(() -> RawIpTransport.open(ip(Lan.address(0)), Lan.IFNAME))) {
            receiver.register(VRID, "B", KEY, false);
            receiver.joinGroup(group);
            for (InetAddress to : List.of(RawIpTransport.VRRP_GROUP_V4, group)) {
                long before = drops.count(DropReason.AUTH_TYPE_MISMATCH);
                byte[] passAdvert = VrrpPacket.v2WithPassword(VRID, 100, 1, "s3cret", List.of(ip("10.199.0.100")))
                        .encode(ip(Lan.address(0)), to);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (drops.count(DropReason.AUTH_TYPE_MISMATCH) == before && System.nanoTime() < deadline) {
                    plain.send(to, passAdvert); // the watch's socket may still be starting: send again
                    assertNull(receiver.receive(Duration.ofMillis(200)), "plain VRRP never reaches the AH socket");
                }
                assertTrue(drops.count(DropReason.AUTH_TYPE_MISMATCH) > before, "to " + to + ": " + drops);
            }
            assertEquals(drops.total(), drops.count(DropReason.AUTH_TYPE_MISMATCH), drops.toString());
        }
    }

    @Test
    void aReplayedPacketAndAnotherKeyAreDroppedAndCounted() throws Exception {
        DropCounters drops = new DropCounters();
        try (AhTransport receiver = open(b, Lan.address(1), drops)) {
            receiver.register(VRID, "B", KEY, true);
            try (AhTransport first = open(a, Lan.address(0), null)) {
                first.register(VRID, "A", KEY, true);
                first.send(ip(Lan.address(1)), advert(100));
                first.send(ip(Lan.address(1)), advert(100));
                assertNotNull(receiver.receive(Duration.ofSeconds(5)));
                assertNotNull(receiver.receive(Duration.ofSeconds(5)));
            }
            // a fresh sender starts again at IP id 1 and sequence 1: byte for byte the first packet again
            try (AhTransport replay = open(a, Lan.address(0), null)) {
                replay.register(VRID, "A", KEY, true);
                replay.send(ip(Lan.address(1)), advert(100));
                assertNull(receiver.receive(Duration.ofSeconds(1)));
                assertEquals(1, drops.count(DropReason.AH_REPLAYED), drops.toString());
            }
            try (AhTransport forger = open(a, Lan.address(0), null)) {
                forger.register(VRID, "A", AhPacket.key("guessed"), true);
                for (int i = 0; i < 5; i++) { // the ICV is checked before the number, so these count as the key
                    forger.send(ip(Lan.address(1)), advert(100));
                }
                assertNull(receiver.receive(Duration.ofSeconds(1)));
                assertEquals(5, drops.count(DropReason.AH_AUTH_FAILED), drops.toString());
            }
            assertEquals(6, drops.total(), drops.toString());
        }
    }

    @Test
    void aPeerWithoutAhIsCountedAsAnAuthTypeMismatch() throws Exception {
        DropCounters drops = new DropCounters();
        try (AhTransport receiver = b.runInside(() -> AhMismatchWatch.openAh(ip(Lan.address(1)), Lan.IFNAME, drops));
                RawIpTransport plain = a.runInside(() -> RawIpTransport.open(ip(Lan.address(0)), Lan.IFNAME))) {
            receiver.register(VRID, "B", KEY, true);
            byte[] passAdvert = VrrpPacket.v2WithPassword(VRID, 100, 1, "s3cret", List.of(ip("10.199.0.100")))
                    .encode(ip(Lan.address(0)), ip(Lan.address(1)));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (drops.count(DropReason.AUTH_TYPE_MISMATCH) == 0 && System.nanoTime() < deadline) {
                plain.send(ip(Lan.address(1)), passAdvert); // the watch's socket may still be starting: send again
                assertNull(receiver.receive(Duration.ofMillis(200)), "plain VRRP never reaches the AH socket");
            }
            assertEquals(drops.total(), drops.count(DropReason.AUTH_TYPE_MISMATCH), drops.toString());
            assertTrue(drops.count(DropReason.AUTH_TYPE_MISMATCH) > 0, drops.toString());
            // another VRID (another instance's business, over protocol 112 on purpose) does not count
            long before = drops.count(DropReason.AUTH_TYPE_MISMATCH);
            plain.send(ip(Lan.address(1)), VrrpPacket.v2(VRID + 1, 100, 1, List.of(ip("10.199.0.100")))
                    .encode(ip(Lan.address(0)), ip(Lan.address(1))));
            assertNull(receiver.receive(Duration.ofMillis(500)));
            assertEquals(before, drops.count(DropReason.AUTH_TYPE_MISMATCH));
        }
    }

    @Test
    void aReRegistrationWithTheSameKeyKeepsTheCounterAndANewKeyStartsAgain() throws Exception {
        try (AhTransport t = open(a, Lan.address(0), null)) {
            AhSequence s = t.register(VRID, "A", KEY, true);
            s.accept(41);
            assertEquals(41, t.register(VRID, "A", KEY, true).current(), "a reload keeps the number, as keepalived");
            assertEquals(0, t.register(VRID, "A", AhPacket.key("other"), true).current());
        }
    }

    @Test
    void aMessageForAnUnregisteredVridIsRefused() throws Exception {
        try (AhTransport t = open(a, Lan.address(0), null)) {
            assertThrows(IllegalStateException.class, () -> t.send(ip(Lan.address(1)), advert(100)));
        }
    }
}
