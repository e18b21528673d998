package io.floatd.ffm.netlink;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The body of a netlink request under construction, without its {@code nlmsghdr}: the fixed header of the message
 * type ({@code struct rtmsg}, {@code struct fib_rule_hdr}, ...) field by field, then attributes ({@code struct rtattr}:
 * length, type, value, padded to 4 bytes). Host byte order, as netlink uses. Pass {@link #bytes()} to
 * {@link RtNetlink#transact}. Not thread-safe; grows as needed.
 */
public final class NetlinkBody {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

    /** One byte of the fixed header. */
    public NetlinkBody u8(int v) {
        ensure(1);
        buf.put((byte) v);
        return this;
    }

    /** A 32-bit field of the fixed header. */
    public NetlinkBody u32(int v) {
        ensure(4);
        buf.putInt(v);
        return this;
    }

    /** An attribute holding a 32-bit value. */
    public NetlinkBody attr32(short type, int value) {
        ensure(8);
        buf.putShort((short) 8).putShort(type).putInt(value);
        return this;
    }

    /** An attribute holding one byte (padded). */
    public NetlinkBody attr8(short type, int value) {
        ensure(8);
        buf.putShort((short) 5).putShort(type).put((byte) value);
        return pad();
    }

    /** An attribute holding an address's 4 or 16 bytes. */
    public NetlinkBody address(short type, InetAddress a) {
        byte[] raw = a.getAddress();
        ensure(4 + raw.length);
        buf.putShort((short) (4 + raw.length)).putShort(type).put(raw);
        return this;
    }

    /** An attribute holding a NUL-terminated string (padded), e.g. an interface name. */
    public NetlinkBody string(short type, String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        ensure(4 + raw.length + 4);
        buf.putShort((short) (4 + raw.length + 1)).putShort(type).put(raw).put((byte) 0);
        return pad();
    }

    /** The body so far. */
    public byte[] bytes() {
        byte[] out = new byte[buf.position()];
        buf.duplicate().flip().get(out);
        return out;
    }

    private NetlinkBody pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
        return this;
    }

    private void ensure(int more) {
        if (buf.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
                    .order(ByteOrder.nativeOrder());
            bigger.put(buf.flip());
            buf = bigger;
        }
    }
}
