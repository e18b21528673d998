package io.floatd.vrrp.codec;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-instance half of RFC 5798 §7.1 / RFC 3768 §7.1, run on a packet {@link VrrpPacket#decode} accepted and the
 * caller has dispatched by VRID. Checks run in this order: source is a configured peer, TTL / hop limit in that
 * peer's range, version, auth type, password, VRRPv2 interval. No drop detail ever contains a password.
 */
public final class AdvertCheck {

    /**
     * One {@code unicast_peer} entry and the TTL / hop limit range its adverts must arrive with.
     * floatd's default is exactly 255 (RFC 5798 §7.1), which also proves the peer is on-link. keepalived 2.2.7 sends
     * unicast IPv6 adverts with the kernel's default hop limit (64) unless {@code unicast_ttl 255} is set on it.
     */
    public record Peer(InetAddress address, int minTtl, int maxTtl) {
        public Peer {
            Objects.requireNonNull(address, "address");
            if (minTtl < 0 || maxTtl > 255 || minTtl > maxTtl) {
                throw new IllegalArgumentException("need 0 <= minTtl <= maxTtl <= 255, but got " + minTtl + ".." + maxTtl);
            }
        }

        /** A peer whose adverts must arrive with TTL / hop limit 255. */
        public static Peer of(InetAddress address) {
            return new Peer(address, VrrpPacket.REQUIRED_TTL, VrrpPacket.REQUIRED_TTL);
        }

        boolean accepts(int ttl) {
            return ttl >= minTtl && ttl <= maxTtl;
        }
    }

    /**
     * What one VRRP instance accepts.
     *
     * @param version 2 or 3
     * @param vrid 1..255 (RFC 5798 §5.2.3)
     * @param peers the unicast peers; empty means multicast, where any source is accepted and TTL must be 255
     * @param authType NONE, PASS or AH (verified by the AH transport before this check) for VRRPv2, NONE for VRRPv3
     * @param password the PASS password, {@code null} otherwise; compared as keepalived does, on its first 8 bytes
     * @param advertIntervalCentis our interval; checked only for VRRPv2 (RFC 3768 §7.1), as VRRPv3 backups adopt
     *     the master's (RFC 5798 §6.4.2)
     */
    public record Expectations(int version, int vrid, List<Peer> peers, AuthType authType, String password,
            int advertIntervalCentis) {
        public Expectations {
            if (version != 2 && version != 3) {
                throw new IllegalArgumentException("version must be 2 or 3, but was " + version);
            }
            if (vrid < 1 || vrid > 255) {
                throw new IllegalArgumentException("vrid must be between 1 and 255, but was " + vrid);
            }
            peers = List.copyOf(Objects.requireNonNull(peers, "peers"));
            Objects.requireNonNull(authType, "authType");
            if (version == 3 ? authType != AuthType.NONE : authType == AuthType.UNKNOWN) {
                throw new IllegalArgumentException("auth type " + authType + " is not supported for VRRPv" + version);
            }
            if ((authType == AuthType.PASS) != (password != null)) {
                throw new IllegalArgumentException("a password is needed exactly when the auth type is PASS");
            }
            if (advertIntervalCentis <= 0) {
                throw new IllegalArgumentException("advert interval must be positive, but was " + advertIntervalCentis);
            }
        }

        public static Expectations v2(int vrid, List<Peer> peers, int advertIntervalSeconds) {
            return new Expectations(2, vrid, peers, AuthType.NONE, null, advertIntervalSeconds * 100);
        }

        public static Expectations v2WithPassword(int vrid, List<Peer> peers, int advertIntervalSeconds, String password) {
            return new Expectations(2, vrid, peers, AuthType.PASS, password, advertIntervalSeconds * 100);
        }

        public static Expectations v3(int vrid, List<Peer> peers, int advertIntervalCentis) {
            return new Expectations(3, vrid, peers, AuthType.NONE, null, advertIntervalCentis);
        }

        /** Records print every component; this one must not print the password. */
        @Override
        public String toString() {
            return "Expectations[version=" + version + ", vrid=" + vrid + ", peers=" + peers + ", authType=" + authType
                    + ", password=" + (password == null ? "none" : "(set)") + ", advertIntervalCentis="
                    + advertIntervalCentis + "]";
        }
    }

    private final Expectations expected;
    private final byte[] expectedAuthData;

    public AdvertCheck(Expectations expected) {
        this.expected = Objects.requireNonNull(expected, "expected");
        this.expectedAuthData = expected.password() == null ? null : VrrpPacket.passwordAuthData(expected.password());
    }

    public Expectations expectations() {
        return expected;
    }

    /**
     * @param source the IP source address of the packet
     * @param ttl the received IPv4 TTL or IPv6 hop limit; a value the socket could not report must be passed as
     *     something outside 0..255, and is then dropped, not waved through
     * @return the reason to drop, or empty if the advert is for this instance
     */
    public Optional<DecodeResult.Dropped> check(VrrpPacket packet, InetAddress source, int ttl) {
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(source, "source");
        // Dispatch normally guarantees this; repeated so a mis-dispatched packet cannot pass as ours.
        if (packet.vrid() != expected.vrid()) {
            return drop(DropReason.UNKNOWN_VRID, "vrid", packet.vrid(), expected.vrid());
        }
        String ttlName = source instanceof Inet6Address ? "hop limit" : "ttl";
        if (expected.peers().isEmpty()) {
            if (ttl != VrrpPacket.REQUIRED_TTL) {
                return drop(DropReason.BAD_TTL, ttlName, ttl, VrrpPacket.REQUIRED_TTL);
            }
        } else {
            Peer peer = findPeer(source);
            if (peer == null) {
                return drop(DropReason.NOT_A_PEER, "source", source.getHostAddress(), "one of " + peerList());
            }
            if (!peer.accepts(ttl)) {
                return drop(DropReason.BAD_TTL, ttlName, ttl, peer.minTtl() == peer.maxTtl()
                        ? Integer.toString(peer.minTtl()) : peer.minTtl() + ".." + peer.maxTtl());
            }
        }
        if (packet.version() != expected.version()) {
            return drop(DropReason.VERSION_MISMATCH, "version", packet.version(), expected.version());
        }
        if (expected.version() == 2) {
            if (packet.authTypeWire() != expected.authType().wireValue()) {
                return drop(DropReason.AUTH_TYPE_MISMATCH, "auth type", authTypeName(packet),
                        expected.authType().wireValue() + " (" + expected.authType() + ")");
            }
            // MessageDigest.isEqual takes the same time wherever the first difference is.
            if (expectedAuthData != null && !MessageDigest.isEqual(packet.authData(), expectedAuthData)) {
                return drop(DropReason.AUTH_FAILED, "password", "mismatch", "the configured password");
            }
            if (packet.advertIntervalCentis() != expected.advertIntervalCentis()) {
                return drop(DropReason.INTERVAL_MISMATCH, "advert interval", seconds(packet.advertIntervalCentis()),
                        seconds(expected.advertIntervalCentis()));
            }
        }
        return Optional.empty();
    }

    private Peer findPeer(InetAddress source) {
        // Compare raw bytes: an IPv6 scope id on one side must not hide a configured link-local peer.
        byte[] raw = source.getAddress();
        for (Peer p : expected.peers()) {
            if (Arrays.equals(p.address().getAddress(), raw)) {
                return p;
            }
        }
        return null;
    }

    private String peerList() {
        return expected.peers().stream().map(p -> p.address().getHostAddress()).toList().toString();
    }

    private static String authTypeName(VrrpPacket packet) {
        return packet.authTypeWire() + " (" + packet.authType() + ")";
    }

    private static String seconds(int centis) {
        return centis % 100 == 0 ? centis / 100 + "s" : centis + "cs";
    }

    private static Optional<DecodeResult.Dropped> drop(DropReason reason, String what, Object actual, Object expected) {
        return Optional.of(DecodeResult.Dropped.of(reason, what, actual, expected));
    }
}
