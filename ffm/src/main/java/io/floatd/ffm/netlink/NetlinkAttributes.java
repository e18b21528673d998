package io.floatd.ffm.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The attributes of a received netlink message body (as {@link RtNetlink#dump} hands it over): the values after the
 * fixed header, by attribute type. Pure; a truncated or impossible attribute ends the walk.
 */
public final class NetlinkAttributes {
    private NetlinkAttributes() {
    }

    /**
     * The value of each attribute after the first {@code headerLength} bytes of {@code body}, indexed by type (the
     * nested and byte-order flags masked off); types at or above {@code types} are skipped, absent ones are null.
     */
    public static byte[][] parse(ByteBuffer body, int headerLength, int types) {
        byte[][] out = new byte[types][];
        for (int at = headerLength; at + 4 <= body.limit(); ) {
            int len = body.getShort(at) & 0xffff;
            int type = body.getShort(at + 2) & 0x3fff;
            if (len < 4 || at + len > body.limit()) {
                break;
            }
            if (type < out.length) {
                byte[] v = new byte[len - 4];
                body.get(at + 4, v);
                out[type] = v;
            }
            at += (len + 3) & ~3;
        }
        return out;
    }

    /** A 32-bit attribute value in host byte order, or -1 when it is shorter than 4 bytes. */
    public static int u32(byte[] value) {
        return value.length < 4 ? -1 : ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
    }
}
