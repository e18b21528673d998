package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.PeerDirectory;
import io.floatd.vrrp.provider.PeerDirectory.Found;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code unicast_peer}s as DigitalOcean knows them: for each peer address, the droplet whose private (VPC) IPv4,
 * or public IPv4, it is ({@code GET /v2/droplets}, page by page as {@code links.pages.next} leads; a private address
 * counts in this droplet's VPC only), or the droplet named in {@code floating_ip { peer_droplet_id }}. A holder that
 * is a peer's droplet is the PEER whatever addresses it shows; a hand-over assigns the IP to it.
 *
 * <p>Never fails the start-up: a peer not found, a refused token scope or an API error is a warning saying what it
 * means. An error worth retrying (429, 5xx, time-out) is retried in the background with backoff; a reload looks every
 * peer up again ({@link #refresh()}). One log line per peer, and again only when what is known changes.
 */
final class DoPeers extends PeerDirectory<Long> {
    /** The API's largest page. */
    static final int PER_PAGE = 200;
    /** 10,000 droplets: beyond, the peers are best named ({@code peer_droplet_id}). */
    static final int MAX_PAGES = 50;

    /** One page of the droplet list, read within {@code deadline} ({@link System#nanoTime()}). */
    @FunctionalInterface
    interface Pages {
        DoApi.DropletPage page(String next, long deadline) throws ProviderException;
    }

    /** A droplet with the address, and how it has it. */
    private record Match(long droplet, String vpc, boolean isPrivate) {
    }

    private final long self;
    private final Pages pages;
    private final Duration budget;

    /**
     * @param self this droplet (never a peer)
     * @param named {@code peer_droplet_id}: droplet ids by peer address
     * @param budget how long one look-up may take, all pages and rate-limit waits included
     */
    DoPeers(String instanceName, long self, List<InetAddress> peers, Map<InetAddress, Long> named, Pages pages,
            Duration budget) {
        super(instanceName, peers, named, new PeerDirectory.Wording<>(DigitalOceanProviderFactory.NAME,
                (droplet, fromBlock) -> "droplet " + droplet + (fromBlock ? " (from peer_droplet_id)" : ""),
                "among the droplets", "GET /v2/droplets", "peer_droplet_id", DoPeers.class.getName()));
        this.self = self;
        this.pages = pages;
        this.budget = budget;
    }

    /** The droplet list, page by page, until every address is placed or the list ends. */
    @Override
    protected Map<String, Found<Long>> lookUp(List<String> wanted) throws ProviderException {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, List<Match>> matches = new HashMap<>();
        String ourVpc = null;
        boolean seenSelf = false;
        String next = null;
        int read = 0;
        do {
            DoApi.DropletPage page = pages.page(next, deadline);
            for (DoApi.ListedDroplet d : page.droplets()) {
                if (d.id() == self) {
                    seenSelf = true;
                    ourVpc = d.vpcUuid();
                }
                for (DoApi.Ipv4 n : d.v4()) {
                    if (wanted.contains(n.ip())) {
                        matches.computeIfAbsent(n.ip(), k -> new ArrayList<>())
                                .add(new Match(d.id(), d.vpcUuid(), "private".equals(n.type())));
                    }
                }
            }
            next = page.next();
            read++;
        } while (next != null && read < MAX_PAGES && !(seenSelf && placed(wanted, matches, ourVpc)));
        boolean truncated = next != null && read >= MAX_PAGES;
        Map<String, Found<Long>> out = new LinkedHashMap<>();
        for (String a : wanted) {
            List<Long> droplets = candidates(matches.getOrDefault(a, List.of()), seenSelf, ourVpc);
            if (droplets.isEmpty()) {
                out.put(a, Found.none(truncated
                        ? "no droplet among the first " + read * PER_PAGE + " has this IPv4 address"
                        : "no droplet has this IPv4 address" + (ourVpc == null ? "" : " (public, or private in this "
                                + "droplet's VPC)")));
            } else if (droplets.size() > 1) {
                out.put(a, Found.none(droplets.size() + " droplets have this IPv4 address ("
                        + String.join(", ", droplets.stream().map(String::valueOf).toList()) + ")"));
            } else if (droplets.getFirst() == self) {
                out.put(a, Found.none("it is an address of this droplet, " + self));
            } else {
                out.put(a, Found.of(droplets.getFirst()));
            }
        }
        return out;
    }

    /** The droplets an address may name: by public IPv4 anywhere, by private IPv4 in our VPC (when known). */
    private static List<Long> candidates(List<Match> matches, boolean seenSelf, String ourVpc) {
        return matches.stream()
                .filter(m -> !m.isPrivate() || !seenSelf || ourVpc == null || ourVpc.equals(m.vpc()))
                .map(Match::droplet).distinct().toList();
    }

    /** Whether every address has its droplet already, so the rest of the list cannot change the answer. */
    private static boolean placed(List<String> wanted, Map<String, List<Match>> matches, String ourVpc) {
        return wanted.stream().allMatch(a -> matches.getOrDefault(a, List.of()).stream()
                .anyMatch(m -> !m.isPrivate() || (ourVpc != null && ourVpc.equals(m.vpc()))));
    }
}
