package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.config.FloatingIpBlocks;
import io.floatd.vrrp.config.FloatingIpSettings;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.UnicastPeer;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import io.floatd.vrrp.takeover.TakeoverSettings;
import io.floatd.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What an instance needs from the host, opened for {@link VrrpDaemon} before anything running is touched: its
 * source address, its endpoint (a socket and its receiver, shared by the instances with the same source, interface
 * and transport) and one provider per floating_ip block. Keeps the table of the endpoints in use.
 */
final class InstanceOpener {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    /**
     * @param udpPeers UDP only (else empty): the VRIDs of the instances on this socket, with their peers, for the
     *     protocol-112 mismatch watch (one socket serves many instances; the first one's alone is not enough)
     */
    record Endpoint(VrrpTransport transport, AdvertReceiver receiver, Map<Integer, Set<InetAddress>> udpPeers) {
    }

    record EndpointKey(InetAddress source, String interfaceName, io.floatd.vrrp.config.TransportSettings transport,
            boolean ah) {
    }

    /**
     * What an instance needs from the host, opened before anything running is touched: its source address, its
     * endpoint (found among the running ones, or opened: then it is in the batch it was opened for) and its provider.
     */
    record Opened(InstanceConfig config, InetAddress source, EndpointKey key, List<OpenedBlock> blocks) {
        /** Closes the providers built; one still being built is closed by its build ({@link #build}). */
        void closeProviders() {
            blocks.forEach(b -> {
                if (!b.provider().cancel(false)) {
                    b.provider().thenAccept(FloatingIpProvider::close);
                }
            });
        }

        /** Every block's provider, once all are built; null before (or when one could not be). */
        List<FloatingIpProvider> built() {
            return blocks.stream().allMatch(b -> b.provider().isDone() && !b.provider().isCompletedExceptionally())
                    ? blocks.stream().map(b -> b.provider().join()).toList() : null;
        }
    }

    /**
     * One floating_ip block, checked by {@link #open}, and its provider: built by {@link #open}, or later by
     * {@link ProviderBuilds} (at start, while the instance already runs).
     */
    record OpenedBlock(FloatingIpProviderFactory factory, ProviderContext context, TakeoverPolicy policy,
            String providerName, String label, String address,
            java.util.concurrent.CompletableFuture<FloatingIpProvider> provider) {
    }

    private final DaemonOptions options;
    private final VrrpLoop loop;
    private final DropCounters drops;
    private final Map<EndpointKey, Endpoint> endpoints = new LinkedHashMap<>();

    InstanceOpener(DaemonOptions options, VrrpLoop loop, DropCounters drops) {
        this.options = options;
        this.loop = loop;
        this.drops = drops;
    }

    /**
     * Opens what each instance needs, nothing running touched: an {@link Opened}, or the reason (a String) the host
     * cannot serve it now. Anything else closes what this call opened and is thrown.
     */
    List<Object> prepare(List<InstanceConfig> configs, Map<EndpointKey, Endpoint> batch, boolean buildNow)
            throws ProviderException {
        List<Object> out = new ArrayList<>();
        try {
            for (InstanceConfig ic : configs) {
                try {
                    out.add(open(ic, batch, buildNow));
                } catch (IOException e) {
                    out.add(reason(e));
                }
            }
            return out;
        } catch (ProviderException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            discard(out, batch);
            if (e instanceof Error error) {
                throw new IllegalStateException("internal error opening the instances: " + error, error);
            }
            throw e;
        }
    }

    /** Closes what {@link #prepare} opened, for a configuration that will not run. */
    void discard(List<Object> prepared, Map<EndpointKey, Endpoint> batch) {
        for (Object p : prepared) {
            if (p instanceof Opened o) {
                o.closeProviders();
            }
        }
        batch.values().forEach(e -> e.transport().close());
        batch.clear();
    }

    static String reason(Exception e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? io.floatd.vrrp.log.Failures.describe(e) : m) + privilegeHint(e);
    }

    /**
     * What to do when a socket or netlink call was refused for lack of privilege (EPERM, EACCES): raw IP-112 and
     * AF_PACKET sockets need CAP_NET_RAW, adding addresses and routes CAP_NET_ADMIN.
     */
    static String privilegeHint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.floatd.ffm.NativeException n
                    && (n.errno() == io.floatd.ffm.Libc.EPERM || n.errno() == io.floatd.ffm.Libc.EACCES)) {
                return " (floatd needs root, or the capabilities CAP_NET_RAW and CAP_NET_ADMIN: run it with sudo, or"
                        + " as the packaged unit does with AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN)";
            }
        }
        return "";
    }

    Opened open(InstanceConfig ic, Map<EndpointKey, Endpoint> batch) throws IOException, ProviderException {
        return open(ic, batch, true);
    }

    /**
     * @param buildNow build the providers now (else the caller has {@link ProviderBuilds} build them): the blocks'
     *     checks that need no I/O (provider known, routes, multicast, takeover keywords) are made now either way
     */
    Opened open(InstanceConfig ic, Map<EndpointKey, Endpoint> batch, boolean buildNow) throws IOException, ProviderException {
        InetAddress source = ic.unicastSrcIp() != null ? ic.unicastSrcIp()
                : ic.isMulticast() && ic.isIpv6() ? MulticastWiring.linkLocalSource(ic.interfaceName()) : interfaceAddress(ic);
        EndpointKey key = new EndpointKey(source, ic.interfaceName(), ic.transport(), AhWiring.usesAh(ic));
        Endpoint own = null;
        boolean shared;
        synchronized (endpoints) {
            shared = endpoints.containsKey(key) || batch.containsKey(key);
        }
        if (!shared) {
            Map<Integer, Set<InetAddress>> udpPeers = new java.util.concurrent.ConcurrentHashMap<>();
            VrrpTransport transport = openTransport(ic, source, udpPeers);
            own = new Endpoint(transport, new AdvertReceiver(transport, source, loop, drops), udpPeers);
            batch.put(key, own);
        }
        if (ic.isMulticast()) {
            joinGroup(ic, key, own, batch);
        }
        try {
            List<OpenedBlock> blocks = openBlocks(ic, source);
            if (buildNow) {
                build(blocks);
            }
            return new Opened(ic, source, key, blocks);
        } catch (ProviderException | RuntimeException e) {
            if (own != null) {
                batch.remove(key);
                own.transport().close();
            }
            throw e;
        }
    }

    /**
     * One floating_ip block per {@link TakeoverSettings#blocks}, checked, its provider not yet built; a block that
     * fails its checks is thrown, naming the block.
     */
    private List<OpenedBlock> openBlocks(InstanceConfig ic, InetAddress source) throws ProviderException {
        List<FloatingIpSettings> blocks = TakeoverSettings.blocks(ic);
        List<String> names = blocks.stream().map(b -> TakeoverSettings.providerName(b, options.providerOverride())).toList();
        List<OpenedBlock> out = new ArrayList<>();
        if (options.providerOverride() != null) {
            List<String> repeated = FloatingIpBlocks.duplicatesUnder(ic, options.providerOverride());
            if (!repeated.isEmpty()) {
                throw ProviderException.fatal(repeated.getFirst());
            }
        }
        if (!blocks.isEmpty()) {
            // virtual_routes go with the Linux VIP: fine when any block is linux-l2
            RoutesWiring.refuseOutsideLinux(ic, names.contains(RoutesWiring.LINUX_L2) ? RoutesWiring.LINUX_L2 : names.getFirst());
        }
        for (int k = 0; k < blocks.size(); k++) {
            FloatingIpSettings block = blocks.get(k);
            String name = names.get(k);
            FloatingIpProviderFactory factory = options.providers().find(name)
                    .orElseThrow(() -> ProviderException.fatal("VRRP_Instance(" + ic.name() + ") provider '" + name
                            + "' is not available in this build"));
            MulticastWiring.refuseInCloud(MulticastWiring.where(ic, block), ic, name, factory);
            TakeoverPolicy policy;
            try {
                policy = TakeoverSettings.policy(ic, block);
            } catch (IllegalArgumentException e) {
                throw ProviderException.fatal(e.getMessage());
            }
            ProviderContext ctx = new ProviderContext(ic.name(), ic.interfaceName(), ic.heldAddresses(), source,
                    ic.unicastPeers().stream().map(UnicastPeer::address).toList(), TakeoverSettings.providerSettings(block),
                    policy.attemptTimeout(), ic.virtualRoutes(), ic.virtualRules(), block.typed());
            out.add(new OpenedBlock(factory, ctx, policy, name, TakeoverSettings.label(ic, block),
                    TakeoverSettings.address(block, name), new java.util.concurrent.CompletableFuture<>()));
        }
        return out;
    }

    /**
     * Builds each block's provider ({@link FloatingIpProviderFactory#create}: a cloud's metadata, API and peer
     * checks), in order, and hands them to the blocks once all are built; one that cannot be built closes those built
     * before it and is thrown. A provider whose block was given up meanwhile ({@link Opened#closeProviders}) is closed.
     */
    static void build(List<OpenedBlock> blocks) throws ProviderException {
        List<FloatingIpProvider> made = new ArrayList<>();
        try {
            for (OpenedBlock b : blocks) {
                FloatingIpProvider created = b.factory().create(b.context());
                made.add(created);
                JitWarmUp.startFor(b.factory(), created);
            }
        } catch (ProviderException | RuntimeException e) {
            made.forEach(FloatingIpProvider::close);
            throw e;
        }
        for (int k = 0; k < blocks.size(); k++) {
            if (!blocks.get(k).provider().complete(made.get(k))) {
                made.get(k).close();
            }
        }
    }

    /** Joins a multicast instance's group on its endpoint; a failure closes the endpoint if this call opened it. */
    private void joinGroup(InstanceConfig ic, EndpointKey key, Endpoint own, Map<EndpointKey, Endpoint> batch) throws IOException {
        Endpoint endpoint = own;
        if (endpoint == null) {
            synchronized (endpoints) {
                endpoint = endpoints.containsKey(key) ? endpoints.get(key) : batch.get(key);
            }
        }
        try {
            endpoint.transport().joinGroup(ic.multicastGroup());
        } catch (IOException | RuntimeException e) {
            if (own != null) {
                batch.remove(key);
                own.transport().close();
            }
            throw e;
        }
    }

    /** Protocol 112 unless the instance has {@code transport { udp ... }}. */
    private VrrpTransport openTransport(InstanceConfig ic, InetAddress source, Map<Integer, Set<InetAddress>> udpPeers)
            throws IOException {
        if (AhWiring.usesAh(ic)) {
            return AhWiring.open(ic, source, drops);
        }
        if (!ic.transport().udp()) {
            return options.transports().open(source, ic.interfaceName());
        }
        LOG.log(Level.INFO, "VRRP_Instance({0}) sends VRRP over {1}", ic.name(), ic.transport());
        return options.udpTransports().open(source, ic.interfaceName(), ic.transport(), drops, udpPeers);
    }

    private static InetAddress interfaceAddress(InstanceConfig ic) throws IOException {
        try {
            NetworkInterface nif = NetworkInterface.getByName(ic.interfaceName());
            if (nif == null) {
                throw new IOException("interface " + ic.interfaceName() + " does not exist");
            }
            boolean v4 = !ic.isIpv6();
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if ((a instanceof Inet4Address) == v4 && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
            throw new IOException("interface " + ic.interfaceName()
                    + " has no " + (v4 ? "IPv4" : "IPv6") + " address: set unicast_src_ip");
        } catch (SocketException e) {
            throw new IOException("cannot read interface " + ic.interfaceName() + ": " + e.getMessage(), e);
        }
    }


    // ---- the endpoints in use ----

    /** The endpoint in use under {@code key}; null when there is none. */
    Endpoint endpoint(EndpointKey key) {
        synchronized (endpoints) {
            return endpoints.get(key);
        }
    }

    /**
     * Puts the endpoints {@link #prepare} opened in the table; {@code added} gets each one put in. One that a retry
     * opened while a reload did too is closed: the one in use stays.
     */
    void adopt(Map<EndpointKey, Endpoint> batch, Consumer<Endpoint> added) {
        synchronized (endpoints) {
            batch.forEach((key, endpoint) -> {
                if (endpoints.putIfAbsent(key, endpoint) != null) {
                    endpoint.transport().close();
                } else {
                    added.accept(endpoint);
                }
            });
        }
    }

    void forEachEndpoint(Consumer<Endpoint> action) {
        synchronized (endpoints) {
            endpoints.values().forEach(action);
        }
    }

    /**
     * An endpoint no instance uses any more (a reload changed its address, interface or transport, or removed its
     * instances) is closed: a UDP one holds its port, which the new settings may bind again, and any one holds a
     * socket and a receiving thread. {@code needed}: endpoints a reload is about to wire new instances to.
     */
    void closeUnused(Set<EndpointKey> needed, Predicate<Endpoint> inUse) {
        synchronized (endpoints) {
            endpoints.entrySet().removeIf(e -> {
                boolean unused = !needed.contains(e.getKey()) && !inUse.test(e.getValue());
                if (unused) {
                    e.getValue().receiver().stop();
                    e.getValue().transport().close();
                }
                return unused;
            });
        }
    }
}
