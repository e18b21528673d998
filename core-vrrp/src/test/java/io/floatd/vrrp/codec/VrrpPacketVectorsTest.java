package io.floatd.vrrp.codec;

import static io.floatd.vrrp.codec.Hex.bytes;
import static io.floatd.vrrp.codec.Hex.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-built vectors (checksums worked out independently of this codec) in documentation address space. Each hex
 * string is split one field per line.
 */
class VrrpPacketVectorsTest {

    static final String V2_NONE =
            "21"            // version 2, type 1 (advertisement)
            + "01"          // VRID 1
            + "64"          // priority 100
            + "02"          // count IP addrs 2
            + "00"          // auth type 0 (none)
            + "01"          // advert interval 1 s
            + "f630"        // checksum over these 24 bytes only (RFC 3768 §5.3.8)
            + "c0000264"    // 192.0.2.100
            + "c0000265"    // 192.0.2.101
            + "0000000000000000"; // auth data, present and zero even without authentication (RFC 3768 §5.3.10)

    static final String V2_PASS =
            "21"            // version 2, type 1
            + "07"          // VRID 7
            + "c8"          // priority 200
            + "01"          // count 1
            + "01"          // auth type 1 (simple password)
            + "03"          // advert interval 3 s
            + "e58c"        // checksum, auth data included
            + "c000020a"    // 192.0.2.10
            + "68756e7465723200"; // "hunter2" NUL-padded to 8 bytes

    static final String V3_V4 =
            "31"            // version 3, type 1
            + "0a"          // VRID 10
            + "96"          // priority 150
            + "01"          // count 1
            + "0064"        // rsvd 0, max advert interval 100 cs
            + "f1aa"        // checksum with pseudo-header 192.0.2.1 -> 192.0.2.2, proto 112, length 12
            + "c0000264";   // 192.0.2.100

    /** Same message, checksummed as if sent to 224.0.0.18: old keepalived's unicast form. */
    static final String V3_V4_LEGACY = "310a96010064" + "d39a" + "c0000264";

    static final String V3_V6 =
            "31"            // version 3, type 1
            + "14"          // VRID 20
            + "ff"          // priority 255 (address owner)
            + "02"          // count 2
            + "0032"        // rsvd 0, max advert interval 50 cs
            + "1636"        // checksum with pseudo-header 2001:db8::1 -> 2001:db8::2, length 40, next header 112
            + "20010db8000000000000000000000100"  // 2001:db8::100
            + "20010db8000000000000000000000101"; // 2001:db8::101

    static final String V3_V6_LEGACY = "3114ff020032" + "44dc"
            + "20010db8000000000000000000000100" + "20010db8000000000000000000000101";

    static VrrpPacket v2None() {
        return VrrpPacket.v2(1, 100, 1, List.of(ip("192.0.2.100"), ip("192.0.2.101")));
    }

    static VrrpPacket v2Pass() {
        return VrrpPacket.v2WithPassword(7, 200, 3, "hunter2", List.of(ip("192.0.2.10")));
    }

    static VrrpPacket v3v4() {
        return VrrpPacket.v3(10, 150, 100, List.of(ip("192.0.2.100")));
    }

    static VrrpPacket v3v6() {
        return VrrpPacket.v3(20, 255, 50, List.of(ip("2001:db8::100"), ip("2001:db8::101")));
    }

    // ---- encode against the vectors

    @Test
    void encodesV2WithoutAuthentication() {
        assertEquals(V2_NONE, Hex.of(v2None().encode(ip("192.0.2.1"), ip("224.0.0.18"))));
    }

    @Test
    void v2ChecksumDoesNotDependOnIpAddresses() {
        assertEquals(V2_NONE, Hex.of(v2None().encode(ip("192.0.2.1"), ip("192.0.2.2"))));
    }

    @Test
    void encodesV2WithSimplePassword() {
        assertEquals(V2_PASS, Hex.of(v2Pass().encode(ip("192.0.2.1"), ip("192.0.2.2"))));
    }

    @Test
    void encodesV3Ipv4WithPseudoHeader_Rfc5798_5_2_8() {
        assertEquals(V3_V4, Hex.of(v3v4().encode(ip("192.0.2.1"), ip("192.0.2.2"))));
    }

    @Test
    void encodesV3Ipv6WithPseudoHeader_Rfc5798_5_2_8() {
        assertEquals(V3_V6, Hex.of(v3v6().encode(ip("2001:db8::1"), ip("2001:db8::2"))));
    }

    @Test
    void encodingToTheMulticastGroupEqualsTheLegacyUnicastChecksum() {
        // Why the legacy variant exists: old keepalived reused the multicast checksum for unicast.
        assertEquals(V3_V4_LEGACY, Hex.of(v3v4().encode(ip("192.0.2.1"), VrrpPacket.MULTICAST_GROUP_V4)));
        assertEquals(V3_V6_LEGACY, Hex.of(v3v6().encode(ip("2001:db8::1"), VrrpPacket.MULTICAST_GROUP_V6)));
    }

    // ---- decode the vectors

    @Test
    void decodesV2WithoutAuthentication() {
        VrrpPacket p = ok(Hex.decode(bytes(V2_NONE), "192.0.2.1", "224.0.0.18"), ChecksumVariant.RFC);
        assertEquals(2, p.version());
        assertEquals(VrrpPacket.ADVERTISEMENT, p.type());
        assertEquals(1, p.vrid());
        assertEquals(100, p.priority());
        assertEquals(100, p.advertIntervalCentis());
        assertEquals(AuthType.NONE, p.authType());
        assertArrayEquals(new byte[8], p.authData());
        assertEquals(List.of(ip("192.0.2.100"), ip("192.0.2.101")), p.addresses());
        assertEquals(v2None(), p);
    }

    @Test
    void decodesV2WithSimplePassword() {
        VrrpPacket p = ok(Hex.decode(bytes(V2_PASS), "192.0.2.1", "192.0.2.2"), ChecksumVariant.RFC);
        assertEquals(7, p.vrid());
        assertEquals(200, p.priority());
        assertEquals(300, p.advertIntervalCentis());
        assertEquals(AuthType.PASS, p.authType());
        assertEquals(1, p.authTypeWire());
        assertArrayEquals("hunter2\0".getBytes(), p.authData());
        assertEquals(List.of(ip("192.0.2.10")), p.addresses());
        assertEquals(v2Pass(), p);
    }

    @Test
    void decodesV3Ipv4() {
        VrrpPacket p = ok(Hex.decode(bytes(V3_V4), "192.0.2.1", "192.0.2.2"), ChecksumVariant.RFC);
        assertEquals(3, p.version());
        assertEquals(10, p.vrid());
        assertEquals(150, p.priority());
        assertEquals(100, p.advertIntervalCentis());
        assertEquals(AuthType.NONE, p.authType());
        assertEquals(0, p.authData().length);
        assertEquals(v3v4(), p);
    }

    @Test
    void decodesV3Ipv6() {
        VrrpPacket p = ok(Hex.decode(bytes(V3_V6), "2001:db8::1", "2001:db8::2"), ChecksumVariant.RFC);
        assertEquals(20, p.vrid());
        assertEquals(255, p.priority());
        assertEquals(50, p.advertIntervalCentis());
        assertTrue(p.isIpv6());
        assertEquals(List.of(ip("2001:db8::100"), ip("2001:db8::101")), p.addresses());
        assertEquals(v3v6(), p);
    }

    @Test
    void acceptsLegacyMulticastDestinationChecksumForUnicastV3() {
        assertEquals(v3v4(), ok(Hex.decode(bytes(V3_V4_LEGACY), "192.0.2.1", "192.0.2.2"),
                ChecksumVariant.LEGACY_MULTICAST_DST));
        assertEquals(v3v6(), ok(Hex.decode(bytes(V3_V6_LEGACY), "2001:db8::1", "2001:db8::2"),
                ChecksumVariant.LEGACY_MULTICAST_DST));
    }

    @Test
    void multicastDestinationIsTheRfcVariantNotTheLegacyOne() {
        ok(Hex.decode(bytes(V3_V4_LEGACY), "192.0.2.1", "224.0.0.18"), ChecksumVariant.RFC);
    }

    @Test
    void decodesFromTheMiddleOfALargerBuffer() {
        byte[] msg = bytes(V3_V4);
        byte[] buf = new byte[msg.length + 30];
        System.arraycopy(msg, 0, buf, 20, msg.length);
        buf[19] = (byte) 0xAA;
        buf[20 + msg.length] = (byte) 0xBB;
        DecodeResult r = VrrpPacket.decode(buf, 20, msg.length, ip("192.0.2.1"), ip("192.0.2.2"));
        assertEquals(v3v4(), ok(r, ChecksumVariant.RFC));
    }

    // ---- round trips

    @Test
    void roundTripsEveryKind() {
        roundTrip(v2None(), "192.0.2.1", "192.0.2.2");
        roundTrip(v2Pass(), "192.0.2.1", "224.0.0.18");
        roundTrip(v3v4(), "192.0.2.1", "224.0.0.18");
        roundTrip(v3v6(), "fe80::1", "ff02::12");
        roundTrip(VrrpPacket.v3(255, 0, VrrpPacket.V3_MAX_INTERVAL_CENTIS, List.of(ip("198.51.100.7"))),
                "192.0.2.1", "192.0.2.2");
        roundTrip(VrrpPacket.builder().version(2).vrid(9).priority(1).advertIntervalCentis(25500)
                .authTypeWire(0x7f).authData(bytes("0102030405060708")).addresses(List.of(ip("192.0.2.9"))).build(),
                "192.0.2.1", "192.0.2.2");
    }

    private static void roundTrip(VrrpPacket packet, String src, String dst) {
        byte[] wire = packet.encode(ip(src), ip(dst));
        assertEquals(packet.encodedLength(), wire.length);
        VrrpPacket back = ok(Hex.decode(wire, src, dst), ChecksumVariant.RFC);
        assertEquals(packet, back);
        assertEquals(packet.hashCode(), back.hashCode());
        assertArrayEquals(wire, back.encode(ip(src), ip(dst)));
    }

    @Test
    void unknownAuthTypeIsKeptForLogging() {
        VrrpPacket p = VrrpPacket.builder().version(2).vrid(1).advertIntervalCentis(100).authTypeWire(9)
                .addresses(List.of(ip("192.0.2.1"))).build();
        VrrpPacket back = ok(Hex.decode(p.encode(ip("192.0.2.1"), ip("192.0.2.2")), "192.0.2.1", "192.0.2.2"),
                ChecksumVariant.RFC);
        assertEquals(AuthType.UNKNOWN, back.authType());
        assertEquals(9, back.authTypeWire());
        assertTrue(back.toString().contains("UNKNOWN(9)"), back.toString());
    }

    @Test
    void v3ReservedBitsAreIgnoredOnReceipt_Rfc5798_5_2_6() {
        byte[] wire = bytes(V3_V4);
        wire[4] |= (byte) 0xF0;
        VrrpPacket p = ok(Hex.decode(Hex.withChecksum(wire, "192.0.2.1", "192.0.2.2"), "192.0.2.1", "192.0.2.2"),
                ChecksumVariant.RFC);
        assertEquals(100, p.advertIntervalCentis());
        assertEquals(v3v4(), p);
    }

    @Test
    void ipv4MappedIpv6AddressStaysIpv6() {
        byte[] wire = bytes("31010001" + "0064" + "0000" + "00000000000000000000ffffc0000201");
        VrrpPacket p = ok(Hex.decode(Hex.withChecksum(wire, "2001:db8::1", "2001:db8::2"), "2001:db8::1",
                "2001:db8::2"), ChecksumVariant.RFC);
        assertInstanceOf(Inet6Address.class, p.addresses().getFirst());
        assertTrue(p.isIpv6());
    }

    @Test
    void referenceChecksumAgreesWithTheVectors() {
        assertEquals(V3_V6, Hex.of(Hex.withChecksum(bytes(V3_V6), "2001:db8::1", "2001:db8::2")));
        assertEquals(V3_V4_LEGACY, Hex.of(Hex.withChecksum(bytes(V3_V4), "192.0.2.1", "224.0.0.18")));
        assertEquals(V2_PASS, Hex.of(Hex.withChecksum(bytes(V2_PASS), "192.0.2.1", "192.0.2.2")));
    }

    // ---- each decode check, in order, with its reason and detail

    @Test
    void truncatedBelowTheFixedHeader() {
        byte[] wire = bytes(V3_V4);
        assertDropped(VrrpPacket.decode(wire, 0, 7, ip("192.0.2.1"), ip("192.0.2.2")), DropReason.TRUNCATED,
                "length: 7 (expected: at least 8)");
        assertDropped(VrrpPacket.decode(wire, 0, 0, ip("192.0.2.1"), ip("192.0.2.2")), DropReason.TRUNCATED,
                "length: 0 (expected: at least 8)");
    }

    @Test
    void sliceOutsideTheBufferIsTruncatedNotAnException() {
        byte[] wire = bytes(V3_V4);
        for (int[] slice : new int[][] {{-1, 4}, {0, -1}, {0, 13}, {13, 0}, {Integer.MAX_VALUE, 8},
                {8, Integer.MAX_VALUE}}) {
            assertEquals(DropReason.TRUNCATED, reason(VrrpPacket.decode(wire, slice[0], slice[1], ip("192.0.2.1"),
                    ip("192.0.2.2"))));
        }
        assertEquals(DropReason.TRUNCATED, reason(VrrpPacket.decode(null, 0, 0, null, null)));
    }

    @Test
    void versionOtherThan2Or3IsBadVersion() {
        byte[] wire = bytes(V3_V4);
        wire[0] = 0x41;
        assertDropped(Hex.decode(wire, "192.0.2.1", "192.0.2.2"), DropReason.BAD_VERSION,
                "version: 4 (expected: 2 or 3)");
    }

    @Test
    void typeOtherThanAdvertisementIsBadType() {
        byte[] wire = bytes(V3_V4);
        wire[0] = 0x32;
        assertDropped(Hex.decode(wire, "192.0.2.1", "192.0.2.2"), DropReason.BAD_TYPE,
                "type: 2 (expected: 1 (advertisement))");
    }

    @Test
    void lengthMustMatchTheAddressCountExactly() {
        byte[] wire = bytes(V2_NONE);
        byte[] padded = java.util.Arrays.copyOf(wire, wire.length + 4);
        assertDropped(Hex.decode(padded, "192.0.2.1", "192.0.2.2"), DropReason.BAD_LENGTH,
                "length: 28 (expected: 24 for 2 IPv4 addresses and 8 auth bytes)");
        assertDropped(VrrpPacket.decode(wire, 0, 20, ip("192.0.2.1"), ip("192.0.2.2")), DropReason.BAD_LENGTH,
                "length: 20 (expected: 24 for 2 IPv4 addresses and 8 auth bytes)");
        // The same 40 bytes are two IPv6 addresses but ten IPv4 ones: the IP family decides.
        assertDropped(Hex.decode(bytes(V3_V6), "192.0.2.1", "192.0.2.2"), DropReason.BAD_LENGTH,
                "length: 40 (expected: 16 for 2 IPv4 addresses)");
    }

    @Test
    void zeroAddressesIsBadLength_Rfc5798_5_2_5() {
        byte[] wire = bytes("310a96000064" + "0000");
        assertDropped(Hex.decode(wire, "192.0.2.1", "192.0.2.2"), DropReason.BAD_LENGTH,
                "address count: 0 (expected: at least 1)");
    }

    @Test
    void v2OverIpv6IsBadAddressFamily() {
        // 24 bytes: laid out as VRRPv2 with two IPv4 addresses, but arriving over IPv6.
        assertDropped(Hex.decode(bytes(V2_NONE), "2001:db8::1", "2001:db8::2"), DropReason.BAD_ADDRESS_FAMILY,
                "ip family: IPv6 (expected: IPv4 for VRRPv2)");
    }

    @Test
    void mixedOrMissingIpAddressesAreBadAddressFamily() {
        assertDropped(Hex.decode(bytes(V3_V4), "192.0.2.1", "2001:db8::2"), DropReason.BAD_ADDRESS_FAMILY,
                "destination family: IPv6 (expected: IPv4 like the source)");
        byte[] wire = bytes(V3_V4);
        assertEquals(DropReason.BAD_ADDRESS_FAMILY,
                reason(VrrpPacket.decode(wire, 0, wire.length, null, ip("192.0.2.2"))));
        assertEquals(DropReason.BAD_ADDRESS_FAMILY,
                reason(VrrpPacket.decode(wire, 0, wire.length, ip("192.0.2.1"), null)));
    }

    @Test
    void badChecksumReportsActualAndExpected() {
        byte[] wire = bytes(V3_V4);
        wire[6] = 0x12;
        wire[7] = 0x34;
        assertDropped(Hex.decode(wire, "192.0.2.1", "192.0.2.2"), DropReason.BAD_CHECKSUM,
                "checksum: 0x1234 (expected: 0xf1aa)");
        byte[] v2 = bytes(V2_NONE);
        v2[7] ^= 1;
        assertDropped(Hex.decode(v2, "192.0.2.1", "192.0.2.2"), DropReason.BAD_CHECKSUM,
                "checksum: 0xf631 (expected: 0xf630)");
    }

    @Test
    void v3ChecksumCoversTheSourceAddress() {
        assertEquals(DropReason.BAD_CHECKSUM, reason(Hex.decode(bytes(V3_V4), "192.0.2.3", "192.0.2.2")));
        assertEquals(DropReason.BAD_CHECKSUM, reason(Hex.decode(bytes(V3_V6), "2001:db8::3", "2001:db8::2")));
    }

    @Test
    void earlierChecksWinOverLaterOnes() {
        byte[] wire = bytes(V3_V4);
        wire[0] = 0x52;     // bad version and bad type
        wire[3] = 0x09;     // and bad length
        assertEquals(DropReason.BAD_VERSION, reason(Hex.decode(wire, "192.0.2.1", "192.0.2.2")));
        wire[0] = 0x32;
        assertEquals(DropReason.BAD_TYPE, reason(Hex.decode(wire, "192.0.2.1", "192.0.2.2")));
        wire[0] = 0x31;
        assertEquals(DropReason.BAD_LENGTH, reason(Hex.decode(wire, "192.0.2.1", "192.0.2.2")));
    }

    // ---- value semantics

    @Test
    void authDataIsCopiedInAndOut() {
        byte[] data = "secret12".getBytes();
        VrrpPacket p = VrrpPacket.builder().version(2).vrid(1).advertIntervalCentis(100)
                .authType(AuthType.PASS).authData(data).addresses(List.of(ip("192.0.2.1"))).build();
        data[0] = 'X';
        assertArrayEquals("secret12".getBytes(), p.authData());
        p.authData()[0] = 'Y';
        assertArrayEquals("secret12".getBytes(), p.authData());
    }

    @Test
    void toStringNeverShowsThePassword() {
        VrrpPacket p = VrrpPacket.v2WithPassword(1, 100, 1, "secret12", List.of(ip("192.0.2.1")));
        assertFalse(p.toString().contains("secret"), p.toString());
        assertEquals("VRRPv2 vrid=1 prio=100 intvl=1s auth=PASS addrs=[192.0.2.1]", p.toString());
    }

    @Test
    void passwordIsTruncatedOrNulPaddedToEightBytes() {
        assertArrayEquals("abc\0\0\0\0\0".getBytes(), VrrpPacket.passwordAuthData("abc"));
        assertArrayEquals("12345678".getBytes(), VrrpPacket.passwordAuthData("123456789"));
    }

    @Test
    void constructionRejectsWhatCannotBeEncoded() {
        List<InetAddress> v4 = List.of(ip("192.0.2.1"));
        List<InetAddress> v6 = List.of(ip("2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.v2(1, 100, 1, v6));
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.v2(1, 100, 256, v4));
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.v3(1, 100, 4096, v4));
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.v3(256, 100, 100, v4));
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.v3(1, 256, 100, v4));
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.v3(1, 100, 100, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> VrrpPacket.v3(1, 100, 100, List.of(ip("192.0.2.1"), ip("2001:db8::1"))));
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.builder().version(2).vrid(1)
                .advertIntervalCentis(150).addresses(v4).build());
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.builder().version(3).vrid(1)
                .authType(AuthType.PASS).addresses(v4).build());
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.builder().version(2).vrid(1)
                .authData(new byte[7]).addresses(v4).build());
        assertThrows(IllegalArgumentException.class, () -> VrrpPacket.v3(1, 100, 100, v4)
                .encode(ip("2001:db8::1"), ip("2001:db8::2")));
    }

    @Test
    void differentPacketsAreNotEqual() {
        assertNotEquals(v3v4(), VrrpPacket.v3(10, 151, 100, List.of(ip("192.0.2.100"))));
        assertNotEquals(v2None(), v2Pass());
    }

    // ---- helpers

    static VrrpPacket ok(DecodeResult result, ChecksumVariant variant) {
        DecodeResult.Ok ok = assertInstanceOf(DecodeResult.Ok.class, result, () -> "got " + result);
        assertEquals(variant, ok.variant());
        return ok.packet();
    }

    static DropReason reason(DecodeResult result) {
        return assertInstanceOf(DecodeResult.Dropped.class, result, () -> "got " + result).reason();
    }

    static void assertDropped(DecodeResult result, DropReason reason, String detail) {
        DecodeResult.Dropped d = assertInstanceOf(DecodeResult.Dropped.class, result, () -> "got " + result);
        assertEquals(reason, d.reason());
        assertEquals(detail, d.detail());
    }
}
