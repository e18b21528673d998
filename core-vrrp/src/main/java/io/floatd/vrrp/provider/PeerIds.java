package io.floatd.vrrp.provider;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The value of a {@code floating_ip { peer_instance_id ... }} (aws) or {@code peer_droplet_id ...} (digitalocean)
 * keyword: the cloud identity of each {@code unicast_peer}, named by the operator where the provider cannot find it
 * (VRRP over another network, NAT). Either a single id, when the instance has exactly one {@code unicast_peer}, or
 * {@code ADDRESS=ID} items separated by spaces, one per peer named.
 */
public final class PeerIds {
    private PeerIds() {
    }

    /**
     * Reads {@code value}.
     *
     * @param key the keyword, for messages
     * @param valid whether a word is a well-formed id
     * @param what how an id looks, for messages ("an instance id i-...")
     * @param peers the instance's {@code unicast_peer} addresses
     * @param instance the instance's name, for messages
     * @return each named peer's id, in the order written
     * @throws IllegalArgumentException with a message starting with {@code key}
     */
    public static Map<InetAddress, String> parse(String key, String value, Predicate<String> valid, String what,
            List<InetAddress> peers, String instance) {
        String[] words = value.strip().split("\\s+");
        if (words.length == 1 && words[0].indexOf('=') < 0) {
            checkId(key, words[0], valid, what);
            if (peers.size() != 1) {
                throw new IllegalArgumentException(key + ": a single id needs exactly one unicast_peer, but " + instance
                        + " has " + peers.size() + " (name each: ADDRESS=ID ...)");
            }
            return Map.of(peers.getFirst(), words[0]);
        }
        Map<InetAddress, String> out = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(key + ": '" + w + "' is not ADDRESS=ID (with more than one item, "
                        + "each names its unicast_peer)");
            }
            InetAddress address;
            try {
                address = InetAddress.ofLiteral(w.substring(0, eq));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": '" + w.substring(0, eq) + "' is not an IP address");
            }
            if (!peers.contains(address)) {
                throw new IllegalArgumentException(key + ": " + address.getHostAddress() + " is not a unicast_peer of "
                        + instance);
            }
            String id = w.substring(eq + 1);
            checkId(key, id, valid, what);
            if (out.putIfAbsent(address, id) != null) {
                throw new IllegalArgumentException(key + ": " + address.getHostAddress() + " is named twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static void checkId(String key, String id, Predicate<String> valid, String what) {
        if (!valid.test(id)) {
            throw new IllegalArgumentException(key + ": '" + id + "' is not " + what);
        }
    }
}
