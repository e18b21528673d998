package io.floatd.vrrp.transport;

import io.floatd.ffm.Structs;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One VRRP message as received.
 *
 * @param source the sender's IP address
 * @param destination the address the packet was sent to (a local address or the VRRP multicast group)
 * @param ttl the IPv4 TTL or IPv6 hop limit as received (RFC 5798 requires 255)
 * @param ifIndex the index of the interface it arrived on
 * @param payload the VRRP message only, without the IP header
 */
public record ReceivedDatagram(InetAddress source, InetAddress destination, int ttl, int ifIndex, byte[] payload) {
    public ReceivedDatagram {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
        return "ReceivedDatagram[" + Structs.text(source) + " -> " + Structs.text(destination) + ", ttl " + ttl
                + ", ifindex " + ifIndex + ", " + payload.length + " bytes]";
    }
}
