package io.floatd.vrrp.codec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** Test helpers: hex vectors may carry spaces and underscores between fields. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s_]", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /**
     * Writes a correct checksum into a crafted VRRP message: a second, deliberately plain implementation of
     * RFC 1071 so crafted vectors do not lean on the code under test.
     */
    static byte[] withChecksum(byte[] msg, String source, String destination) {
        byte[] out = msg.clone();
        out[6] = 0;
        out[7] = 0;
        java.io.ByteArrayOutputStream summed = new java.io.ByteArrayOutputStream();
        if (((out[0] >> 4) & 0xF) == 3) {
            byte[] s = ip(source).getAddress();
            byte[] d = ip(destination).getAddress();
            summed.writeBytes(s);
            summed.writeBytes(d);
            if (s.length == 4) {
                summed.writeBytes(new byte[] {0, 112, (byte) (out.length >> 8), (byte) out.length});
            } else {
                summed.writeBytes(new byte[] {0, 0, (byte) (out.length >> 8), (byte) out.length, 0, 0, 0, 112});
            }
        }
        summed.writeBytes(out);
        byte[] all = summed.toByteArray();
        long sum = 0;
        for (int i = 0; i < all.length; i += 2) {
            sum += ((all[i] & 0xFF) << 8) | (i + 1 < all.length ? all[i + 1] & 0xFF : 0);
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        int checksum = (int) ~sum & 0xFFFF;
        out[6] = (byte) (checksum >> 8);
        out[7] = (byte) checksum;
        return out;
    }

    static DecodeResult decode(byte[] buf, String source, String destination) {
        return VrrpPacket.decode(buf, 0, buf.length, ip(source), ip(destination));
    }
}
