package io.floatd.provider.aws;

import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;

/**
 * The providers whose move is decided from a read and kept until the next write (secondary IPv6, route table): the
 * holder is that read's; {@link #acquire(Holder)} after the orchestrator's read sends the writes decided from it, and
 * a hand-over writes from it while it still finds this node the holder.
 *
 * @param <R> what one read found
 */
abstract sealed class EniMoveProvider<R extends EniMoveProvider.Reading> extends EniProvider
        permits SecondaryIpv6Provider, RouteTableProvider {
    /** What a read found: who holds the address. */
    interface Reading {
        Holder holder();
    }

    /** What the last read found, or null: a write after it is sent only for the holder it gave. */
    protected volatile R last;

    EniMoveProvider(AwsSettings settings, ProviderContext context, String instanceId, String primaryEni,
                    String metadataVpc, SharedEc2Client client, AwsErrors errors) {
        super(settings, context, instanceId, primaryEni, metadataVpc, client, errors);
    }

    /** One read (remembered in {@link #last}). */
    abstract R read() throws ProviderException;

    /** Sends what the read {@code r} calls for to bring the address to {@code target} ({@code peer}: a hand-over). */
    abstract void write(R r, String target, InetAddress peer) throws ProviderException;

    /** What the address is, for the hand-over's error. */
    abstract String what();

    @Override
    public Holder holder() throws ProviderException {
        ensureEni();
        return read().holder();
    }

    @Override
    public synchronized void acquire() throws ProviderException {
        ensureEni();
        write(read(), eni, null);
    }

    /** With the holder just read by the caller: the writes at once, decided from what that read found. */
    @Override
    public synchronized void acquire(Holder seen) throws ProviderException {
        R r = last;
        if (seen == null || seen.isSelf() || eni == null || r == null || !seen.equals(r.holder())) {
            acquire();
            return;
        }
        write(r, eni, null);
    }

    /** The writes to the peer's ENI, from the last read while it finds this node the holder, else a new one. */
    @Override
    public synchronized void handOver(InetAddress peer) throws ProviderException {
        String theirs = handOverEni(peer, what()).eni();
        R r = last;
        if (r == null || !r.holder().isSelf()) {
            r = read();
        }
        write(r, theirs, peer);
    }
}
