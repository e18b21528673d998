package io.floatd.vrrp.codec;

import static io.floatd.vrrp.codec.Hex.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.codec.AdvertCheck.Expectations;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * RFC 5798 §7.1 for an instance without unicast peers (multicast), with keepalived 2.2.7's reading of the optional
 * address-list check: any sender on the segment is heard, TTL / hop limit must be 255, the advert's address count
 * must equal the configured one and every configured address must be in it; {@code skip_check_adv_addr} lets a
 * Backup skip the list check for the Master it already follows.
 */
class Rfc5798_7_1_MulticastReceiveTest {
    static final InetAddress VIP1 = ip("192.0.2.100");
    static final InetAddress VIP2 = ip("192.0.2.101");
    static final InetAddress ANY_SENDER = ip("192.0.2.77");
    static final InetAddress OTHER_SENDER = ip("192.0.2.78");
    static final AdvertCheck V3_MULTICAST = new AdvertCheck(Expectations.v3(7, List.of(), 100));
    static final AdvertCheck V2_MULTICAST = new AdvertCheck(Expectations.v2(7, List.of(), 1));
    static final AdvertCheck V3_MULTICAST_6 = new AdvertCheck(Expectations.v3(7, List.of(), 10));

    static final AddressListCheck LIST = new AddressListCheck(List.of(VIP1, VIP2), false);
    static final AddressListCheck LIST_SKIPPING = new AddressListCheck(List.of(VIP1, VIP2), true);

    @Test
    void aMulticastAdvertFromAnyAddressOnTheSegmentIsAccepted() {
        for (InetAddress sender : List.of(ANY_SENDER, OTHER_SENDER, ip("10.1.2.3"))) {
            assertEquals(Optional.empty(), V3_MULTICAST.check(VrrpPacket.v3(7, 100, 100, List.of(VIP1)), sender, 255));
            assertEquals(Optional.empty(), V2_MULTICAST.check(VrrpPacket.v2(7, 100, 1, List.of(VIP1)), sender, 255));
        }
    }

    @Test
    void ttlNot255IsDropped_Rfc5798_5_1_1_3() {
        for (int ttl : new int[] {0, 1, 64, 254}) {
            assertDrop(V3_MULTICAST.check(VrrpPacket.v3(7, 100, 100, List.of(VIP1)), ANY_SENDER, ttl),
                    DropReason.BAD_TTL, "ttl: " + ttl + " (expected: 255)");
        }
    }

    @Test
    void hopLimitNot255IsDropped_Rfc5798_5_1_2_3() {
        InetAddress linkLocal = ip("fe80::2");
        InetAddress vip6 = ip("fd00::100");
        assertEquals(Optional.empty(), V3_MULTICAST_6.check(VrrpPacket.v3(7, 100, 10, List.of(vip6)), linkLocal, 255));
        assertDrop(V3_MULTICAST_6.check(VrrpPacket.v3(7, 100, 10, List.of(vip6)), linkLocal, 1),
                DropReason.BAD_TTL, "hop limit: 1 (expected: 255)");
    }

    @Test
    void theAddressListIsCheckedAsASetInAnyOrder() {
        assertEquals(Optional.empty(), LIST.check(VrrpPacket.v3(7, 100, 100, List.of(VIP2, VIP1)), ANY_SENDER, false, null));
        assertEquals(Optional.empty(), LIST.check(VrrpPacket.v3(7, 100, 100, List.of(VIP1, VIP2)), ANY_SENDER, true, null));
    }

    @Test
    void anAdvertWithAnotherAddressCountIsDropped() {
        assertDrop(LIST.check(VrrpPacket.v3(7, 100, 100, List.of(VIP1)), ANY_SENDER, false, null),
                DropReason.ADDRESS_COUNT_MISMATCH, "address count: 1 (expected: 2)");
        assertDrop(LIST.check(VrrpPacket.v2(7, 100, 1, List.of(VIP1, VIP2, ip("192.0.2.102"))), ANY_SENDER, true, null),
                DropReason.ADDRESS_COUNT_MISMATCH, "address count: 3 (expected: 2)");
    }

    @Test
    void anAdvertMissingAConfiguredAddressIsDropped() {
        assertDrop(LIST.check(VrrpPacket.v3(7, 100, 100, List.of(VIP1, ip("192.0.2.200"))), ANY_SENDER, false, null),
                DropReason.ADDRESS_LIST_MISMATCH, "addresses: [192.0.2.100, 192.0.2.200] (expected: to include 192.0.2.101)");
    }

    @Test
    void skipCheckAdvAddrSkipsTheListOnlyForTheMasterABackupAlreadyFollows() {
        VrrpPacket wrongList = VrrpPacket.v3(7, 100, 100, List.of(ip("192.0.2.200")));
        // the Backup follows ANY_SENDER: its adverts are not checked
        assertEquals(Optional.empty(), LIST_SKIPPING.check(wrongList, ANY_SENDER, false, ANY_SENDER));
        // another sender, or no Master known yet: checked (keepalived: a changed source address is checked)
        assertDrop(LIST_SKIPPING.check(wrongList, OTHER_SENDER, false, ANY_SENDER),
                DropReason.ADDRESS_COUNT_MISMATCH, "address count: 1 (expected: 2)");
        assertDrop(LIST_SKIPPING.check(wrongList, ANY_SENDER, false, null),
                DropReason.ADDRESS_COUNT_MISMATCH, "address count: 1 (expected: 2)");
        // without the option the Backup checks its Master too
        assertDrop(LIST.check(wrongList, ANY_SENDER, false, ANY_SENDER),
                DropReason.ADDRESS_COUNT_MISMATCH, "address count: 1 (expected: 2)");
    }

    @Test
    void aMasterAlwaysChecksTheList() {
        VrrpPacket wrongList = VrrpPacket.v3(7, 100, 100, List.of(ip("192.0.2.200")));
        assertDrop(LIST_SKIPPING.check(wrongList, ANY_SENDER, true, ANY_SENDER),
                DropReason.ADDRESS_COUNT_MISMATCH, "address count: 1 (expected: 2)");
    }

    @Test
    void theNewDropReasonsHaveMetricNames() {
        assertEquals("address_count_mismatch", DropReason.ADDRESS_COUNT_MISMATCH.metricName());
        assertEquals("address_list_mismatch", DropReason.ADDRESS_LIST_MISMATCH.metricName());
    }

    private static void assertDrop(Optional<DecodeResult.Dropped> verdict, DropReason reason, String detail) {
        DecodeResult.Dropped d = verdict.orElseThrow(() -> new AssertionError("expected a drop for " + reason));
        assertEquals(reason, d.reason());
        assertEquals(detail, d.detail());
    }
}
