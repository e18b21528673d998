package io.floatd.vrrp.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.floatd.vrrp.codec.AdvertCheck;
import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.codec.ChecksumVariant;
import io.floatd.vrrp.codec.DecodeResult;
import io.floatd.vrrp.codec.VrrpPacket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzz target (Jazzer) for {@link VrrpPacket#decode} and, on what it accepts, {@link AdvertCheck}.
 *
 * <p>Input layout (so the seeds in {@code VrrpDecodeFuzzTestInputs/decode/} are readable with {@code xxd}):
 * <pre>
 * byte 0  mode: bit 0 IPv6 source and destination; bit 1 fix up the checksum before decoding (so the fuzzer gets
 *         past the checksum check); bit 2 destination is the multicast group, not the unicast peer; bit 3
 *         destination of the other family; bits 4-5 offset of the message inside a larger buffer; bit 6 the
 *         instance expects VRRPv3 (else v2 with a password); bit 7 the instance is multicast (no peers)
 * byte 1  TTL / hop limit the packet "arrived" with
 * rest    the VRRP message
 * </pre>
 * Properties: decode never throws; a drop has a reason and a detail; an accepted packet re-encodes to the same bytes
 * (but for the checksum field and VRRPv3's ignored reserved bits) and decodes again to an equal packet; AdvertCheck
 * never throws and never puts the password in a drop detail.
 *
 * <p>In a normal test run this replays the seeds (regression mode); with {@code JAZZER_FUZZ=1} it fuzzes for the
 * {@code maxDuration} (the {@code fuzz} surefire execution sets it, see FUZZING.md).
 */
class VrrpDecodeFuzzTest {

    static final String PASSWORD = "s3cr3tpw";

    private static final InetAddress SRC4 = ip("10.0.0.2");
    private static final InetAddress DST4 = ip("10.0.0.1");
    private static final InetAddress SRC6 = ip("fe80::2");
    private static final InetAddress DST6 = ip("fe80::1");

    @FuzzTest(maxDuration = "15s")
    void decode(byte[] data) {
        if (data.length < 2) {
            return;
        }
        int mode = data[0] & 0xFF;
        int ttl = data[1] & 0xFF;
        boolean v6 = (mode & 1) != 0;
        InetAddress source = v6 ? SRC6 : SRC4;
        InetAddress destination = (mode & 4) != 0
                ? (v6 ? VrrpPacket.MULTICAST_GROUP_V6 : VrrpPacket.MULTICAST_GROUP_V4)
                : (v6 ? DST6 : DST4);
        if ((mode & 8) != 0) {
            destination = v6 ? DST4 : DST6;
        }
        byte[] message = Arrays.copyOfRange(data, 2, data.length);
        if ((mode & 2) != 0) {
            fixChecksum(message, source, destination);
        }
        int off = (mode >>> 4) & 3;
        byte[] buf = new byte[off + message.length + 3];
        Arrays.fill(buf, (byte) 0xA5);
        System.arraycopy(message, 0, buf, off, message.length);

        DecodeResult result;
        try {
            result = VrrpPacket.decode(buf, off, message.length, source, destination);
        } catch (RuntimeException | Error e) {
            throw new AssertionError("decode threw on " + hex(message) + " from " + source + " to " + destination, e);
        }
        assertNotNull(result);
        switch (result) {
            case DecodeResult.Dropped d -> checkDrop(d);
            case DecodeResult.Ok ok -> {
                checkReencode(ok, message, source, destination);
                checkAdvert(ok.packet(), source, ttl, mode);
            }
        }
    }

    private static void checkDrop(DecodeResult.Dropped d) {
        assertNotNull(d.reason(), "drop reason");
        assertNotNull(d.detail(), "drop detail");
        assertFalse(d.detail().isBlank(), () -> "blank detail for " + d.reason());
    }

    private static void checkReencode(DecodeResult.Ok ok, byte[] message, InetAddress source, InetAddress destination) {
        VrrpPacket p = ok.packet();
        assertEquals(message.length, p.encodedLength(), "encoded length");
        byte[] again = p.encode(source, destination);
        byte[] expected = message.clone();
        byte[] actual = again.clone();
        if (p.version() == 3) {
            expected[4] &= 0x0F; // RFC 5798 §5.2.6: reserved bits, ignored on receipt and sent as zero
        }
        // the checksum may differ: 0x0000 and 0xFFFF both verify, and the legacy form sums another destination
        expected[6] = expected[7] = actual[6] = actual[7] = 0;
        assertArrayEquals(expected, actual, () -> "re-encoding " + p + " from " + hex(message));
        DecodeResult round = VrrpPacket.decode(again, 0, again.length, source, destination);
        if (!(round instanceof DecodeResult.Ok(VrrpPacket q, ChecksumVariant variant))) {
            throw new AssertionError("re-encoded " + p + " is dropped: " + round);
        }
        assertEquals(p, q);
        assertEquals(ChecksumVariant.RFC, variant);
    }

    private static void checkAdvert(VrrpPacket p, InetAddress source, int ttl, int mode) {
        int vrid = p.vrid() == 0 ? 1 : p.vrid();
        List<AdvertCheck.Peer> peers = (mode & 0x80) != 0 ? List.of() : List.of(AdvertCheck.Peer.of(source));
        int interval = p.advertIntervalCentis() > 0 && p.advertIntervalCentis() % 100 == 0 ? p.advertIntervalCentis() : 100;
        AdvertCheck.Expectations expectations = (mode & 0x40) != 0
                ? AdvertCheck.Expectations.v3(vrid, peers, interval)
                : AdvertCheck.Expectations.v2WithPassword(vrid, peers, interval / 100, PASSWORD);
        Optional<DecodeResult.Dropped> drop;
        try {
            drop = new AdvertCheck(expectations).check(p, source, ttl);
        } catch (RuntimeException | Error e) {
            throw new AssertionError("AdvertCheck threw on " + p + " ttl " + ttl + " with " + expectations, e);
        }
        drop.ifPresent(d -> {
            checkDrop(d);
            assertFalse(d.detail().contains(PASSWORD), () -> "password in drop detail: " + d);
        });
        assertFalse(p.toString().contains(PASSWORD), () -> "password in " + p);
        if (drop.isEmpty() && expectations.version() == 2) {
            assertEquals(AuthType.PASS, p.authType());
        }
    }

    /** Writes the checksum decode expects: VRRPv2 over the message, VRRPv3 with the IP pseudo-header too. */
    static void fixChecksum(byte[] m, InetAddress source, InetAddress destination) {
        if (m.length < 8) {
            return;
        }
        m[6] = m[7] = 0;
        long sum = sum(m);
        if (((m[0] >>> 4) & 0xF) == 3) {
            sum += sum(source.getAddress()) + sum(destination.getAddress()) + (m.length >>> 16) + (m.length & 0xFFFF)
                    + VrrpPacket.IP_PROTOCOL;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int c = ~(int) sum & 0xFFFF;
        m[6] = (byte) (c >>> 8);
        m[7] = (byte) c;
    }

    private static long sum(byte[] b) {
        long acc = 0;
        for (int i = 0; i < b.length; i += 2) {
            acc += ((b[i] & 0xFF) << 8) | (i + 1 < b.length ? b[i + 1] & 0xFF : 0);
        }
        return acc;
    }

    private static String hex(byte[] b) {
        var sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
