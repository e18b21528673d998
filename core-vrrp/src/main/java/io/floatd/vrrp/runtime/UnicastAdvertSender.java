package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.UnicastPeer;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.log.RateLimitedLog;
import io.floatd.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends one instance's advertisement to each of its unicast peers, or to its multicast group, from its source
 * address (the transport sends with TTL / hop limit 255 either way).
 */
final class UnicastAdvertSender implements AdvertSender {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    private final InstanceConfig config;
    private final VrrpTransport transport;
    private final InetAddress source;
    private final List<InetAddress> addresses;
    /** The peers' addresses, or the one multicast group. */
    private final List<InetAddress> destinations;
    private final LongAdder sendErrors = new LongAdder();
    // a dead route makes every advert fail; one line per 10 s says so without flooding the log
    private final RateLimitedLog errorLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    UnicastAdvertSender(InstanceConfig config, VrrpTransport transport, InetAddress source) {
        this.config = config;
        this.transport = transport;
        this.source = source;
        this.addresses = advertisedAddresses(config, source);
        this.destinations = config.isMulticast() ? List.of(config.multicastGroup())
                : config.unicastPeers().stream().map(UnicastPeer::address).toList();
    }

    /**
     * RFC 5798 §5.2.5: an advert carries at least one address. A cloud instance may have no virtual_ipaddress,
     * so it advertises the first floating_ip block's address of the instance's family (one, as with a single block,
     * so that peers see the same advert whatever blocks are added after it), else its own address.
     */
    static List<InetAddress> advertisedAddresses(InstanceConfig config, InetAddress source) {
        List<InetAddress> vips = config.virtualAddresses().stream()
                .filter(va -> va.isIpv4() == !config.isIpv6())
                .map(VirtualAddress::address)
                .toList();
        if (!vips.isEmpty()) {
            return vips;
        }
        for (io.floatd.vrrp.config.FloatingIpSettings block : config.floatingIps()) {
            String literal = block.values().get("address");
            if (literal != null && literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                try {
                    InetAddress a = InetAddress.getByName(literal);
                    if (a.getClass() == source.getClass()) {
                        return List.of(a);
                    }
                } catch (java.net.UnknownHostException e) {
                    // not an address literal (e.g. an allocation id): skipped
                }
            }
        }
        return List.of(source);
    }

    /**
     * The messages last encoded, one per peer (VRRPv3's checksum covers the destination), and their priority. Only
     * the priority changes an instance's advert (the addresses and interval are fixed until a reload, which makes a
     * new sender), so a Master sends the same bytes every interval and encodes them once per priority.
     */
    private record Encoded(int priority, byte[][] perPeer) {
    }

    private volatile Encoded encoded;

    @Override
    public void sendAdvert(int priority) {
        List<InetAddress> peers = destinations;
        Encoded e = encoded;
        if (e == null || e.priority() != priority) {
            VrrpPacket packet = packet(priority);
            byte[][] bytes = new byte[peers.size()][];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = packet.encode(source, peers.get(i));
            }
            e = new Encoded(priority, bytes);
            encoded = e;
        }
        for (int i = 0; i < peers.size(); i++) {
            InetAddress peer = peers.get(i);
            try {
                // transports copy the message out (and UDP's signing makes a new datagram): the cached bytes stay as they are
                transport.send(peer, e.perPeer()[i]);
            } catch (IOException ex) {
                sendErrors.increment();
                logRateLimited(peer, ex);
            }
        }
    }

    /** Encodes (without sending) once, so a Backup's first advert as Master does not pay for class loading. */
    void warmUp() {
        packet(1).encode(source, destinations.getFirst());
    }

    private VrrpPacket packet(int priority) {
        if (config.version() == 3) {
            return VrrpPacket.v3(config.virtualRouterId(), priority, config.advertIntervalCentis(), addresses);
        }
        int seconds = config.advertIntervalCentis() / 100;
        if (AhWiring.usesAh(config)) {
            // RFC 2338 §5.3.6.2: Auth Type 2, the Authentication Data zero; the AH transport adds the header
            return VrrpPacket.builder().version(2).vrid(config.virtualRouterId()).priority(priority)
                    .advertIntervalCentis(seconds * 100).authType(io.floatd.vrrp.codec.AuthType.AH)
                    .addresses(addresses).build();
        }
        if (config.authentication() != null) {
            return VrrpPacket.v2WithPassword(config.virtualRouterId(), priority, seconds,
                    config.authentication().password().reveal(), addresses);
        }
        return VrrpPacket.v2(config.virtualRouterId(), priority, seconds, addresses);
    }

    private void logRateLimited(InetAddress peer, IOException e) {
        errorLog.log(Level.WARNING, "VRRP_Instance({0}) cannot send advert to {1}: {2} ({3} send errors so far)",
                config.name(), peer.getHostAddress(), e.getMessage(), sendErrors.sum());
    }

    long sendErrors() {
        return sendErrors.sum();
    }
}
