package io.floatd.vrrp.transport;

import io.floatd.ffm.Structs;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropReason;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Set;

/**
 * Beside an {@link AhTransport}: listens on protocol 112 for plain VRRP (no AH header) for a VRID that runs
 * {@code auth_type AH} here, which means the peer has another {@code auth_type}. Its adverts never reach the AH
 * socket, so without this both nodes would be Master in silence. keepalived counts such a packet as an auth type
 * mismatch ("No AH header but auth type is AH"); so does floatd ({@code auth_type_mismatch}), logging the first from
 * each sender.
 */
public final class AhMismatchWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    private final RawIpTransport raw;
    private final MismatchLoop loop;

    private AhMismatchWatch(RawIpTransport raw, AhTransport ah, DropCounters drops) {
        this.raw = raw;
        this.loop = new MismatchLoop(raw, drops, DropReason.AUTH_TYPE_MISMATCH, d -> report(ah, d));
    }

    /**
     * Opens the AH transport with the watch; the watch closes with it. If the protocol-112 socket cannot be opened
     * the AH transport runs without the watch.
     */
    public static AhTransport openAh(Inet4Address source, String interfaceName, DropCounters drops) throws IOException {
        DropCounters counters = drops == null ? new DropCounters() : drops;
        AhTransport transport = AhTransport.open(source, interfaceName, counters);
        try {
            RawIpTransport raw = RawIpTransport.open(source, interfaceName);
            AhMismatchWatch watch = new AhMismatchWatch(raw, transport, counters);
            transport.closeWith(watch);
            watch.loop.start("vrrp-ah-watch");
        } catch (IOException e) {
            LOG.log(Level.INFO, "vrrp {0}: cannot watch for peers without AH ({1}); the AH transport runs without it",
                    interfaceName, e.getMessage());
        }
        return transport;
    }

    /** Plain VRRP to an address the AH transport receives on, for a VRID that runs AH here. */
    private static MismatchLoop.Report report(AhTransport ah, ReceivedDatagram d) {
        if (!ah.receivesFor(d.destination())) {
            return null;
        }
        String instance = ah.instanceFor(d.payload()[1] & 0xff);
        return instance == null ? null : new MismatchLoop.Report("({0}) No AH header but auth type is AH: {1} sends VRRP"
                + " without IPsec-AH (protocol 112); set the same auth_type on both nodes, or both will be Master"
                + " (auth_type_mismatch counts each such packet)", instance, Structs.text(d.source()));
    }

    /** Listens on {@code group} too (the AH transport joined it); a failure leaves the watch on its other groups. */
    void joinGroup(InetAddress group) {
        try {
            raw.joinGroup(group);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.INFO, "vrrp: the watch for peers without AH cannot join {0} ({1})", Structs.text(group),
                    e.getMessage());
        }
    }

    /** Senders seen without AH so far. */
    public Set<InetAddress> mismatchedPeers() {
        return loop.mismatchedPeers();
    }

    @Override
    public void close() {
        loop.close();
    }
}
