package io.floatd.vrrp.provider;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The {@code unicast_peer}s as a cloud knows them, the part every provider shares (issue 18: the aws and
 * digitalocean providers wrote it twice): for each peer address, the identity the cloud gives it (an instance, a
 * droplet, a server), named in the {@code floating_ip} block or found by the provider's look-up.
 *
 * <p>Never fails the start-up: a peer not found or a failed look-up is a warning saying what it means. A look-up
 * that failed keeps what was known of a peer (a clean "not found" forgets it); an error worth retrying is retried in
 * the background with backoff ({@link BackgroundRetry}); a reload looks every peer up again ({@link #refresh()}).
 * One log line per peer, and again only when it changes. One look-up runs at a time.
 *
 * <p>A provider's peers class extends this with its look-up ({@link #lookUp}) and, where the cloud knows more of a
 * named peer than the block says, {@link #namedDetail}.
 *
 * @param <I> the cloud's identity of a peer
 */
public abstract class PeerDirectory<I> implements AutoCloseable {
    /**
     * What a look-up says about one peer: its identity, or why there is none (then {@code identity} is null).
     *
     * @param named whether the identity comes from the block rather than a look-up
     * @param failed whether the call itself failed (what was known before is then kept)
     */
    public record Found<I>(I identity, boolean named, String reason, boolean failed) {
        public static <I> Found<I> of(I identity) {
            return new Found<>(identity, false, null, false);
        }

        public static <I> Found<I> none(String reason) {
            return new Found<>(null, false, reason, false);
        }
    }

    /**
     * How the provider's log lines read.
     *
     * @param provider the provider's name, which starts its messages ({@code aws}); stripped from a failure's reason
     * @param describe what a found peer is ({@code instance i-0abc (eni-0123)}), given whether it was named
     * @param where where a peer was looked for ({@code in the VPC}, {@code among the droplets})
     * @param call the call the look-up makes, for a failure that is not the cloud's answer
     * @param nameKeyword the keyword that names a peer by hand ({@code peer_instance_id})
     * @param logger the name of the provider's logger, which the lines go to
     */
    public record Wording<I>(String provider, BiFunction<I, Boolean, String> describe, String where, String call,
            String nameKeyword, String logger) {
    }

    private final String instanceName;
    private final List<String> addresses;
    private final Map<String, I> named;
    private final Wording<I> wording;
    private final Object lock = new Object();
    private final Map<String, String> logged = new HashMap<>();
    private final BackgroundRetry retry;
    private volatile Map<String, I> known = Map.of();

    /**
     * @param peers the {@code unicast_peer} addresses
     * @param named the peers the block names, by address
     */
    protected PeerDirectory(String instanceName, List<InetAddress> peers, Map<InetAddress, I> named,
            Wording<I> wording) {
        this.instanceName = instanceName;
        this.addresses = peers.stream().map(InetAddress::getHostAddress).distinct().toList();
        Map<String, I> n = new LinkedHashMap<>();
        named.forEach((a, id) -> n.put(a.getHostAddress(), id));
        this.named = Map.copyOf(n);
        this.wording = wording;
        this.retry = new BackgroundRetry(wording.provider() + "-peers-retry", this::resolve);
    }

    /**
     * The provider's look-up of the peers not named (addresses as {@link InetAddress#getHostAddress()} writes them).
     *
     * @throws ProviderException when the call fails (what was known is kept; a retryable one is retried)
     */
    protected abstract Map<String, Found<I>> lookUp(List<String> addresses) throws ProviderException;

    /**
     * What the cloud knows of the named peers beyond the block (their network interfaces), looked up with every
     * refresh; never fails: a named peer is known whatever it says. Empty (and never asked) by default.
     */
    protected Optional<Map<String, Found<I>>> namedDetail(List<String> addresses) {
        return Optional.empty();
    }

    /** Whether {@link #namedDetail} adds anything, so that a start without the cloud asks again later. */
    protected boolean detailsNamedPeers() {
        return false;
    }

    /** The identity of the peer at {@code address}, when known. */
    public Optional<I> of(InetAddress address) {
        return Optional.ofNullable(known.get(address.getHostAddress()));
    }

    /** Whether {@code identity} (a holder's) is a peer's. */
    public boolean isPeer(I identity) {
        return identity != null && known.containsValue(identity);
    }

    /**
     * The identity of {@code peer} for a hand-over of {@code what}, or a fatal error saying why not.
     *
     * @param kind what an identity is ({@code droplet}), for the message
     */
    public I handOverTarget(InetAddress peer, String what, String kind) throws ProviderException {
        return of(peer).orElseThrow(() -> ProviderException.fatal(wording.provider() + ": cannot hand " + what
                + " over to peer " + peer.getHostAddress() + ": " + (isUnicastPeer(peer)
                        ? "its " + kind + " is unknown (set floating_ip { " + wording.nameKeyword() + " ... })"
                        : "it is not a unicast_peer of " + instanceName)));
    }

    /** Every peer's identity known now. */
    public Collection<I> known() {
        return known.values();
    }

    /** Whether {@code address} is one of the {@code unicast_peer}s. */
    public boolean isUnicastPeer(InetAddress address) {
        return addresses.contains(address.getHostAddress());
    }

    /**
     * The look-up at start. When the cloud did not answer the warm-up ({@code reachable} false), it is not tried again
     * now (start-up would wait for a second time-out) but in the background; the named peers are known at once.
     */
    public void start(boolean reachable) {
        if (addresses.isEmpty()) {
            return;
        }
        if (reachable || !detailsNamedPeers() && addresses.stream().allMatch(named::containsKey)) {
            refresh();
            return;
        }
        synchronized (lock) {
            Map<String, I> next = new LinkedHashMap<>();
            named.forEach((a, id) -> {
                next.put(a, id);
                log(a, new Found<>(id, true, null, false));
            });
            known = Map.copyOf(next);
        }
        retry.start();
    }

    /** Looks every peer up now (start, reload); an error worth retrying is retried in the background. */
    public void refresh() {
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
            Map<String, Found<I>> found = new LinkedHashMap<>();
            named.forEach((a, id) -> found.put(a, new Found<>(id, true, null, false)));
            List<String> wanted = addresses.stream().filter(a -> !named.containsKey(a)).toList();
            boolean retryable = false;
            if (!wanted.isEmpty()) {
                try {
                    found.putAll(lookUp(wanted));
                } catch (ProviderException e) {
                    retryable = e.retryable();
                    String m = e.getMessage();
                    String prefix = wording.provider() + ": ";
                    String reason = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
                    wanted.forEach(a -> found.put(a, new Found<>(null, false, reason, true)));
                } catch (RuntimeException e) {
                    // not the cloud's answer (a client closed under it, a malformed reply): never a reason to fail
                    String reason = wording.call() + " failed (" + e + ")";
                    wanted.forEach(a -> found.put(a, new Found<>(null, false, reason, true)));
                }
            }
            if (!named.isEmpty()) {
                try {
                    namedDetail(List.copyOf(named.keySet())).ifPresent(found::putAll);
                } catch (RuntimeException e) {
                    // the named peers are known all the same
                }
            }
            known = Map.copyOf(merge(found));
            return !retryable;
        }
    }

    /** What is known after a look-up: a failed call says nothing new; a clean "not found" forgets the peer. */
    private Map<String, I> merge(Map<String, Found<I>> found) {
        Map<String, I> next = new LinkedHashMap<>();
        for (String a : addresses) {
            Found<I> f = found.get(a);
            I before = known.get(a);
            if (f.failed() && before != null) {
                next.put(a, before);
                continue;
            }
            if (f.identity() != null) {
                next.put(a, f.identity());
            }
            log(a, f);
        }
        return next;
    }

    private void log(String address, Found<I> f) {
        String line;
        System.Logger.Level level;
        if (f.identity() != null) {
            level = System.Logger.Level.INFO;
            line = "VRRP_Instance(" + instanceName + ") " + wording.provider() + ": peer " + address + " is "
                    + wording.describe().apply(f.identity(), f.named());
        } else {
            level = System.Logger.Level.WARNING;
            line = "VRRP_Instance(" + instanceName + ") " + wording.provider() + ": cannot find peer " + address + " "
                    + wording.where() + " (" + f.reason() + "): an IP found on it counts as a stranger's (taken back "
                    + "with backoff, never yielded to) and this node cannot hand the IP over to it (stepping down, it "
                    + "releases the IP instead); set floating_ip { " + wording.nameKeyword() + " ... } to name it";
        }
        if (!line.equals(logged.put(address, line))) {
            System.getLogger(wording.logger()).log(level, line);
        }
    }

    @Override
    public void close() {
        retry.close();
    }
}
