package io.floatd.ffm.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.ffm.Libc;
import io.floatd.ffm.testing.TestNamespace;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link InterfaceAddresses} against the kernel of a namespace of its own, checked by what {@code ip -j addr} shows:
 * an IPv4 /32 and an IPv6 /64 put on a veth end and taken off, idempotently, and a missing interface named.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterfaceAddressesNetnsTest {
    private static final String DEV = "v0";
    private static TestNamespace ns;
    private static InterfaceAddresses addresses;

    @BeforeAll
    static void setUp() throws Exception {
        ns = TestNamespace.create();
        ns.exec("ip", "link", "add", DEV, "type", "veth", "peer", "name", "v1");
        ns.exec("ip", "link", "set", DEV, "up");
        ns.exec("ip", "link", "set", "v1", "up");
        addresses = ns.inside(InterfaceAddresses::open);
    }

    @AfterAll
    static void tearDown() {
        if (addresses != null) {
            addresses.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    /** Whether {@code ip -j addr show dev v0} lists {@code local/prefixlen}. */
    private static boolean ipShows(String local, int prefixLength) {
        String json = ns.exec("ip", "-j", "addr", "show", "dev", DEV);
        return Pattern.compile("\"local\":\"" + Pattern.quote(local) + "\",\"prefixlen\":" + prefixLength + "\\b")
                .matcher(json).find();
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void anIpv4HostAddressIsPutOnTheInterfaceSeenThereAndTakenOff() throws Exception {
        InetAddress vip = ip("10.198.0.100");
        assertFalse(addresses.isPresent(DEV, vip));

        assertTrue(addresses.add(DEV, vip, 32));
        assertTrue(ipShows("10.198.0.100", 32), ns.exec("ip", "-j", "addr", "show", "dev", DEV));
        assertTrue(addresses.isPresent(DEV, vip));

        assertTrue(addresses.remove(DEV, vip));
        assertFalse(ipShows("10.198.0.100", 32));
        assertFalse(addresses.isPresent(DEV, vip));
    }

    @Test
    void anIpv6Slash64IsPutOnTheInterfaceWithoutDadSeenThereAndTakenOff() throws Exception {
        InetAddress vip = ip("fd00:198::100");
        assertTrue(addresses.add(DEV, vip, 64));
        assertTrue(ipShows("fd00:198::100", 64), ns.exec("ip", "-j", "addr", "show", "dev", DEV));
        // usable at once: no duplicate address detection, so never "tentative"
        assertFalse(ns.exec("ip", "-6", "addr", "show", "dev", DEV, "tentative").contains("fd00:198::100"));
        assertTrue(addresses.isPresent(DEV, vip));

        assertTrue(addresses.remove(DEV, vip));
        assertFalse(ipShows("fd00:198::100", 64));
        assertFalse(addresses.isPresent(DEV, vip));
    }

    @Test
    void addingAnAddressTwiceIsASuccessThatChangesNothing() throws Exception {
        InetAddress vip = ip("10.198.0.101");
        try {
            assertTrue(addresses.add(DEV, vip, 32));
            assertFalse(addresses.add(DEV, vip, 32), "the second add adds nothing");
            assertFalse(addresses.add(DEV, vip, 24), "there with another prefix counts as there");
            assertTrue(ipShows("10.198.0.101", 32));
            assertFalse(ipShows("10.198.0.101", 24));
        } finally {
            addresses.remove(DEV, vip);
        }
    }

    @Test
    void removingAnAbsentAddressIsASuccessThatRemovesNothing() throws Exception {
        assertFalse(addresses.remove(DEV, ip("10.198.0.102")));
        assertFalse(addresses.remove(DEV, ip("fd00:198::102")));
        assertFalse(addresses.remove("nosuch0", ip("10.198.0.102")), "no interface, no address on it");
    }

    @Test
    void anAddressIsRemovedWithThePrefixItCarriesThere() throws Exception {
        ns.exec("ip", "addr", "add", "10.198.0.103/24", "dev", DEV);
        assertTrue(addresses.isPresent(DEV, ip("10.198.0.103")));
        assertTrue(addresses.remove(DEV, ip("10.198.0.103")));
        assertFalse(ipShows("10.198.0.103", 24));
    }

    @Test
    void aListIsAddedLookedForAndRemovedInOneGo() throws Exception {
        List<InterfaceAddress> vips = List.of(new InterfaceAddress(DEV, ip("10.198.0.104"), 32),
                new InterfaceAddress(DEV, ip("fd00:198::104"), 128));
        assertEquals(vips, addresses.missing(vips));
        assertEquals(vips, addresses.addMissing(vips));
        assertEquals(List.of(), addresses.missing(vips));
        assertEquals(List.of(), addresses.addMissing(vips));
        assertTrue(ipShows("fd00:198::104", 128));
        assertEquals(2, addresses.removePresent(vips));
        assertEquals(vips, addresses.missing(vips));
    }

    @Test
    void aMissingInterfaceIsAnErrorThatNamesIt() throws Exception {
        AddressException add = assertThrows(AddressException.class, () -> addresses.add("nosuch0", ip("10.198.0.105"), 32));
        assertEquals(Libc.ENODEV, add.errno());
        assertEquals("add 10.198.0.105/32 to nosuch0: No such device", add.getMessage());
        assertEquals(new InterfaceAddress("nosuch0", ip("10.198.0.105"), 32), add.address());

        AddressException look = assertThrows(AddressException.class, () -> addresses.isPresent("nosuch0", ip("fd00::1")));
        assertEquals(Libc.ENODEV, look.errno());
        assertEquals("look up fd00::1/128 on nosuch0: No such device", look.getMessage());
    }

    @Test
    void anAddressTheKernelRefusesCarriesTheKernelsReason() throws Exception {
        // a multicast address cannot be an interface address
        AddressException e = assertThrows(AddressException.class, () -> addresses.add(DEV, ip("ff05::77"), 128));
        assertTrue(e.getMessage().startsWith("add ff05::77/128 to v0: "), e.getMessage());
        assertTrue(e.getCause() instanceof NetlinkException, String.valueOf(e.getCause()));
    }

    @Test
    void aPrefixLongerThanTheFamilyAllowsIsRefusedBeforeAnyCall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InterfaceAddress(DEV, ip("10.198.0.1"), 33));
        assertEquals("prefix length of 10.198.0.1 must be between 0 and 32, but was 33", e.getMessage());
    }
}
