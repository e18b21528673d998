package io.floatd.provider.linuxl2;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.Structs;
import io.floatd.ffm.neighbour.Announcements;
import io.floatd.ffm.netlink.AddressException;
import io.floatd.ffm.netlink.InterfaceAddress;
import io.floatd.ffm.netlink.InterfaceAddresses;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.GratuitousAnnouncer;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The on-premises Master action: the instance's {@code virtual_ipaddress} entries on Linux interfaces, added and
 * removed through rtnetlink, announced with gratuitous ARP (IPv4) and unsolicited Neighbour Advertisements (IPv6);
 * its {@code virtual_routes} and {@code virtual_rules} added after the addresses and removed before them. The
 * addresses and announcements go through floatd-ffm's {@link InterfaceAddresses} and {@link Announcements}, which
 * other providers use too; routes and rules through the same netlink socket.
 *
 * <p>All sockets are opened by the constructor, so the provider works on the network namespace of the thread that
 * created it, whichever thread calls it later. Methods are synchronized.
 */
public final class LinuxL2Provider implements FloatingIpProvider, GratuitousAnnouncer {
    private static final String NAME = "linux-l2";

    private final ProviderContext context;
    private final List<VirtualAddress> vips;
    private final List<InterfaceAddress> entries;
    private final InterfaceAddresses addresses;
    private final Announcements announcements;
    private final RoutesAndRules routes;
    private boolean closed;

    /** Opens the netlink, packet and (when there are IPv6 VIPs) ICMPv6 sockets. */
    public LinuxL2Provider(ProviderContext context) throws ProviderException {
        this.context = Objects.requireNonNull(context, "context");
        this.vips = context.virtualAddresses();
        this.entries = vips.stream().map(v -> new InterfaceAddress(device(v), v.address(), v.prefixLength())).toList();
        this.routes = new RoutesAndRules(context.virtualRoutes(), context.virtualRules());
        InterfaceAddresses ia = null;
        Announcements an = null;
        try {
            ia = InterfaceAddresses.open();
            an = Announcements.open(vips.stream().anyMatch(v -> !v.isIpv4()));
        } catch (NativeException e) {
            if (ia != null) {
                ia.close();
            }
            if (an != null) {
                an.close();
            }
            throw failure("cannot open sockets", e);
        }
        this.addresses = ia;
        this.announcements = an;
    }

    public ProviderContext context() {
        return context;
    }

    /**
     * SELF (id: the instance's interface) when every VIP is on its device and every tracked virtual route and rule is
     * there, otherwise NOBODY: L2 cannot see the peer.
     */
    @Override
    public synchronized Holder holder() throws ProviderException {
        ensureOpen();
        try {
            if (!addresses.missing(entries).isEmpty()) {
                return Holder.nobody();
            }
        } catch (AddressException e) {
            if (e.errno() == Libc.ENODEV) {
                return Holder.nobody();
            }
            throw failure("cannot " + e.action(), e);
        }
        try {
            // a tracked virtual route or rule deleted under the Master: not held, so the re-check adds it back (its
            // log line names it: "floating IP found on nobody (virtual route ... missing) while Master")
            String missing = routes.firstTrackedMissing(addresses.netlink(), addresses::ifIndex);
            if (missing != null) {
                return new Holder(Holder.Kind.NOBODY, missing + " missing");
            }
        } catch (NativeException e) {
            if (e.errno() == Libc.ENODEV) {
                return Holder.nobody();
            }
            throw failure("cannot list routes and rules", e);
        }
        return Holder.self(context.interfaceName());
    }

    /**
     * Adds every VIP not yet on its device (one already there counts as held: not added again, no error), then
     * announces all of them at once with {@link #sendGratuitous()}.
     */
    @Override
    public synchronized void acquire() throws ProviderException {
        ensureOpen();
        try {
            addresses.addMissing(entries);
        } catch (AddressException e) {
            throw failure("cannot " + e.action(), e);
        }
        try {
            routes.add(addresses.netlink(), addresses::ifIndex);
        } catch (RoutesAndRules.Failure e) {
            throw failure(e.getMessage(), e.cause);
        }
        sendGratuitous();
    }

    /** acquire() adds only the VIPs that are missing: the orchestrator need not ask first. */
    @Override
    public boolean acquireChecksHolder() {
        return true;
    }

    /** Two nodes answering ARP for the VIP is a fault: a node that is not Master always removes it. */
    @Override
    public boolean releasesByDefault() {
        return true;
    }

    /**
     * A VIP still on the interface when the instance starts as Backup was left by a crash of this node: while it
     * stays, this node would answer ARP for an address the Master serves, so it goes.
     */
    @Override
    public boolean clearStale() throws ProviderException {
        return removePresent() > 0;
    }

    /** Removes the VIPs that are on their devices (whatever prefix they carry there); absent ones are fine. */
    @Override
    public void release() throws ProviderException {
        removePresent();
    }

    /** Removes the rules and routes, then the VIPs present, and says how many there were. */
    private synchronized int removePresent() throws ProviderException {
        ensureOpen();
        int removed = 0;
        RoutesAndRules.Failure routeFailure = null; // the addresses go even so, and then it is reported
        try {
            removed += routes.remove(addresses.netlink(), addresses::ifIndex);
        } catch (RoutesAndRules.Failure e) {
            routeFailure = e;
        }
        try {
            removed += addresses.removePresent(entries);
        } catch (AddressException e) {
            throw failure("cannot " + e.action(), e);
        }
        if (routeFailure != null) {
            throw failure(routeFailure.getMessage(), routeFailure.cause);
        }
        return removed;
    }

    /**
     * One gratuitous ARP per IPv4 VIP and one unsolicited Neighbour Advertisement per IPv6 VIP, on each VIP's
     * device; for the engine to repeat (keepalived's {@code garp_master_repeat} / {@code garp_master_refresh}).
     * Devices without an Ethernet address (loopback, tun) are skipped.
     */
    @Override
    public synchronized void sendGratuitous() throws ProviderException {
        ensureOpen();
        for (VirtualAddress va : vips) {
            try {
                announcements.announce(device(va), va.address());
            } catch (NativeException e) {
                String what = va.isIpv4() ? "gratuitous ARP" : "unsolicited neighbour advertisement";
                throw failure("cannot send " + what + " for " + Structs.text(va.address()) + " on " + device(va), e);
            }
        }
    }

    private String device(VirtualAddress va) {
        return va.deviceOr(context.interfaceName());
    }

    /** One line, e.g. {@code linux-l2: cannot add 10.0.0.1/24 to eth9: No such device}. */
    private static ProviderException failure(String what, NativeException e) {
        return new ProviderException(NAME + ": " + what + ": " + e.reason(), e.transientFailure(), e);
    }

    private void ensureOpen() throws ProviderException {
        if (closed) {
            throw ProviderException.fatal(NAME + ": provider for " + context.instanceName() + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        addresses.close();
        announcements.close();
    }

    @Override
    public String toString() {
        List<String> list = new ArrayList<>();
        entries.forEach(e -> list.add(e.toString()));
        return "linux-l2 " + list;
    }
}
