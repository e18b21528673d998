package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.BackgroundRetry;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

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
final class HetznerPeers implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HetznerPeers.class.getName());
    /** The API's largest page. */
    static final int PER_PAGE = 50;
    /** 5,000 servers: beyond, the peers are best named ({@code peer_server_id}). */
    static final int MAX_PAGES = 100;

    /** One page of the server list, read within the look-up's budget. */
    @FunctionalInterface
    interface Pages {
        HcloudApi.Page<HcloudApi.Server> page(int page, long deadline) throws ProviderException;
    }

    private final String instanceName;
    private final long self;
    private final List<String> addresses;
    private final Map<String, Long> named;
    private final Pages pages;
    private final long budgetNanos;
    private final Object lock = new Object();
    private final Map<String, String> logged = new HashMap<>();
    private final BackgroundRetry retry = new BackgroundRetry("hetzner-peers-retry", this::resolve);
    private volatile Map<String, Long> known = Map.of();

    HetznerPeers(String instanceName, long self, List<InetAddress> peers, Map<InetAddress, Long> named, Pages pages,
            java.time.Duration budget) {
        this.instanceName = instanceName;
        this.self = self;
        this.addresses = peers.stream().map(InetAddress::getHostAddress).distinct().toList();
        Map<String, Long> n = new LinkedHashMap<>();
        named.forEach((a, id) -> n.put(a.getHostAddress(), id));
        this.named = Map.copyOf(n);
        this.pages = pages;
        this.budgetNanos = budget.toNanos();
    }

    boolean isPeer(Long server) {
        return server != null && known.containsValue(server);
    }

    Optional<Long> of(InetAddress address) {
        return Optional.ofNullable(known.get(address.getHostAddress()));
    }

    boolean isUnicastPeer(InetAddress address) {
        return addresses.contains(address.getHostAddress());
    }

    /** The look-up at start; when the API did not answer the warm-up, it is tried in the background instead. */
    void start(boolean reachable) {
        if (reachable || addresses.stream().allMatch(named::containsKey)) {
            refresh();
        } else {
            retry.start();
        }
    }

    /** Looks every peer up now (start, reload); an error worth retrying is retried in the background. */
    void refresh() {
        if (!addresses.isEmpty() && !resolve()) {
            retry.start();
        }
    }

    /** One look-up of every peer; false when an error worth retrying left some peer unknown. */
    private boolean resolve() {
        synchronized (lock) {
            if (retry.closed()) {
                return true;
            }
            Map<String, Long> found = new LinkedHashMap<>(named);
            Map<String, String> why = new HashMap<>();
            List<String> wanted = addresses.stream().filter(a -> !named.containsKey(a)).toList();
            boolean failed = false;
            boolean retryable = false;
            if (!wanted.isEmpty()) {
                try {
                    lookUp(wanted, found, why);
                } catch (ProviderException e) {
                    failed = true;
                    retryable = e.retryable();
                    wanted.forEach(a -> why.put(a, e.getMessage().replaceFirst("^hetzner: ", "")));
                } catch (RuntimeException e) {
                    failed = true;
                    wanted.forEach(a -> why.put(a, "GET /v1/servers failed (" + e + ")"));
                }
            }
            Map<String, Long> next = new LinkedHashMap<>();
            for (String a : addresses) {
                Long id = found.get(a);
                if (id == null && failed && known.get(a) != null) {
                    next.put(a, known.get(a)); // a failed call says nothing new
                    continue;
                }
                if (id != null) {
                    next.put(a, id);
                }
                log(a, id, named.containsKey(a), why.get(a));
            }
            known = Map.copyOf(next);
            return !retryable;
        }
    }

    /** The server list, page by page, until the list ends; private addresses count in this server's networks. */
    private void lookUp(List<String> wanted, Map<String, Long> found, Map<String, String> why) throws ProviderException {
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
                why.put(a, "it is an address of this server, " + self);
            } else if (servers.size() == 1) {
                found.put(a, servers.iterator().next());
            } else if (servers.isEmpty()) {
                why.put(a, "no server has this IPv4 address" + (page != null ? " among the first " + read * PER_PAGE : "")
                        + " (public, or private in this server's networks)");
            } else {
                why.put(a, servers.size() + " servers have this IPv4 address (" + servers + ")");
            }
        }
    }

    private void log(String address, Long id, boolean isNamed, String reason) {
        String line;
        Level level;
        if (id != null) {
            level = Level.INFO;
            line = "VRRP_Instance(" + instanceName + ") hetzner: peer " + address + " is server " + id
                    + (isNamed ? " (from peer_server_id)" : "");
        } else {
            level = Level.WARNING;
            line = "VRRP_Instance(" + instanceName + ") hetzner: cannot find peer " + address + " among the servers ("
                    + reason + "): a floating IP found on it counts as a stranger's (taken back with backoff, never "
                    + "yielded to) and this node cannot hand it over to it; set floating_ip { peer_server_id ... }";
        }
        if (!line.equals(logged.put(address, line))) {
            LOG.log(level, line);
        }
    }

    @Override
    public void close() {
        retry.close();
    }
}
