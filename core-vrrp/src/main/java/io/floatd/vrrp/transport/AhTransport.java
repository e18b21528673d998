package io.floatd.vrrp.transport;

import io.floatd.ffm.Libc;
import io.floatd.ffm.ReceiveBuffers;
import io.floatd.ffm.Structs;
import io.floatd.vrrp.codec.AhPacket;
import io.floatd.vrrp.codec.AhSequence;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropLog;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.IpsecAh;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * VRRPv2 with {@code auth_type AH} over IPv4, as keepalived 2.2.7 sends it: every advert is an IPv4 packet of
 * protocol 51 whose {@link IpsecAh} header is followed by the VRRP message ({@link AhPacket}).
 *
 * <p>Two raw sockets of protocol 51, as keepalived's: the <em>send</em> socket builds the IPv4 header itself
 * ({@code IP_HDRINCL}, because the ICV covers it) and drops everything it would receive; the <em>receive</em>
 * socket gets every AH packet on the interface, IP header included, and joins 224.0.0.18. Both are bound to the
 * interface. The IPv4 Identification goes up by one per packet and skips 0 (which the kernel would overwrite after
 * the ICV was made).
 *
 * <p>Each instance on the socket registers its VRID with its key and {@link AhSequence}. A received packet is
 * verified with its VRID's key (ICV, SPI, then sequence number) before anything else looks at it; a packet that
 * fails is counted in the daemon's drop counters and never leaves this class. What passes is handed on as the bare
 * VRRP message, for the ordinary VRRP checks.
 */
public final class AhTransport extends SocketTransport {
    private static final int IP_HDRINCL = 3;

    /** One instance's key, counter, and whether it is unicast (then the TTL is left out of the ICV). */
    private record Session(String instance, byte[] key, AhSequence sequence, boolean unicast) {
    }

    private final Inet4Address source;
    private final DropLog dropLog;
    private final Map<Integer, Session> sessions = new ConcurrentHashMap<>();
    private final DatagramSocketCore socket;
    private int identification;

    private AhTransport(Inet4Address source, DatagramSocketCore socket, DropCounters drops) {
        this.source = source;
        this.socket = socket;
        this.dropLog = new DropLog(drops == null ? new DropCounters() : drops, "AH ");
    }

    /**
     * Opens the sockets in the calling thread's network namespace.
     *
     * @param drops where rejected packets are counted; null for a private counter
     * @throws IOException with the failing step and {@code strerror} text
     */
    public static AhTransport open(Inet4Address source, String interfaceName, DropCounters drops) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(interfaceName, "interfaceName");
        var send = new DatagramSocketCore.Spec(Libc.AF_INET, Libc.SOCK_RAW, IpsecAh.PROTOCOL_AH, (fd, ifIndex) -> {
            try (Arena arena = Arena.ofConfined()) {
                // the header carries the source; binding proves it is an address of this node
                Libc.bind(fd, Structs.sockaddr(arena, source, 0), "bind " + Structs.text(source));
            }
            Libc.setsockopt(fd, Libc.IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL");
            // our own multicast adverts would come back with our own sequence number: a replay every interval
            Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
            // multicast adverts leave by the instance's interface whatever the routing table says
            MulticastMembership.outgoingInterface(fd, false, ifIndex);
        });
        var receive = new DatagramSocketCore.Spec(Libc.AF_INET, Libc.SOCK_RAW, IpsecAh.PROTOCOL_AH,
                (fd, ifIndex) -> Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "IP_PKTINFO"));
        // keepalived's multicast AH adverts go to the VRRP group, as the others
        return new AhTransport(source, DatagramSocketCore.open(interfaceName, "ah ", 0, send, receive,
                RawIpTransport.VRRP_GROUP_V4, null), drops);
    }

    /**
     * Adverts for {@code vrid} are signed and verified with {@code key} (8 bytes, {@link AhPacket#key}). Registering
     * again with the same key keeps the sequence counter (a reload does not restart it, as in keepalived).
     *
     * @return the instance's sequence counter
     */
    public AhSequence register(int vrid, String instance, byte[] key, boolean unicast) {
        Objects.requireNonNull(key, "key");
        return sessions.compute(vrid, (k, old) -> new Session(instance, key.clone(),
                old != null && MessageDigest.isEqual(old.key(), key) ? old.sequence() : new AhSequence(), unicast))
                .sequence();
    }

    /**
     * Receives AH adverts sent to this group on the interface from now on ({@code mcast_dst_ip},
     * {@code vrrp_mcast_group4}); 224.0.0.18 is joined at open, a group already joined is not joined again. The
     * protocol-112 watch beside this transport joins it too, so a peer without AH is noticed there as well.
     */
    @Override
    public void joinGroup(InetAddress group) throws IOException {
        Objects.requireNonNull(group, "group");
        if (!(group instanceof Inet4Address) || !group.isMulticastAddress()) {
            throw new IllegalArgumentException("AH is IPv4 only, but " + Structs.text(group)
                    + " is not an IPv4 multicast group");
        }
        socket.joinGroup(group);
        if (socket.companion() instanceof AhMismatchWatch watch) {
            watch.joinGroup(group);
        }
    }

    /** Whether an advert to {@code destination} is for this node: its own address or a group it joined. */
    boolean receivesFor(InetAddress destination) {
        return source.equals(destination) || socket.joined(destination);
    }

    public void unregister(int vrid) {
        sessions.remove(vrid);
    }

    /** The name of the instance registered for {@code vrid}, or null. */
    String instanceFor(int vrid) {
        Session s = sessions.get(vrid);
        return s == null ? null : s.instance();
    }

    public InetAddress source() {
        return source;
    }

    /** Wraps the VRRPv2 message in IPv4 + AH with the next sequence number of its VRID and sends it. */
    @Override
    public void send(InetAddress destination, byte[] vrrpMessage) throws IOException {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(vrrpMessage, "vrrpMessage");
        if (!(destination instanceof Inet4Address to4)) {
            throw new IllegalArgumentException("AH is IPv4 only, but the destination is " + Structs.text(destination));
        }
        Session session = vrrpMessage.length > 1 ? sessions.get(vrrpMessage[1] & 0xFF) : null;
        if (session == null) {
            throw new IllegalStateException("no AH key registered for this message's VRID");
        }
        // under the send lock: identifications and sequence numbers leave in the order they are taken
        socket.send(destination, () -> {
            identification = (identification + 1) & 0xFFFF;
            if (identification == 0) {
                identification = 1;
            }
            return AhPacket.encode(source, to4, identification, session.sequence().next(), vrrpMessage,
                    session.key(), session.unicast());
        });
    }

    @Override
    DatagramSocketCore socket() {
        return socket;
    }

    @Override
    ReceivedDatagram parse(ReceiveBuffers rx, int n) {
        if (rx.truncated()) {
            return null;
        }
        return accept(rx.bytes(0, n), rx.cmsgInt(Libc.IPPROTO_IP, Libc.IP_PKTINFO, 12, 0, socket.ifIndex()));
    }

    /**
     * Verifies one received IPv4 packet (header included) and returns its VRRP message, or null after counting why
     * it was dropped. Package-private for tests that feed packets without sockets.
     */
    ReceivedDatagram accept(byte[] p, int index) {
        if (p.length < 20 || (p[0] & 0xF0) != 0x40 || (p[0] & 0x0F) < 5) {
            return null; // the kernel hands a raw IPv4 socket only IPv4 packets
        }
        int headerLength = (p[0] & 0x0F) * 4;
        InetAddress src = AhPacket.source(p);
        int vridAt = headerLength + IpsecAh.LENGTH + 1;
        if (p.length <= vridAt) {
            drop(src, DropReason.TRUNCATED, p.length + " bytes, shorter than IPv4 + AH + VRRP headers", null);
            return null;
        }
        int vrid = p[vridAt] & 0xFF;
        Session session = sessions.get(vrid);
        if (session == null) {
            drop(src, DropReason.UNKNOWN_VRID, "vrid: " + vrid + " (expected: an auth_type AH instance's)", null);
            return null;
        }
        int ttl = p[8] & 0xFF;
        InetAddress dst = Structs.address(java.util.Arrays.copyOfRange(p, 16, 20));
        switch (AhPacket.open(p, p.length, session.key(), session.unicast())) {
            case AhPacket.Rejected r -> {
                drop(src, r.reason(), r.detail(), session.instance());
                return null;
            }
            case AhPacket.Verified v -> {
                long before = session.sequence().current();
                if (!session.sequence().accept(v.ah().sequence())) {
                    drop(src, DropReason.AH_REPLAYED, "sequence number " + v.ah().sequence()
                            + " already processed (expected: above " + before + ")", session.instance());
                    return null;
                }
                byte[] vrrp = java.util.Arrays.copyOfRange(p, v.vrrpOffset(), p.length);
                return new ReceivedDatagram(src, dst, ttl, index, vrrp);
            }
        }
    }

    private void drop(InetAddress src, DropReason reason, String detail, String instance) {
        dropLog.drop(reason, detail, Structs.text(src), instance);
    }

    @Override
    public String toString() {
        return "AhTransport[" + Structs.text(source) + " on " + socket.interfaceName() + "]";
    }
}
