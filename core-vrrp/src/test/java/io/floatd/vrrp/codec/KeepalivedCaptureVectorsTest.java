package io.floatd.vrrp.codec;

import static io.floatd.vrrp.codec.Hex.bytes;
import static io.floatd.vrrp.codec.Hex.ip;
import static io.floatd.vrrp.codec.VrrpPacketVectorsTest.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Adverts captured from keepalived v2.2.7 (Debian 12 package, built with OLD_CHKSUM_COMPAT).
 *
 * <p>How: two network namespaces {@code cdc1}/{@code cdc2} joined by a veth pair, {@code cdcv1} = 10.231.0.1/24 and
 * fd00:cdc::1/64, {@code cdcv2} = 10.231.0.2/24 and fd00:cdc::2/64. keepalived ran in cdc1 as
 * {@code keepalived -n -l -D -f CONF -p PID -r VRRPPID}; {@code tcpdump -i cdcv2 -w F 'ip proto 112 or ip6 proto 112'}
 * ran in cdc2. Each instance was {@code state MASTER}, {@code interface cdcv1}, {@code unicast_src_ip} .1 and
 * {@code unicast_peer { .2 }}, and nothing else unless listed below. The payload is the IP payload cut at the IP
 * total / payload length; there were no trailing bytes, and every advert of a run was byte-identical apart from the
 * final priority-0 one keepalived sends when it stops (RFC 5798 §6.4.3).
 *
 * <p>What keepalived 2.2.7 puts on the wire for unicast:
 * <ul>
 *   <li>VRRPv3 checksum: the RFC form (real unicast destination in the pseudo-header). Only
 *       {@code old_unicast_checksum} switches IPv4 to the multicast-group form; on IPv6 that option changes nothing,
 *       because the kernel fills the checksum in (IPV6_CHECKSUM) against the real destination.</li>
 *   <li>IPv4 TTL 255. IPv6 hop limit 64 (the kernel default) unless {@code unicast_ttl 255} is set, so floatd's
 *       default peer range of exactly 255 drops keepalived's unicast IPv6 adverts out of the box.</li>
 *   <li>VRRPv2 always carries the 8 auth bytes, zero with no authentication.</li>
 *   <li>keepalived refuses to start an instance with no virtual address, so it never sends a count of 0.</li>
 * </ul>
 */
class KeepalivedCaptureVectorsTest {
    static final InetAddress SRC4 = ip("10.231.0.1");
    static final InetAddress DST4 = ip("10.231.0.2");
    static final InetAddress SRC6 = ip("fd00:cdc::1");
    static final InetAddress DST6 = ip("fd00:cdc::2");

    /** {@code virtual_router_id 51, priority 100, advert_int 1}, VIPs 10.231.0.100/32 and .101/32. TTL 255. */
    static final String V2_NONE = "21 33 64 02 00 01 6432 0ae70064 0ae70065 0000000000000000";
    /** The same instance stopping: priority 0, checksum adjusted. */
    static final String V2_NONE_PRIO0 = "21 33 00 02 00 01 c832 0ae70064 0ae70065 0000000000000000";

    /**
     * {@code virtual_router_id 52, priority 150, advert_int 2, authentication { auth_type PASS auth_pass secret12 }},
     * VIP 10.231.0.102/32. TTL 255.
     */
    static final String V2_PASS = "21 34 96 01 01 02 cefc 0ae70066 7365637265743132";
    static final String V2_PASS_PRIO0 = "21 34 00 01 01 02 64fd 0ae70066 7365637265743132";

    /** {@code version 3, virtual_router_id 53, priority 200, advert_int 0.1}, VIPs .103 and .104. TTL 255. */
    static final String V3_V4 = "31 35 c8 02 000a d9cf 0ae70067 0ae70068";
    static final String V3_V4_PRIO0 = "31 35 00 02 000a a1d0 0ae70067 0ae70068";

    /** As {@link #V3_V4} plus {@code old_unicast_checksum}: pseudo-header destination 224.0.0.18. */
    static final String V3_V4_OLD_CHECKSUM = "31 35 c8 02 000a 04a6 0ae70067 0ae70068";
    static final String V3_V4_OLD_CHECKSUM_PRIO0 = "31 35 00 02 000a cca6 0ae70067 0ae70068";

    /**
     * {@code version 3, virtual_router_id 54, priority 120, advert_int 1}, src fd00:cdc::1, peer fd00:cdc::2, VIP
     * fd00:cdc::100/128. Hop limit 64; with {@code unicast_ttl 255} the bytes are the same and the hop limit is 255.
     * With {@code old_unicast_checksum} the bytes are also the same.
     */
    static final String V3_V6 = "31 36 78 01 0064 3742 fd000cdc000000000000000000000100";
    static final String V3_V6_PRIO0 = "31 36 00 01 0064 af42 fd000cdc000000000000000000000100";

    static final int CAPTURED_TTL_V4 = 255;
    static final int CAPTURED_HOP_LIMIT_V6_DEFAULT = 64;
    static final int CAPTURED_HOP_LIMIT_V6_UNICAST_TTL_255 = 255;

    @Test
    void v2WithoutAuthentication() {
        VrrpPacket p = ok(decode(V2_NONE, SRC4, DST4), ChecksumVariant.RFC);
        assertEquals(2, p.version());
        assertEquals(VrrpPacket.ADVERTISEMENT, p.type());
        assertEquals(51, p.vrid());
        assertEquals(100, p.priority());
        assertEquals(100, p.advertIntervalCentis());
        assertEquals(AuthType.NONE, p.authType());
        assertEquals(0, p.authTypeWire());
        assertArrayEquals(new byte[8], p.authData());
        assertEquals(List.of(ip("10.231.0.100"), ip("10.231.0.101")), p.addresses());
        assertEquals(0, ok(decode(V2_NONE_PRIO0, SRC4, DST4), ChecksumVariant.RFC).priority());
    }

    @Test
    void v2WithSimplePassword() {
        VrrpPacket p = ok(decode(V2_PASS, SRC4, DST4), ChecksumVariant.RFC);
        assertEquals(2, p.version());
        assertEquals(52, p.vrid());
        assertEquals(150, p.priority());
        assertEquals(200, p.advertIntervalCentis());
        assertEquals(AuthType.PASS, p.authType());
        assertArrayEquals(VrrpPacket.passwordAuthData("secret12"), p.authData());
        assertEquals(List.of(ip("10.231.0.102")), p.addresses());
        assertEquals(0, ok(decode(V2_PASS_PRIO0, SRC4, DST4), ChecksumVariant.RFC).priority());
    }

    @Test
    void v3Ipv4UsesTheRfcChecksumForUnicast() {
        VrrpPacket p = ok(decode(V3_V4, SRC4, DST4), ChecksumVariant.RFC);
        assertEquals(3, p.version());
        assertEquals(53, p.vrid());
        assertEquals(200, p.priority());
        assertEquals(10, p.advertIntervalCentis());
        assertEquals(AuthType.NONE, p.authType());
        assertEquals(0, p.authData().length);
        assertEquals(List.of(ip("10.231.0.103"), ip("10.231.0.104")), p.addresses());
        assertEquals(0, ok(decode(V3_V4_PRIO0, SRC4, DST4), ChecksumVariant.RFC).priority());
    }

    @Test
    void v3Ipv4WithOldUnicastChecksumIsTheLegacyVariant() {
        VrrpPacket p = ok(decode(V3_V4_OLD_CHECKSUM, SRC4, DST4), ChecksumVariant.LEGACY_MULTICAST_DST);
        assertEquals(ok(decode(V3_V4, SRC4, DST4), ChecksumVariant.RFC), p);
        assertEquals(0, ok(decode(V3_V4_OLD_CHECKSUM_PRIO0, SRC4, DST4), ChecksumVariant.LEGACY_MULTICAST_DST)
                .priority());
    }

    @Test
    void v3Ipv6UsesTheRfcChecksum() {
        VrrpPacket p = ok(decode(V3_V6, SRC6, DST6), ChecksumVariant.RFC);
        assertEquals(3, p.version());
        assertEquals(54, p.vrid());
        assertEquals(120, p.priority());
        assertEquals(100, p.advertIntervalCentis());
        assertTrue(p.isIpv6());
        assertEquals(List.of(ip("fd00:cdc::100")), p.addresses());
        assertEquals(0, ok(decode(V3_V6_PRIO0, SRC6, DST6), ChecksumVariant.RFC).priority());
    }

    @Test
    void floatdEncodesExactlyWhatKeepalivedSends() {
        List<InetAddress> v2Vips = List.of(ip("10.231.0.100"), ip("10.231.0.101"));
        assertEquals(Hex.of(bytes(V2_NONE)), Hex.of(VrrpPacket.v2(51, 100, 1, v2Vips).encode(SRC4, DST4)));
        assertEquals(Hex.of(bytes(V2_PASS)), Hex.of(VrrpPacket.v2WithPassword(52, 150, 2, "secret12",
                List.of(ip("10.231.0.102"))).encode(SRC4, DST4)));
        assertEquals(Hex.of(bytes(V3_V4)), Hex.of(VrrpPacket.v3(53, 200, 10,
                List.of(ip("10.231.0.103"), ip("10.231.0.104"))).encode(SRC4, DST4)));
        assertEquals(Hex.of(bytes(V3_V6)), Hex.of(VrrpPacket.v3(54, 120, 100,
                List.of(ip("fd00:cdc::100"))).encode(SRC6, DST6)));
    }

    @Test
    void capturedAdvertsPassAdvertCheckWithMatchingConfig() {
        AdvertCheck.Peer peer4 = AdvertCheck.Peer.of(SRC4);
        assertEquals(Optional.empty(), new AdvertCheck(AdvertCheck.Expectations.v2(51, List.of(peer4), 1))
                .check(packet(V2_NONE, SRC4, DST4), SRC4, CAPTURED_TTL_V4));
        assertEquals(Optional.empty(), new AdvertCheck(AdvertCheck.Expectations.v2WithPassword(52, List.of(peer4), 2,
                "secret12")).check(packet(V2_PASS, SRC4, DST4), SRC4, CAPTURED_TTL_V4));
        assertEquals(Optional.empty(), new AdvertCheck(AdvertCheck.Expectations.v3(53, List.of(peer4), 10))
                .check(packet(V3_V4, SRC4, DST4), SRC4, CAPTURED_TTL_V4));
        assertEquals(Optional.empty(), new AdvertCheck(AdvertCheck.Expectations.v3(54,
                List.of(AdvertCheck.Peer.of(SRC6)), 100)).check(packet(V3_V6, SRC6, DST6), SRC6,
                CAPTURED_HOP_LIMIT_V6_UNICAST_TTL_255));
    }

    @Test
    void keepalivedDefaultIpv6HopLimitFailsTheDefaultPeerRange() {
        AdvertCheck strict = new AdvertCheck(AdvertCheck.Expectations.v3(54, List.of(AdvertCheck.Peer.of(SRC6)), 100));
        assertEquals(DropReason.BAD_TTL, strict.check(packet(V3_V6, SRC6, DST6), SRC6, CAPTURED_HOP_LIMIT_V6_DEFAULT)
                .orElseThrow().reason());
        AdvertCheck widened = new AdvertCheck(AdvertCheck.Expectations.v3(54,
                List.of(new AdvertCheck.Peer(SRC6, 64, 255)), 100));
        assertEquals(Optional.empty(), widened.check(packet(V3_V6, SRC6, DST6), SRC6, CAPTURED_HOP_LIMIT_V6_DEFAULT));
    }

    private static DecodeResult decode(String hex, InetAddress src, InetAddress dst) {
        byte[] b = bytes(hex);
        return VrrpPacket.decode(b, 0, b.length, src, dst);
    }

    private static VrrpPacket packet(String hex, InetAddress src, InetAddress dst) {
        return ((DecodeResult.Ok) decode(hex, src, dst)).packet();
    }
}
