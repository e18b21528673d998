package io.floatd.vrrp.track;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The link changes in a batch of rtnetlink notifications (rtnetlink(7)): per RTM_NEWLINK the link's name and whether
 * it is up as {@link TrackInterface} counts it (IFF_UP and IFF_RUNNING, the kernel's operational state), per
 * RTM_DELLINK the name, down. Other messages and malformed ones are skipped.
 */
final class LinkMessages {
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    static final int IFLA_IFNAME = 3;
    private static final int NLMSG_HDRLEN = 16;
    private static final int IFINFOMSG_LEN = 16;

    record Change(String name, boolean up) {
    }

    private LinkMessages() {
    }

    /** The changes in the first {@code length} bytes of {@code batch} (host byte order, as netlink is). */
    static List<Change> parse(byte[] batch, int length) {
        ByteBuffer b = ByteBuffer.wrap(batch, 0, length).order(ByteOrder.nativeOrder());
        List<Change> out = new ArrayList<>();
        int at = 0;
        while (at + NLMSG_HDRLEN <= length) {
            int len = b.getInt(at);
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            if (len < NLMSG_HDRLEN || at + len > length) {
                break;
            }
            if ((type == RTM_NEWLINK || type == RTM_DELLINK) && len >= NLMSG_HDRLEN + IFINFOMSG_LEN) {
                int flags = b.getInt(at + NLMSG_HDRLEN + 8);
                String name = name(b, at + NLMSG_HDRLEN + IFINFOMSG_LEN, at + len);
                if (name != null) {
                    boolean up = type == RTM_NEWLINK && (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
                    out.add(new Change(name, up));
                }
            }
            at += align(len);
        }
        return out;
    }

    private static String name(ByteBuffer b, int from, int end) {
        int at = from;
        while (at + 4 <= end) {
            int len = Short.toUnsignedInt(b.getShort(at));
            int type = Short.toUnsignedInt(b.getShort(at + 2));
            if (len < 4 || at + len > end) {
                return null;
            }
            if (type == IFLA_IFNAME) {
                int n = 0;
                while (n < len - 4 && b.get(at + 4 + n) != 0) {
                    n++;
                }
                byte[] text = new byte[n];
                b.get(at + 4, text);
                return new String(text, StandardCharsets.US_ASCII);
            }
            at += align(len);
        }
        return null;
    }

    private static int align(int len) {
        return (len + 3) & ~3;
    }
}
