package io.floatd.provider.linuxl2;

import io.floatd.vrrp.config.VirtualRoute;
import io.floatd.vrrp.config.VirtualRule;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The rtnetlink requests that add and delete a {@code virtual_routes} route ({@code RTM_NEWROUTE}/{@code RTM_DELROUTE},
 * a {@code struct rtmsg} and its attributes) and a {@code virtual_rules} rule ({@code RTM_NEWRULE}/{@code RTM_DELRULE},
 * a {@code struct fib_rule_hdr} and its attributes), without the {@code nlmsghdr}: pure, so the bytes are tested
 * against what {@code ip route add} and {@code ip rule add} send. Host byte order, as netlink uses.
 */
final class RouteMessages {
    static final short RTM_NEWROUTE = 24;
    static final short RTM_DELROUTE = 25;
    static final short RTM_NEWRULE = 32;
    static final short RTM_DELRULE = 33;

    /** keepalived adds a route with NLM_F_CREATE alone (ip route prepend): a route to the same place stays. */
    static final short NLM_F_CREATE = 0x400;
    /** A rule is added with NLM_F_CREATE|NLM_F_EXCL, as keepalived and ip rule add do: the same rule is not doubled. */
    static final short NLM_F_EXCL = 0x200;

    // linux/rtnetlink.h
    private static final short RTA_DST = 1;
    private static final short RTA_OIF = 4;
    private static final short RTA_GATEWAY = 5;
    private static final short RTA_PRIORITY = 6;
    private static final short RTA_PREFSRC = 7;
    private static final short RTA_TABLE = 15;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_NOWHERE = 255;
    private static final int RTNH_F_ONLINK = 4;
    private static final int RTN_UNSPEC = 0;
    private static final int RT_TABLE_UNSPEC = 0;
    // linux/fib_rules.h
    private static final short FRA_DST = 1;
    private static final short FRA_SRC = 2;
    private static final short FRA_IIFNAME = 3;
    private static final short FRA_PRIORITY = 6;
    private static final short FRA_FWMARK = 10;
    private static final short FRA_TABLE = 15;
    private static final short FRA_FWMASK = 16;
    private static final short FRA_OIFNAME = 17;
    private static final short FRA_PROTOCOL = 21;
    private static final int FIB_RULE_INVERT = 0x2;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private RouteMessages() {
    }

    /**
     * The body of an {@code RTM_NEWROUTE} ({@code add}) or {@code RTM_DELROUTE}. A delete names the route by the same
     * fields, with scope {@code nowhere} (any) unless one was configured and type unspecified for a unicast route,
     * as keepalived sends it.
     *
     * @param oifIndex the index of the route's device, or 0 when it has none
     */
    static byte[] route(boolean add, VirtualRoute r, int oifIndex) {
        Body b = new Body();
        boolean bigTable = Integer.compareUnsigned(r.table(), 256) >= 0;
        int scope = r.scope() != null ? r.scope() : add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
        int type = add || r.type() != VirtualRoute.Type.UNICAST ? r.type().wireValue() : RTN_UNSPEC;
        b.u8(r.isIpv6() ? AF_INET6 : AF_INET).u8(r.destinationLength()).u8(0).u8(0) // family, dst_len, src_len, tos
                .u8(bigTable ? RT_TABLE_UNSPEC : r.table()).u8(r.protocol()).u8(scope).u8(type)
                .u32(r.onlink() ? RTNH_F_ONLINK : 0); // rtm_flags
        if (r.destinationLength() > 0) {
            b.address(RTA_DST, r.destination());
        }
        if (bigTable) {
            b.attr32(RTA_TABLE, r.table());
        }
        if (r.preferredSource() != null) {
            b.address(RTA_PREFSRC, r.preferredSource());
        }
        if (r.gateway() != null) {
            b.address(RTA_GATEWAY, r.gateway());
        }
        if (r.metric() != null) {
            b.attr32(RTA_PRIORITY, r.metric());
        }
        if (oifIndex != 0) {
            b.attr32(RTA_OIF, oifIndex);
        }
        return b.bytes();
    }

    /** The body of an {@code RTM_NEWRULE} ({@code add}) or {@code RTM_DELRULE}: the same fields either way. */
    static byte[] rule(VirtualRule r) {
        Body b = new Body();
        boolean table = r.action() == VirtualRule.Action.TABLE;
        boolean bigTable = table && Integer.compareUnsigned(r.table(), 256) >= 0;
        b.u8(r.ipv6() ? AF_INET6 : AF_INET)
                .u8(r.to() == null ? 0 : r.to().length()).u8(r.from() == null ? 0 : r.from().length()).u8(r.tos())
                .u8(table && !bigTable ? r.table() : RT_TABLE_UNSPEC).u8(0).u8(0).u8(r.action().wireValue())
                .u32(r.invert() ? FIB_RULE_INVERT : 0);
        if (r.from() != null && r.from().length() > 0) {
            b.address(FRA_SRC, r.from().address());
        }
        if (r.to() != null && r.to().length() > 0) {
            b.address(FRA_DST, r.to().address());
        }
        if (r.priority() != null) {
            b.attr32(FRA_PRIORITY, r.priority());
        }
        if (r.inputInterface() != null) {
            b.string(FRA_IIFNAME, r.inputInterface());
        }
        if (r.outputInterface() != null) {
            b.string(FRA_OIFNAME, r.outputInterface());
        }
        if (r.fwmark() != null) {
            b.attr32(FRA_FWMARK, r.fwmark().intValue());
        }
        if (r.fwmask() != null) {
            b.attr32(FRA_FWMASK, r.fwmask().intValue());
        }
        if (bigTable) {
            b.attr32(FRA_TABLE, r.table());
        }
        b.attr8(FRA_PROTOCOL, r.protocol());
        return b.bytes();
    }

    /** A growing netlink body: fixed header bytes, then 4-byte aligned attributes. */
    private static final class Body {
        private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

        Body u8(int v) {
            buf.put((byte) v);
            return this;
        }

        Body u32(int v) {
            buf.putInt(v);
            return this;
        }

        void attr32(short type, int value) {
            buf.putShort((short) 8).putShort(type).putInt(value);
        }

        void attr8(short type, int value) {
            buf.putShort((short) 5).putShort(type).put((byte) value);
            pad();
        }

        void address(short type, InetAddress a) {
            byte[] raw = a.getAddress();
            buf.putShort((short) (4 + raw.length)).putShort(type).put(raw);
        }

        void string(short type, String s) {
            byte[] raw = s.getBytes(StandardCharsets.UTF_8);
            buf.putShort((short) (4 + raw.length + 1)).putShort(type).put(raw).put((byte) 0);
            pad();
        }

        private void pad() {
            while ((buf.position() & 3) != 0) {
                buf.put((byte) 0);
            }
        }

        byte[] bytes() {
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }
}
