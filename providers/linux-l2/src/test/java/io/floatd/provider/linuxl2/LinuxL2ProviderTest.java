package io.floatd.provider.linuxl2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** node0 and node1 compete for the VIPs; the client watches its neighbour table. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LinuxL2ProviderTest {
    private static final String VIP4 = "10.199.0.100";
    private static final String VIP6 = "fd00:199::100";
    private static final String CLIENT6 = "fd00:199::12";
    private static Lan lan;
    private static Netns node0;
    private static Netns node1;
    private static Netns client;

    @BeforeAll
    static void setUp() {
        lan = Lan.create("l2", 3);
        node0 = lan.host(0);
        node1 = lan.host(1);
        client = lan.host(2);
        client.exec("ip", "addr", "add", CLIENT6 + "/64", "dev", Lan.IFNAME, "nodad");
        // the nodes send NAs from their link-local address: wait until it is out of DAD
        for (Netns n : List.of(node0, node1, client)) {
            waitFor(() -> n.exec("ip", "-6", "addr", "show", "dev", Lan.IFNAME, "tentative").isBlank()
                    && n.exec("ip", "-6", "addr", "show", "dev", Lan.IFNAME, "scope", "link").contains("fe80"),
                    "link-local address of " + n + " out of DAD");
        }
    }

    @AfterAll
    static void tearDown() {
        if (lan != null) {
            lan.close();
        }
    }

    private static void waitFor(Supplier<Boolean> condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static VirtualAddress vip(String address, int prefix, String device) throws Exception {
        return new VirtualAddress(InetAddress.getByName(address), prefix, device);
    }

    private static LinuxL2Provider provider(Netns ns, VirtualAddress... vips) {
        ProviderContext ctx = new ProviderContext("VI_1", Lan.IFNAME, List.of(vips), null, List.of(), Map.of());
        return ns.runInside(() -> new LinuxL2ProviderFactory().create(ctx));
    }

    private static long count(Netns ns, String address) {
        return ns.exec("ip", "-o", "addr", "show", "dev", Lan.IFNAME).lines()
                .filter(l -> l.contains(" " + address + "/")).count();
    }

    private static String neighbourMac(String address) {
        String line = client.exec("ip", "neigh", "show", address, "dev", Lan.IFNAME).trim();
        int i = line.indexOf("lladdr ");
        return i < 0 ? "(none: " + line + ")" : line.substring(i + 7).split(" ")[0];
    }

    @Test
    void registeredUnderItsName() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(FloatingIpProviderFactory.class).forEach(f -> names.add(f.name()));
        assertTrue(names.contains("linux-l2"), names.toString());
    }

    @Test
    void failoverMovesTheClientsNeighbourEntries() throws Exception {
        VirtualAddress v4 = vip(VIP4, 24, null);
        VirtualAddress v6 = vip(VIP6, 64, null);
        try (LinuxL2Provider p0 = provider(node0, v4, v6); LinuxL2Provider p1 = provider(node1, v4, v6)) {
            assertEquals(Holder.Kind.NOBODY, p0.holder().kind());

            // node1 is Master first; the client talks to the VIPs, so its neighbour entries point at node1
            p1.acquire();
            assertEquals(Holder.self(Lan.IFNAME), p1.holder());
            assertTrue(client.runInside(() -> InetAddress.getByName(VIP4).isReachable(2000)), "ping " + VIP4);
            assertTrue(client.runInside(() -> InetAddress.getByName(VIP6).isReachable(2000)), "ping " + VIP6);
            String mac0 = node0.mac(Lan.IFNAME);
            String mac1 = node1.mac(Lan.IFNAME);
            assertNotEquals(mac0, mac1);
            assertEquals(mac1, neighbourMac(VIP4));
            assertEquals(mac1, neighbourMac(VIP6));

            // failover: node1 gives up, node0 takes over; the client sends nothing and must still learn
            p1.release();
            assertEquals(0, count(node1, VIP4));
            assertEquals(Holder.Kind.NOBODY, p1.holder().kind());
            p0.acquire();
            assertEquals(1, count(node0, VIP4));
            assertEquals(1, count(node0, VIP6));
            assertEquals(Holder.self(Lan.IFNAME), p0.holder());
            waitFor(() -> mac0.equals(neighbourMac(VIP4)), "client's entry for " + VIP4 + " -> " + mac0
                    + " (now " + neighbourMac(VIP4) + ")");
            waitFor(() -> mac0.equals(neighbourMac(VIP6)), "client's entry for " + VIP6 + " -> " + mac0
                    + " (now " + neighbourMac(VIP6) + ")");

            // idempotent: nothing added twice, no error
            p0.acquire();
            assertEquals(1, count(node0, VIP4));
            assertEquals(1, count(node0, VIP6));

            p0.release();
            assertEquals(0, count(node0, VIP4));
            assertEquals(0, count(node0, VIP6));
            assertEquals(Holder.Kind.NOBODY, p0.holder().kind());
            p0.release(); // absent: fine
        }
    }

    @Test
    void announcementsOnTheWire() throws Exception {
        Path log = Files.createTempFile("linux-l2-tcpdump", ".log");
        try (LinuxL2Provider p = provider(node1, vip("10.199.0.103", 24, null), vip("fd00:199::103", 64, null))) {
            Process dump = client.spawn(List.of("tcpdump", "-i", Lan.IFNAME, "-n", "-l", "-e", "-vv", "-c", "2",
                    "arp or (icmp6 and ip6[40] == 136)"), log);
            waitFor(() -> read(log).contains("listening on"), "tcpdump to start");
            p.acquire();
            assertTrue(dump.waitFor(10, TimeUnit.SECONDS), "tcpdump saw fewer than 2 packets: " + read(log));
            String out = read(log);
            System.out.println(out);
            String mac1 = node1.mac(Lan.IFNAME);
            // gratuitous ARP: broadcast request, sender IP = target IP = VIP, sender MAC = node1's
            assertTrue(out.contains(mac1 + " > ff:ff:ff:ff:ff:ff, ethertype ARP"), out);
            assertTrue(out.contains("Request who-has 10.199.0.103 (ff:ff:ff:ff:ff:ff) tell 10.199.0.103"), out);
            // unsolicited NA: to ff02::1, hop limit 255, Override only, target link-layer address = node1's MAC
            assertTrue(out.contains("hlim 255"), out);
            assertTrue(out.contains("> ff02::1: [icmp6 sum ok]"), out);
            assertTrue(out.contains("neighbor advertisement, length 32, tgt is fd00:199::103"), out);
            assertTrue(out.contains("Flags [override]"), out);
            assertTrue(out.contains("destination link-address option (2), length 8 (1): " + mac1), out);
            p.release();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void addressAlreadyThereCountsAsHeld() throws Exception {
        node1.exec("ip", "addr", "add", "10.199.0.101/24", "dev", Lan.IFNAME);
        try (LinuxL2Provider p = provider(node1, vip("10.199.0.101", 24, null))) {
            assertEquals(Holder.self(Lan.IFNAME), p.holder());
            p.acquire();
            assertEquals(1, count(node1, "10.199.0.101"));
            p.release();
            assertEquals(0, count(node1, "10.199.0.101"));
        }
    }

    /**
     * Issue 8: the holder read compares each listed address in the netlink buffer and builds only the ones it looks
     * for; among many addresses (a node serving 255 VIPs) it still finds each of its own, IPv4 and IPv6, on its
     * device only, and NOBODY as soon as one is missing.
     */
    @Test
    void holderFindsItsOwnAddressesAmongManyOnTheirDevice() throws Exception {
        for (int i = 1; i <= 40; i++) {
            node1.exec("ip", "addr", "add", "10.199.1." + i + "/32", "dev", Lan.IFNAME);
        }
        node1.exec("ip", "addr", "add", "10.199.2.7/32", "dev", "lo"); // the right address on another device
        try (LinuxL2Provider p = provider(node1, vip("10.199.1.33", 32, null), vip("fd00:199::133", 128, null));
                LinuxL2Provider elsewhere = provider(node1, vip("10.199.2.7", 32, null))) {
            assertEquals(Holder.Kind.NOBODY, p.holder().kind(), "the IPv6 one is missing");
            node1.exec("ip", "addr", "add", "fd00:199::133/128", "dev", Lan.IFNAME, "nodad");
            assertEquals(Holder.self(Lan.IFNAME), p.holder());
            node1.exec("ip", "addr", "del", "10.199.1.33/32", "dev", Lan.IFNAME);
            assertEquals(Holder.Kind.NOBODY, p.holder().kind(), "the IPv4 one is gone");
            assertEquals(Holder.Kind.NOBODY, elsewhere.holder().kind(), "on lo, not on " + Lan.IFNAME);
        } finally {
            for (int i = 1; i <= 40; i++) {
                node1.tryExec("ip", "addr", "del", "10.199.1." + i + "/32", "dev", Lan.IFNAME);
            }
            node1.tryExec("ip", "addr", "del", "fd00:199::133/128", "dev", Lan.IFNAME);
            node1.tryExec("ip", "addr", "del", "10.199.2.7/32", "dev", "lo");
        }
    }

    @Test
    void missingDeviceIsAFatalOneLineError() throws Exception {
        try (LinuxL2Provider p = provider(node0, vip(VIP4, 24, "eth9"))) {
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertEquals("linux-l2: cannot add 10.199.0.100/24 to eth9: No such device", e.getMessage());
            assertFalse(e.retryable());
            assertEquals(Holder.Kind.NOBODY, p.holder().kind());
            p.release();
        }
    }

    @Test
    void kernelRefusalsCarryErrnoAndTheKernelsExplanation() throws Exception {
        try (LinuxL2Provider p = provider(node0, vip("ff05::77", 128, null))) {
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            // strerror, then the extended-ACK text when the kernel gives one
            assertTrue(e.getMessage().startsWith("linux-l2: cannot add ff05::77/128 to eth0: "), e.getMessage());
            assertTrue(e.getMessage().matches(".*: [A-Z][^:]+ \\(ipv6: .+\\)"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            System.out.println("kernel refusal: " + e.getMessage() + " (retryable " + e.retryable() + ")");
        }
    }
}
