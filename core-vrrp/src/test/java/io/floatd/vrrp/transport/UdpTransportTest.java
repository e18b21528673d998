package io.floatd.vrrp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.VrrpPacket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UDP transport between two namespaces: TTL 255 both ways, HMAC on the wire, and a peer on another port reported. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpTransportTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static Lan lan;
    private static Netns a;
    private static Netns b;

    @BeforeAll
    static void setUp() {
        Netns.requireRoot();
        lan = Lan.create("ut", 2);
        a = lan.host(0);
        b = lan.host(1);
    }

    @AfterAll
    static void tearDown() {
        if (lan != null) {
            lan.close();
        }
    }

    private static UdpTransport open(Netns ns, int index, int port, AdvertAuth auth, DropCounters drops) {
        return ns.runInside(() -> UdpTransport.open(InetAddress.getByName(Lan.address(index)), Lan.IFNAME, port, auth, drops));
    }

    @Test
    void signedAdvertArrivesWithTtl255AndTheBareMessage() throws Exception {
        InetAddress ipA = InetAddress.getByName(Lan.address(0));
        InetAddress ipB = InetAddress.getByName(Lan.address(1));
        DropCounters drops = new DropCounters();
        try (UdpTransport ta = open(a, 0, 5200, new AdvertAuth(KEY), null);
                UdpTransport tb = open(b, 1, 5200, new AdvertAuth(KEY), drops)) {
            byte[] message = VrrpPacket.v3(7, 100, 100, List.of(InetAddress.getByName("203.0.113.7"))).encode(ipA, ipB);
            ta.send(ipB, message);
            ReceivedDatagram d = tb.receive(Duration.ofSeconds(5));
            assertNotNull(d);
            assertEquals(ipA, d.source());
            assertEquals(ipB, d.destination());
            assertEquals(255, d.ttl());
            assertArrayEquals(message, d.payload());
            assertEquals(0, drops.total());
        }
    }

    @Test
    void unsignedSenderIsDroppedBySignedReceiver() throws Exception {
        InetAddress ipB = InetAddress.getByName(Lan.address(1));
        DropCounters drops = new DropCounters();
        try (UdpTransport ta = open(a, 0, 5201, null, null); UdpTransport tb = open(b, 1, 5201, new AdvertAuth(KEY), drops)) {
            ta.send(ipB, VrrpPacket.v3(7, 100, 100, List.of(ipB)).encode(InetAddress.getByName(Lan.address(0)), ipB));
            assertNull(tb.receive(Duration.ofMillis(500)));
            assertEquals(1, drops.count(DropReason.UNSIGNED));
        }
    }

    @Test
    void peerOnAnotherPortIsReported() throws Exception {
        InetAddress ipB = InetAddress.getByName(Lan.address(1));
        try (UdpTransport ta = open(a, 0, 5202, null, null); UdpTransport tb = open(b, 1, 6202, null, null)) {
            ta.send(ipB, new byte[] {0x31, 7, 100, 0, 0, 100, 0, 0});
            assertNull(ta.receive(Duration.ofMillis(500)));
            assertTrue(ta.unreachablePeers().contains(ipB), ta.unreachablePeers().toString());
            assertNull(tb.receive(Duration.ZERO));
        }
    }

    /**
     * An idle receiver never wakes: receive() with no timeout sleeps in poll(2) with timeout -1 (read from the
     * kernel), returns the next datagram, and the transport's close (its eventfd) ends a wait with
     * AsynchronousCloseException at once.
     */
    @Test
    void receiveWithoutTimeoutSleepsInPollWithNoTimeoutUntilADatagramOrTheClose() throws Exception {
        InetAddress ipA = InetAddress.getByName(Lan.address(0));
        InetAddress ipB = InetAddress.getByName(Lan.address(1));
        try (UdpTransport ta = open(a, 0, 5203, null, null)) {
            UdpTransport tb = open(b, 1, 5203, null, null);
            java.util.concurrent.BlockingQueue<Object> got = new java.util.concurrent.LinkedBlockingQueue<>();
            Runnable receiveTwice = () -> {
                for (int i = 0; i < 2; i++) {
                    try {
                        got.add(tb.receive());
                    } catch (java.io.IOException e) {
                        got.add(e);
                        return;
                    }
                }
            };
            Thread t = Thread.ofPlatform().name("rx-no-timeout").start(receiveTwice);
            assertTrue(io.floatd.testing.BlockedCall.pollsWithoutTimeout("rx-no-timeout"));
            byte[] message = VrrpPacket.v3(7, 100, 100, List.of(ipB)).encode(ipA, ipB);
            ta.send(ipB, message);
            Object first = got.poll(10, TimeUnit.SECONDS);
            assertTrue(first instanceof ReceivedDatagram, "got " + first);
            assertArrayEquals(message, ((ReceivedDatagram) first).payload());
            assertTrue(io.floatd.testing.BlockedCall.pollsWithoutTimeout("rx-no-timeout"));
            tb.close();
            Object second = got.poll(10, TimeUnit.SECONDS);
            assertTrue(second instanceof java.nio.channels.AsynchronousCloseException, "got " + second);
            t.join(10_000);
            assertTrue(!t.isAlive());
        }
    }
    /**
     * A send does not share the receiver's lock (the receiver holds it for as long as it waits): while a receiver
     * waits with no timeout, sends racing the close each either reach the peer or fail as closed, never with another
     * error (a descriptor closed under a send, or reused), and every send after the close fails as closed.
     */
    @Test
    void sendsRacingTheCloseWhileAReceiverWaitsGoOutOrFailAsClosed() throws Exception {
        InetAddress ipA = InetAddress.getByName(Lan.address(0));
        InetAddress ipB = InetAddress.getByName(Lan.address(1));
        try (UdpTransport tb = open(b, 1, 5204, null, null)) {
            UdpTransport ta = open(a, 0, 5204, null, null);
            Thread rx = Thread.ofPlatform().name("rx-while-sending").start(() -> {
                try {
                    ta.receive();
                } catch (java.io.IOException e) {
                    // the close ends the wait
                }
            });
            assertTrue(io.floatd.testing.BlockedCall.pollsWithoutTimeout("rx-while-sending"));
            byte[] message = VrrpPacket.v3(7, 100, 100, List.of(ipB)).encode(ipA, ipB);
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger closedSends = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ConcurrentLinkedQueue<Throwable> other = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
            List<Thread> senders = new java.util.ArrayList<>();
            for (int s = 0; s < 2; s++) {
                senders.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    for (int i = 0; i < 1_000_000; i++) {   // a bound: the close ends them long before
                        try {
                            ta.send(ipB, message);
                            sent.incrementAndGet();
                        } catch (java.nio.channels.ClosedChannelException e) {
                            closedSends.incrementAndGet();
                            return;
                        } catch (Throwable e) {
                            other.add(e);
                            return;
                        }
                    }
                }));
            }
            started.await();
            while (sent.get() < 50 && other.isEmpty()) {
                Thread.onSpinWait();
            }
            ta.close();
            for (Thread t : senders) {
                t.join(10_000);
            }
            rx.join(10_000);
            assertTrue(other.isEmpty(), "only sends or closed-channel failures: " + other);
            assertTrue(!rx.isAlive(), "the close ended the receiver's wait");
            assertTrue(sent.get() >= 50, "sends went out before the close: " + sent.get());
            assertEquals(2, closedSends.get(), "both senders were stopped by the close, not by their bound");
            org.junit.jupiter.api.Assertions.assertThrows(java.nio.channels.ClosedChannelException.class,
                    () -> ta.send(ipB, message));
            assertNotNull(tb.receive(Duration.ofSeconds(5)), "the peer received the sends made before the close");
        }
    }
}
