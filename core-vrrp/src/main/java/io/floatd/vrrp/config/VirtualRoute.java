package io.floatd.vrrp.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One {@code virtual_routes} entry: a route a Master adds and removes again when it leaves MASTER (keepalived's
 * {@code ip route} subset floatd implements; see {@link VirtualRoutesParser}).
 *
 * @param text the line as written, for log lines
 * @param type {@code unicast} (a gateway or a device), or a route that drops: {@code blackhole}, {@code unreachable},
 *        {@code prohibit}, {@code throw}
 * @param destination the destination network (the family's zero address for {@code default})
 * @param destinationLength its prefix length
 * @param gateway {@code via}/{@code gw}, or null
 * @param device {@code dev}/{@code oif}, or null
 * @param preferredSource {@code src} (the kernel's preferred source address), or null
 * @param table the routing table (254, main, when none is given)
 * @param metric {@code metric}/{@code priority}/{@code preference}, or null for the kernel's default
 * @param scope {@code scope} as a number, or null for universe (keepalived sends universe unless told otherwise)
 * @param protocol the route's protocol: 18 ({@code keepalived}) for a tracked route, as keepalived does
 * @param onlink {@code onlink}: the gateway is taken as on the link even outside the device's prefixes
 * @param tracked false with {@code no_track}, and for a route without a device (keepalived cannot track those)
 */
public record VirtualRoute(String text, Type type, InetAddress destination, int destinationLength, InetAddress gateway,
        String device, InetAddress preferredSource, int table, Integer metric, Integer scope, int protocol,
        boolean onlink, boolean tracked) {

    /** keepalived's protocol number for the routes and rules it adds ({@code RTPROT_KEEPALIVED}). */
    public static final int PROTOCOL_KEEPALIVED = 18;
    public static final int TABLE_MAIN = 254;

    /** The route types floatd adds, with their {@code rtm_type} (linux/rtnetlink.h). */
    public enum Type {
        UNICAST(1), BLACKHOLE(6), UNREACHABLE(7), PROHIBIT(8), THROW(9);

        private final int wireValue;

        Type(int wireValue) {
            this.wireValue = wireValue;
        }

        public int wireValue() {
            return wireValue;
        }
    }

    public VirtualRoute {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(destination, "destination");
    }

    public boolean isIpv6() {
        return destination instanceof Inet6Address;
    }

    @Override
    public String toString() {
        return text;
    }
}
