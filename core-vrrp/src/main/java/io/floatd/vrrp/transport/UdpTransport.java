package io.floatd.vrrp.transport;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.ReceiveBuffers;
import io.floatd.ffm.Structs;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * VRRP inside UDP datagrams between unicast peers, for networks that pass only TCP, UDP and ICMP (cloud firewalls).
 * The UDP payload is the VRRP message exactly as over protocol 112 (same codec, checksum over the real source and
 * destination), followed, when a key is configured, by an 8-byte counter and an HMAC-SHA256 ({@link AdvertAuth}).
 *
 * <p>A JDK {@code DatagramChannel} can neither set the unicast TTL nor report the received one, and the hop-count
 * check (RFC 5798 §7.1: 255, proving the sender is on-link) is kept for UDP, so this is one FFM socket
 * ({@link DatagramSocketCore}, as under {@link RawIpTransport}): bound to {@code source:port} and the interface,
 * {@code IP_TTL}/{@code IPV6_UNICAST_HOPS} 255 on send, {@code IP_RECVTTL}/{@code IPV6_RECVHOPLIMIT} on receive,
 * {@code IP_RECVERR} to hear ICMP port unreachable from a peer.
 *
 * <p>Datagrams that fail authentication never leave this class: they are the first rungs of the receive ladder,
 * counted by reason in the daemon's drop counters ({@code auth_hmac_failed}, {@code replayed}, {@code unsigned},
 * {@code truncated}) and logged at most every 10 s per reason, through {@link io.floatd.vrrp.codec.DropLog}.
 */
public final class UdpTransport extends SocketTransport {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    public static final int DEFAULT_PORT = 5112;
    private static final int IP_RECVTTL = 12;
    private static final int IP_RECVERR = 11;
    private static final int IPV6_RECVERR = 25;
    private static final int ECONNREFUSED = 111;

    private final InetAddress source;
    private final int port;
    private final boolean ipv6;
    private final AdvertAuth auth;
    private final DropLog dropLog;
    private final DatagramSocketCore socket;
    /** Peers that answered with ICMP port unreachable since their last datagram reached us. */
    private final java.util.Set<InetAddress> unreachable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private UdpTransport(InetAddress source, int port, AdvertAuth auth, DropCounters drops, String interfaceName)
            throws IOException {
        this.source = source;
        this.port = port;
        this.ipv6 = source instanceof Inet6Address;
        this.auth = auth;
        this.dropLog = new DropLog(drops == null ? new DropCounters() : drops, "udp ");
        this.socket = DatagramSocketCore.open(interfaceName, "udp ", port, new DatagramSocketCore.Spec(
                ipv6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_DGRAM, 0, this::setUp), null, null, this::queuedError);
    }

    /**
     * Opens the socket in the calling thread's network namespace.
     *
     * @param auth signs every datagram and verifies every received one; null for plain VRRP in UDP
     * @param drops where rejected datagrams are counted; null for a private counter
     */
    public static UdpTransport open(InetAddress source, String interfaceName, int port, AdvertAuth auth, DropCounters drops)
            throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, but was " + port);
        }
        return new UdpTransport(source, port, auth, drops, interfaceName);
    }

    private void setUp(int fd, int ifIndex) throws NativeException {
        if (!ipv6) {
            Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_TTL, 255, "IP_TTL");
            Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL");
            Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_RECVERR, 1, "IP_RECVERR");
        } else {
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
            Libc.setsockopt(fd, Libc.IPPROTO_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
        }
        try (Arena arena = Arena.ofConfined()) {
            int scope = Structs.needsScope(source) ? ifIndex : 0;
            Libc.bind(fd, DatagramSocketCore.withPort(Structs.sockaddr(arena, source, scope), port),
                    "bind " + Structs.text(source) + " udp port " + port);
        }
    }

    public int port() {
        return port;
    }

    public InetAddress source() {
        return source;
    }

    @Override
    public void send(InetAddress destination, byte[] vrrpMessage) throws IOException {
        DatagramSocketCore.requireFamilyOf(source, destination, vrrpMessage);
        socket.send(destination, auth == null ? vrrpMessage : auth.seal(vrrpMessage));
    }

    @Override
    DatagramSocketCore socket() {
        return socket;
    }

    /**
     * One ICMP error queued by IP_RECVERR. A port unreachable from a peer means nothing listens on its UDP port:
     * floatd is stopped there, or configured for protocol 112 or another port. Logged once per peer until a
     * datagram from it arrives again.
     */
    private void queuedError(ReceiveBuffers rx) {
        int errno = ipv6 ? rx.cmsgInt(Libc.IPPROTO_IPV6, IPV6_RECVERR, 4, 0, 0)
                : rx.cmsgInt(Libc.IPPROTO_IP, IP_RECVERR, 4, 0, 0); // struct sock_extended_err.ee_errno
        if (errno != ECONNREFUSED) {
            return;
        }
        InetAddress peer = rx.sender(ipv6);
        if (unreachable.add(peer)) {
            LOG.log(Level.ERROR, "peer {0} does not listen on UDP port {1} (ICMP port unreachable): floatd is stopped"
                    + " there, or it expects VRRP over protocol 112 or another port; this instance sends VRRP over UDP"
                    + " port {1}", Structs.text(peer), String.valueOf(port));
        }
    }

    /** Peers that answered our adverts with ICMP port unreachable and have sent nothing since. */
    public java.util.Set<InetAddress> unreachablePeers() {
        return java.util.Set.copyOf(unreachable);
    }

    /**
     * The first rungs of the receive ladder for UDP: the hop count must be known (RFC 5798 §7.1's check needs it),
     * and with a key the counter and HMAC must verify ({@link AdvertAuth}); a datagram that fails is counted and
     * logged by reason in the one {@link DropLog} and goes no further.
     */
    @Override
    ReceivedDatagram parse(ReceiveBuffers rx, int n) {
        if (rx.truncated()) {
            return null;
        }
        InetAddress src = rx.sender(ipv6);
        int ttl = ipv6 ? rx.cmsgInt(Libc.IPPROTO_IPV6, Libc.IPV6_HOPLIMIT, 4, 0, -1)
                : rx.cmsgInt(Libc.IPPROTO_IP, Libc.IP_TTL, 4, 0, -1);
        if (ttl < 0) {
            return null; // the kernel always gives it once asked; without it the TTL check cannot be made
        }
        byte[] payload = rx.bytes(0, n);
        if (auth != null) {
            switch (auth.open(src, payload)) {
                case AdvertAuth.Accepted a -> payload = a.message();
                case AdvertAuth.Rejected r -> {
                    dropLog.drop(r.reason(), r.detail(), Structs.text(src), null);
                    return null;
                }
            }
        }
        if (unreachable.remove(src)) {
            LOG.log(Level.INFO, "peer {0} now sends VRRP over UDP port {1}", Structs.text(src), String.valueOf(port));
        }
        return new ReceivedDatagram(src, source, ttl, socket.ifIndex(), payload);
    }

    @Override
    public String toString() {
        return "UdpTransport[" + Structs.text(source) + ":" + port + " on " + socket.interfaceName()
                + (auth == null ? "" : ", HMAC-SHA256") + "]";
    }
}
