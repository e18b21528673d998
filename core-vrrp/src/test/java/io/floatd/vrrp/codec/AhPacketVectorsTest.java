package io.floatd.vrrp.codec;

import static io.floatd.vrrp.codec.Hex.bytes;
import static io.floatd.vrrp.codec.Hex.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code auth_type AH} packets captured from keepalived v2.2.7 (Debian 12 package) on this machine.
 *
 * <p>How: namespaces {@code ahA}/{@code ahB} joined by a veth pair, {@code ahva} = 10.77.0.1/24 in ahA,
 * {@code ahvb} = 10.77.0.2/24 in ahB. keepalived ran in ahA as {@code keepalived -n -l -D -f CONF --vrrp} with one
 * instance: {@code interface ahva, virtual_router_id 51, priority 150, advert_int 1, unicast_src_ip 10.77.0.1,
 * unicast_peer { 10.77.0.2 }, authentication { auth_type AH auth_pass k8sPassw0rdLong },
 * virtual_ipaddress { 10.77.0.100/24 }} (keepalived warns "Truncating auth_pass to 8 characters": the key is
 * {@code k8sPassw}). {@code tcpdump -i ahvb -w F ip proto 51} ran in ahB; the bytes are the IP packets
 * ({@code tcpdump -r F -x}). The first advert after "Entering MASTER STATE" carries sequence number 1 and IP id 1;
 * both go up by one per advert. The last one is the priority-0 advert of SIGTERM.
 */
class AhPacketVectorsTest {
    static final Inet4Address SRC = (Inet4Address) ip("10.77.0.1");
    static final Inet4Address DST = (Inet4Address) ip("10.77.0.2");
    static final byte[] KEY = AhPacket.key("k8sPassw0rdLong");

    /** The first advert as Master. */
    static final String SEQ1 = ""
            + "45 c0 0040 0001 0000 ff 33 a62d 0a4d0001 0a4d0002" // IPv4: TOS 0xc0, len 64, id 1, TTL 255, proto 51
            + "70 04 0000 0a4d0001 00000001" // AH: next header 112, payload len 4, reserved, SPI = source, seq 1
            + "f8f30c769aa9afed096059bf" // ICV: HMAC-MD5-96
            + "21 33 96 01 02 01 3c19 0a4d0064 0000000000000000"; // VRRPv2: vrid 51, prio 150, auth type 2, int 1
    static final String SEQ2 = "45c0 0040 0002 0000 ff33 a62c 0a4d0001 0a4d0002 7004 0000 0a4d0001 00000002"
            + "b00447e3cb091af2b9b143ab 2133 9601 0201 3c19 0a4d0064 0000000000000000";
    /** The priority-0 advert keepalived sent when stopped (SIGTERM), after seq 4. */
    static final String SEQ5_PRIO0 = "45c0 0040 0005 0000 ff33 a629 0a4d0001 0a4d0002 7004 0000 0a4d0001 00000005"
            + "c67bc8ce1b33691aced83aad 2133 0001 0201 d219 0a4d0064 0000000000000000";

    /**
     * Multicast, captured the same way: an instance without unicast peers ({@code virtual_router_id 53, priority 120,
     * advert_int 2, auth_pass mcastKey}, VIPs 10.77.0.101/24 and .102/24), sent to 224.0.0.18. keepalived keeps the
     * TTL (255) in this ICV.
     */
    static final String MCAST_SEQ1 = "45c0 0044 0001 0000 ff33 d065 0a4d0001 e0000012 7004 0000 0a4d0001 00000001"
            + "500c7e07356a2ec459f56651 2135 7802 0202 4f61 0a4d0065 0a4d0066 0000000000000000";

    static byte[] vrrp(int priority) {
        return VrrpPacket.builder().version(2).vrid(51).priority(priority).advertIntervalCentis(100)
                .authType(AuthType.AH).addresses(List.of(ip("10.77.0.100"))).build().encode(SRC, DST);
    }

    static AhPacket.Opened open(byte[] p) {
        return AhPacket.open(p, p.length, KEY, true);
    }

    @Test
    void encodeReproducesKeepalivedsPacketsByteForByte() {
        assertArrayEquals(bytes(SEQ1), AhPacket.encode(SRC, DST, 1, 1, vrrp(150), KEY, true));
        assertArrayEquals(bytes(SEQ2), AhPacket.encode(SRC, DST, 2, 2, vrrp(150), KEY, true));
        assertArrayEquals(bytes(SEQ5_PRIO0), AhPacket.encode(SRC, DST, 5, 5, vrrp(0), KEY, true));
    }

    @Test
    void theKeyIsTheFirstEightBytesOfAuthPassZeroPadded() {
        assertArrayEquals("k8sPassw".getBytes(), KEY);
        assertArrayEquals(new byte[] {'a', 'b', 0, 0, 0, 0, 0, 0}, AhPacket.key("ab"));
    }

    @Test
    void keepalivedsPacketsVerifyAndCarryAVrrpV2AdvertWithAuthTypeAh() {
        for (String hex : List.of(SEQ1, SEQ2, SEQ5_PRIO0)) {
            byte[] p = bytes(hex);
            var verified = assertInstanceOf(AhPacket.Verified.class, open(p), hex);
            assertEquals(IpsecAh.NEXT_HEADER_VRRP, verified.ah().nextHeader());
            assertEquals(IpsecAh.PAYLOAD_LENGTH_WORDS, verified.ah().payloadLength());
            assertEquals(0x0a4d0001, verified.ah().spi());
            assertEquals(44, verified.vrrpOffset());
            var ok = assertInstanceOf(DecodeResult.Ok.class,
                    VrrpPacket.decode(p, verified.vrrpOffset(), p.length - verified.vrrpOffset(), SRC, DST));
            assertEquals(AuthType.AH, ok.packet().authType());
            assertArrayEquals(new byte[8], ok.packet().authData());
        }
        assertEquals(1, ((AhPacket.Verified) open(bytes(SEQ1))).ah().sequence());
        assertEquals(5, ((AhPacket.Verified) open(bytes(SEQ5_PRIO0))).ah().sequence());
    }

    @Test
    void headerRoundTrips() {
        byte[] p = bytes(SEQ1);
        IpsecAh ah = IpsecAh.decode(p, 20);
        byte[] out = new byte[IpsecAh.LENGTH];
        ah.encodeTo(out, 0);
        assertArrayEquals(Arrays.copyOfRange(p, 20, 44), out);
    }

    /** Expected verdict when byte {@code i} of {@link #SEQ1} has its lowest bit flipped (unicast instance). */
    static DropReason verdictForMutatedByte(int i) {
        return switch (i) {
            case 0 -> DropReason.BAD_ADDRESS_FAMILY; // IHL 5 -> 4: not a usable IPv4 header
            case 1, 6, 7, 8, 10, 11 -> null; // TOS, flags/fragment, TTL (unicast), header checksum: mutable
            case 9 -> DropReason.AUTH_TYPE_MISMATCH; // protocol 51 -> 50: not AH
            case 20 -> DropReason.AH_MALFORMED; // next header 112 -> 113
            default -> DropReason.AH_AUTH_FAILED; // everything else is covered by the ICV
        };
    }

    @Test
    void everySingleByteMutationGetsItsVerdict() {
        byte[] original = bytes(SEQ1);
        for (int i = 0; i < original.length; i++) {
            byte[] p = original.clone();
            p[i] ^= 0x01;
            DropReason expected = verdictForMutatedByte(i);
            AhPacket.Opened got = open(p);
            if (expected == null) {
                assertInstanceOf(AhPacket.Verified.class, got, "byte " + i + " is mutable: still verifies");
            } else {
                assertEquals(expected, assertInstanceOf(AhPacket.Rejected.class, got, "byte " + i).reason(), "byte " + i);
            }
        }
    }

    @Test
    void anotherAuthPassFailsTheIcv() {
        var r = assertInstanceOf(AhPacket.Rejected.class, AhPacket.open(bytes(SEQ1), 64, AhPacket.key("k8sPassX"), true));
        assertEquals(DropReason.AH_AUTH_FAILED, r.reason());
        // the ninth character onwards is not part of the key, as in keepalived
        assertInstanceOf(AhPacket.Verified.class, AhPacket.open(bytes(SEQ1), 64, AhPacket.key("k8sPassw-other"), true));
    }

    @Test
    void keepalivedsMulticastPacketIsReproducedWithTheTtlInTheIcv() {
        Inet4Address group = (Inet4Address) ip("224.0.0.18");
        byte[] key = AhPacket.key("mcastKey");
        byte[] vrrp = VrrpPacket.builder().version(2).vrid(53).priority(120).advertIntervalCentis(200)
                .authType(AuthType.AH).addresses(List.of(ip("10.77.0.101"), ip("10.77.0.102"))).build().encode(SRC, group);
        assertArrayEquals(bytes(MCAST_SEQ1), AhPacket.encode(SRC, group, 1, 1, vrrp, key, false));
        byte[] p = bytes(MCAST_SEQ1);
        assertInstanceOf(AhPacket.Verified.class, AhPacket.open(p, p.length, key, false));
        assertEquals(DropReason.AH_AUTH_FAILED,
                assertInstanceOf(AhPacket.Rejected.class, AhPacket.open(p, p.length, key, true)).reason(),
                "a unicast receiver (TTL left out) cannot verify a multicast sender's ICV");
    }

    @Test
    void multicastInstancesCoverTheTtl() {
        byte[] p = AhPacket.encode(SRC, (Inet4Address) ip("224.0.0.18"), 7, 9, vrrp(150), KEY, false);
        assertInstanceOf(AhPacket.Verified.class, AhPacket.open(p, p.length, KEY, false));
        p[8] = (byte) 254;
        assertEquals(DropReason.AH_AUTH_FAILED,
                assertInstanceOf(AhPacket.Rejected.class, AhPacket.open(p, p.length, KEY, false)).reason());
        // a unicast instance leaves the TTL out, so the two must agree on unicast
        byte[] u = AhPacket.encode(SRC, DST, 7, 9, vrrp(150), KEY, true);
        assertInstanceOf(AhPacket.Rejected.class, AhPacket.open(u, u.length, KEY, false));
    }

    @Test
    void anSpiOtherThanTheSourceAddressIsDroppedEvenWithAValidIcv() {
        byte[] p = bytes(SEQ1);
        p[27] = 9; // SPI 10.77.0.9
        byte[] icv = AhPacket.icv(p, 20, p.length, KEY, true);
        System.arraycopy(icv, 0, p, 32, 12);
        var r = assertInstanceOf(AhPacket.Rejected.class, open(p));
        assertEquals(DropReason.AH_SPI_MISMATCH, r.reason());
        assertTrue(r.detail().contains("0xa4d0009"), r.detail());
    }

    @Test
    void randomInputNeverThrows() {
        java.util.Random random = new java.util.Random(15);
        byte[] base = bytes(SEQ1);
        for (int round = 0; round < 20_000; round++) {
            byte[] p = round % 2 == 0 ? new byte[random.nextInt(100)] : base.clone();
            if (round % 2 == 0) {
                random.nextBytes(p);
            } else {
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    p[random.nextInt(p.length)] = (byte) random.nextInt(256);
                }
            }
            AhPacket.Opened o = AhPacket.open(p, random.nextInt(p.length + 1), KEY, random.nextBoolean());
            if (o instanceof AhPacket.Verified v) {
                assertTrue(v.vrrpOffset() >= 44 && v.vrrpOffset() <= p.length, "offset " + v.vrrpOffset());
            }
        }
    }

    @Test
    void truncatedPacketsAreDroppedWithoutThrowing() {
        byte[] p = bytes(SEQ1);
        for (int n = 0; n < 52; n++) {
            var r = assertInstanceOf(AhPacket.Rejected.class, AhPacket.open(p, n, KEY, true), "length " + n);
            assertEquals(DropReason.TRUNCATED, r.reason(), "length " + n);
        }
    }
}
