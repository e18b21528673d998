package io.floatd.provider.linuxl2;

import io.floatd.ffm.netlink.NetlinkBody;
import io.floatd.vrrp.config.VirtualRoute;
import io.floatd.vrrp.config.VirtualRule;

/**
 * The rtnetlink requests that add and delete a {@code virtual_routes} route ({@code RTM_NEWROUTE}/{@code RTM_DELROUTE},
 * a {@code struct rtmsg} and its attributes) and a {@code virtual_rules} rule ({@code RTM_NEWRULE}/{@code RTM_DELRULE},
 * a {@code struct fib_rule_hdr} and its attributes), without the {@code nlmsghdr}: pure, so the bytes are tested
 * against what {@code ip route add} and {@code ip rule add} send. Host byte order, as netlink uses; written with
 * floatd-ffm's {@link NetlinkBody} and sent with its {@code RtNetlink.transact}.
 */
final class RouteMessages {
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
        NetlinkBody b = new NetlinkBody();
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
        NetlinkBody b = new NetlinkBody();
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
}
