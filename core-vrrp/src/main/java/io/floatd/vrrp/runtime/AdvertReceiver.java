package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.AddressListCheck;
import io.floatd.vrrp.codec.AdvertCheck;
import io.floatd.vrrp.codec.ChecksumVariant;
import io.floatd.vrrp.codec.DecodeResult;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropLog;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.transport.ReceivedDatagram;
import io.floatd.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads one socket on its own thread, runs every receive check, and posts only valid adverts to the VRRP loop.
 * A packet that fails a check is counted by reason and never reaches an instance, so it cannot move state or
 * timers (keepalived 2.2.7's Master restarts its advert timer on any packet for its VRID, valid or not).
 */
final class AdvertReceiver implements Runnable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    /**
     * One instance listening on this socket.
     *
     * @param group the multicast group a multicast instance's adverts are sent to; {@code null} for a unicast
     *     instance, whose adverts come to the socket's own address
     * @param addresses the address-list check of a multicast instance, {@code null} when it makes none
     */
    record Listener(InstanceRunner runner, AdvertCheck check, InetAddress group, AddressListCheck addresses) {
        Listener(InstanceRunner runner, AdvertCheck check) {
            this(runner, check, null, null);
        }

        InetAddress expectedDestination(InetAddress localAddress) {
            return group != null ? group : localAddress;
        }
    }

    private final VrrpTransport transport;
    private final InetAddress localAddress;
    private final VrrpLoop loop;
    private final DropLog dropLog;
    private final Map<Integer, Listener> byVrid = new ConcurrentHashMap<>();
    private final Set<InetAddress> legacyChecksumPeers = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    AdvertReceiver(VrrpTransport transport, InetAddress localAddress, VrrpLoop loop, DropCounters drops) {
        this.transport = transport;
        this.localAddress = localAddress;
        this.loop = loop;
        this.dropLog = new DropLog(drops, "");
    }

    void listen(int vrid, Listener listener) {
        byVrid.put(vrid, listener);
    }

    /** Stops delivering this VRID's adverts to {@code runner} (a reload took it out). */
    void unlisten(int vrid, InstanceRunner runner) {
        byVrid.computeIfPresent(vrid, (k, l) -> l.runner() == runner ? null : l);
    }

    @Override
    public void run() {
        while (running) {
            ReceivedDatagram d;
            try {
                // no timeout: an idle receiver never wakes; stop() is followed by the transport's close, which wakes it
                d = transport.receive();
            } catch (IOException e) {
                if (running) {
                    LOG.log(Level.ERROR, "receive failed, advert reception stopped: " + e.getMessage());
                }
                return;
            }
            if (d != null) {
                accept(d);
            }
        }
    }

    void accept(ReceivedDatagram d) {
        // multicast is told apart after decoding: which group is right depends on the instance (its VRID)
        if (!d.destination().isMulticastAddress() && !localAddress.equals(d.destination())) {
            // the socket hears every VRRP packet on the interface: multicast VRRP of other routers, other addresses
            drop(new DecodeResult.Dropped(DropReason.UNEXPECTED_DESTINATION, "destination: "
                    + d.destination().getHostAddress() + " (expected: " + localAddress.getHostAddress() + ")"), d, "");
            return;
        }
        byte[] p = d.payload();
        DecodeResult result = VrrpPacket.decode(p, 0, p.length, d.source(), d.destination());
        if (result instanceof DecodeResult.Dropped dropped) {
            drop(dropped, d, "");
            return;
        }
        DecodeResult.Ok ok = (DecodeResult.Ok) result;
        VrrpPacket packet = ok.packet();
        Listener listener = byVrid.get(packet.vrid());
        if (listener == null) {
            drop(new DecodeResult.Dropped(DropReason.UNKNOWN_VRID, "vrid: " + packet.vrid() + " (expected: a configured one)"), d, "");
            return;
        }
        InetAddress expected = listener.expectedDestination(localAddress);
        if (!expected.equals(d.destination())) {
            // RFC 5798 §7.1 via keepalived: a unicast instance drops multicast, a multicast one unicast
            drop(new DecodeResult.Dropped(DropReason.UNEXPECTED_DESTINATION, "destination: "
                    + d.destination().getHostAddress() + " (expected: " + expected.getHostAddress()
                    + (listener.group() != null ? ", the instance's multicast group" : "") + ")"), d, listener.runner().name());
            return;
        }
        var verdict = listener.check().check(packet, d.source(), d.ttl());
        if (verdict.isEmpty() && listener.addresses() != null) {
            var state = listener.runner().state();
            verdict = listener.addresses().check(packet, d.source(),
                    state.state() == io.floatd.vrrp.fsm.VrrpState.MASTER, state.masterAddress());
        }
        if (verdict.isPresent()) {
            drop(verdict.get(), d, listener.runner().name());
            return;
        }
        if (ok.variant() == ChecksumVariant.LEGACY_MULTICAST_DST && legacyChecksumPeers.add(d.source())) {
            LOG.log(Level.INFO, "VRRP_Instance({0}) peer {1} uses keepalived''s older VRRPv3 unicast checksum"
                    + " (pseudo-header with the multicast group); accepted, floatd sends the RFC 5798 one",
                    listener.runner().name(), d.source().getHostAddress());
        }
        VrrpEvent.AdvertReceived advert =
                new VrrpEvent.AdvertReceived(d.source(), packet.priority(), packet.advertIntervalCentis());
        loop.post(() -> listener.runner().advertReceived(advert));
    }

    private void drop(DecodeResult.Dropped dropped, ReceivedDatagram d, String instance) {
        dropLog.drop(dropped.reason(), dropped.detail(), d.source().getHostAddress(), instance);
    }

    /** Stops at the transport's close, which ends the wait (no error is logged for it once stopped). */
    void stop() {
        running = false;
    }
}
