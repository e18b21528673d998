package io.floatd.ffm.neighbour;

import io.floatd.ffm.NativeException;
import io.floatd.ffm.Structs;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Tells the neighbours of an interface that an address now lives here, one call per address: a gratuitous ARP
 * request for IPv4 (broadcast, sender and target protocol address both the address, sender hardware address the
 * interface's MAC, as {@code arping -U} and keepalived send it) and an unsolicited Neighbour Advertisement for IPv6
 * (to ff02::1, hop limit 255, Override set, the target link-layer address option; RFC 4861 section 7.2.6). One
 * announcement each call: the caller repeats them on its schedule.
 *
 * <p>Works in the network namespace of the thread that opened it, whichever thread calls it later. Thread-safe (the
 * methods are synchronized). Needs {@code CAP_NET_RAW}.
 */
public final class Announcements implements AutoCloseable {
    private final Announcer announcer;
    private boolean closed;

    private Announcements(Announcer announcer) {
        this.announcer = announcer;
    }

    /** Opens the sockets for both families (an AF_PACKET socket for ARP, a raw ICMPv6 socket for NA). */
    public static Announcements open() throws NativeException {
        return open(true);
    }

    /**
     * Opens the packet socket for ARP and, with {@code ipv6}, the ICMPv6 socket for NA, now, in the calling thread's
     * network namespace. Without it an IPv6 announcement throws {@link IllegalStateException}; an IPv4-only user saves
     * a descriptor.
     */
    public static Announcements open(boolean ipv6) throws NativeException {
        return new Announcements(Announcer.open(ipv6));
    }

    /**
     * Sends one gratuitous ARP (IPv4) or one unsolicited Neighbour Advertisement (IPv6) for {@code address} on the
     * interface.
     *
     * @return false when the interface has no Ethernet address (loopback, tun): there is no one to tell
     * @throws IllegalStateException for an IPv6 address when opened without IPv6
     * @throws NativeException e.g. {@code "interface eth9: No such device"}, or
     *     {@code "gratuitous ARP for 10.0.0.100 on eth0: Network is down"}
     */
    public synchronized boolean announce(String interfaceName, InetAddress address) throws NativeException {
        if (closed) {
            throw new IllegalStateException("announcements closed");
        }
        int ifIndex = announcer.ifIndex(interfaceName);
        byte[] mac = announcer.ethernetAddress(interfaceName);
        if (mac == null) {
            return false;
        }
        boolean ipv4 = address instanceof Inet4Address;
        try {
            if (ipv4) {
                announcer.gratuitousArp(ifIndex, mac, address);
            } else {
                announcer.unsolicitedNa(ifIndex, mac, address);
            }
        } catch (NativeException e) {
            String what = (ipv4 ? "gratuitous ARP" : "unsolicited neighbour advertisement") + " for "
                    + Structs.text(address) + " on " + interfaceName;
            NativeException named = new NativeException(what, e.errno());
            named.initCause(e);
            throw named;
        }
        return true;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            announcer.close();
        }
    }
}
