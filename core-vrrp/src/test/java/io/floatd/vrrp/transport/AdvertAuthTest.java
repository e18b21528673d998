package io.floatd.vrrp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.VrrpPacket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HMAC framing of UDP adverts, without sockets. */
class AdvertAuthTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final InetAddress A = ip("192.0.2.1");
    private static final InetAddress B = ip("192.0.2.2");

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] message() {
        return VrrpPacket.v3(51, 100, 100, List.of(ip("203.0.113.10"))).encode(A, B);
    }

    private static AdvertAuth.Rejected rejected(AdvertAuth.Opened o, DropReason reason) {
        AdvertAuth.Rejected r = assertInstanceOf(AdvertAuth.Rejected.class, o);
        assertEquals(reason, r.reason(), r.detail());
        return r;
    }

    @Test
    void sealedMessageOpensToTheSameBytes() {
        AdvertAuth sender = new AdvertAuth(KEY, () -> 1_000);
        AdvertAuth receiver = new AdvertAuth(KEY, () -> 0);
        byte[] datagram = sender.seal(message());
        assertEquals(message().length + 40, datagram.length);
        AdvertAuth.Accepted ok = assertInstanceOf(AdvertAuth.Accepted.class, receiver.open(A, datagram));
        assertArrayEquals(message(), ok.message());
        assertEquals(1_001, ok.counter());
        assertEquals(1_001, receiver.highestSeen(A));
    }

    @Test
    void everyTamperedByteFailsTheMac() {
        AdvertAuth sender = new AdvertAuth(KEY, () -> 1_000);
        byte[] datagram = sender.seal(message());
        for (int i = 0; i < datagram.length; i++) {
            if (i == 3) {
                continue; // Count IPvX Addr: changes the length the header describes, caught as truncated below
            }
            byte[] t = datagram.clone();
            t[i] ^= 0x01;
            AdvertAuth receiver = new AdvertAuth(KEY, () -> 0);
            rejected(receiver.open(A, t), DropReason.AUTH_HMAC_FAILED);
            assertEquals(-1, receiver.highestSeen(A));
        }
        byte[] count = datagram.clone();
        count[3] = 2;
        assertFalse(new AdvertAuth(KEY, () -> 0).open(A, count) instanceof AdvertAuth.Accepted);
    }

    @Test
    void anotherKeyFails() {
        byte[] datagram = new AdvertAuth(OTHER_KEY, () -> 5).seal(message());
        rejected(new AdvertAuth(KEY, () -> 0).open(A, datagram), DropReason.AUTH_HMAC_FAILED);
    }

    @Test
    void replayedAndOlderCountersAreDropped() {
        AdvertAuth sender = new AdvertAuth(KEY, () -> 1_000);
        AdvertAuth receiver = new AdvertAuth(KEY, () -> 0);
        byte[] first = sender.seal(message());
        byte[] second = sender.seal(message());
        assertInstanceOf(AdvertAuth.Accepted.class, receiver.open(A, first));
        assertInstanceOf(AdvertAuth.Accepted.class, receiver.open(A, second));
        rejected(receiver.open(A, second), DropReason.REPLAYED);
        rejected(receiver.open(A, first), DropReason.REPLAYED);
        assertEquals(1_002, receiver.highestSeen(A));
        // counters are per peer: the same counter from another address is its own sequence
        assertInstanceOf(AdvertAuth.Accepted.class, receiver.open(B, first));
    }

    @Test
    void aRestartedSenderStartsAboveItsOldCounter() {
        AdvertAuth receiver = new AdvertAuth(KEY, () -> 0);
        AdvertAuth before = new AdvertAuth(KEY);
        assertInstanceOf(AdvertAuth.Accepted.class, receiver.open(A, before.seal(message())));
        AdvertAuth after = new AdvertAuth(KEY); // wall-clock micros: later than any counter 'before' used
        assertInstanceOf(AdvertAuth.Accepted.class, receiver.open(A, after.seal(message())));
    }

    @Test
    void unsignedMessageIsDropped() {
        rejected(new AdvertAuth(KEY, () -> 0).open(A, message()), DropReason.UNSIGNED);
    }

    @Test
    void truncatedDatagramsAreDropped() {
        byte[] datagram = new AdvertAuth(KEY, () -> 7).seal(message());
        AdvertAuth receiver = new AdvertAuth(KEY, () -> 0);
        for (int len : new int[] {0, 5, 8, message().length + 1, message().length + 8, datagram.length - 1}) {
            AdvertAuth.Opened o = receiver.open(A, Arrays.copyOf(datagram, len));
            rejected(o, DropReason.TRUNCATED);
        }
        byte[] longer = Arrays.copyOf(datagram, datagram.length + 1);
        rejected(receiver.open(A, longer), DropReason.TRUNCATED);
        assertEquals(-1, receiver.highestSeen(A));
    }

    @Test
    void shortKeysAreRefusedAndNeverPrinted() {
        assertThrows(IllegalArgumentException.class, () -> new AdvertAuth(new byte[31]));
        assertFalse(new AdvertAuth(KEY).toString().contains("0123"));
    }

    @Test
    void ipv6AndVersion2Lengths() {
        InetAddress a6 = ip("fd00::1");
        InetAddress b6 = ip("fd00::2");
        byte[] m6 = VrrpPacket.v3(51, 100, 100, List.of(ip("fd00::10"), ip("fd00::11"))).encode(a6, b6);
        AdvertAuth sender = new AdvertAuth(KEY, () -> 10);
        assertInstanceOf(AdvertAuth.Accepted.class, new AdvertAuth(KEY, () -> 0).open(a6, sender.seal(m6)));
        byte[] m2 = VrrpPacket.v2(51, 100, 1, List.of(ip("203.0.113.10"))).encode(A, B);
        AdvertAuth.Accepted ok = assertInstanceOf(AdvertAuth.Accepted.class, new AdvertAuth(KEY, () -> 0).open(A, sender.seal(m2)));
        assertArrayEquals(m2, ok.message());
    }
}
