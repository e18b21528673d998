package io.floatd.vrrp.provider;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the providers of a cloud IP that moves between numbered machines share (digitalocean's droplets, hetzner's
 * servers): the peers' identities and their look-up, hand-over, the holder's classification, the call deadline, and
 * closing once.
 */
public abstract class CloudIpProvider implements FloatingIpProvider {
    protected final ProviderContext context;
    /** How long one operation (a read, an assign and its action, a rate-limit wait) may take in all. */
    protected final Duration actionTimeout;
    private boolean closed;

    protected CloudIpProvider(ProviderContext context, Duration actionTimeout) {
        this.context = context;
        this.actionTimeout = actionTimeout;
    }

    /** The peers' machines, named or looked up. */
    protected abstract PeerDirectory<Long> peerIds();

    /** What this provider moves and for which machine, for the start's log line. */
    protected abstract String describe();

    /** Closes the API client (once, after the peers' look-up). */
    protected abstract void closeApi();

    /** The peers' look-up at start, after the first read; {@code reachable}: whether the API answered it. */
    public void startPeers(boolean reachable) {
        peerIds().start(reachable);
    }

    /** The deadline ({@link System#nanoTime()}) of an operation starting now. */
    protected long deadline() {
        return System.nanoTime() + actionTimeout.toNanos();
    }

    /**
     * The holder {@code machine} (null: none) as this node sees it: this machine is SELF, a peer's (by
     * {@code peerByAddress}, or its identity among the peers') is PEER, another is OTHER.
     */
    protected Holder classify(Long machine, long self, boolean peerByAddress) {
        if (machine == null) {
            return Holder.nobody();
        }
        String who = String.valueOf(machine);
        if (machine == self) {
            return Holder.self(who);
        }
        return peerByAddress || peerIds().isPeer(machine) ? Holder.peer(who) : Holder.other(who);
    }

    /** What to check when the token is refused: the block's {@code token_file}, else the variable {@code env}. */
    protected static String tokenHint(Path tokenFile, String env) {
        return tokenFile != null ? "token_file " + tokenFile : env;
    }

    @Override
    public boolean handsOver() {
        return true;
    }

    @Override
    public void refreshPeers() {
        peerIds().refresh();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            peerIds().close();
            closeApi();
        }
    }
}
