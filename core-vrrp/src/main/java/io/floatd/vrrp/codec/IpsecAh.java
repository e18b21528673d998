package io.floatd.vrrp.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The IP Authentication Header (RFC 2402 §2) as keepalived puts it in front of a VRRPv2 advertisement
 * ({@code auth_type AH}, RFC 2338 §5.3.6.2): 24 bytes, between the IPv4 header and the VRRP message.
 *
 * <pre>
 *  0      Next Header (112, VRRP)   1  Payload Len (4)   2..3  Reserved (0)
 *  4..7   Security Parameters Index: the sender's IPv4 address (keepalived's choice; no SA is negotiated)
 *  8..11  Sequence Number
 *  12..23 Authentication Data: HMAC-MD5-96 (RFC 2403) over the packet, see {@link AhPacket}
 * </pre>
 *
 * Immutable; {@link #decode} keeps whatever values it finds (an unexpected next header or length is for the
 * receive checks to name).
 */
public record IpsecAh(int nextHeader, int payloadLength, int reserved, int spi, long sequence, byte[] icv) {
    /** IANA protocol number of AH (RFC 2402 §2): the IPv4 Protocol field of an AH packet. */
    public static final int PROTOCOL_AH = 51;
    /** Next Header of the VRRP message it protects (RFC 2402 §2.1; IANA protocol 112). */
    public static final int NEXT_HEADER_VRRP = 112;
    /** The ICV of HMAC-MD5-96: the first 96 bits of the HMAC (RFC 2403 §2). */
    public static final int ICV_LENGTH = 12;
    /** Payload Len: the header in 32-bit words minus 2 (RFC 2402 §2.2): (12 + 12) / 4 - 2. */
    public static final int PAYLOAD_LENGTH_WORDS = 4;
    /** The whole header with a 96-bit ICV. */
    public static final int LENGTH = 12 + ICV_LENGTH;
    /** Offset of the Authentication Data within the header. */
    public static final int ICV_OFFSET = 12;

    public IpsecAh {
        Objects.requireNonNull(icv, "icv");
        if (icv.length != ICV_LENGTH) {
            throw new IllegalArgumentException("the ICV is " + ICV_LENGTH + " bytes, but got " + icv.length);
        }
        if (sequence < 0 || sequence > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the sequence number is 32 bits, but was " + sequence);
        }
        icv = icv.clone();
    }

    /** keepalived's header: next header VRRP, length 4, SPI = source address, the ICV still zero. */
    public static IpsecAh forVrrp(int spi, long sequence) {
        return new IpsecAh(NEXT_HEADER_VRRP, PAYLOAD_LENGTH_WORDS, 0, spi, sequence, new byte[ICV_LENGTH]);
    }

    /** Reads the 24 bytes at {@code off}; the caller has checked they are there. */
    public static IpsecAh decode(byte[] b, int off) {
        ByteBuffer buf = ByteBuffer.wrap(b, off, LENGTH);
        int next = buf.get() & 0xFF;
        int len = buf.get() & 0xFF;
        int reserved = buf.getShort() & 0xFFFF;
        int spi = buf.getInt();
        long seq = buf.getInt() & 0xFFFF_FFFFL;
        return new IpsecAh(next, len, reserved, spi, seq, Arrays.copyOfRange(b, off + ICV_OFFSET, off + LENGTH));
    }

    /** Writes the 24 bytes at {@code off}. */
    public void encodeTo(byte[] b, int off) {
        ByteBuffer.wrap(b, off, LENGTH)
                .put((byte) nextHeader).put((byte) payloadLength).putShort((short) reserved)
                .putInt(spi).putInt((int) sequence).put(icv);
    }

    @Override
    public byte[] icv() {
        return icv.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpsecAh a && nextHeader == a.nextHeader && payloadLength == a.payloadLength
                && reserved == a.reserved && spi == a.spi && sequence == a.sequence && Arrays.equals(icv, a.icv);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nextHeader, payloadLength, reserved, spi, sequence, Arrays.hashCode(icv));
    }

    @Override
    public String toString() {
        return "IpsecAh[next=" + nextHeader + " len=" + payloadLength + " spi=0x" + Integer.toHexString(spi)
                + " seq=" + sequence + " icv=" + HexFormatHolder.HEX.formatHex(icv) + "]";
    }

    private static final class HexFormatHolder {
        static final java.util.HexFormat HEX = java.util.HexFormat.of();
    }
}
