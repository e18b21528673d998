package io.floatd.vrrp.transport;

import io.floatd.ffm.Structs;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropReason;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;

/**
 * Beside a {@link UdpTransport}: listens on protocol 112 for VRRP from the configured peers, which means the peer is
 * configured for the other transport. Without this, both nodes would hear nothing and both become Master in
 * silence. Each such packet counts as {@code transport_mismatch}; the first from each peer is logged.
 */
public final class ProtocolMismatchWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    private final Map<Integer, Set<InetAddress>> expected;
    private final int port;
    private final MismatchLoop loop;

    private ProtocolMismatchWatch(RawIpTransport raw, Map<Integer, Set<InetAddress>> expected, int port, DropCounters drops) {
        this.expected = expected;
        this.port = port;
        this.loop = new MismatchLoop(raw, drops, DropReason.TRANSPORT_MISMATCH, this::report);
    }

    /**
     * Opens the UDP transport and, when a raw socket can be opened (CAP_NET_RAW), the watch with it; the watch
     * closes with the transport. Without CAP_NET_RAW the UDP transport still works, without the watch.
     *
     * @param expected every virtual router served over this UDP socket (one socket serves all the instances with the
     *     same source, interface and transport settings), by VRID, with its configured peers; read live, so the
     *     caller adds and removes instances as they start and stop. Only a protocol-112 packet whose VRID is in it,
     *     from one of that VRID's peers, counts: the same peers may run other instances over protocol 112 on purpose
     */
    public static UdpTransport openUdp(InetAddress source, String interfaceName, int port, AdvertAuth auth,
            DropCounters drops, Map<Integer, Set<InetAddress>> expected) throws IOException {
        UdpTransport udp = UdpTransport.open(source, interfaceName, port, auth, drops);
        try {
            RawIpTransport raw = RawIpTransport.open(source, interfaceName);
            ProtocolMismatchWatch watch = new ProtocolMismatchWatch(raw, expected, port, drops);
            udp.closeWith(watch);
            watch.loop.start("vrrp-112-watch");
        } catch (IOException e) {
            LOG.log(Level.INFO, "vrrp {0}: cannot watch for peers still on protocol 112 ({1}); UDP transport runs without it",
                    interfaceName, e.getMessage());
        }
        return udp;
    }

    /** VRRP over protocol 112 from a peer of a VRID this UDP socket serves. */
    private MismatchLoop.Report report(ReceivedDatagram d) {
        if (!counts(d.source(), d.payload()[1] & 0xff)) {
            return null;
        }
        return new MismatchLoop.Report("peer {0} sends VRRP over protocol 112 (VRID {1}) but this node expects UDP port {2}"
                + " for it: set the same transport on both nodes, or both will be Master"
                + " (transport_mismatch counts each such packet)", Structs.text(d.source()),
                String.valueOf(d.payload()[1] & 0xff), String.valueOf(port));
    }

    private boolean counts(InetAddress source, int vrid) {
        Set<InetAddress> peers = expected.get(vrid);
        return peers != null && peers.contains(source);
    }

    /** Peers seen on protocol 112 so far. */
    public Set<InetAddress> mismatchedPeers() {
        return loop.mismatchedPeers();
    }

    @Override
    public void close() {
        loop.close();
    }
}
