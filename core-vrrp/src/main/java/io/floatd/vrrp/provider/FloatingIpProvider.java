package io.floatd.vrrp.provider;

/**
 * Moves one configured IP (or the set of VIPs of one instance) to this node or away from it.
 * Calls may block on the network; the engine never calls them from the VRRP loop.
 */
public interface FloatingIpProvider extends AutoCloseable {

    /** Who holds the IP now, as the provider's source of truth says. */
    Holder holder() throws ProviderException;

    /** Makes this node the holder. Idempotent: when this node already holds it, nothing is written. */
    void acquire() throws ProviderException;

    /**
     * {@link #acquire()} right after the caller read the holder with {@link #holder()} and found {@code seen}
     * (never SELF: then there is nothing to do). A cloud provider may skip its own read and send the write at
     * once: each read is a round trip between entering MASTER and the IP moving. That is safe because the write
     * is itself idempotent for this node (EC2 AllowReassociation, a DigitalOcean assign answered 422 when already
     * done) and the caller re-reads on every retry (then {@code seen} is null). The default reads again.
     *
     * @param seen the holder the caller read just before, or null when it has not read
     */
    default void acquire(Holder seen) throws ProviderException {
        acquire();
    }

    /** Gives the IP up, but only if this node still holds it; another node's hold is never removed. */
    void release() throws ProviderException;

    /**
     * Called when the instance starts as Backup: removes what an earlier run of this node left behind and no
     * other node can rely on (a Linux VIP after a crash). A hold that the peer could be relying on, such as a
     * cloud IP, is left alone; the default does nothing.
     *
     * @return whether anything was removed
     */
    default boolean clearStale() throws ProviderException {
        return false;
    }

    /**
     * Whether leaving Master releases the IP when the configuration does not say ({@code floating_ip { release }}).
     * A Linux VIP must go (two nodes answering ARP for it is a fault); a cloud IP may stay where it is until the
     * next Master takes it, which saves a call and a gap.
     */
    default boolean releasesByDefault() {
        return false;
    }

    /**
     * Whether {@link #acquire()} itself finds out, locally and cheaply, what is already held and writes only the
     * rest (a Linux VIP: one netlink dump). The orchestrator then skips its own holder read before acquiring,
     * one step less between entering MASTER and the first gratuitous ARP. Cloud providers say no: their holder
     * read is what keeps an already-held IP from costing a write call.
     */
    default boolean acquireChecksHolder() {
        return false;
    }

    /**
     * Whether this provider can move the IP from this node straight to a peer ({@link #handOver}): it knows, or can
     * find out, the peers' cloud identities. The takeover machine then hands the IP over when this node, Master and
     * holding it, steps down because it heard a higher-priority Master: that Master may never hear this node again
     * (a partition that heals one direction first) and would otherwise not know the IP is on a Backup.
     */
    default boolean handsOver() {
        return false;
    }

    /**
     * Moves the IP, which the caller has just read on this node, to the peer whose {@code unicast_peer} address is
     * {@code peer}. A peer whose cloud identity is unknown is a fatal {@link ProviderException} naming it.
     */
    default void handOver(java.net.InetAddress peer) throws ProviderException {
        throw ProviderException.fatal("this provider cannot move the IP to a peer");
    }

    /**
     * Looks the peers' cloud identities up again: called on SIGHUP for an instance whose settings did not change, so
     * its provider was kept (a peer replaced or moved since start is then known again). Called off the VRRP loop;
     * may block on the network; reports what it found in the log and never throws. The default does nothing.
     */
    default void refreshPeers() {
    }

    /** Frees sockets and clients; never throws. */
    @Override
    default void close() {
    }
}
