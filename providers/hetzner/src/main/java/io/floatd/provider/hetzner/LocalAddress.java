package io.floatd.provider.hetzner;

import io.floatd.provider.linuxl2.LinuxL2Provider;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * The floating IP on this server's interface, which Hetzner needs besides the routing (its "Floating IP
 * configuration": {@code ip addr add IP/32 dev eth0}, for IPv6 an address of the /64 with prefix 64): added on
 * MASTER, removed on leaving it and at a start as Backup. The one class of this module that touches the interface;
 * for now through linux-l2's public {@link LinuxL2Provider} (rtnetlink, plus the gratuitous ARP / unsolicited NA it
 * sends after adding, harmless on Hetzner's routed network), of which it calls the constructor,
 * {@link LinuxL2Provider#holder()}, {@link LinuxL2Provider#acquire()}, {@link LinuxL2Provider#release()} and
 * {@link LinuxL2Provider#close()}. Its sockets are opened by the constructor, in the caller's network namespace.
 */
final class LocalAddress implements AutoCloseable {
    private final LinuxL2Provider netlink;
    private final String text;

    private LocalAddress(LinuxL2Provider netlink, String text) {
        this.netlink = netlink;
        this.text = text;
    }

    /** {@code address/32} (IPv4) or {@code address/64} (IPv6) on {@code ifname}. */
    static LocalAddress open(String instanceName, String ifname, InetAddress address) throws ProviderException {
        int prefix = address instanceof Inet4Address ? 32 : 64;
        VirtualAddress va = new VirtualAddress(address, prefix, ifname);
        ProviderContext context = new ProviderContext(instanceName, ifname, List.of(va), null, List.of(), Map.of());
        try {
            return new LocalAddress(new LinuxL2Provider(context), address.getHostAddress() + "/" + prefix + " on " + ifname);
        } catch (ProviderException e) {
            throw new ProviderException("hetzner: " + e.getMessage(), e.retryable(), e);
        }
    }

    /** Whether the address is on the interface. */
    boolean present() throws ProviderException {
        try {
            return netlink.holder().isSelf();
        } catch (ProviderException e) {
            throw wrap(e);
        }
    }

    /** Adds it unless it is there, then announces it. */
    void add() throws ProviderException {
        try {
            netlink.acquire();
        } catch (ProviderException e) {
            throw wrap(e);
        }
    }

    /** Removes it if it is there; true when it was. */
    boolean remove() throws ProviderException {
        try {
            boolean was = netlink.holder().kind() == Holder.Kind.SELF;
            netlink.release();
            return was;
        } catch (ProviderException e) {
            throw wrap(e);
        }
    }

    /** {@code 203.0.113.77/32 on eth0}. */
    String describe() {
        return text;
    }

    private static ProviderException wrap(ProviderException e) {
        return new ProviderException("hetzner: " + e.getMessage(), e.retryable(), e);
    }

    @Override
    public void close() {
        netlink.close();
    }
}
