package io.floatd.provider.hetzner;

import io.floatd.ffm.NativeException;
import io.floatd.ffm.neighbour.Announcements;
import io.floatd.ffm.netlink.InterfaceAddresses;
import io.floatd.vrrp.provider.ProviderException;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The floating IP on this server's interface, which Hetzner needs besides the routing (its "Floating IP
 * configuration": {@code ip addr add IP/32 dev eth0}, for IPv6 an address of the /64 with prefix 64): added on
 * MASTER, removed on leaving it and at a start as Backup. The one class of this module that touches the interface,
 * through floatd-ffm's {@link InterfaceAddresses} (rtnetlink) and {@link Announcements} (a gratuitous ARP /
 * unsolicited NA after adding, harmless on Hetzner's routed network). Its sockets are opened by {@link #open}, in the
 * caller's network namespace.
 */
final class LocalAddress implements AutoCloseable {
    private final InterfaceAddresses addresses;
    private final Announcements announcements;
    private final String ifname;
    private final InetAddress address;
    private final int prefix;

    private LocalAddress(InterfaceAddresses addresses, Announcements announcements, String ifname, InetAddress address,
            int prefix) {
        this.addresses = addresses;
        this.announcements = announcements;
        this.ifname = ifname;
        this.address = address;
        this.prefix = prefix;
    }

    /** {@code address/32} (IPv4) or {@code address/64} (IPv6) on {@code ifname}. */
    static LocalAddress open(String instanceName, String ifname, InetAddress address) throws ProviderException {
        boolean v4 = address instanceof Inet4Address;
        InterfaceAddresses ia = null;
        try {
            ia = InterfaceAddresses.open();
            return new LocalAddress(ia, Announcements.open(!v4), ifname, address, v4 ? 32 : 64);
        } catch (NativeException e) {
            if (ia != null) {
                ia.close();
            }
            throw failure("cannot open sockets", e);
        }
    }

    /** Whether the address is on the interface. */
    boolean present() throws ProviderException {
        try {
            return addresses.isPresent(ifname, address);
        } catch (NativeException e) {
            throw failure("cannot look up " + describe(), e);
        }
    }

    /** Adds it unless it is there, then announces it. */
    void add() throws ProviderException {
        try {
            addresses.add(ifname, address, prefix);
            announcements.announce(ifname, address);
        } catch (NativeException e) {
            throw failure("cannot add " + describe(), e);
        }
    }

    /** Removes it if it is there; true when it was. */
    boolean remove() throws ProviderException {
        try {
            return addresses.remove(ifname, address);
        } catch (NativeException e) {
            throw failure("cannot remove " + describe(), e);
        }
    }

    /** {@code 203.0.113.77/32 on eth0}. */
    String describe() {
        return address.getHostAddress() + "/" + prefix + " on " + ifname;
    }

    private static ProviderException failure(String what, NativeException e) {
        return new ProviderException("hetzner: " + what + ": " + e.reason(), e.transientFailure(), e);
    }

    @Override
    public void close() {
        announcements.close();
        addresses.close();
    }
}
