package io.floatd.ffm.netlink;

import io.floatd.ffm.Structs;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An address on a named interface: {@code 10.0.0.100/32 dev eth0}, {@code 2a01:4f8::1/64 dev eth0}. The prefix length is
 * what an add gives the address; presence and removal look at the address alone, whatever prefix it carries.
 *
 * @param interfaceName the interface's name, e.g. {@code eth0}
 * @param address an IPv4 or IPv6 address
 * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record InterfaceAddress(String interfaceName, InetAddress address, int prefixLength) {
    /** Checks the prefix length against the address's family. */
    public InterfaceAddress {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(address, "address");
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length of " + Structs.text(address) + " must be between 0 and "
                    + max + ", but was " + prefixLength);
        }
    }

    /** The address with the longest prefix: {@code /32} for IPv4, {@code /128} for IPv6. */
    public static InterfaceAddress host(String interfaceName, InetAddress address) {
        return new InterfaceAddress(interfaceName, address, address instanceof Inet4Address ? 32 : 128);
    }

    /** {@code 10.0.0.100/32}, IPv6 in RFC 5952 form. */
    public String cidr() {
        return Structs.text(address) + "/" + prefixLength;
    }

    /** {@code 10.0.0.100/32 dev eth0}, as {@code ip addr} writes it. */
    @Override
    public String toString() {
        return cidr() + " dev " + interfaceName;
    }
}
