package io.floatd.vrrp.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 5952 text form (what EC2 answers and filters on) and CIDR membership. */
class Ipv6TextTest {

    @ParameterizedTest
    @CsvSource({
            "2001:DB8:1234:1A00:0:0:0:10, 2001:db8:1234:1a00::10",     // 4.3 lower case; 4.2.1 longest zero run
            "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1", // 4.1 no leading zeros; 4.2.3 first of equal runs
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",              // 4.2.2 a single zero group is not shortened
            "0:0:0:0:0:0:0:1, ::1",
            "2001:db8::, 2001:db8::",
    })
    void canonicalFormIsRfc5952(String in, String out) {
        assertEquals(Optional.of(out), Ipv6Text.canonical(in));
    }

    @Test
    void notOneIpv6AddressIsEmpty() {
        assertEquals(Optional.empty(), Ipv6Text.canonical("10.0.1.200"));
        assertEquals(Optional.empty(), Ipv6Text.canonical("2001:db8::1::2"));
        assertEquals(Optional.empty(), Ipv6Text.canonical("fe80::1%eth0"));
        assertEquals(Optional.empty(), Ipv6Text.canonical("example.com"));
    }

    @Test
    void cidrMembership() {
        assertTrue(Ipv6Text.inCidr("2001:db8:1234:1a00::10", "2001:db8:1234:1a00::/64"));
        assertTrue(Ipv6Text.inCidr("2001:db8:1234:1a00:ffff:ffff:ffff:ffff", "2001:db8:1234:1a00::/64"));
        assertFalse(Ipv6Text.inCidr("2001:db8:1234:1a01::10", "2001:db8:1234:1a00::/64"));
        assertTrue(Ipv6Text.inCidr("2001:db8:1234:1a01::10", "2001:db8:1234:1a00::/56"));
        assertFalse(Ipv6Text.inCidr("2001:db8:1234:1a00::10", "2001:db8:1234:1a00::/129"));
        assertFalse(Ipv6Text.inCidr("2001:db8:1234:1a00::10", "10.0.0.0/8"));
    }

    @Test
    void linkLocal() {
        assertTrue(Ipv6Text.isLinkLocal("fe80::1"));
        assertFalse(Ipv6Text.isLinkLocal("2001:db8::1"));
    }
}
