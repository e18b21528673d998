package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.GlobalDefs;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.track.Tracking;
import io.floatd.vrrp.runtime.InstanceOpener.Endpoint;
import io.floatd.vrrp.runtime.InstanceOpener.EndpointKey;
import io.floatd.vrrp.runtime.InstanceOpener.Opened;
import io.floatd.vrrp.runtime.InstanceWiring.Wiring;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
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
 * ({@link StartRetries}) until it runs. {@link #healthy()} is false meanwhile.
 *
 * <p>The parts, each in a file of its own: {@link InstanceOpener} opens what an instance needs from the host and
 * keeps the shared endpoints; {@link InstanceWiring} connects an opened instance to the loop, its takeovers, notify
 * and the {@link Reporting}; {@link StartRetries} retries the instances that could not start; {@link ReloadPlan}
 * decides what a reload keeps, restarts, adds and removes; {@link ProviderChecks} is {@code floatd check}'s look at
 * the providers. This class holds the instances and runs start, reload and shutdown.
 */
public final class VrrpDaemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    private static final long SHUTDOWN_STEP_MILLIS = 5000;

    /** One instance and what serves it: one {@link BlockTakeover} per floating_ip block (none: nothing moves). */
    public record Instance(InstanceConfig config, InetAddress source, InstanceRunner runner,
            List<BlockTakeover> takeovers) {
        public Instance {
            takeovers = List.copyOf(takeovers);
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
    private final List<Tracking> trackings = new ArrayList<>();
    private final InstanceOpener opener;
    private final InstanceWiring instanceWiring;
    /** Instances that could not start; each is in {@link #instances} as its placeholder. */
    private final StartRetries retries;
    private volatile boolean started;
    private volatile ProviderBuilds builds = ProviderBuilds.none();
    private volatile boolean stopped;
    private FloatdConfig config;
    /** notify_fifo, state_file and the observers: every runner reports through this. */
    private final Reporting reporting = new Reporting();
    /** script_user: who notify scripts run as; null for floatd's own user. */
    private RunAs scriptUser;
    /** vrrp_sync_group: the members of each group move together. */
    private final SyncGroups syncGroups;

    private VrrpDaemon(DaemonOptions options) {
        this.options = options;
        this.loop = new VrrpLoop(options.clock());
        this.notify = new NotifyDispatcher(options.notifyTimeout());
        this.syncGroups = new SyncGroups(loop, notify, reporting::reporter);
        this.opener = new InstanceOpener(options, loop, drops);
        this.instanceWiring = new InstanceWiring(options, loop, notify, reporting, providers, wiring);
        this.retries = new StartRetries(() -> stopped, opener::open, this::replacePlaceholder);
    }

    /**
     * Opens every socket and provider. An instance the host cannot serve yet (an {@link IOException}: interface,
     * address, socket) starts in FAULT and is retried; anything else (a provider that cannot be made) closes what
     * was opened and is thrown.
     */
    public static VrrpDaemon create(FloatdConfig config, DaemonOptions options) throws IOException, ProviderException {
        return create(config, options, true);
    }

    /**
     * As {@link #create}, but the providers are built in the background ({@link ProviderBuilds}), so the instances
     * can {@link #start} without waiting for a cloud's metadata and API: only the checks that need no I/O are made
     * here. {@link #awaitProviders} then says whether every provider could be built.
     */
    public static VrrpDaemon createBuildingProviders(FloatdConfig config, DaemonOptions options)
            throws IOException, ProviderException {
        return create(config, options, false);
    }

    private static VrrpDaemon create(FloatdConfig config, DaemonOptions options, boolean buildNow)
            throws IOException, ProviderException {
        VrrpDaemon daemon = new VrrpDaemon(options);
        try {
            daemon.config = config;
            daemon.reporting.start(StateReporter.create(config));
            GlobalDefs g = config.global();
            // the parser has checked the user; a failure here means it was removed since
            daemon.scriptUser = g.scriptUser() == null ? null : RunAs.lookUp(g.scriptUser(), g.scriptGroup());
            Map<EndpointKey, Endpoint> batch = new LinkedHashMap<>();
            List<Object> prepared = daemon.opener.prepare(config.instances(), batch, buildNow);
            daemon.instances.addAll(daemon.commit(config.instances(), prepared, batch));
            daemon.builds = buildNow ? ProviderBuilds.none() : ProviderBuilds.of(prepared, daemon.providers);
            daemon.applySyncGroups(config);
            return daemon;
        } catch (ProviderException | RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    /**
     * Puts prepared instances in, in configuration order: each {@link Opened} is wired, each reason becomes a FAULT
     * placeholder that is retried. Nothing here fails for the host's sake: the I/O was done by {@link InstanceOpener#prepare}.
     */
    private List<Instance> commit(List<InstanceConfig> configs, List<Object> prepared, Map<EndpointKey, Endpoint> batch) {
        opener.adopt(batch, endpoint -> {
            if (started) {
                startReceiver(endpoint);
            }
        });
        List<Instance> out = new ArrayList<>();
        for (int k = 0; k < configs.size(); k++) {
            InstanceConfig ic = configs.get(k);
            Instance i = null;
            String why = prepared.get(k) instanceof String reason ? reason : null;
            if (prepared.get(k) instanceof Opened o) {
                try {
                    i = instanceWiring.wire(o, opener.endpoint(o.key()), scriptUser);
                } catch (RuntimeException e) {
                    // a bug: this instance waits in FAULT, the others go on
                    LOG.log(Level.ERROR, "VRRP_Instance(" + ic.name() + ") internal error while starting: " + io.floatd.vrrp.log.Failures.describe(e), e);
                    wiring.remove(ic.name());
                    if (providers.remove(ic.name()) == null) {
                        o.closeProviders();
                    }
                    why = "internal error: " + e;
                }
            }
            if (i == null) {
                i = instanceWiring.placeholder(ic, scriptUser);
                retries.add(ic, i, why);
                LOG.log(Level.ERROR, "VRRP_Instance({0}) cannot start: {1}; it stays in FAULT and is retried", ic.name(), why);
            }
            out.add(i);
        }
        return out;
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

    /** Starts the loop, the receivers, and every instance (each enters BACKUP, or MASTER as address owner). */
    public synchronized void start() {
        started = true;
        loop.start();
        launch(instances);
        opener.forEachEndpoint(this::startReceiver);
        loop.post(builds::begin); // behind the instances' start: their first adverts go first
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
            StartRetries.Failed f = retries.placeholderOf(i);
            if (f != null) {
                loop.post(() -> {
                    loop.add(i.runner());
                    toMember(i, new VrrpEvent.FaultRaised("cannot start: " + f.reason));
                });
                retries.schedule(f);
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

    // ---- instances that could not start ----

    /** On the retry thread: {@code f}'s instance opened; it takes its placeholder's place, unless a reload took it out. */
    private synchronized void replacePlaceholder(StartRetries.Failed f, Opened o, Map<EndpointKey, Endpoint> batch) {
        String name = f.config.name();
        if (stopped || !retries.current(f)) {
            opener.discard(List.of(o), batch);
            return;
        }
        retries.remove(f);
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

    /**
     * Why {@code instance} is not running, when it could not start (it shows FAULT meanwhile): {@code cannot start:
     * REASON (tried N times, retrying)}; empty when it runs.
     */
    public Optional<String> startFailure(String instance) {
        return retries.startFailure(instance);
    }

    /** The VRRP loop runs and every configured instance is running (none is waiting to start): what /healthz says. */
    public boolean healthy() {
        return loop.alive() && retries.none() && !builds.failed();
    }

    /**
     * Waits until the providers of {@link #createBuildingProviders} are built (at most the longest takeover
     * deadline); throws what the first that could not be built threw, as {@link #create} would have.
     */
    public void awaitProviders() throws ProviderException, InterruptedException {
        builds.await();
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
        RunAs nextScriptUser = scriptUser(next.global());
        ReloadPlan plan = ReloadPlan.of(previous, next, instances, retries::waiting, providers);

        // 1. open, nothing running touched; a failure here leaves everything as it was
        Map<EndpointKey, Endpoint> batch = new LinkedHashMap<>();
        List<InstanceConfig> toStart = plan.toStart();
        List<Object> prepared = opener.prepare(toStart, batch, true);

        // 2. apply
        Set<EndpointKey> needed = new java.util.HashSet<>();
        prepared.forEach(p -> {
            if (p instanceof Opened o) {
                needed.add(o.key());
            }
        });
        stopInstances(plan.stopping(), needed);
        config = next;
        scriptUser = nextScriptUser;
        openAgain(toStart, prepared, batch);
        // a kept instance takes its new configuration, which differs at most in its state_file
        instances.replaceAll(i -> new Instance(plan.wanted().get(i.config().name()), i.source(), i.runner(), i.takeovers()));
        List<Instance> fresh = commit(toStart, prepared, batch);
        instances.addAll(fresh);
        Map<String, Integer> order = new java.util.HashMap<>();
        plan.wanted().keySet().forEach(name -> order.put(name, order.size()));
        instances.sort(Comparator.comparingInt(i -> order.get(i.config().name())));
        applySyncGroups(next);
        launch(fresh);
        if (ReloadPlan.reporterChanged(previous, next)) {
            replaceReporter(next);
        }
        refreshPeers(plan.keptProviders());
        String done = String.format("%d unchanged, %d restarted, %d added, %d removed", plan.kept(), plan.restarted(),
                fresh.size() - plan.restarted(), plan.removed());
        List<String> down = fresh.stream().map(i -> i.config().name()).filter(retries::waiting)
                .map(n -> n + " " + startFailure(n).orElse("")).toList();
        return down.isEmpty() ? done : done + "; in FAULT: " + String.join("; ", down);
    }

    /** The next configuration's script_user, looked up again (it may have been removed since the check). */
    private static RunAs scriptUser(GlobalDefs g) throws ProviderException {
        try {
            return g.scriptUser() == null ? null : RunAs.lookUp(g.scriptUser(), g.scriptGroup());
        } catch (IllegalArgumentException e) {
            throw ProviderException.fatal("global_defs: script_user: " + e.getMessage());
        }
    }

    /**
     * Opens once more, now that the old instances are gone, each instance that could not be opened before: one of
     * them may have held what it needs (a UDP port).
     */
    private void openAgain(List<InstanceConfig> toStart, List<Object> prepared, Map<EndpointKey, Endpoint> batch) {
        for (int k = 0; k < toStart.size(); k++) {
            if (prepared.get(k) instanceof String) {
                try {
                    prepared.set(k, opener.open(toStart.get(k), batch));
                } catch (IOException | ProviderException | RuntimeException e) {
                    prepared.set(k, InstanceOpener.reason(e));
                }
            }
        }
    }

    /**
     * A new reporter for the new configuration's notify_fifo and state files, seeded with every instance's state as
     * it is now, swapped in on the loop (where transitions are reported) so that none is lost or written twice.
     */
    private void replaceReporter(FloatdConfig next) {
        Runnable swap = () -> reporting.replace(next, instances, options.clock());
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
                    LOG.log(Level.WARNING, "refreshing the peers of {0} failed: {1}", p, io.floatd.vrrp.log.Failures.describe(e));
                }
            });
        }
    }

    /** Stops {@code group}; then closes the endpoints no instance uses any more, except those in {@code needed}. */
    private void stopInstances(List<Instance> group, Set<EndpointKey> needed) {
        List<Instance> running = new ArrayList<>();
        for (Instance i : group) {
            StartRetries.Failed f = retries.placeholderOf(i);
            if (f != null) {
                // it never ran: taken out without a STOP
                retries.forget(f);
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
            BlockTakeover.drainAll(running.stream().flatMap(i -> i.takeovers().stream()).toList(), SHUTDOWN_STEP_MILLIS, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        instances.removeAll(running);
        running.forEach(i -> {
            wiring.remove(i.config().name());
            providers.remove(i.config().name());
        });
        closeUnusedTrackings();
        opener.closeUnused(needed, endpoint -> wiring.values().stream().anyMatch(w -> w.endpoint() == endpoint));
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
        return Optional.ofNullable(reporting.reporter());
    }

    /**
     * Adds a listener of every instance's state changes, the instances of later reloads included. Called on the
     * VRRP loop: the listener hands its work to its own thread and returns at once.
     */
    public void observe(TransitionListener listener) {
        reporting.observe(listener);
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
            BlockTakeover.drainAll(instances.stream().flatMap(i -> i.takeovers().stream()).toList(), SHUTDOWN_STEP_MILLIS, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        stopped = true;
        retries.close();
        synchronized (trackings) {
            trackings.forEach(Tracking::close);
            trackings.clear();
        }
        opener.forEachEndpoint(e -> e.receiver().stop());
        loop.close();
        reporting.close();
        notify.close();
        for (Instance i : instances) {
            i.takeovers().forEach(b -> b.orchestrator().close());
        }
        opener.forEachEndpoint(e -> e.transport().close());
    }

    /** Waits until the loop has processed everything posted so far (for tests and status snapshots). */
    public boolean sync(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        loop.post(done::countDown);
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
