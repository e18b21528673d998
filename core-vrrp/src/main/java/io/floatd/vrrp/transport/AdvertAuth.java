package io.floatd.vrrp.transport;

import io.floatd.vrrp.codec.DropReason;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies VRRP messages carried over UDP, without sockets.
 *
 * <p>Wire format of one UDP payload: {@code message ‖ counter ‖ mac}, where {@code message} is the VRRP message
 * exactly as sent over protocol 112 (checksum included), {@code counter} is 8 bytes big-endian, and {@code mac} is
 * the full 32-byte HMAC-SHA256 over {@code message ‖ counter}. The message's own length follows from its header
 * (version and Count IPvX Addr), so an unsigned datagram (the bare message) is told apart from a signed one.
 *
 * <p>The counter starts at the wall clock in microseconds when the transport opens, so a restarted sender still moves
 * forward, and goes up by one per datagram. The receiver keeps, per peer address, the highest counter whose MAC
 * verified, and drops any datagram whose counter is not above it.
 */
public final class AdvertAuth {
    public static final int COUNTER_LENGTH = 8;
    public static final int MAC_LENGTH = 32;
    public static final int TRAILER_LENGTH = COUNTER_LENGTH + MAC_LENGTH;
    public static final int MIN_KEY_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final AtomicLong counter;
    private final Map<InetAddress, Long> highest = new ConcurrentHashMap<>();

    /** What {@link #open} found: the bare VRRP message, or why the datagram is dropped. */
    public sealed interface Opened {
    }

    public record Accepted(byte[] message, long counter) implements Opened {
    }

    public record Rejected(DropReason reason, String detail) implements Opened {
    }

    /**
     * @param key at least {@value #MIN_KEY_LENGTH} bytes; copied
     * @param clockMicros where the send counter starts (the wall clock in microseconds in production)
     */
    public AdvertAuth(byte[] key, LongSupplier clockMicros) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("the key must be at least " + MIN_KEY_LENGTH + " bytes, but is " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.counter = new AtomicLong(clockMicros.getAsLong());
    }

    public AdvertAuth(byte[] key) {
        this(key, () -> {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        });
    }

    /** {@code message ‖ counter ‖ mac}, with the next counter value. */
    public byte[] seal(byte[] message) {
        return seal(message, counter.incrementAndGet());
    }

    /** With a given counter: for tests that build replays and stale datagrams. */
    public byte[] seal(byte[] message, long count) {
        byte[] out = Arrays.copyOf(message, message.length + TRAILER_LENGTH);
        ByteBuffer.wrap(out, message.length, COUNTER_LENGTH).putLong(count);
        byte[] mac = mac(out, message.length + COUNTER_LENGTH);
        System.arraycopy(mac, 0, out, message.length + COUNTER_LENGTH, MAC_LENGTH);
        return out;
    }

    /**
     * Verifies a datagram from {@code peer}; on success records its counter as the highest seen from that peer.
     * Never throws on any input.
     */
    public Opened open(InetAddress peer, byte[] datagram) {
        int messageLength = messageLength(datagram, peer instanceof java.net.Inet6Address);
        if (messageLength < 0 || messageLength > datagram.length) {
            return new Rejected(DropReason.TRUNCATED, datagram.length + " bytes, shorter than the VRRP message its header describes");
        }
        if (datagram.length == messageLength) {
            return new Rejected(DropReason.UNSIGNED, "no counter and HMAC after the VRRP message (is auth_key_file set on the peer?)");
        }
        if (datagram.length != messageLength + TRAILER_LENGTH) {
            return new Rejected(DropReason.TRUNCATED, (datagram.length - messageLength) + " bytes after the VRRP message (expected: "
                    + TRAILER_LENGTH + ", an 8-byte counter and a 32-byte HMAC-SHA256)");
        }
        byte[] expected = mac(datagram, messageLength + COUNTER_LENGTH);
        byte[] got = Arrays.copyOfRange(datagram, messageLength + COUNTER_LENGTH, datagram.length);
        if (!MessageDigest.isEqual(expected, got)) {
            return new Rejected(DropReason.AUTH_HMAC_FAILED, "HMAC-SHA256 does not verify (forged, altered, or another auth_key_file)");
        }
        long count = ByteBuffer.wrap(datagram, messageLength, COUNTER_LENGTH).getLong();
        long[] last = {0};
        boolean[] fresh = {false};
        highest.compute(peer, (k, prev) -> {
            if (prev == null || Long.compareUnsigned(count, prev) > 0) {
                fresh[0] = true;
                return count;
            }
            last[0] = prev;
            return prev;
        });
        if (!fresh[0]) {
            return new Rejected(DropReason.REPLAYED, "counter " + Long.toUnsignedString(count) + " is not above "
                    + Long.toUnsignedString(last[0]) + ", the highest seen from this peer");
        }
        return new Accepted(Arrays.copyOf(datagram, messageLength), count);
    }

    /** The highest counter accepted from {@code peer}, or -1. */
    public long highestSeen(InetAddress peer) {
        return highest.getOrDefault(peer, -1L);
    }

    /**
     * The length of the VRRP message at the start of {@code b} by its header (VRRPv3 addresses are of the peer's
     * family; VRRPv2 is IPv4 only and has 8 bytes of authentication data), or -1 when even the header is missing.
     */
    static int messageLength(byte[] b, boolean ipv6) {
        if (b.length < 8) {
            return -1;
        }
        int version = (b[0] & 0xff) >> 4;
        int count = b[3] & 0xff;
        return version == 2 ? 8 + count * 4 + 8 : 8 + count * (ipv6 ? 16 : 4);
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "AdvertAuth[HMAC-SHA256, key ****]";
    }
}
