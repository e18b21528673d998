package io.floatd.vrrp.provider.testkit;

import io.floatd.testing.FaultMix;
import io.floatd.vrrp.provider.FloatingIpProvider;
import java.util.concurrent.TimeUnit;

/**
 * The conformance rig of a cloud whose floating IPs are assigned to numbered machines, written once: a
 * {@link ConformanceEndpoint} with this node, the peer and another machine on it, one of its floating IPs, and a real
 * provider made for this node on it.
 *
 * @param <K> how the endpoint names the floating IP
 */
public final class EndpointRig<K> implements ProviderConformance.Rig {
    private final ConformanceEndpoint<K> api;
    private final FloatingIpProvider provider;
    private final K ip;
    private final long self;
    private final long peer;
    private final long other;
    private final long settleMillis;

    /**
     * @param settleMillis how long {@link #settle()} waits at most for the requests in hand and the IP's running
     *     action (a late assign's action locks the IP for a while)
     */
    public EndpointRig(ConformanceEndpoint<K> api, FloatingIpProvider provider, K ip, long self, long peer, long other,
            long settleMillis) {
        this.api = api;
        this.provider = provider;
        this.ip = ip;
        this.self = self;
        this.peer = peer;
        this.other = other;
        this.settleMillis = settleMillis;
    }

    @Override
    public FloatingIpProvider provider() {
        return provider;
    }

    @Override
    public void faultMix(FaultMix mix) {
        api.faultMix(mix);
    }

    /** No request in hand and no action running. */
    @Override
    public void settle() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMillis);
        while ((api.inFlight() > 0 || api.locked(ip)) && System.nanoTime() - end < 0) {
            Thread.sleep(5);
        }
    }

    @Override
    public void giveToPeer() {
        api.assign(ip, peer);
    }

    @Override
    public void giveToSelf() {
        api.assign(ip, self);
    }

    @Override
    public void giveToOther() {
        api.assign(ip, other);
    }

    @Override
    public boolean heldBySelf() {
        return Long.valueOf(self).equals(api.holder(ip));
    }

    @Override
    public String selfId() {
        return String.valueOf(self);
    }

    @Override
    public String peerId() {
        return String.valueOf(peer);
    }

    @Override
    public String otherId() {
        return String.valueOf(other);
    }

    @Override
    public int requests() {
        return api.requests().size();
    }

    @Override
    public int writes() {
        return api.writes();
    }

    @Override
    public void close() {
        provider.close();
        api.close();
    }
}
