package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.PeerDirectory;
import io.floatd.vrrp.provider.PeerDirectory.Found;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code unicast_peer}s as Hetzner Cloud knows them: for each peer address, the server whose private network IP
 * (in a network this server is attached to) or public IPv4 it is ({@code GET /v1/servers}, page by page; the API has
 * no filter by address), or the server named in {@code peer_server_id}. A holder that is a peer's server is the PEER;
 * a hand-over assigns the floating IP to it.
 *
 * <p>Never fails the start-up: a peer not found or an API error is a warning saying what it means; an error worth
 * retrying is retried in the background with backoff; a reload looks every peer up again. One log line per peer, and
 * again only when what is known changes.
 */
final class HetznerPeers extends PeerDirectory<Long> {
    /** The API's largest page. */
    static final int PER_PAGE = 50;
    /** 5,000 servers: beyond, the peers are best named ({@code peer_server_id}). */
    static final int MAX_PAGES = 100;

    /** One page of the server list, read within the look-up's budget. */
    @FunctionalInterface
    interface Pages {
        HcloudApi.Page<HcloudApi.Server> page(int page, long deadline) throws ProviderException;
    }

    private final long self;
    private final Pages pages;
    private final long budgetNanos;

    HetznerPeers(String instanceName, long self, List<InetAddress> peers, Map<InetAddress, Long> named, Pages pages,
            java.time.Duration budget) {
        super(instanceName, peers, named, new PeerDirectory.Wording<>(HetznerProviderFactory.NAME,
                (server, fromBlock) -> "server " + server + (fromBlock ? " (from peer_server_id)" : ""),
                "among the servers", "GET /v1/servers", "peer_server_id", HetznerPeers.class.getName()));
        this.self = self;
        this.pages = pages;
        this.budgetNanos = budget.toNanos();
    }

    /** The server list, page by page, until the list ends; private addresses count in this server's networks. */
    @Override
    protected Map<String, Found<Long>> lookUp(List<String> wanted) throws ProviderException {
        Map<String, Found<Long>> out = new LinkedHashMap<>();
        long deadline = System.nanoTime() + budgetNanos;
        Map<String, List<long[]>> privateMatches = new HashMap<>(); // address -> [server, network]
        Map<String, Set<Long>> publicMatches = new HashMap<>();
        Set<Long> ourNetworks = new HashSet<>();
        boolean seenSelf = false;
        Integer page = 1;
        int read = 0;
        while (page != null && read < MAX_PAGES) {
            HcloudApi.Page<HcloudApi.Server> p = pages.page(page, deadline);
            for (HcloudApi.Server s : p.items()) {
                if (s.id() == self) {
                    seenSelf = true;
                    s.privateNets().forEach(n -> ourNetworks.add(n.network()));
                }
                if (s.publicIpv4() != null && wanted.contains(s.publicIpv4())) {
                    publicMatches.computeIfAbsent(s.publicIpv4(), k -> new HashSet<>()).add(s.id());
                }
                for (HcloudApi.PrivateNet n : s.privateNets()) {
                    if (wanted.contains(n.ip())) {
                        privateMatches.computeIfAbsent(n.ip(), k -> new ArrayList<>()).add(new long[] {s.id(), n.network()});
                    }
                }
            }
            page = p.nextPage();
            read++;
        }
        for (String a : wanted) {
            Set<Long> servers = new HashSet<>(publicMatches.getOrDefault(a, Set.of()));
            for (long[] m : privateMatches.getOrDefault(a, List.of())) {
                if (!seenSelf || ourNetworks.contains(m[1])) {
                    servers.add(m[0]);
                }
            }
            if (servers.size() == 1 && servers.iterator().next() == self) {
                out.put(a, Found.none("it is an address of this server, " + self));
            } else if (servers.size() == 1) {
                out.put(a, Found.of(servers.iterator().next()));
            } else if (servers.isEmpty()) {
                out.put(a, Found.none("no server has this IPv4 address" + (page != null ? " among the first "
                        + read * PER_PAGE : "") + " (public, or private in this server's networks)"));
            } else {
                out.put(a, Found.none(servers.size() + " servers have this IPv4 address (" + servers + ")"));
            }
        }
        return out;
    }
}
