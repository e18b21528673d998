package io.floatd.vrrp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two hosts on one segment (network namespaces): A sends, B receives. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawIpTransportTest {
    private static final String V6_A = "fd00:199::10";
    private static final String V6_B = "fd00:199::11";
    private static Lan lan;
    private static Netns a;
    private static Netns b;

    @BeforeAll
    static void setUp() {
        lan = Lan.create("rt", 2);
        a = lan.host(0);
        b = lan.host(1);
        a.exec("ip", "addr", "add", V6_A + "/64", "dev", Lan.IFNAME, "nodad");
        b.exec("ip", "addr", "add", V6_B + "/64", "dev", Lan.IFNAME, "nodad");
    }

    @AfterAll
    static void tearDown() {
        if (lan != null) {
            lan.close();
        }
    }

    private static InetAddress ip(String s) throws IOException {
        return InetAddress.getByName(s);
    }

    private static RawIpTransport open(Netns ns, String source) {
        return ns.runInside(() -> RawIpTransport.open(ip(source), Lan.IFNAME));
    }

    private static byte[] message(int vrid) {
        // a VRRPv3 advertisement as the engine would encode it; the transport does not look inside
        return new byte[] {0x31, (byte) vrid, 100, 1, 0, 100, 0x12, 0x34, 10, (byte) 199, 0, 100};
    }

    private static void assertRoundTrip(String from, String to, String destination) throws Exception {
        try (RawIpTransport sender = open(a, from); RawIpTransport receiver = open(b, to)) {
            byte[] msg = message(7);
            sender.send(ip(destination), msg);
            ReceivedDatagram d = receiver.receive(Duration.ofSeconds(5));
            assertNotNull(d, "nothing received");
            assertArrayEquals(msg, d.payload());
            assertEquals(ip(from), d.source());
            assertEquals(ip(destination), d.destination());
            assertEquals(255, d.ttl());
            assertEquals(receiver.ifIndex(), d.ifIndex());
        }
    }

    @Test
    void ipv4Unicast() throws Exception {
        assertRoundTrip(Lan.address(0), Lan.address(1), Lan.address(1));
    }

    @Test
    void ipv4Multicast() throws Exception {
        assertRoundTrip(Lan.address(0), Lan.address(1), "224.0.0.18");
    }

    @Test
    void ipv6Unicast() throws Exception {
        assertRoundTrip(V6_A, V6_B, V6_B);
    }

    @Test
    void ipv6Multicast() throws Exception {
        assertRoundTrip(V6_A, V6_B, "ff02::12");
    }

    @Test
    void receiveTimesOutWithNull() throws Exception {
        try (RawIpTransport receiver = open(b, Lan.address(1))) {
            long start = System.nanoTime();
            assertNull(receiver.receive(Duration.ofMillis(200)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 190 && ms < 2000, "receive(200ms) took " + ms + " ms");
            assertNull(receiver.receive(Duration.ZERO));
        }
    }

    @Test
    void closeFromAnotherThreadWakesReceiver() throws Exception {
        RawIpTransport receiver = open(b, V6_B);
        CompletableFuture<Object> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return receiver.receive(Duration.ofSeconds(30));
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(200);
        assertTrue(!blocked.isDone(), "receive returned early: " + (blocked.isDone() ? blocked.join() : ""));
        long start = System.nanoTime();
        receiver.close();
        Object outcome = blocked.get(2, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(outcome instanceof AsynchronousCloseException, "got " + outcome);
        assertTrue(ms < 1000, "woke after " + ms + " ms");
        assertThrows(ClosedChannelException.class, () -> receiver.receive(Duration.ofMillis(10)));
        assertThrows(ClosedChannelException.class, () -> receiver.send(ip(V6_A), message(1)));
        receiver.close(); // idempotent
    }

    @Test
    void onlyProtocol112IsReceived() throws Exception {
        try (RawIpTransport sender = open(a, Lan.address(0)); RawIpTransport receiver = open(b, Lan.address(1))) {
            // ICMP echo (the JDK pings with a raw ICMP socket when it runs as root) and a UDP datagram
            boolean reachable = a.runInside(() -> ip(Lan.address(1)).isReachable(2000));
            assertTrue(reachable, "ICMP echo to B failed");
            a.runInside(() -> {
                try (var udp = new java.net.DatagramSocket()) {
                    udp.send(new java.net.DatagramPacket(new byte[] {1, 2, 3}, 3, ip(Lan.address(1)), 9));
                }
                return null;
            });
            assertNull(receiver.receive(Duration.ofMillis(300)), "a non-VRRP packet was received");
            byte[] msg = message(9);
            sender.send(ip(Lan.address(1)), msg);
            ReceivedDatagram d = receiver.receive(Duration.ofSeconds(5));
            assertNotNull(d);
            assertArrayEquals(msg, d.payload());
        }
    }

    @Test
    void errorsCarryErrnoText() {
        IOException noAddress = assertThrows(IOException.class,
                () -> b.runInside(() -> RawIpTransport.open(ip("10.199.0.99"), Lan.IFNAME)));
        assertEquals("vrrp eth0: bind 10.199.0.99: Cannot assign requested address", noAddress.getMessage());
        IOException noDevice = assertThrows(IOException.class,
                () -> b.runInside(() -> RawIpTransport.open(ip(Lan.address(1)), "eth9")));
        assertEquals("vrrp eth9: interface eth9: No such device", noDevice.getMessage());
    }
}
