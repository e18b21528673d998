package io.floatd.vrrp.config;

import java.util.Objects;
import java.net.InetAddress;

/**
 * One {@code unicast_peer} entry: {@code ADDR [min_ttl N] [max_ttl N]}.
 *
 * <p>Adverts from this peer are accepted only with a TTL (hop limit) in {@code [minTtl, maxTtl]}. floatd defaults
 * both to {@value #DEFAULT_TTL}, unlike keepalived which accepts any TTL: a sender sets 255, so anything lower has
 * crossed a router and could come from anywhere on the way. Peers in another subnet need a lower {@code min_ttl}.
 */
public record UnicastPeer(InetAddress address, int minTtl, int maxTtl) {
    public static final int DEFAULT_TTL = 255;

    public UnicastPeer {
        Objects.requireNonNull(address, "address");
        checkTtl("min_ttl", minTtl);
        checkTtl("max_ttl", maxTtl);
        if (minTtl > maxTtl) {
            throw new IllegalArgumentException(
                    "min_ttl must not exceed max_ttl, but min_ttl was " + minTtl + " and max_ttl " + maxTtl);
        }
    }

    private static void checkTtl(String name, int ttl) {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException(name + " must be between 0 and 255, but was " + ttl);
        }
    }

    /** A peer on the same link: floatd's default TTL window. */
    public static UnicastPeer of(InetAddress address) {
        return new UnicastPeer(address, DEFAULT_TTL, DEFAULT_TTL);
    }

    /** keepalived's notation, every option explicit. */
    @Override
    public String toString() {
        return Addresses.format(address) + " min_ttl " + minTtl + " max_ttl " + maxTtl;
    }
}
