package io.floatd.vrrp.codec;

import static io.floatd.vrrp.codec.Hex.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.codec.AdvertCheck.Expectations;
import io.floatd.vrrp.codec.AdvertCheck.Peer;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdvertCheckTest {
    static final InetAddress PEER = ip("192.0.2.2");
    static final InetAddress STRANGER = ip("192.0.2.66");
    static final InetAddress PEER6 = ip("fe80::2");
    static final List<InetAddress> VIPS = List.of(ip("192.0.2.100"));
    static final String PASSWORD = "s3cr3t!!";
    static final String OTHER_PASSWORD = "hunter22";

    static final AdvertCheck V2_NONE = new AdvertCheck(Expectations.v2(7, List.of(Peer.of(PEER)), 1));
    static final AdvertCheck V2_PASS =
            new AdvertCheck(Expectations.v2WithPassword(7, List.of(Peer.of(PEER)), 1, PASSWORD));
    static final AdvertCheck V3 = new AdvertCheck(Expectations.v3(7, List.of(Peer.of(PEER)), 100));

    static VrrpPacket v2(int seconds) {
        return VrrpPacket.v2(7, 100, seconds, VIPS);
    }

    static VrrpPacket v2Pass(String password) {
        return VrrpPacket.v2WithPassword(7, 100, 1, password, VIPS);
    }

    @Test
    void advertFromConfiguredPeerWithTtl255IsAccepted_Rfc5798_7_1() {
        assertEquals(Optional.empty(), V2_NONE.check(v2(1), PEER, 255));
        assertEquals(Optional.empty(), V2_PASS.check(v2Pass(PASSWORD), PEER, 255));
        assertEquals(Optional.empty(), V3.check(VrrpPacket.v3(7, 100, 100, VIPS), PEER, 255));
    }

    @Test
    void advertFromASourceThatIsNotAConfiguredPeerIsDropped() {
        assertDrop(V2_PASS.check(v2Pass(PASSWORD), STRANGER, 255), DropReason.NOT_A_PEER,
                "source: 192.0.2.66 (expected: one of [192.0.2.2])");
    }

    @Test
    void notAPeerIsReportedBeforeAnythingElse() {
        VrrpPacket everythingWrong = VrrpPacket.v3(7, 100, 300, VIPS);
        assertEquals(DropReason.NOT_A_PEER, V2_PASS.check(everythingWrong, STRANGER, 1).orElseThrow().reason());
    }

    @Test
    void advertWithTtlBelow255IsDropped_Rfc5798_7_1() {
        assertDrop(V2_NONE.check(v2(1), PEER, 254), DropReason.BAD_TTL, "ttl: 254 (expected: 255)");
        assertDrop(V2_NONE.check(v2(1), PEER, 64), DropReason.BAD_TTL, "ttl: 64 (expected: 255)");
    }

    @Test
    void advertWithTtlOutsideTheRangeIsDropped_Rfc3768_7_1() {
        assertEquals(DropReason.BAD_TTL, V2_NONE.check(v2(1), PEER, -1).orElseThrow().reason());
        assertEquals(DropReason.BAD_TTL, V2_NONE.check(v2(1), PEER, 256).orElseThrow().reason());
    }

    @Test
    void peerWithAWiderTtlRangeAcceptsHopsInIt() {
        AdvertCheck routed = new AdvertCheck(Expectations.v3(7, List.of(new Peer(PEER, 250, 255),
                new Peer(PEER6, 64, 64)), 100));
        VrrpPacket p = VrrpPacket.v3(7, 100, 100, VIPS);
        assertEquals(Optional.empty(), routed.check(p, PEER, 250));
        assertDrop(routed.check(p, PEER, 249), DropReason.BAD_TTL, "ttl: 249 (expected: 250..255)");
        VrrpPacket p6 = VrrpPacket.v3(7, 100, 100, List.of(ip("fe80::100")));
        assertEquals(Optional.empty(), routed.check(p6, PEER6, 64));
        assertDrop(routed.check(p6, PEER6, 255), DropReason.BAD_TTL, "hop limit: 255 (expected: 64)");
    }

    @Test
    void peerMatchIgnoresTheIpv6ScopeId() throws Exception {
        InetAddress scoped = java.net.Inet6Address.getByAddress(null, PEER6.getAddress(), 2);
        AdvertCheck check = new AdvertCheck(Expectations.v3(7, List.of(Peer.of(PEER6)), 100));
        assertEquals(Optional.empty(), check.check(VrrpPacket.v3(7, 100, 100, List.of(ip("fe80::100"))), scoped, 255));
    }

    @Test
    void multicastInstanceAcceptsAnySourceButOnlyTtl255_Rfc5798_7_1() {
        AdvertCheck multicast = new AdvertCheck(Expectations.v3(7, List.of(), 100));
        VrrpPacket p = VrrpPacket.v3(7, 100, 100, VIPS);
        assertEquals(Optional.empty(), multicast.check(p, STRANGER, 255));
        assertEquals(DropReason.BAD_TTL, multicast.check(p, STRANGER, 254).orElseThrow().reason());
    }

    @Test
    void advertWithOtherVersionIsDropped_Rfc5798_7_1() {
        assertDrop(V2_NONE.check(VrrpPacket.v3(7, 100, 100, VIPS), PEER, 255), DropReason.VERSION_MISMATCH,
                "version: 3 (expected: 2)");
        assertDrop(V3.check(v2(1), PEER, 255), DropReason.VERSION_MISMATCH, "version: 2 (expected: 3)");
    }

    @Test
    void v2AdvertWithDifferentAuthTypeIsDropped_Rfc3768_7_1() {
        assertDrop(V2_PASS.check(v2(1), PEER, 255), DropReason.AUTH_TYPE_MISMATCH,
                "auth type: 0 (NONE) (expected: 1 (PASS))");
        assertDrop(V2_NONE.check(v2Pass(PASSWORD), PEER, 255), DropReason.AUTH_TYPE_MISMATCH,
                "auth type: 1 (PASS) (expected: 0 (NONE))");
        VrrpPacket unknown = VrrpPacket.builder().version(2).vrid(7).advertIntervalCentis(100).authTypeWire(42)
                .addresses(VIPS).build();
        assertDrop(V2_NONE.check(unknown, PEER, 255), DropReason.AUTH_TYPE_MISMATCH,
                "auth type: 42 (UNKNOWN) (expected: 0 (NONE))");
    }

    @Test
    void v2AdvertWithWrongPasswordIsDropped_Rfc2338_7_1() {
        Optional<DecodeResult.Dropped> d = V2_PASS.check(v2Pass(OTHER_PASSWORD), PEER, 255);
        assertDrop(d, DropReason.AUTH_FAILED, "password: mismatch (expected: the configured password)");
        assertNoPassword(d);
    }

    @Test
    void passwordComparesOnlyTheFirstEightBytesAsKeepalivedDoes() {
        AdvertCheck longPassword = new AdvertCheck(Expectations.v2WithPassword(7, List.of(Peer.of(PEER)), 1,
                "secret12-and-more"));
        assertEquals(Optional.empty(), longPassword.check(v2Pass("secret12"), PEER, 255));
        assertEquals(Optional.empty(), longPassword.check(v2Pass("secret12-other-tail"), PEER, 255));
    }

    @Test
    void shortPasswordIsNulPaddedSoAPrefixDoesNotMatch() {
        AdvertCheck shortPassword = new AdvertCheck(Expectations.v2WithPassword(7, List.of(Peer.of(PEER)), 1, "abc"));
        assertEquals(Optional.empty(), shortPassword.check(v2Pass("abc"), PEER, 255));
        assertEquals(DropReason.AUTH_FAILED, shortPassword.check(v2Pass("abcd"), PEER, 255).orElseThrow().reason());
        VrrpPacket trailingGarbage = VrrpPacket.builder().version(2).vrid(7).advertIntervalCentis(100)
                .authType(AuthType.PASS).authData("abc\0\0\0\0x".getBytes()).addresses(VIPS).build();
        assertEquals(DropReason.AUTH_FAILED, shortPassword.check(trailingGarbage, PEER, 255).orElseThrow().reason());
    }

    @Test
    void v2AdvertWithDifferentIntervalIsDropped_Rfc3768_7_1() {
        assertDrop(V2_NONE.check(v2(2), PEER, 255), DropReason.INTERVAL_MISMATCH,
                "advert interval: 2s (expected: 1s)");
    }

    @Test
    void v3AdvertWithDifferentIntervalIsAccepted_Rfc5798_6_4_2() {
        assertEquals(Optional.empty(), V3.check(VrrpPacket.v3(7, 100, 35, VIPS), PEER, 255));
    }

    @Test
    void checksRunInTheDocumentedOrder() {
        VrrpPacket wrongPasswordAndInterval = VrrpPacket.builder().version(2).vrid(7).advertIntervalCentis(500)
                .authType(AuthType.PASS).authData(VrrpPacket.passwordAuthData(OTHER_PASSWORD)).addresses(VIPS).build();
        assertEquals(DropReason.BAD_TTL, V2_PASS.check(wrongPasswordAndInterval, PEER, 1).orElseThrow().reason());
        assertEquals(DropReason.AUTH_FAILED, V2_PASS.check(wrongPasswordAndInterval, PEER, 255).orElseThrow().reason());
        VrrpPacket wrongAuthTypeAndInterval = VrrpPacket.v2(7, 100, 5, VIPS);
        assertEquals(DropReason.AUTH_TYPE_MISMATCH,
                V2_PASS.check(wrongAuthTypeAndInterval, PEER, 255).orElseThrow().reason());
    }

    @Test
    void misDispatchedVridIsUnknownVrid() {
        assertDrop(V2_NONE.check(VrrpPacket.v2(8, 100, 1, VIPS), PEER, 255), DropReason.UNKNOWN_VRID,
                "vrid: 8 (expected: 7)");
    }

    @Test
    void noDetailOrToStringEverContainsAPassword() {
        List<Optional<DecodeResult.Dropped>> drops = List.of(
                V2_PASS.check(v2Pass(OTHER_PASSWORD), STRANGER, 255),
                V2_PASS.check(v2Pass(OTHER_PASSWORD), PEER, 1),
                V2_PASS.check(v2Pass(OTHER_PASSWORD), PEER, 255),
                V2_PASS.check(VrrpPacket.v3(7, 100, 100, VIPS), PEER, 255),
                V2_PASS.check(v2(1), PEER, 255));
        for (Optional<DecodeResult.Dropped> d : drops) {
            assertTrue(d.isPresent());
            assertNoPassword(d);
        }
        String expectations = V2_PASS.expectations().toString();
        assertFalse(expectations.contains(PASSWORD), expectations);
        assertFalse(v2Pass(OTHER_PASSWORD).toString().contains(OTHER_PASSWORD));
    }

    @Test
    void expectationsRejectInconsistentConfiguration() {
        List<Peer> peers = List.of(Peer.of(PEER));
        assertThrows(IllegalArgumentException.class, () -> new Expectations(4, 7, peers, AuthType.NONE, null, 100));
        assertThrows(IllegalArgumentException.class, () -> new Expectations(2, 0, peers, AuthType.NONE, null, 100));
        assertThrows(IllegalArgumentException.class, () -> new Expectations(2, 7, peers, AuthType.PASS, null, 100));
        assertThrows(IllegalArgumentException.class, () -> new Expectations(2, 7, peers, AuthType.NONE, "pw", 100));
        assertThrows(IllegalArgumentException.class, () -> new Expectations(2, 7, peers, AuthType.UNKNOWN, null, 100));
        assertThrows(IllegalArgumentException.class, () -> new Expectations(3, 7, peers, AuthType.AH, null, 100));
        new Expectations(2, 7, peers, AuthType.AH, null, 100); // auth_type AH: the key is the AH transport's
        assertThrows(IllegalArgumentException.class, () -> new Expectations(3, 7, peers, AuthType.PASS, "pw", 100));
        assertThrows(IllegalArgumentException.class, () -> new Peer(PEER, 200, 100));
        assertThrows(IllegalArgumentException.class, () -> new Peer(PEER, 0, 256));
    }

    private static void assertDrop(Optional<DecodeResult.Dropped> d, DropReason reason, String detail) {
        assertTrue(d.isPresent(), "expected a drop");
        assertEquals(reason, d.get().reason());
        assertEquals(detail, d.get().detail());
    }

    private static void assertNoPassword(Optional<DecodeResult.Dropped> d) {
        String text = d.orElseThrow().detail() + " " + d.orElseThrow();
        assertFalse(text.contains(PASSWORD), text);
        assertFalse(text.contains(OTHER_PASSWORD), text);
    }
}
