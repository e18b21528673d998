package io.floatd.ffm.netlink;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Addresses on named interfaces, one call each: put an address on an interface ({@link #add}), take it off
 * ({@link #remove}), ask whether it is there ({@link #isPresent}); and the same for a list in one kernel dump
 * ({@link #addMissing}, {@link #removePresent}, {@link #missing}). What a provider does to a VIP it holds.
 *
 * <p>Idempotent: adding an address already on the interface (with any prefix) changes nothing and succeeds, and so
 * does removing one that is not there, or from an interface that is gone. An interface that does not exist is an
 * error for an add and a question ({@code ENODEV}, the message naming it). IPv6 addresses are added with
 * {@code IFA_F_NODAD}: usable at once, as a VIP taken over must be.
 *
 * <p>Works in the network namespace of the thread that opened it, whichever thread calls it later. Thread-safe (the
 * methods are synchronized over the one netlink socket). Needs {@code CAP_NET_ADMIN} to change addresses.
 */
public final class InterfaceAddresses implements AutoCloseable {
    private final RtNetlink netlink;
    private boolean closed;

    private InterfaceAddresses(RtNetlink netlink) {
        this.netlink = netlink;
    }

    /** Opens a netlink socket in the calling thread's network namespace. */
    public static InterfaceAddresses open() throws NativeException {
        return new InterfaceAddresses(RtNetlink.open());
    }

    /**
     * The netlink socket underneath, for other requests on the same socket (routes, rules); callers hold this
     * object's monitor while they use it, since {@link RtNetlink} is not thread-safe.
     */
    public RtNetlink netlink() {
        return netlink;
    }

    /** The index of the interface named {@code name}; {@code ENODEV}, naming it, when there is none. */
    public synchronized int ifIndex(String name) throws NativeException {
        return netlink.ifIndex(name);
    }

    /**
     * Puts {@code address/prefixLength} on the interface.
     *
     * @return true when it was added, false when the address was there already (with whatever prefix)
     * @throws AddressException e.g. {@code "add 10.0.0.100/32 to eth9: No such device"}
     */
    public boolean add(String interfaceName, InetAddress address, int prefixLength) throws AddressException {
        return !addMissing(List.of(new InterfaceAddress(interfaceName, address, prefixLength))).isEmpty();
    }

    /**
     * Takes {@code address} off the interface, whatever prefix it carries there.
     *
     * @return true when it was removed, false when it was not there (or the interface is gone)
     */
    public boolean remove(String interfaceName, InetAddress address) throws AddressException {
        return removePresent(List.of(InterfaceAddress.host(interfaceName, address))) > 0;
    }

    /**
     * Whether {@code address} is on the interface (with any prefix).
     *
     * @throws AddressException with {@code ENODEV} when there is no such interface
     */
    public boolean isPresent(String interfaceName, InetAddress address) throws AddressException {
        return missing(List.of(InterfaceAddress.host(interfaceName, address))).isEmpty();
    }

    /**
     * The entries of {@code wanted} that are not on their interfaces, in order; one dump of the kernel's addresses
     * for all of them.
     *
     * @throws AddressException with {@code ENODEV} when an interface does not exist
     */
    public synchronized List<InterfaceAddress> missing(List<InterfaceAddress> wanted) throws AddressException {
        List<RtNetlink.Wanted> keys = keys(wanted, "look up", "on");
        List<RtNetlink.Address> present = present(keys);
        List<InterfaceAddress> out = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            if (find(present, keys.get(i).ifIndex(), wanted.get(i).address()) == null) {
                out.add(wanted.get(i));
            }
        }
        return out;
    }

    /**
     * Adds the entries of {@code wanted} that are not on their interfaces (an address there with another prefix
     * counts as there), in order, stopping at the first failure.
     *
     * @return the entries added
     */
    public synchronized List<InterfaceAddress> addMissing(List<InterfaceAddress> wanted) throws AddressException {
        List<RtNetlink.Wanted> keys = keys(wanted, "add", "to");
        List<RtNetlink.Address> present = present(keys);
        List<InterfaceAddress> added = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            InterfaceAddress a = wanted.get(i);
            int ifIndex = keys.get(i).ifIndex();
            if (find(present, ifIndex, a.address()) != null) {
                continue;
            }
            try {
                netlink.add(ifIndex, a.address(), a.prefixLength(),
                        a.address() instanceof Inet6Address ? RtNetlink.IFA_F_NODAD : 0);
                added.add(a);
            } catch (NativeException e) {
                if (e.errno() != Libc.EEXIST) { // added by someone else since the dump: there, as wanted
                    throw new AddressException(action("add", "to", a), a, e);
                }
            }
        }
        return added;
    }

    /**
     * Removes the entries of {@code wanted} that are on their interfaces, each with the prefix it carries there;
     * absent ones, and those whose interface is gone, are skipped. Stops at the first failure.
     *
     * @return how many were removed
     */
    public synchronized int removePresent(List<InterfaceAddress> wanted) throws AddressException {
        List<RtNetlink.Wanted> keys = new ArrayList<>(wanted.size());
        for (InterfaceAddress a : wanted) {
            try {
                keys.add(new RtNetlink.Wanted(netlink.ifIndex(a.interfaceName()), a.address().getAddress()));
            } catch (NativeException e) {
                if (e.errno() != Libc.ENODEV) { // no interface, no address on it
                    throw new AddressException(action("remove", "from", a), a, e);
                }
                keys.add(null);
            }
        }
        List<RtNetlink.Address> present = present(keys.stream().filter(Objects::nonNull).toList());
        int removed = 0;
        for (int i = 0; i < wanted.size(); i++) {
            InterfaceAddress a = wanted.get(i);
            RtNetlink.Address there = keys.get(i) == null ? null : find(present, keys.get(i).ifIndex(), a.address());
            if (there == null) {
                continue;
            }
            try {
                netlink.delete(there.ifIndex(), a.address(), there.prefixLength());
                removed++;
            } catch (NativeException e) {
                if (e.errno() != Libc.EADDRNOTAVAIL && e.errno() != Libc.ENOENT) { // gone since the dump: fine
                    throw new AddressException(action("remove", "from", a), a, e);
                }
            }
        }
        return removed;
    }

    private List<RtNetlink.Wanted> keys(List<InterfaceAddress> wanted, String verb, String preposition)
            throws AddressException {
        List<RtNetlink.Wanted> keys = new ArrayList<>(wanted.size());
        for (InterfaceAddress a : wanted) {
            try {
                keys.add(new RtNetlink.Wanted(netlink.ifIndex(a.interfaceName()), a.address().getAddress()));
            } catch (NativeException e) {
                throw new AddressException(action(verb, preposition, a), a, e);
            }
        }
        return keys;
    }

    private List<RtNetlink.Address> present(List<RtNetlink.Wanted> keys) throws AddressException {
        if (keys.isEmpty()) {
            return List.of();
        }
        try {
            return netlink.addresses(keys);
        } catch (NativeException e) {
            throw new AddressException("list addresses", null, e);
        }
    }

    private static RtNetlink.Address find(List<RtNetlink.Address> present, int ifIndex, InetAddress address) {
        for (RtNetlink.Address a : present) {
            if (a.ifIndex() == ifIndex && a.address().equals(address)) {
                return a;
            }
        }
        return null;
    }

    /** {@code "add 10.0.0.100/32 to eth0"}. */
    private static String action(String verb, String preposition, InterfaceAddress a) {
        return verb + " " + a.cidr() + " " + preposition + " " + a.interfaceName();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            netlink.close();
        }
    }
}
