package io.floatd.vrrp.codec;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A whole IPv4 packet carrying a VRRPv2 advertisement behind an {@link IpsecAh} header, as keepalived 2.2.7 sends
 * and checks it for {@code auth_type AH}: builds it ({@link #encode}) and verifies it ({@link #open}), without
 * sockets. The sequence number is kept by {@link AhSequence}.
 *
 * <p>The ICV is HMAC-MD5 (RFC 2104, RFC 2403 §2) truncated to 96 bits, keyed with the 8 bytes of {@code auth_pass}
 * (zero-padded, as the VRRPv2 password field), computed over the IPv4 header, the AH header and the VRRP message,
 * with the IPv4 fields RFC 2402 §3.3.3.1.1.1 calls mutable set to zero: TOS, flags and fragment offset, the header
 * checksum, and the TTL. keepalived zeroes the TTL only for unicast instances (its multicast ICV covers TTL 255,
 * which the receive check wants anyway). The Identification field is covered, so it must reach the peer as sent:
 * it is never 0 (the kernel would replace a 0 under {@code IP_HDRINCL}).
 *
 * <p>In the VRRP message the Auth Type is 2 and the 8 Authentication Data bytes are zero; its checksum is the
 * ordinary VRRPv2 one.
 */
public final class AhPacket {
    /** keepalived's TOS for adverts: 0xc0, internetwork control. Not covered by the ICV. */
    public static final int TOS = 0xC0;
    /** RFC 3768 §5.2.3. */
    public static final int TTL = 255;
    /** The HMAC key is the VRRPv2 Authentication Data: 8 bytes, the password zero-padded (RFC 3768 §5.3.10). */
    public static final int KEY_LENGTH = VrrpPacket.V2_AUTH_DATA_LENGTH;
    private static final int IPV4_HEADER = 20;
    private static final String ALGORITHM = "HmacMD5";

    private AhPacket() {
    }

    /** The 8-byte key of {@code auth_pass} (its first 8 bytes, zero-padded), as keepalived builds it. */
    public static byte[] key(String password) {
        return VrrpPacket.passwordAuthData(password);
    }

    /**
     * The packet as it goes on the wire (the kernel would fill the header checksum in the same way).
     *
     * @param unicast whether the instance has unicast peers: then the TTL is left out of the ICV, as in keepalived
     */
    public static byte[] encode(Inet4Address source, Inet4Address destination, int identification, long sequence,
            byte[] vrrpMessage, byte[] key, boolean unicast) {
        Objects.requireNonNull(vrrpMessage, "vrrpMessage");
        checkKey(key);
        int total = IPV4_HEADER + IpsecAh.LENGTH + vrrpMessage.length;
        byte[] p = new byte[total];
        ByteBuffer.wrap(p, 0, IPV4_HEADER)
                .put((byte) 0x45).put((byte) TOS).putShort((short) total)
                .putShort((short) identification).putShort((short) 0)
                .put((byte) TTL).put((byte) IpsecAh.PROTOCOL_AH).putShort((short) 0)
                .put(source.getAddress()).put(destination.getAddress());
        IpsecAh.forVrrp(ByteBuffer.wrap(source.getAddress()).getInt(), sequence).encodeTo(p, IPV4_HEADER);
        System.arraycopy(vrrpMessage, 0, p, IPV4_HEADER + IpsecAh.LENGTH, vrrpMessage.length);
        byte[] icv = icv(p, IPV4_HEADER, p.length, key, unicast);
        System.arraycopy(icv, 0, p, IPV4_HEADER + IpsecAh.ICV_OFFSET, IpsecAh.ICV_LENGTH);
        int checksum = headerChecksum(p);
        p[10] = (byte) (checksum >> 8);
        p[11] = (byte) checksum;
        return p;
    }

    /**
     * The 96-bit ICV of the packet in {@code p[0, length)} whose IPv4 header is {@code headerLength} bytes (options
     * included, as keepalived does), with the mutable fields and the ICV itself taken as zero. {@code p} is unchanged.
     */
    public static byte[] icv(byte[] p, int headerLength, int length, byte[] key, boolean unicast) {
        byte[] copy = Arrays.copyOf(p, length);
        copy[1] = 0; // TOS
        copy[6] = 0; // flags, fragment offset
        copy[7] = 0;
        copy[10] = 0; // header checksum
        copy[11] = 0;
        if (unicast) {
            copy[8] = 0; // TTL
        }
        Arrays.fill(copy, headerLength + IpsecAh.ICV_OFFSET, headerLength + IpsecAh.LENGTH, (byte) 0);
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return Arrays.copyOf(mac.doFinal(copy), IpsecAh.ICV_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is part of every JDK", e);
        }
    }

    /** What {@link #open} found. */
    public sealed interface Opened {
    }

    /**
     * The ICV and SPI verify. The sequence number is not judged here (see {@link AhSequence}).
     *
     * @param vrrpOffset where the VRRP message starts in the packet
     */
    public record Verified(IpsecAh ah, int vrrpOffset) implements Opened {
    }

    public record Rejected(DropReason reason, String detail) implements Opened {
    }

    /**
     * Runs keepalived's AH checks on a received IPv4 packet (header included) in {@code p[0, length)}: protocol 51,
     * a whole AH header with Next Header 112 and a VRRP header after it, the ICV, then SPI = source address. Payload
     * Len and Reserved are not judged on their own (keepalived reads a fixed 24-byte header; a changed value fails the
     * ICV). Never throws on any input.
     */
    public static Opened open(byte[] p, int length, byte[] key, boolean unicast) {
        checkKey(key);
        if (length < IPV4_HEADER || length > p.length) {
            return new Rejected(DropReason.TRUNCATED, length + " bytes, shorter than an IPv4 header");
        }
        int headerLength = (p[0] & 0x0F) * 4;
        if ((p[0] & 0xF0) != 0x40 || headerLength < IPV4_HEADER) {
            return new Rejected(DropReason.BAD_ADDRESS_FAMILY, "not an IPv4 header: first byte 0x"
                    + Integer.toHexString(p[0] & 0xFF));
        }
        int protocol = p[9] & 0xFF;
        if (protocol != IpsecAh.PROTOCOL_AH) {
            return new Rejected(DropReason.AUTH_TYPE_MISMATCH, "IP protocol: " + protocol + " (expected: "
                    + IpsecAh.PROTOCOL_AH + ", AH, for auth_type AH)");
        }
        if (length < headerLength + IpsecAh.LENGTH + 8) {
            return new Rejected(DropReason.TRUNCATED, length + " bytes, shorter than IPv4 + AH + VRRP headers ("
                    + (headerLength + IpsecAh.LENGTH + 8) + ")");
        }
        IpsecAh ah = IpsecAh.decode(p, headerLength);
        if (ah.nextHeader() != IpsecAh.NEXT_HEADER_VRRP) {
            return new Rejected(DropReason.AH_MALFORMED, "AH next header: " + ah.nextHeader() + " (expected: "
                    + IpsecAh.NEXT_HEADER_VRRP + ", VRRP)");
        }
        byte[] expected = icv(p, headerLength, length, key, unicast);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(p, headerLength + IpsecAh.ICV_OFFSET,
                headerLength + IpsecAh.LENGTH))) {
            return new Rejected(DropReason.AH_AUTH_FAILED,
                    "IPSEC HMAC-MD5 does not verify (another auth_pass, or fields changed on the way)");
        }
        int source = ByteBuffer.wrap(p, 12, 4).getInt();
        if (ah.spi() != source) {
            return new Rejected(DropReason.AH_SPI_MISMATCH, "SPI: 0x" + Integer.toHexString(ah.spi())
                    + " (expected: 0x" + Integer.toHexString(source) + ", the source address)");
        }
        return new Verified(ah, headerLength + IpsecAh.LENGTH);
    }

    /** The source address of an IPv4 packet. */
    public static InetAddress source(byte[] p) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(p, 12, 16));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 791 §3.1: the one's complement of the one's complement sum of the header's 16-bit words. */
    private static int headerChecksum(byte[] p) {
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER; i += 2) {
            sum += ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    private static void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("the AH key is " + KEY_LENGTH + " bytes, but got " + key.length);
        }
    }
}
