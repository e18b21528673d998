package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.AdvertCheck;
import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.GlobalDefs;
import io.floatd.vrrp.config.InitialState;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.NotifyScripts;
import io.floatd.vrrp.config.UnicastPeer;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpParams;
import io.floatd.vrrp.fsm.VrrpStateMachine;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.notify.NotifyHooks;
import io.floatd.vrrp.notify.RunAs;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import io.floatd.vrrp.takeover.TakeoverRehearsal;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import io.floatd.vrrp.takeover.TakeoverSettings;
import io.floatd.vrrp.track.Tracking;
import io.floatd.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One running floatd: every configured instance with its socket, state machine, notify hooks and provider,
 * around a single VRRP loop. Built from a validated configuration; {@link #shutdown} stops it gracefully.
 */
public final class VrrpDaemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    private static final long SHUTDOWN_STEP_MILLIS = 5000;

    /** One instance and what serves it. */
    public record Instance(InstanceConfig config, InetAddress source, InstanceRunner runner,
            TakeoverOrchestrator takeover) {
    }

    /**
     * @param udpPeers UDP only (else empty): the VRIDs of the instances on this socket, with their peers, for the
     *     protocol-112 mismatch watch (one socket serves many instances; the first one's alone is not enough)
     */
    private record Endpoint(VrrpTransport transport, AdvertReceiver receiver, Map<Integer, Set<InetAddress>> udpPeers) {
    }

    private record EndpointKey(InetAddress source, String interfaceName, io.floatd.vrrp.config.TransportSettings transport) {
    }

    /** What connects one instance to the shared parts, so a reload can take it out again. */
    private record Wiring(Endpoint endpoint, java.util.concurrent.atomic.AtomicBoolean active, Tracking tracking) {
    }

    private final VrrpLoop loop;
    private final NotifyDispatcher notify;
    private final DropCounters drops = new DropCounters();
    private final DaemonOptions options;
    private final List<Instance> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Wiring> wiring = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each instance's provider, for what a reload asks of a kept one ({@link FloatingIpProvider#refreshPeers}). */
    private final Map<String, FloatingIpProvider> providers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<EndpointKey, Endpoint> endpoints = new LinkedHashMap<>();
    private final List<Tracking> trackings = new ArrayList<>();
    private volatile boolean started;
    private volatile boolean stopped;
    private FloatdConfig config;
    /** notify_fifo and state_file; null when not configured. */
    private StateReporter reporter;
    /** script_user: who notify scripts run as; null for floatd's own user. */
    private RunAs scriptUser;

    private VrrpDaemon(DaemonOptions options) {
        this.options = options;
        this.loop = new VrrpLoop(options.clock());
        this.notify = new NotifyDispatcher(options.notifyTimeout());
    }

    /** Opens every socket and provider; on any failure closes what was opened and throws. */
    public static VrrpDaemon create(FloatdConfig config, DaemonOptions options) throws IOException, ProviderException {
        VrrpDaemon daemon = new VrrpDaemon(options);
        try {
            daemon.config = config;
            daemon.reporter = StateReporter.create(config);
            GlobalDefs g = config.global();
            // the parser has checked the user; a failure here means it was removed since
            daemon.scriptUser = g.scriptUser() == null ? null : RunAs.lookUp(g.scriptUser(), g.scriptGroup());
            for (InstanceConfig ic : config.instances()) {
                daemon.addInstance(ic, options);
            }
            return daemon;
        } catch (IOException | ProviderException | RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    private void addInstance(InstanceConfig ic, DaemonOptions options) throws IOException, ProviderException {
        InetAddress source = ic.unicastSrcIp() != null ? ic.unicastSrcIp() : interfaceAddress(ic);
        EndpointKey key = new EndpointKey(source, ic.interfaceName(), ic.transport());
        Endpoint endpoint;
        synchronized (endpoints) {
            endpoint = endpoints.get(key);
            if (endpoint == null) {
                Map<Integer, Set<InetAddress>> udpPeers = new java.util.concurrent.ConcurrentHashMap<>();
                VrrpTransport transport = openTransport(ic, source, options, udpPeers);
                endpoint = new Endpoint(transport, new AdvertReceiver(transport, source, loop, drops), udpPeers);
                endpoints.put(key, endpoint);
                if (started) {
                    startReceiver(endpoint);
                }
            }
        }
        if (ic.transport().udp()) {
            endpoint.udpPeers().put(ic.virtualRouterId(),
                    ic.unicastPeers().stream().map(UnicastPeer::address).collect(java.util.stream.Collectors.toUnmodifiableSet()));
        }
        VrrpParams params = new VrrpParams(ic.name(), ic.version(), ic.priority(), ic.advertIntervalCentis(),
                ic.preempt(), ic.preemptDelay().toNanos(), source, ic.initialState() == InitialState.MASTER);
        UnicastAdvertSender sender = new UnicastAdvertSender(ic, endpoint.transport(), source);
        sender.warmUp();
        InstanceRunner runner = new InstanceRunner(new VrrpStateMachine(params), sender, options.clock());
        endpoint.receiver().listen(ic.virtualRouterId(), new AdvertReceiver.Listener(runner, new AdvertCheck(expectations(ic))));

        // the takeover first: the cloud write is what the failover is for, and the notify listener reads its gate
        TakeoverOrchestrator takeover = takeover(ic, source, options,
                event -> loop.post(() -> runner.handle(event)));
        if (takeover != null) {
            runner.addListener(takeover);
        }
        NotifyScripts ns = ic.notifyScripts();
        NotifyHooks hooks = new NotifyHooks(ns.any(), ns.master(), ns.backup(), ns.fault(), ns.stop(), scriptUser,
                ic.scriptEnv());
        runner.addListener(takeover != null
                ? new NotifyOnTransition(notify, hooks, takeover::takeoverSettled)
                : new NotifyOnTransition(notify, hooks));
        if (reporter != null) {
            runner.addListener(reporter);
        }
        instances.add(new Instance(ic, source, runner, takeover));
        wiring.put(ic.name(), new Wiring(endpoint, new java.util.concurrent.atomic.AtomicBoolean(true), null));
    }

    /** Protocol 112 unless the instance has {@code transport { udp ... }}. */
    private VrrpTransport openTransport(InstanceConfig ic, InetAddress source, DaemonOptions options,
            Map<Integer, Set<InetAddress>> udpPeers) throws IOException {
        if (!ic.transport().udp()) {
            return options.transports().open(source, ic.interfaceName());
        }
        LOG.log(Level.INFO, "VRRP_Instance({0}) sends VRRP over {1}", ic.name(), ic.transport());
        return options.udpTransports().open(source, ic.interfaceName(), ic.transport(), drops, udpPeers);
    }

    private static AdvertCheck.Expectations expectations(InstanceConfig ic) {
        List<AdvertCheck.Peer> peers = ic.unicastPeers().stream()
                .map(p -> new AdvertCheck.Peer(p.address(), p.minTtl(), p.maxTtl()))
                .toList();
        boolean pass = ic.version() == 2 && ic.authentication() != null;
        return new AdvertCheck.Expectations(ic.version(), ic.virtualRouterId(), peers,
                pass ? AuthType.PASS : AuthType.NONE, pass ? ic.authentication().password().reveal() : null,
                ic.advertIntervalCentis());
    }

    private TakeoverOrchestrator takeover(InstanceConfig ic, InetAddress source, DaemonOptions options,
            java.util.function.Consumer<VrrpEvent> events) throws ProviderException {
        Optional<String> name = providerName(ic, options);
        if (name.isEmpty()) {
            return null;
        }
        FloatingIpProviderFactory factory = options.providers().find(name.get())
                .orElseThrow(() -> ProviderException.fatal("VRRP_Instance(" + ic.name() + ") provider '" + name.get()
                        + "' is not available in this build"));
        TakeoverPolicy policy;
        try {
            policy = TakeoverSettings.policy(ic);
        } catch (IllegalArgumentException e) {
            throw ProviderException.fatal(e.getMessage());
        }
        ProviderContext ctx = new ProviderContext(ic.name(), ic.interfaceName(), ic.virtualAddresses(), source,
                ic.unicastPeers().stream().map(UnicastPeer::address).toList(), TakeoverSettings.providerSettings(ic),
                policy.attemptTimeout());
        FloatingIpProvider provider = factory.create(ctx);
        providers.put(ic.name(), provider);
        LOG.log(Level.INFO, "VRRP_Instance({0}) moves its IP with the {1} provider{2}", ic.name(), name.get(),
                options.dryRun() ? " (dry run: nothing will be changed)" : "");
        TakeoverRehearsal.rehearseOnce(options.clock());
        return new TakeoverOrchestrator(ic.name(), provider, options.clock(), options.dryRun(),
                policy, events, ic.garp());
    }

    private static Optional<String> providerName(InstanceConfig ic, DaemonOptions options) {
        return TakeoverSettings.providerName(ic, options.providerOverride());
    }

    /**
     * What {@code floatd check} can say about each instance's provider without opening anything: the provider
     * exists in this build, its keywords and values are valid, the shared floating_ip keywords are valid.
     *
     * @return one {@code file:line: message} line per problem
     */
    public static List<String> checkProviders(FloatdConfig config, String providerOverride, DaemonOptions.ProviderLookup providers) {
        List<String> problems = new ArrayList<>();
        for (InstanceConfig ic : config.instances()) {
            Optional<String> name = TakeoverSettings.providerName(ic, providerOverride);
            if (name.isEmpty()) {
                continue;
            }
            String where = ic.floatingIp().isEmpty() ? ic.file() + ":" + ic.line() : ic.floatingIp().file() + ":" + ic.floatingIp().line();
            try {
                TakeoverSettings.policy(ic);
                FloatingIpProviderFactory factory = providers.find(name.get()).orElseThrow(() -> ProviderException.fatal(
                        "provider '" + name.get() + "' is not available in this build"));
                factory.validate(new ProviderContext(ic.name(), ic.interfaceName(), ic.virtualAddresses(), ic.unicastSrcIp(),
                        ic.unicastPeers().stream().map(UnicastPeer::address).toList(), TakeoverSettings.providerSettings(ic)));
            } catch (ProviderException e) {
                problems.add(where + ": vrrp_instance " + ic.name() + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    private static InetAddress interfaceAddress(InstanceConfig ic) throws IOException {
        try {
            NetworkInterface nif = NetworkInterface.getByName(ic.interfaceName());
            if (nif == null) {
                throw new IOException("VRRP_Instance(" + ic.name() + ") interface " + ic.interfaceName() + " does not exist");
            }
            boolean v4 = !ic.isIpv6();
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if ((a instanceof Inet4Address) == v4 && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
            throw new IOException("VRRP_Instance(" + ic.name() + ") interface " + ic.interfaceName()
                    + " has no " + (v4 ? "IPv4" : "IPv6") + " address: set unicast_src_ip");
        } catch (SocketException e) {
            throw new IOException("VRRP_Instance(" + ic.name() + ") cannot read interface " + ic.interfaceName() + ": " + e.getMessage(), e);
        }
    }

    /** Starts the loop, the receivers, and every instance (each enters BACKUP, or MASTER as address owner). */
    public void start() {
        started = true;
        loop.start();
        launch(instances);
        synchronized (endpoints) {
            endpoints.values().forEach(this::startReceiver);
        }
    }

    private void startReceiver(Endpoint e) {
        Thread.ofPlatform().name("vrrp-rx").daemon(true).start(e.receiver());
    }

    /**
     * Puts instances on the loop and starts their tracking. Tracking sends each instance's starting point
     * (effective priority, FAULT, then Startup) before anything else reaches it, so a node whose check already
     * fails goes INIT -> FAULT and never starts a master-down timer; a weight-0 script with no result yet holds
     * Startup back until its first result, as in keepalived.
     */
    private void launch(List<Instance> group) {
        for (Instance i : group) {
            if (i.takeover() != null) {
                i.takeover().warmUp();
            }
        }
        Tracking tracking = new Tracking(group.stream().map(Instance::config).toList());
        synchronized (trackings) {
            trackings.add(tracking);
        }
        for (Instance i : group) {
            Wiring w = wiring.get(i.config().name());
            wiring.put(i.config().name(), new Wiring(w.endpoint(), w.active(), tracking));
            loop.post(() -> loop.add(i.runner()));
            // a reload may take the instance out while its checks still report: those reports then go nowhere
            tracking.bind(i.config(), event -> {
                if (w.active().get()) {
                    loop.post(() -> i.runner().handle(event));
                }
            });
        }
        tracking.start();
    }

    /**
     * SIGHUP: applies a new, already validated configuration. Instances whose settings are unchanged keep
     * running untouched (a Master stays Master: no priority-0 advert, no address removed); changed ones stop
     * as on shutdown and start again with the new settings; removed ones stop; new ones start. A change in
     * global_defs restarts every instance. A failure to set up a new instance leaves the others running and is
     * reported.
     *
     * @return one line saying what was done
     */
    public synchronized String reload(FloatdConfig next) throws IOException, ProviderException {
        boolean globalChanged = !next.global().equals(config.global());
        Map<String, InstanceConfig> wanted = new LinkedHashMap<>();
        next.instances().forEach(ic -> wanted.put(ic.name(), ic));
        List<Instance> stopping = new ArrayList<>();
        List<FloatingIpProvider> keptProviders = new ArrayList<>();
        int kept = 0;
        for (Instance i : instances) {
            InstanceConfig n = wanted.get(i.config().name());
            if (n != null && n.equals(i.config()) && !globalChanged) {
                kept++;
                wanted.remove(n.name());
                Optional.ofNullable(providers.get(n.name())).ifPresent(keptProviders::add);
            } else {
                stopping.add(i);
            }
        }
        int restarted = (int) stopping.stream().filter(i -> wanted.containsKey(i.config().name())).count();
        int removed = stopping.size() - restarted;
        stopInstances(stopping);
        if (globalChanged) {
            if (reporter != null) {
                reporter.close();
            }
            reporter = StateReporter.create(next);
        }
        config = next;
        List<Instance> fresh = new ArrayList<>();
        for (InstanceConfig ic : wanted.values()) {
            addInstance(ic, options);
            fresh.add(instances.getLast());
        }
        launch(fresh);
        refreshPeers(keptProviders);
        return String.format("%d unchanged, %d restarted, %d added, %d removed", kept, restarted,
                fresh.size() - restarted, removed);
    }

    /**
     * A kept provider looks its peers up again (one may have been replaced since start), on a virtual thread of its
     * own: a cloud API call has no place on the VRRP loop or in the reload's reply.
     */
    private static void refreshPeers(List<FloatingIpProvider> kept) {
        for (FloatingIpProvider p : kept) {
            Thread.ofVirtual().name("refresh-peers").start(() -> {
                try {
                    p.refreshPeers();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "refreshing the peers of {0} failed: {1}", p, e.toString());
                }
            });
        }
    }

    private void stopInstances(List<Instance> group) {
        if (group.isEmpty()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        for (Instance i : group) {
            Wiring w = wiring.get(i.config().name());
            w.active().set(false);
            w.endpoint().receiver().unlisten(i.config().virtualRouterId(), i.runner());
            w.endpoint().udpPeers().remove(i.config().virtualRouterId());
            loop.post(() -> {
                i.runner().handle(new VrrpEvent.Shutdown());
                loop.remove(i.runner());
            });
        }
        loop.post(done::countDown);
        try {
            done.await(SHUTDOWN_STEP_MILLIS, TimeUnit.MILLISECONDS);
            for (Instance i : group) {
                if (i.takeover() != null) {
                    i.takeover().drain(SHUTDOWN_STEP_MILLIS);
                    i.takeover().close();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        instances.removeAll(group);
        group.forEach(i -> {
            wiring.remove(i.config().name());
            providers.remove(i.config().name());
        });
        closeUnusedTrackings();
        closeUnusedUdpEndpoints();
    }

    /**
     * A UDP endpoint holds its port: once no instance uses it (a reload changed its transport or key, or removed
     * it), it is closed so that the new settings can bind the port again. Raw endpoints stay, as before.
     */
    private void closeUnusedUdpEndpoints() {
        synchronized (endpoints) {
            endpoints.entrySet().removeIf(e -> {
                boolean unused = e.getKey().transport().udp()
                        && wiring.values().stream().noneMatch(w -> w.endpoint() == e.getValue());
                if (unused) {
                    e.getValue().receiver().stop();
                    e.getValue().transport().close();
                }
                return unused;
            });
        }
    }

    private void closeUnusedTrackings() {
        synchronized (trackings) {
            trackings.removeIf(t -> {
                boolean used = wiring.values().stream().anyMatch(w -> w.tracking() == t);
                if (!used) {
                    t.close();
                }
                return !used;
            });
        }
    }

    /**
     * Planned maintenance ({@code floatd handover}): each named instance (all when {@code instance} is null)
     * that is Master resigns with priority 0, so the peer takes over after Skew_Time and the IP follows; it then
     * stays Backup until {@link #resume}.
     *
     * @return the instances it applied to; empty when none is named so
     */
    public List<String> handover(String instance) {
        return postTo(instance, new VrrpEvent.Handover());
    }

    /** Ends a {@link #handover}: the instances take part in the election again. */
    public List<String> resume(String instance) {
        return postTo(instance, new VrrpEvent.Resume());
    }

    private List<String> postTo(String instance, VrrpEvent event) {
        List<String> names = new ArrayList<>();
        for (Instance i : instances) {
            if (instance == null || instance.equals(i.config().name())) {
                names.add(i.config().name());
                loop.post(() -> i.runner().handle(event));
            }
        }
        return names;
    }

    public List<Instance> instances() {
        return List.copyOf(instances);
    }

    public DropCounters drops() {
        return drops;
    }

    public NotifyDispatcher notifyDispatcher() {
        return notify;
    }

    /** The tracking of an instance (its scripts, links and files); null before {@link #start()}. */
    public Tracking tracking(String instance) {
        Wiring w = wiring.get(instance);
        return w == null ? null : w.tracking();
    }

    /** What writes notify_fifo and state_file, or empty when the configuration has neither. */
    public Optional<StateReporter> stateReporter() {
        return Optional.ofNullable(reporter);
    }

    public VrrpLoop loop() {
        return loop;
    }

    /**
     * Graceful stop: each Master sends priority 0 (the peer takes over after Skew_Time), providers release
     * what this node holds, notify hooks run STOP, then sockets close. Each step is bounded.
     */
    public void shutdown() {
        if (stopped) {
            return;
        }
        stopped = true;
        CountDownLatch sent = new CountDownLatch(1);
        for (Instance i : instances) {
            loop.post(() -> i.runner().handle(new VrrpEvent.Shutdown()));
        }
        loop.post(sent::countDown);
        try {
            if (!sent.await(SHUTDOWN_STEP_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "the VRRP loop did not process the shutdown in time");
            }
            for (Instance i : instances) {
                if (i.takeover() != null) {
                    i.takeover().drain(SHUTDOWN_STEP_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        stopped = true;
        synchronized (trackings) {
            trackings.forEach(Tracking::close);
            trackings.clear();
        }
        synchronized (endpoints) {
            endpoints.values().forEach(e -> e.receiver().stop());
        }
        loop.close();
        if (reporter != null) {
            reporter.close();
        }
        notify.close();
        for (Instance i : instances) {
            if (i.takeover() != null) {
                i.takeover().close();
            }
        }
        synchronized (endpoints) {
            endpoints.values().forEach(e -> e.transport().close());
        }
    }

    /** Waits until the loop has processed everything posted so far (for tests and status snapshots). */
    public boolean sync(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        loop.post(done::countDown);
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
