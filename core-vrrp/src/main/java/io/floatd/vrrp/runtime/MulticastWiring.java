package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.AddressListCheck;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.takeover.CloudMulticast;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** What a multicast instance needs beyond a unicast one: its IPv6 source, its address-list check, the cloud rule. */
final class MulticastWiring {
    private MulticastWiring() {
    }

    /**
     * RFC 5798 §5.1.2.1: an IPv6 advert's source MUST be the link-local address of the interface (keepalived uses
     * it too unless {@code mcast_src_ip} says otherwise).
     */
    static InetAddress linkLocalSource(String interfaceName) throws IOException {
        try {
            NetworkInterface nif = NetworkInterface.getByName(interfaceName);
            if (nif == null) {
                throw new IOException("interface " + interfaceName + " does not exist");
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet6Address && a.isLinkLocalAddress()) {
                    return a;
                }
            }
            throw new IOException("interface " + interfaceName + " has no IPv6 link-local address (yet: DAD may be"
                    + " running) for multicast VRRPv3; set mcast_src_ip");
        } catch (SocketException e) {
            throw new IOException("cannot read interface " + interfaceName + ": " + e.getMessage(), e);
        }
    }

    /**
     * keepalived's address-list check, for a multicast instance with virtual addresses of its family; {@code null}
     * for one without (floatd then advertises its floating IP or own address, which a peer's list cannot match).
     */
    static AddressListCheck addressCheck(InstanceConfig ic) {
        if (!ic.isMulticast()) {
            return null;
        }
        List<InetAddress> vips = ic.virtualAddresses().stream()
                .filter(va -> va.isIpv4() == !ic.isIpv6())
                .map(VirtualAddress::address)
                .toList();
        return vips.isEmpty() ? null : new AddressListCheck(vips, ic.multicast().skipCheckAdvAddr());
    }

    /** {@link CloudMulticast#problem} as a one-line message, {@code where: vrrp_instance NAME: ...}. */
    static Optional<String> cloudProblem(String where, InstanceConfig ic, String providerName, FloatingIpProviderFactory factory) {
        try {
            return CloudMulticast.problem(ic, providerName, factory)
                    .map(p -> where + ": vrrp_instance " + ic.name() + ": " + p);
        } catch (IllegalArgumentException e) {
            return Optional.of(where + ": vrrp_instance " + ic.name() + ": floating_ip: " + e.getMessage());
        }
    }

    static void refuseInCloud(String where, InstanceConfig ic, String providerName, FloatingIpProviderFactory factory)
            throws ProviderException {
        Optional<String> problem = cloudProblem(where, ic, providerName, factory);
        if (problem.isPresent()) {
            throw ProviderException.fatal(problem.get());
        }
    }

    /** The block's file:line; the instance's for the implicit Linux VIP block, which has none of its own. */
    static String where(InstanceConfig ic, io.floatd.vrrp.config.FloatingIpSettings block) {
        return block.file() == null ? ic.file() + ":" + ic.line() : block.where();
    }
}
