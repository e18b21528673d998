package io.floatd.vrrp.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One {@code virtual_ipaddress} entry: {@code ADDR[/PREFIX] [dev IF]}.
 *
 * @param address the virtual address
 * @param prefixLength the prefix length (keepalived's default: 32 for IPv4, 128 for IPv6)
 * @param device the interface it goes on; {@code null} means the instance's {@code interface}
 */
public record VirtualAddress(InetAddress address, int prefixLength, String device) {
    public VirtualAddress {
        Objects.requireNonNull(address, "address");
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length must be between 0 and " + max + ", but was " + prefixLength);
        }
    }

    public static VirtualAddress of(InetAddress address) {
        return new VirtualAddress(address, address instanceof Inet4Address ? 32 : 128, null);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The device this address goes on, given the instance's interface. */
    public String deviceOr(String instanceInterface) {
        return device != null ? device : instanceInterface;
    }

    /** keepalived's own notation, e.g. {@code 10.0.0.1/24 dev eth0}. */
    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength + (device != null ? " dev " + device : "");
    }
}
