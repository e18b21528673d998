package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.AdvertCheck;
import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.FloatingIpBlocks;
import io.floatd.vrrp.config.FloatingIpSettings;
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
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import io.floatd.vrrp.takeover.TakeoverRehearsal;
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
import java.util.Comparator;
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
 *
 * <p>An instance that cannot be opened for a reason of the host (its interface is missing or has no address, its
 * socket cannot be bound) is not left out and does not stop the others: it is shown in FAULT with the reason
 * ({@link #startFailure}), its notify_fault runs, and it is opened again off the VRRP loop with a backoff
 * ({@link #RETRY_FIRST_MILLIS} doubling to {@link #RETRY_MAX_MILLIS}) until it runs. {@link #healthy()} is false
 * meanwhile.
 */
public final class VrrpDaemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    private static final long SHUTDOWN_STEP_MILLIS = 5000;
    /** The first retry of an instance that could not start; each next one waits twice as long, up to the maximum. */
    static final long RETRY_FIRST_MILLIS = 500;
    static final long RETRY_MAX_MILLIS = 5000;

    /** One instance and what serves it: one {@link BlockTakeover} per floating_ip block (none: nothing moves). */
    public record Instance(InstanceConfig config, InetAddress source, InstanceRunner runner,
            List<BlockTakeover> takeovers) {
        public Instance {
            takeovers = List.copyOf(takeovers);
        }
    }

    /**
     * @param udpPeers UDP only (else empty): the VRIDs of the instances on this socket, with their peers, for the
     *     protocol-112 mismatch watch (one socket serves many instances; the first one's alone is not enough)
     */
    private record Endpoint(VrrpTransport transport, AdvertReceiver receiver, Map<Integer, Set<InetAddress>> udpPeers) {
    }

    private record EndpointKey(InetAddress source, String interfaceName, io.floatd.vrrp.config.TransportSettings transport,
            boolean ah) {
    }

    /** What connects one instance to the shared parts, so a reload can take it out again. */
    private record Wiring(Endpoint endpoint, java.util.concurrent.atomic.AtomicBoolean active, Tracking tracking) {
    }

    /**
     * What an instance needs from the host, opened before anything running is touched: its source address, its
     * endpoint (found among the running ones, or opened: then it is in the batch it was opened for) and its provider.
     */
    private record Opened(InstanceConfig config, InetAddress source, EndpointKey key, List<OpenedBlock> blocks) {
        void closeProviders() {
            blocks.forEach(b -> b.provider().close());
        }
    }

    /** One floating_ip block's provider, made by {@link #open}. */
    private record OpenedBlock(FloatingIpProvider provider, TakeoverPolicy policy, String providerName, String label,
            String address) {
    }

    /** An instance that could not start: shown in FAULT by {@code placeholder}, opened again until it runs. */
    private static final class Failed {
        final InstanceConfig config;
        final Instance placeholder;
        volatile String reason;
        volatile int attempts = 1;
        long delayMillis = RETRY_FIRST_MILLIS;
        java.util.concurrent.ScheduledFuture<?> next;

        Failed(InstanceConfig config, Instance placeholder, String reason) {
            this.config = config;
            this.placeholder = placeholder;
            this.reason = reason;
        }
    }

    private final VrrpLoop loop;
    private final NotifyDispatcher notify;
    private final DropCounters drops = new DropCounters();
    private final DaemonOptions options;
    private final List<Instance> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Wiring> wiring = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each instance's providers, for what a reload asks of a kept one ({@link FloatingIpProvider#refreshPeers}). */
    private final Map<String, List<FloatingIpProvider>> providers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<EndpointKey, Endpoint> endpoints = new LinkedHashMap<>();
    private final List<Tracking> trackings = new ArrayList<>();
    /** Instances that could not start, by name; each is in {@link #instances} as its placeholder. */
    private final Map<String, Failed> failed = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService retries = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("instance-retry").daemon(true).factory());
    private volatile boolean started;
    private volatile boolean stopped;
    private FloatdConfig config;
    /** notify_fifo and state_file; null when not configured. Replaced by a reload; read on the loop. */
    private volatile StateReporter reporter;
    /** Every runner reports through this, so a reload can replace the reporter under running instances. */
    private final TransitionListener toReporter = new TransitionListener() {
        @Override
        public void onTransition(Transition t) {
            StateReporter r = reporter;
            if (r != null) {
                r.onTransition(t);
            }
            for (TransitionListener o : observers) {
                o.onTransition(t);
            }
        }

        @Override
        public void onHeldChanged(String instance, boolean held) {
            StateReporter r = reporter;
            if (r != null) {
                r.onHeldChanged(instance, held);
            }
        }

        @Override
        public void onPriorityChanged(String instance, io.floatd.vrrp.fsm.VrrpState state, int priority) {
            StateReporter r = reporter;
            if (r != null) {
                r.onPriorityChanged(instance, state, priority);
            }
        }
    };
    /** {@link #observe}: every instance's transitions, whichever configuration (and reload) made the instance. */
    private final List<TransitionListener> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** script_user: who notify scripts run as; null for floatd's own user. */
    private RunAs scriptUser;
    /** vrrp_sync_group: the members of each group move together. */
    private final SyncGroups syncGroups;

    private VrrpDaemon(DaemonOptions options) {
        this.options = options;
        this.loop = new VrrpLoop(options.clock());
        this.notify = new NotifyDispatcher(options.notifyTimeout());
        this.syncGroups = new SyncGroups(loop, notify, () -> reporter);
    }

    /**
     * Opens every socket and provider. An instance the host cannot serve yet (an {@link IOException}: interface,
     * address, socket) starts in FAULT and is retried; anything else (a provider that cannot be made) closes what
     * was opened and is thrown.
     */
    public static VrrpDaemon create(FloatdConfig config, DaemonOptions options) throws IOException, ProviderException {
        VrrpDaemon daemon = new VrrpDaemon(options);
        try {
            daemon.config = config;
            daemon.reporter = StateReporter.create(config);
            GlobalDefs g = config.global();
            // the parser has checked the user; a failure here means it was removed since
            daemon.scriptUser = g.scriptUser() == null ? null : RunAs.lookUp(g.scriptUser(), g.scriptGroup());
            Map<EndpointKey, Endpoint> batch = new LinkedHashMap<>();
            List<Object> prepared = daemon.prepare(config.instances(), batch);
            daemon.instances.addAll(daemon.commit(config.instances(), prepared, batch));
            daemon.applySyncGroups(config);
            return daemon;
        } catch (ProviderException | RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    /**
     * Opens what each instance needs, nothing running touched: an {@link Opened}, or the reason (a String) the host
     * cannot serve it now. Anything else closes what this call opened and is thrown.
     */
    private List<Object> prepare(List<InstanceConfig> configs, Map<EndpointKey, Endpoint> batch)
            throws ProviderException {
        List<Object> out = new ArrayList<>();
        try {
            for (InstanceConfig ic : configs) {
                try {
                    out.add(open(ic, batch));
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
    private void discard(List<Object> prepared, Map<EndpointKey, Endpoint> batch) {
        for (Object p : prepared) {
            if (p instanceof Opened o) {
                o.closeProviders();
            }
        }
        batch.values().forEach(e -> e.transport().close());
        batch.clear();
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? "unexpected " + e.getClass().getSimpleName() : m) + privilegeHint(e);
    }

    /**
     * What to do when a socket or netlink call was refused for lack of privilege (EPERM, EACCES): raw IP-112 and
     * AF_PACKET sockets need CAP_NET_RAW, adding addresses and routes CAP_NET_ADMIN.
     */
    static String privilegeHint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.floatd.vrrp.transport.internal.NativeException n
                    && (n.errno() == io.floatd.vrrp.transport.internal.Libc.EPERM || n.errno() == io.floatd.vrrp.transport.internal.Libc.EACCES)) {
                return " (floatd needs root, or the capabilities CAP_NET_RAW and CAP_NET_ADMIN: run it with sudo, or"
                        + " as the packaged unit does with AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN)";
            }
        }
        return "";
    }

    private Opened open(InstanceConfig ic, Map<EndpointKey, Endpoint> batch) throws IOException, ProviderException {
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
            VrrpTransport transport = openTransport(ic, source, options, udpPeers);
            own = new Endpoint(transport, new AdvertReceiver(transport, source, loop, drops), udpPeers);
            batch.put(key, own);
        }
        if (ic.isMulticast()) {
            joinGroup(ic, key, own, batch);
        }
        try {
            return new Opened(ic, source, key, openBlocks(ic, source));
        } catch (ProviderException | RuntimeException e) {
            if (own != null) {
                batch.remove(key);
                own.transport().close();
            }
            throw e;
        }
    }

    /**
     * One provider per floating_ip block ({@link TakeoverSettings#blocks}); a block that cannot be made closes those
     * made before it and is thrown, naming the block.
     */
    private List<OpenedBlock> openBlocks(InstanceConfig ic, InetAddress source) throws ProviderException {
        List<FloatingIpSettings> blocks = TakeoverSettings.blocks(ic);
        List<String> names = blocks.stream().map(b -> TakeoverSettings.providerName(b, options.providerOverride())).toList();
        List<OpenedBlock> out = new ArrayList<>();
        try {
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
                        policy.attemptTimeout(), ic.virtualRoutes(), ic.virtualRules());
                FloatingIpProvider created = factory.create(ctx);
                JitWarmUp.startFor(factory, created);
                out.add(new OpenedBlock(created, policy, name, TakeoverSettings.label(ic, block),
                        TakeoverSettings.address(block, name)));
            }
            return out;
        } catch (ProviderException | RuntimeException e) {
            out.forEach(b -> b.provider().close());
            throw e;
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

    /**
     * Puts prepared instances in, in configuration order: each {@link Opened} is wired, each reason becomes a FAULT
     * placeholder that is retried. Nothing here fails for the host's sake: the I/O was done by {@link #prepare}.
     */
    private List<Instance> commit(List<InstanceConfig> configs, List<Object> prepared, Map<EndpointKey, Endpoint> batch) {
        synchronized (endpoints) {
            batch.forEach((key, endpoint) -> {
                if (endpoints.putIfAbsent(key, endpoint) != null) {
                    // a retry opened it while a reload did too: the one in use stays
                    endpoint.transport().close();
                } else if (started) {
                    startReceiver(endpoint);
                }
            });
        }
        List<Instance> out = new ArrayList<>();
        for (int k = 0; k < configs.size(); k++) {
            InstanceConfig ic = configs.get(k);
            Instance i = null;
            String why = prepared.get(k) instanceof String reason ? reason : null;
            if (prepared.get(k) instanceof Opened o) {
                try {
                    i = wire(o);
                } catch (RuntimeException e) {
                    // a bug: this instance waits in FAULT, the others go on
                    LOG.log(Level.ERROR, "VRRP_Instance(" + ic.name() + ") internal error while starting: " + e, e);
                    wiring.remove(ic.name());
                    if (providers.remove(ic.name()) == null) {
                        o.closeProviders();
                    }
                    why = "internal error: " + e;
                }
            }
            if (i == null) {
                i = placeholder(ic);
                failed.put(ic.name(), new Failed(ic, i, why));
                LOG.log(Level.ERROR, "VRRP_Instance({0}) cannot start: {1}; it stays in FAULT and is retried", ic.name(), why);
            }
            out.add(i);
        }
        return out;
    }

    /** Connects an opened instance to its endpoint, the loop, its takeover, notify and the reporter. */
    private Instance wire(Opened o) {
        InstanceConfig ic = o.config();
        InetAddress source = o.source();
        Endpoint endpoint;
        synchronized (endpoints) {
            endpoint = endpoints.get(o.key());
        }
        if (ic.transport().udp()) {
            endpoint.udpPeers().put(ic.virtualRouterId(),
                    ic.unicastPeers().stream().map(UnicastPeer::address).collect(java.util.stream.Collectors.toUnmodifiableSet()));
        }
        var ahSequence = AhWiring.register(endpoint.transport(), ic);
        UnicastAdvertSender sender = new UnicastAdvertSender(ic, endpoint.transport(), source);
        sender.warmUp();
        InstanceRunner runner = new InstanceRunner(new VrrpStateMachine(params(ic, source)), sender, options.clock());
        endpoint.receiver().listen(ic.virtualRouterId(), new AdvertReceiver.Listener(runner, new AdvertCheck(expectations(ic)),
                ic.isMulticast() ? ic.multicastGroup() : null, MulticastWiring.addressCheck(ic)));
        AhWiring.resetOnMaster(ahSequence, runner);

        // the takeovers first: the cloud writes are what the failover is for, and the notify listener reads their gates
        List<BlockTakeover> takeovers = new ArrayList<>();
        if (!o.blocks().isEmpty()) {
            providers.put(ic.name(), o.blocks().stream().map(OpenedBlock::provider).toList());
            TakeoverRehearsal.rehearseOnce(options.clock());
        }
        for (OpenedBlock b : o.blocks()) {
            LOG.log(Level.INFO, "VRRP_Instance({0}) moves {1} with the {2} provider{3}", ic.name(),
                    o.blocks().size() == 1 ? "its IP" : b.address(), b.providerName(),
                    options.dryRun() ? " (dry run: nothing will be changed)" : "");
            // each block on threads of its own: none waits for another's provider
            TakeoverOrchestrator takeover = new TakeoverOrchestrator(b.label(), b.provider(), options.clock(),
                    options.dryRun(), b.policy(), event -> loop.post(() -> runner.handle(event)), ic.garp());
            runner.addListener(takeover);
            takeovers.add(new BlockTakeover(b.address(), b.providerName(), takeover));
        }
        NotifyScripts ns = ic.notifyScripts();
        NotifyHooks hooks = ScriptUsers.hooks(ns, scriptUser, ic.scriptEnv());
        List<BlockTakeover> all = List.copyOf(takeovers);
        runner.addListener(!all.isEmpty()
                ? new NotifyOnTransition(notify, hooks, () -> BlockTakeover.allSettled(all))
                : new NotifyOnTransition(notify, hooks));
        runner.addListener(toReporter);
        wiring.put(ic.name(), new Wiring(endpoint, new java.util.concurrent.atomic.AtomicBoolean(true), null));
        return new Instance(ic, source, runner, all);
    }

    private static VrrpParams params(InstanceConfig ic, InetAddress source) {
        return new VrrpParams(ic.name(), ic.version(), ic.priority(), ic.advertIntervalCentis(),
                ic.preempt(), ic.preemptDelay().toNanos(), source, ic.initialState() == InitialState.MASTER);
    }

    /**
     * What stands for an instance that could not start: a state machine that is put in FAULT and sends nothing,
     * with the instance's notify hooks (notify_fault runs, as for any FAULT) and the reporter.
     */
    private Instance placeholder(InstanceConfig ic) {
        InetAddress address = ic.unicastSrcIp() != null ? ic.unicastSrcIp() : anyAddress(ic.isIpv6());
        InstanceRunner runner = new InstanceRunner(new VrrpStateMachine(params(ic, address)), priority -> { }, options.clock());
        NotifyScripts ns = ic.notifyScripts();
        runner.addListener(new NotifyOnTransition(notify,
                ScriptUsers.hooks(ns, scriptUser, null)));
        runner.addListener(toReporter);
        return new Instance(ic, address, runner, List.of());
    }

    private static InetAddress anyAddress(boolean ipv6) {
        try {
            return InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Protocol 112 unless the instance has {@code transport { udp ... }}. */
    private VrrpTransport openTransport(InstanceConfig ic, InetAddress source, DaemonOptions options,
            Map<Integer, Set<InetAddress>> udpPeers) throws IOException {
        if (AhWiring.usesAh(ic)) {
            return AhWiring.open(ic, source, drops);
        }
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
        boolean pass = ic.version() == 2 && ic.authentication() != null && !AhWiring.usesAh(ic);
        return new AdvertCheck.Expectations(ic.version(), ic.virtualRouterId(), peers,
                pass ? AuthType.PASS : AhWiring.usesAh(ic) ? AuthType.AH : AuthType.NONE, pass ? ic.authentication().password().reveal() : null,
                ic.advertIntervalCentis());
    }

    /**
     * What {@code floatd check} can say about each instance's providers without opening anything, block by block:
     * the provider exists in this build, its keywords and values are valid, the shared floating_ip keywords are valid.
     *
     * @return one {@code file:line: message} line per problem, each at its block's file:line
     */
    public static List<String> checkProviders(FloatdConfig config, String providerOverride, DaemonOptions.ProviderLookup providers) {
        return config.instances().stream()
                .flatMap(ic -> ProviderChecks.problems(ic, providerOverride, providers).stream())
                .map(ConfigError::toString)
                .toList();
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

    /** Starts the loop, the receivers, and every instance (each enters BACKUP, or MASTER as address owner). */
    public synchronized void start() {
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
     * Startup back until its first result, as in keepalived. A placeholder goes INIT -> FAULT with its reason, and
     * its retry is scheduled.
     */
    private void launch(List<Instance> group) {
        List<Instance> running = new ArrayList<>();
        for (Instance i : group) {
            Failed f = failed.get(i.config().name());
            if (f != null && f.placeholder == i) {
                loop.post(() -> {
                    loop.add(i.runner());
                    toMember(i, new VrrpEvent.FaultRaised("cannot start: " + f.reason));
                });
                scheduleRetry(f);
            } else {
                running.add(i);
            }
        }
        if (running.isEmpty()) {
            return;
        }
        for (Instance i : running) {
            i.takeovers().forEach(b -> b.orchestrator().warmUp());
        }
        Tracking tracking = new Tracking(running.stream().map(Instance::config).toList());
        synchronized (trackings) {
            trackings.add(tracking);
        }
        for (Instance i : running) {
            Wiring w = wiring.get(i.config().name());
            wiring.put(i.config().name(), new Wiring(w.endpoint(), w.active(), tracking));
            loop.post(() -> loop.add(i.runner()));
            // a reload may take the instance out while its checks still report: those reports then go nowhere
            tracking.bind(i.config(), event -> {
                if (w.active().get()) {
                    loop.post(() -> toMember(i, event));
                }
            });
        }
        tracking.start();
    }

    // ---- vrrp_sync_group ----

    /** Each group's driver, attached to its members' runners before they start (see {@link SyncGroups#apply}). */
    private void applySyncGroups(FloatdConfig c) {
        Map<String, InstanceRunner> runners = new java.util.HashMap<>();
        instances.forEach(i -> runners.put(i.config().name(), i.runner()));
        syncGroups.apply(c.syncGroups(), runners, scriptUser);
    }

    /** An event of an instance's tracking (or start-up failure), through its sync group if it has one; on the loop. */
    private void toMember(Instance i, VrrpEvent event) {
        if (!syncGroups.route(i.config().name(), i.runner(), event)) {
            i.runner().handle(event);
        }
    }

    private InstanceConfig configOf(String name) {
        return instances.stream().filter(i -> i.config().name().equals(name)).findFirst().map(Instance::config).orElse(null);
    }

    // ---- instances that could not start ----

    private void scheduleRetry(Failed f) {
        if (stopped) {
            return;
        }
        long delay = f.delayMillis;
        f.delayMillis = Math.min(f.delayMillis * 2, RETRY_MAX_MILLIS);
        try {
            f.next = retries.schedule(() -> retry(f), delay, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** On the retry thread: opens the instance again; once it opens, it replaces its placeholder. */
    private void retry(Failed f) {
        String name = f.config.name();
        if (stopped || failed.get(name) != f) {
            return;
        }
        Map<EndpointKey, Endpoint> batch = new LinkedHashMap<>();
        Opened o;
        try {
            o = open(f.config, batch);
        } catch (IOException | ProviderException | RuntimeException e) {
            f.attempts++;
            String why = reason(e);
            if (!why.equals(f.reason)) {
                LOG.log(Level.WARNING, "VRRP_Instance({0}) still cannot start: {1}; retrying", name, why);
            }
            f.reason = why;
            scheduleRetry(f);
            return;
        }
        synchronized (this) {
            if (stopped || failed.get(name) != f) {
                discard(List.of(o), batch);
                return;
            }
            failed.remove(name);
            InstanceRunner stale = f.placeholder.runner();
            loop.post(() -> loop.remove(stale));
            List<Object> prepared = new ArrayList<>();
            prepared.add(o);
            Instance real = commit(List.of(f.config), prepared, batch).getFirst();
            int at = instances.indexOf(f.placeholder);
            if (at >= 0) {
                instances.set(at, real);
            } else {
                instances.add(real);
            }
            syncGroups.replaceMember(name, real.runner());
            launch(List.of(real));
            LOG.log(Level.INFO, "VRRP_Instance({0}) started after {1} attempt(s)", name, String.valueOf(f.attempts + 1));
        }
    }

    /**
     * Why {@code instance} is not running, when it could not start (it shows FAULT meanwhile): {@code cannot start:
     * REASON (tried N times, retrying)}; empty when it runs.
     */
    public Optional<String> startFailure(String instance) {
        Failed f = failed.get(instance);
        return f == null ? Optional.empty()
                : Optional.of("cannot start: " + f.reason + " (tried " + f.attempts + " time" + (f.attempts == 1 ? "" : "s")
                        + ", retrying)");
    }

    /** The VRRP loop runs and every configured instance is running (none is waiting to start): what /healthz says. */
    public boolean healthy() {
        return loop.alive() && failed.isEmpty();
    }

    /**
     * SIGHUP: applies a new, already validated configuration, completely or not at all.
     *
     * <p>First, with nothing running touched, everything the new configuration needs is opened: each new or changed
     * instance's interface address, socket and provider. If a provider cannot be made (or anything unexpected
     * fails), what was opened is closed and the exception thrown: the running instances, their sockets and the
     * reporter are as they were. Then the change is made: instances whose settings are unchanged keep running
     * untouched (a Master stays Master: no priority-0 advert, no address removed); changed ones stop as on shutdown
     * and start again with the new settings; removed ones stop; new ones start. A change in global_defs restarts
     * every instance, except for notify_fifo and state_file, which, like an instance's own state_file, only change
     * where states are written. An instance the host cannot serve (its interface is missing: an {@link IOException}
     * while opening it, also after the old instances stopped) is in FAULT with its reason and retried, as at start.
     *
     * @return one line saying what was done
     */
    public synchronized String reload(FloatdConfig next) throws IOException, ProviderException {
        FloatdConfig previous = config;
        GlobalDefs g = next.global();
        boolean globalChanged = !g.equalsExceptOutputs(previous.global());
        RunAs nextScriptUser;
        try {
            nextScriptUser = g.scriptUser() == null ? null : RunAs.lookUp(g.scriptUser(), g.scriptGroup());
        } catch (IllegalArgumentException e) {
            throw ProviderException.fatal("global_defs: script_user: " + e.getMessage());
        }
        Map<String, InstanceConfig> wanted = new LinkedHashMap<>();
        next.instances().forEach(ic -> wanted.put(ic.name(), ic));
        Map<String, InstanceConfig> starting = new LinkedHashMap<>(wanted);
        List<Instance> stopping = new ArrayList<>();
        List<FloatingIpProvider> keptProviders = new ArrayList<>();
        int kept = 0;
        Set<String> withGroups = SyncGroups.restartedWithGroups(previous, next, instances.stream().map(i -> i.config().name())
                .filter(name -> wanted.get(name) == null || globalChanged || failed.containsKey(name)
                        || !wanted.get(name).equalsExceptStateFile(configOf(name)))
                .collect(java.util.stream.Collectors.toSet()));
        for (Instance i : instances) {
            InstanceConfig n = wanted.get(i.config().name());
            // an instance waiting to start is opened again at once: the reload may be what fixed it
            if (n != null && !globalChanged && !failed.containsKey(n.name()) && n.equalsExceptStateFile(i.config())
                    && !withGroups.contains(n.name())) {
                kept++;
                starting.remove(n.name());
                Optional.ofNullable(providers.get(n.name())).ifPresent(keptProviders::addAll);
            } else {
                stopping.add(i);
            }
        }
        int restarted = (int) stopping.stream().filter(i -> wanted.containsKey(i.config().name())).count();
        int removed = stopping.size() - restarted;

        // 1. open, nothing running touched; a failure here leaves everything as it was
        Map<EndpointKey, Endpoint> batch = new LinkedHashMap<>();
        List<InstanceConfig> toStart = List.copyOf(starting.values());
        List<Object> prepared = prepare(toStart, batch);

        // 2. apply
        Set<EndpointKey> needed = new java.util.HashSet<>();
        prepared.forEach(p -> {
            if (p instanceof Opened o) {
                needed.add(o.key());
            }
        });
        stopInstances(stopping, needed);
        config = next;
        scriptUser = nextScriptUser;
        for (int k = 0; k < toStart.size(); k++) {
            if (prepared.get(k) instanceof String) {
                // once more now that the old instances are gone: one of them may have held what it needs (a UDP port)
                try {
                    prepared.set(k, open(toStart.get(k), batch));
                } catch (IOException | ProviderException | RuntimeException e) {
                    prepared.set(k, reason(e));
                }
            }
        }
        // a kept instance takes its new configuration, which differs at most in its state_file
        instances.replaceAll(i -> new Instance(wanted.get(i.config().name()), i.source(), i.runner(), i.takeovers()));
        List<Instance> fresh = commit(toStart, prepared, batch);
        instances.addAll(fresh);
        Map<String, Integer> order = new java.util.HashMap<>();
        wanted.keySet().forEach(name -> order.put(name, order.size()));
        instances.sort(Comparator.comparingInt(i -> order.get(i.config().name())));
        applySyncGroups(next);
        launch(fresh);
        if (!previous.instances().equals(next.instances()) || !previous.global().equals(g)) {
            replaceReporter(next);
        }
        refreshPeers(keptProviders);
        String done = String.format("%d unchanged, %d restarted, %d added, %d removed", kept, restarted,
                fresh.size() - restarted, removed);
        List<String> down = fresh.stream().map(i -> i.config().name()).filter(failed::containsKey)
                .map(n -> n + " " + startFailure(n).orElse("")).toList();
        return down.isEmpty() ? done : done + "; in FAULT: " + String.join("; ", down);
    }

    /**
     * A new reporter for the new configuration's notify_fifo and state files, seeded with every instance's state as
     * it is now, swapped in on the loop (where transitions are reported) so that none is lost or written twice.
     */
    private void replaceReporter(FloatdConfig next) {
        Runnable swap = () -> {
            Map<String, StateReporter.Current> now = new LinkedHashMap<>();
            java.time.Instant wall = java.time.Instant.now();
            long nanos = options.clock().nanoTime();
            for (Instance i : instances) {
                InstanceRunner r = i.runner();
                now.put(i.config().name(), new StateReporter.Current(r.state().state(), r.state().effectivePriority(),
                        wall.minusNanos(Math.max(0, nanos - r.enteredStateAt())), r.state().maintenance()));
            }
            StateReporter old = reporter;
            reporter = StateReporter.create(next, now);
            if (old != null) {
                Thread.ofVirtual().name("state-report-close").start(old::close);
            }
        };
        if (!started) {
            swap.run();
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        loop.post(() -> {
            try {
                swap.run();
            } finally {
                done.countDown();
            }
        });
        try {
            done.await(SHUTDOWN_STEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** Stops {@code group}; then closes the endpoints no instance uses any more, except those in {@code needed}. */
    private void stopInstances(List<Instance> group, Set<EndpointKey> needed) {
        List<Instance> running = new ArrayList<>();
        for (Instance i : group) {
            Failed f = failed.get(i.config().name());
            if (f != null && f.placeholder == i) {
                // it never ran: taken out without a STOP
                failed.remove(i.config().name());
                if (f.next != null) {
                    f.next.cancel(false);
                }
                loop.post(() -> loop.remove(i.runner()));
                instances.remove(i);
            } else {
                running.add(i);
            }
        }
        if (running.isEmpty()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        for (Instance i : running) {
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
            drainAll(running, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        instances.removeAll(running);
        running.forEach(i -> {
            wiring.remove(i.config().name());
            providers.remove(i.config().name());
        });
        closeUnusedTrackings();
        closeUnusedEndpoints(needed);
    }

    /**
     * An endpoint no instance uses any more (a reload changed its address, interface or transport, or removed its
     * instances) is closed: a UDP one holds its port, which the new settings may bind again, and any one holds a
     * socket and a receiving thread. {@code needed}: endpoints a reload is about to wire new instances to.
     */
    private void closeUnusedEndpoints(Set<EndpointKey> needed) {
        synchronized (endpoints) {
            endpoints.entrySet().removeIf(e -> {
                boolean unused = !needed.contains(e.getKey())
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


    /**
     * Adds a listener of every instance's state changes, the instances of later reloads included. Called on the
     * VRRP loop: the listener hands its work to its own thread and returns at once.
     */
    public void observe(TransitionListener listener) {
        observers.add(java.util.Objects.requireNonNull(listener));
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
            syncGroups.stop();
            drainAll(instances, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        stopped = true;
        retries.shutdownNow();
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
            i.takeovers().forEach(b -> b.orchestrator().close());
        }
        synchronized (endpoints) {
            endpoints.values().forEach(e -> e.transport().close());
        }
    }

    /**
     * Waits until every block of {@code group} has nothing left to do (a release on stop), all at once: each block
     * drains on a thread of its own, so the whole wait is one {@link #SHUTDOWN_STEP_MILLIS}, not one per block.
     */
    private static void drainAll(List<Instance> group, boolean close) throws InterruptedException {
        List<Thread> drains = new ArrayList<>();
        for (Instance i : group) {
            for (BlockTakeover b : i.takeovers()) {
                drains.add(Thread.ofVirtual().name("drain-" + i.config().name()).start(() -> {
                    try {
                        b.orchestrator().drain(SHUTDOWN_STEP_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (close) {
                        b.orchestrator().close();
                    }
                }));
            }
        }
        for (Thread t : drains) {
            t.join(SHUTDOWN_STEP_MILLIS + 1000);
        }
    }

    /** Waits until the loop has processed everything posted so far (for tests and status snapshots). */
    public boolean sync(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        loop.post(done::countDown);
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
