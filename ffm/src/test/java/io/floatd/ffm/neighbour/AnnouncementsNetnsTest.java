package io.floatd.ffm.neighbour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.testing.PacketCapture;
import io.floatd.ffm.testing.TestNamespace;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Announcements} on the wire: sent on one end of a veth pair in a namespace of its own, captured whole on the
 * other end (a raw AF_PACKET socket), and checked byte by byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnnouncementsNetnsTest {
    private static final int ETH_P_ARP = 0x0806;
    private static final int ETH_P_IPV6 = 0x86dd;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private static TestNamespace ns;
    private static Announcements announcements;
    private static byte[] senderMac;

    @BeforeAll
    static void setUp() throws Exception {
        ns = TestNamespace.create();
        ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0"); // v0's link-local usable at once
        ns.exec("ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        ns.exec("ip", "link", "set", "v0", "up");
        ns.exec("ip", "link", "set", "v1", "up");
        senderMac = HexFormat.ofDelimiter(":").parseHex(ns.exec("cat", "/sys/class/net/v0/address").strip());
        announcements = ns.inside(Announcements::open);
    }

    @AfterAll
    static void tearDown() {
        if (announcements != null) {
            announcements.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private static byte[] slice(byte[] b, int from, int length) {
        return Arrays.copyOfRange(b, from, from + length);
    }

    @Test
    void aGratuitousArpIsABroadcastRequestWhoseSenderAndTargetAreTheAddress() throws Exception {
        InetAddress vip = InetAddress.getByName("10.198.1.100");
        try (PacketCapture capture = ns.inside(() -> PacketCapture.open("v1", ETH_P_ARP))) {
            assertTrue(announcements.announce("v0", vip));
            byte[] f = capture.next(frame -> Arrays.equals(slice(frame, 28, 4), vip.getAddress()), 5000);
            assertNotNull(f, "no ARP for " + vip + " on v1 within 5 s");
            assertArrayEquals(BROADCAST, slice(f, 0, 6), "Ethernet destination: broadcast");
            assertArrayEquals(senderMac, slice(f, 6, 6), "Ethernet source: v0's MAC");
            assertArrayEquals(new byte[] {0x08, 0x06}, slice(f, 12, 2), "EtherType ARP");
            assertArrayEquals(new byte[] {0, 1, 0x08, 0x00, 6, 4}, slice(f, 14, 6), "Ethernet/IPv4, lengths 6 and 4");
            assertArrayEquals(new byte[] {0, 1}, slice(f, 20, 2), "operation: request");
            assertArrayEquals(senderMac, slice(f, 22, 6), "sender hardware address: v0's MAC");
            assertArrayEquals(vip.getAddress(), slice(f, 28, 4), "sender protocol address: the VIP");
            assertArrayEquals(BROADCAST, slice(f, 32, 6), "target hardware address: broadcast, as arping -U sends it");
            assertArrayEquals(vip.getAddress(), slice(f, 38, 4), "target protocol address: the VIP");
        }
    }

    @Test
    void anUnsolicitedNeighbourAdvertisementGoesToAllNodesWithOverrideAndTheTargetsMac() throws Exception {
        InetAddress vip = InetAddress.getByName("fd00:198::100");
        try (PacketCapture capture = ns.inside(() -> PacketCapture.open("v1", ETH_P_IPV6))) {
            assertTrue(announcements.announce("v0", vip));
            // eth 14 + IPv6 40: ICMPv6 type at 54, the target at 62
            byte[] f = capture.next(frame -> frame.length >= 86 && (frame[54] & 0xff) == 136
                    && Arrays.equals(slice(frame, 62, 16), vip.getAddress()), 5000);
            assertNotNull(f, "no neighbour advertisement for " + vip + " on v1 within 5 s");
            assertArrayEquals(new byte[] {0x33, 0x33, 0, 0, 0, 1}, slice(f, 0, 6), "Ethernet destination of ff02::1");
            assertArrayEquals(senderMac, slice(f, 6, 6), "Ethernet source: v0's MAC");
            assertEquals(58, f[20], "next header: ICMPv6");
            assertEquals(255, f[21] & 0xff, "hop limit 255 (RFC 4861 7.1.2)");
            assertArrayEquals(InetAddress.getByName("ff02::1").getAddress(), slice(f, 38, 16), "to all nodes");
            assertEquals(0, f[55], "code 0");
            assertEquals(0x20, f[58] & 0xff, "flags: Override only (not Router, not Solicited)");
            assertArrayEquals(new byte[] {2, 1}, slice(f, 78, 2), "option: target link-layer address, 8 octets");
            assertArrayEquals(senderMac, slice(f, 80, 6), "the target's link-layer address: v0's MAC");
        }
    }

    @Test
    void anInterfaceWithoutAnEthernetAddressHasNoOneToTell() throws Exception {
        assertFalse(announcements.announce("lo", InetAddress.getByName("127.0.0.2")));
    }

    @Test
    void opensItsSocketsInTheNamespaceOfTheOpenerAndOnlyThoseAskedFor() throws Exception {
        try (Announcements ipv4Only = ns.inside(() -> Announcements.open(false))) {
            assertTrue(ipv4Only.announce("v0", InetAddress.getByName("10.198.1.101")), "v0 exists only in the namespace");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ipv4Only.announce("v0", InetAddress.getByName("fd00:198::101")));
            assertEquals("opened without IPv6: cannot announce fd00:198::101", e.getMessage());
        }
    }

    @Test
    void aMissingInterfaceIsAnErrorThatNamesIt() {
        NativeException e = assertThrows(NativeException.class,
                () -> announcements.announce("nosuch0", InetAddress.getByName("10.198.1.100")));
        assertEquals(Libc.ENODEV, e.errno());
        assertEquals("interface nosuch0: No such device", e.getMessage());
    }
}
