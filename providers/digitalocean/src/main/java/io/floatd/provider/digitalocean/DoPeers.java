package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.BackgroundRetry;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

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
final class DoPeers implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DoPeers.class.getName());
    /** The API's largest page. */
    static final int PER_PAGE = 200;
    /** 10,000 droplets: beyond, the peers are best named ({@code peer_droplet_id}). */
    static final int MAX_PAGES = 50;

    /** One page of the droplet list, read within {@code deadline} ({@link System#nanoTime()}). */
    @FunctionalInterface
    interface Pages {
        DoApi.DropletPage page(String next, long deadline) throws ProviderException;
    }

    /** A peer's droplet, or why it is unknown (then {@code droplet} is null); {@code failed}: the listing failed. */
    private record Found(Long droplet, boolean named, String reason, boolean failed) {
    }

    /** A droplet with the address, and how it has it. */
    private record Match(long droplet, String vpc, boolean isPrivate) {
    }

    private final String instanceName;
    private final long self;
    private final List<String> addresses;
    private final Map<String, Long> named;
    private final Pages pages;
    private final Duration budget;
    /** One look-up at a time (start, reload, background retry). */
    private final Object lock = new Object();
    private final Map<String, String> logged = new HashMap<>();
    /** Look-ups worth retrying are tried again in the background. */
    private final BackgroundRetry retry = new BackgroundRetry("digitalocean-peers-retry", this::resolve);
    private volatile Map<String, Long> known = Map.of();

    /**
     * @param self this droplet (never a peer)
     * @param named {@code peer_droplet_id}: droplet ids by peer address
     * @param budget how long one look-up may take, all pages and rate-limit waits included
     */
    DoPeers(String instanceName, long self, List<InetAddress> peers, Map<InetAddress, Long> named, Pages pages,
            Duration budget) {
        this.instanceName = instanceName;
        this.self = self;
        this.addresses = peers.stream().map(InetAddress::getHostAddress).distinct().toList();
        Map<String, Long> n = new LinkedHashMap<>();
        named.forEach((a, id) -> n.put(a.getHostAddress(), id));
        this.named = Map.copyOf(n);
        this.pages = pages;
        this.budget = budget;
    }

    /** Whether a holder that is this droplet is a peer. */
    boolean isPeer(Long droplet) {
        return droplet != null && known.containsValue(droplet);
    }

    /** The droplet of the peer at {@code address}, when known. */
    Optional<Long> of(InetAddress address) {
        return Optional.ofNullable(known.get(address.getHostAddress()));
    }

    boolean isUnicastPeer(InetAddress address) {
        return addresses.contains(address.getHostAddress());
    }

    /**
     * The look-up at start. When the API did not answer the warm-up ({@code reachable} false), it is not tried again
     * now (start-up would wait for a second time-out) but in the background.
     */
    void start(boolean reachable) {
        if (reachable || addresses.stream().allMatch(named::containsKey)) {
            refresh();
        } else {
            retryLater();
        }
    }

    /** Looks every peer up now (start, reload); an error worth retrying is retried in the background. */
    void refresh() {
        if (!addresses.isEmpty() && !resolve()) {
            retryLater();
        }
    }

    /** One look-up of every peer; false when an error worth retrying left some peer unknown. */
    private boolean resolve() {
        synchronized (lock) {
            if (retry.closed()) {
                return true;
            }
            Map<String, Found> found = new LinkedHashMap<>();
            named.forEach((a, id) -> found.put(a, new Found(id, true, null, false)));
            List<String> wanted = addresses.stream().filter(a -> !named.containsKey(a)).toList();
            boolean retryable = false;
            if (!wanted.isEmpty()) {
                try {
                    found.putAll(lookUp(wanted));
                } catch (ProviderException e) {
                    retryable = e.retryable();
                    String m = e.getMessage();
                    String reason = m.startsWith("digitalocean: ") ? m.substring("digitalocean: ".length()) : m;
                    wanted.forEach(a -> found.put(a, new Found(null, false, reason, true)));
                } catch (RuntimeException e) {
                    // not an API answer (a client closed under it): never a reason to fail the start
                    String reason = "GET /v2/droplets failed (" + e + ")";
                    wanted.forEach(a -> found.put(a, new Found(null, false, reason, true)));
                }
            }
            Map<String, Long> next = new LinkedHashMap<>();
            for (String a : addresses) {
                Found f = found.get(a);
                Long before = known.get(a);
                if (f.failed() && before != null) {
                    next.put(a, before); // a failed call says nothing new; a clean "not found" forgets the peer
                    continue;
                }
                if (f.droplet() != null) {
                    next.put(a, f.droplet());
                }
                log(a, f);
            }
            known = Map.copyOf(next);
            return !retryable;
        }
    }

    /** The droplet list, page by page, until every address is placed or the list ends. */
    private Map<String, Found> lookUp(List<String> wanted) throws ProviderException {
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
        Map<String, Found> out = new LinkedHashMap<>();
        for (String a : wanted) {
            List<Long> droplets = candidates(matches.getOrDefault(a, List.of()), seenSelf, ourVpc);
            if (droplets.isEmpty()) {
                out.put(a, new Found(null, false, truncated
                        ? "no droplet among the first " + read * PER_PAGE + " has this IPv4 address"
                        : "no droplet has this IPv4 address" + (ourVpc == null ? "" : " (public, or private in this "
                                + "droplet's VPC)"), false));
            } else if (droplets.size() > 1) {
                out.put(a, new Found(null, false, droplets.size() + " droplets have this IPv4 address ("
                        + String.join(", ", droplets.stream().map(String::valueOf).toList()) + ")", false));
            } else if (droplets.getFirst() == self) {
                out.put(a, new Found(null, false, "it is an address of this droplet, " + self, false));
            } else {
                out.put(a, new Found(droplets.getFirst(), false, null, false));
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

    private void log(String address, Found f) {
        String line;
        Level level;
        if (f.droplet() != null) {
            level = Level.INFO;
            line = "VRRP_Instance(" + instanceName + ") digitalocean: peer " + address + " is droplet " + f.droplet()
                    + (f.named() ? " (from peer_droplet_id)" : "");
        } else {
            level = Level.WARNING;
            line = "VRRP_Instance(" + instanceName + ") digitalocean: cannot find peer " + address + " among the "
                    + "droplets (" + f.reason() + "): an IP found on it counts as a stranger's (taken back with "
                    + "backoff, never yielded to) and this node cannot hand the IP over to it (stepping down, it "
                    + "releases the IP instead); set floating_ip { peer_droplet_id ... } to name it";
        }
        if (!line.equals(logged.put(address, line))) {
            LOG.log(level, line);
        }
    }

    private void retryLater() {
        retry.start();
    }

    @Override
    public void close() {
        retry.close();
    }
}
