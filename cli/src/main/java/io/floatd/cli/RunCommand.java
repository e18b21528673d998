package io.floatd.cli;

import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.control.ControlAccess;
import io.floatd.vrrp.control.ControlProtocol;
import io.floatd.vrrp.control.ControlSocket;
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.FileDescriptorBudget;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.runtime.VrrpDaemon;
import io.floatd.vrrp.status.PrometheusText;
import io.floatd.vrrp.status.StatusSnapshot;
import io.floatd.vrrp.transport.RawIpTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code floatd run -f CONFIG}: the daemon, in the foreground. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the daemon in the foreground until SIGTERM or SIGINT.")
final class RunCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger("floatd");
    /**
     * When a daemon without a JIT warm-up gives back start-up's heap and malloc arenas (a linux-l2 daemon: 5 MiB of
     * native arenas; bench/footprint.sh): well after its first adverts and the start-up reads.
     */
    static final Duration SETTLE = Duration.ofSeconds(10);

    @Mixin
    ConfigFileOption config;

    @Option(names = "--provider", paramLabel = "NAME",
            description = "Move the IPs with this provider (linux-l2, aws, digitalocean, hetzner), overriding the provider of every floating_ip block.")
    String provider;

    @Option(names = "--dry-run", description = "Run the election and log what would be done to the IP, without doing it.")
    boolean dryRun;

    @Option(names = "--notify-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Kill a notify script (and its process group) after this many seconds (default: ${DEFAULT-VALUE}).")
    long notifyTimeoutSeconds;

    @Option(names = "--debug", description = "Log debug detail, with stack traces.")
    boolean debug;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (keepalived-style lines) or json (one JSON object per line: ts, level, logger, msg). Default: ${DEFAULT-VALUE}.")
    LogSetup.Format logFormat;

    @Option(names = "--syslog", paramLabel = "FACILITY", arity = "0..1", fallbackValue = "daemon",
            description = "Log to the local syslog daemon instead of stderr (hosts without systemd), at FACILITY: daemon"
                    + " when not given, user, local0-local7, or 0-7 as keepalived's -S (local0-local7).")
    String syslog;

    @Option(names = "--syslog-socket", paramLabel = "PATH", defaultValue = "/dev/log",
            description = "The syslog daemon's Unix datagram socket for --syslog. Default: ${DEFAULT-VALUE}.")
    String syslogSocket;

    @Option(names = "--status-address", paramLabel = "HOST:PORT|off", defaultValue = HostPort.DEFAULT,
            converter = HostPort.OrOff.class,
            description = "Serve GET /status (JSON), /metrics (Prometheus) and /healthz here (read-only); off disables it."
                    + " Default: ${DEFAULT-VALUE}.")
    HostPort statusAddress;

    @Option(names = "--control-socket", paramLabel = "PATH|off", defaultValue = "/run/floatd/control.sock",
            description = "The Unix socket floatd handover / resume use (0600 root, in a directory only root writes);"
                    + " off disables them. Default: ${DEFAULT-VALUE}.")
    String controlSocket;

    @Option(names = "--control-group", paramLabel = "GROUP",
            description = "Also let members of GROUP hand over and resume (the socket becomes 0660 root:GROUP). Default: root only.")
    String controlGroup;

    @Option(names = "--dump-dir", paramLabel = "DIR", defaultValue = DumpFiles.DEFAULT_DIR,
            description = "Where SIGUSR1, SIGUSR2 and SIGRTMIN+2 write floatd.data, floatd.stats and floatd.json"
                    + " (0600, replaced at once, links not followed). Default: ${DEFAULT-VALUE}.")
    Path dumpDir;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Write the daemon's pid here at start (0644, replaced at once) and remove it on a clean stop;"
                    + " repeatable. Default: none (systemd tracks the pid).")
    List<Path> pidFiles = new java.util.ArrayList<>();

    @Option(names = "--dump-conf", description = "Log the effective configuration at start (passwords masked; keepalived's -d).")
    boolean dumpConf;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The SIGHUP reloads' outcomes, for /metrics. */
    private final ReloadOutcomes reloads = new ReloadOutcomes(java.time.Instant.now());

    /** Type=notify: null when systemd did not ask ($NOTIFY_SOCKET unset). */
    private SystemdNotifier notifier;

    // through the logger, so --log-format json stays one JSON object per line
    private static void warn(io.floatd.vrrp.config.ConfigError w) {
        LOG.log(Level.WARNING, w.toString());
    }

    /**
     * SIGHUP. A reload with errors changes nothing: the running configuration stays, and the log says why. The same
     * checks as {@code floatd check} (the parser, bounded, the providers' settings and this host's interfaces), then {@link VrrpDaemon#reload},
     * which applies everything or nothing. No input ends the daemon from here: whatever is thrown is logged.
     *
     * @return whether the new configuration was applied
     */
    private boolean reload(VrrpDaemon daemon) {
        try {
            LOG.log(Level.INFO, "Reloading configuration from {0}", config.file);
            StringWriter errors = new StringWriter();
            Optional<FloatdConfig> next = config.loadChecked(new PrintWriter(errors, true), RunCommand::warn, provider);
            errors.toString().lines().forEach(line -> LOG.log(Level.WARNING, line.replaceFirst("^floatd: ", "")));
            if (next.isEmpty()) {
                LOG.log(Level.ERROR, "Reload failed: configuration unchanged");
                return false;
            }
            List<String> problems = HostChecks.errors(next.get(), RunCommand::warn);
            if (!problems.isEmpty()) {
                problems.forEach(p -> LOG.log(Level.WARNING, p));
                LOG.log(Level.ERROR, "Reload failed: configuration unchanged");
                return false;
            }
            String done = daemon.reload(next.get());
            LOG.log(daemon.healthy() ? Level.INFO : Level.WARNING, "Reload done: {0}", done);
            return true;
        } catch (IOException | ProviderException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOG.log(Level.ERROR, "Reload failed: configuration unchanged: {0}", String.valueOf(e.getMessage() == null ? e : e.getMessage()));
            return false;
        }
    }

    // floatd handover / resume, admitted by the control socket
    static ControlProtocol.Reply control(VrrpDaemon d, ControlProtocol.Request request) {
        List<String> done = request.action() == ControlProtocol.Action.HANDOVER
                ? d.handover(request.instance()) : d.resume(request.instance());
        if (done.isEmpty()) {
            return new ControlProtocol.Reply(ControlProtocol.Status.UNKNOWN_INSTANCE, request.instance() == null
                    ? "no instances running" : "no instance named " + request.instance());
        }
        return new ControlProtocol.Reply(ControlProtocol.Status.OK, request.action().wireValue() + ": " + String.join(" ", done));
    }

    private static String controlMetrics(ControlSocket c) {
        Map<String, Long> byResult = new LinkedHashMap<>();
        c.counts().forEach((status, n) -> byResult.put(status.wireValue().replace('-', '_'), n));
        return PrometheusText.family("floatd_control_requests_total", "counter",
                "Control socket connections (floatd handover / resume), by result; denied: the peer was neither root nor"
                        + " in the control group.", "result", byResult);
    }

    /** Serves signals until one that stops the daemon, and returns it. */
    private SignalPlan.Entry awaitStop(BlockingQueue<SignalPlan.Entry> signals, VrrpDaemon daemon, DumpFiles dumps)
            throws InterruptedException {
        while (true) {
            SignalPlan.Entry e = signals.take();
            LOG.log(Level.INFO, "Received {0}", e.signalName());
            try {
                switch (e.action()) {
                    case STOP -> {
                        return e;
                    }
                    case RELOAD -> {
                        if (notifier != null) {
                            notifier.reloading();
                        }
                        if (reload(daemon)) {
                            reloads.succeeded(java.time.Instant.now());
                        } else {
                            reloads.failed();
                        }
                        if (notifier != null) {
                            notifier.ready();
                        }
                    }
                    case DATA -> dumps.write("Data", DumpFiles.DATA, io.floatd.vrrp.status.DataDump.of(daemon, VersionCommand.VERSION), true);
                    case STATS -> dumps.write("Statistics", DumpFiles.STATS,
                            io.floatd.vrrp.status.StatsDump.render(StatusSnapshot.of(daemon, VersionCommand.VERSION)), true);
                    case JSON -> dumps.write("JSON", DumpFiles.JSON,
                            io.floatd.vrrp.status.StatusJson.render(StatusSnapshot.of(daemon, VersionCommand.VERSION)) + "\n", false);
                    default -> {
                        // IGNORE, JVM and DEFAULT never reach the queue
                    }
                }
            } catch (RuntimeException ex) {
                LOG.log(Level.ERROR, "{0}: {1}", e.signalName(), String.valueOf(ex));
            }
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Optional<Boolean> logging = installLogging(spec.commandLine().getErr());
        if (logging.isEmpty()) {
            return FloatdCommand.EXIT_USAGE;
        }
        boolean journal = logging.get();
        // what is printed rather than logged says why floatd stops: for the journal, at priority err
        PrintWriter err = JournalStream.errors(spec.commandLine().getErr(), journal);
        Optional<FloatdConfig> loaded = loadForStart(err);
        if (loaded.isEmpty()) {
            return FloatdCommand.EXIT_CONFIG;
        }
        // the handlers (20-60 ms: reflection, libc bindings) are installed while the daemon opens its sockets and
        // providers, and joined before its instances start: a signal that comes meanwhile waits in the queue
        BlockingQueue<SignalPlan.Entry> signals = new LinkedBlockingQueue<>();
        int suspendResume = SignalPlan.jvmSuspendResumeSignal(System.getenv("_JAVA_SR_SIGNUM"));
        CompletableFuture<SignalRouter.Installed> installing = installSignalHandlers(suspendResume, signals);
        ControlAccess access;
        try {
            access = ControlAccess.rootOrGroup(controlGroup);
        } catch (IllegalArgumentException e) {
            err.println("floatd: " + e.getMessage());
            return FloatdCommand.EXIT_USAGE;
        }
        long fdLimit = FileDescriptorBudget.raise();
        DaemonOptions options = new DaemonOptions(provider, dryRun, Duration.ofSeconds(notifyTimeoutSeconds),
                RawIpTransport::open, DaemonOptions.ProviderLookup.serviceLoader(), NanoClock.SYSTEM);
        VrrpDaemon daemon;
        Endpoints endpoints;
        try {
            // the sockets now, the providers while the instances start: a cloud's metadata and API checks do not
            // delay the first advert (BENCHMARKS.md, issue 19); start() waits for them before READY
            daemon = VrrpDaemon.createBuildingProviders(loaded.get(), options);
        } catch (IOException | ProviderException e) {
            err.println("floatd: cannot start: " + e.getMessage());
            return FloatdCommand.EXIT_START;
        }
        try {
            endpoints = bindEndpoints(daemon, access, fdLimit);
        } catch (IOException e) {
            daemon.close();
            err.println("floatd: cannot start: " + e.getMessage());
            return FloatdCommand.EXIT_START;
        }
        reportSignalHandlers(installing.join(), suspendResume);
        Optional<List<PidFile>> pids = writePidFiles(err, daemon, endpoints);
        if (pids.isEmpty() || !start(loaded.get(), daemon, endpoints, pids.get(), err)) {
            return FloatdCommand.EXIT_START;
        }
        startSystemdNotifier(daemon);
        SignalPlan.Entry stop = awaitStop(signals, daemon, new DumpFiles(dumpDir));
        LOG.log(Level.INFO, "Stopping ({0})", stop.signalName());
        if (notifier != null) {
            notifier.stopping();
            notifier.close();
        }
        stopAll(daemon, endpoints, pids.get());
        LOG.log(Level.INFO, "Stopped");
        return FloatdCommand.EXIT_OK;
    }

    /**
     * Logging to stderr (the journal's priorities when stderr is the journal: true), or with {@code --syslog} to the
     * syslog daemon (false); empty, with why printed, when the facility names none or no syslog daemon listens.
     */
    private Optional<Boolean> installLogging(PrintWriter err) {
        if (syslog == null) {
            return Optional.of(LogSetup.install(debug, System.err, logFormat));
        }
        int facility = SyslogHandler.facility(syslog);
        if (facility < 0) {
            err.println("floatd: --syslog " + syslog + ": expected daemon, user, local0-local7 or 0-7");
            return Optional.empty();
        }
        try {
            LogSetup.installSyslog(debug, new SyslogHandler(SyslogSocket.open(syslogSocket), facility), logFormat);
            return Optional.of(false);
        } catch (IOException e) {
            err.println("floatd: --syslog: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The configuration, checked as {@code floatd check} checks it (the parse with the providers' settings, their
     * errors at file:line with the file's others) and against this host; empty (with why printed) when floatd must not
     * start. Nothing has started yet: a bad floating_ip keyword never reaches the instances.
     */
    private Optional<FloatdConfig> loadForStart(PrintWriter err) {
        Optional<FloatdConfig> loaded = config.loadChecked(err, RunCommand::warn, provider);
        if (loaded.isEmpty()) {
            return loaded;
        }
        // as keepalived's start_vrrp: an interface missing on this host stops the start (unless dynamic_interfaces)
        List<String> missing = HostChecks.errors(loaded.get(), RunCommand::warn);
        if (!missing.isEmpty()) {
            missing.forEach(m -> err.println("floatd: " + m));
            err.println("floatd: " + config.file + ": " + missing.size() + " error(s); nothing started");
            return Optional.empty();
        }
        return loaded;
    }

    /** Installs the signal handlers on a thread of their own; their signals go to {@code signals}. */
    private static CompletableFuture<SignalRouter.Installed> installSignalHandlers(int suspendResume,
            BlockingQueue<SignalPlan.Entry> signals) {
        CompletableFuture<SignalRouter.Installed> installing = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("floatd-signals").start(() -> {
            try {
                installing.complete(SignalRouter.install(SignalPlan.linux(suspendResume), signals::add));
            } catch (RuntimeException | Error e) {
                installing.completeExceptionally(e);
            }
        });
        return installing;
    }

    private static void reportSignalHandlers(SignalRouter.Installed installed, int suspendResume) {
        installed.problems().forEach(p -> LOG.log(Level.WARNING, "Signal not handled as planned: {0}", p));
        if (suspendResume == 12) {
            LOG.log(Level.WARNING, "SIGUSR2 is the JVM''s thread suspend/resume signal here (_JAVA_SR_SIGNUM unset):"
                    + " statistics on SIGRTMAX-1 only (bin/floatd sets _JAVA_SR_SIGNUM={0})", String.valueOf(SignalPlan.JVM_SR_SIGNAL));
        }
    }

    /** The status endpoint and the control socket, either of them null when off. */
    private record Endpoints(StatusServer status, ControlSocket control) {
    }

    /**
     * Binds the status endpoint and the control socket now (an address or socket in use stops floatd before it
     * sends anything); they are served once the instances run: Netty's start-up (~50 ms) does not delay the first
     * advert. On a failure, what was bound is closed again.
     */
    private Endpoints bindEndpoints(VrrpDaemon d, ControlAccess access, long fdLimit) throws IOException {
        StatusServer status = null;
        try {
            AtomicReference<ControlSocket> c = new AtomicReference<>();
            if (statusAddress != null) {
                status = StatusServer.bind(statusAddress, () -> StatusSnapshot.of(d, VersionCommand.VERSION),
                        d::healthy, () -> reloads.metrics() + (c.get() == null ? "" : controlMetrics(c.get())),
                        StatusServer.Limits.DEFAULT.within(fdLimit));
            }
            ControlSocket control = null;
            if (!"off".equals(controlSocket)) {
                control = ControlSocket.open(Path.of(controlSocket), access, (request, peer) -> control(d, request));
                c.set(control);
            }
            return new Endpoints(status, control);
        } catch (IOException e) {
            if (status != null) {
                status.close();
            }
            throw e;
        }
    }

    /** Writes every --pid-file; on a failure removes those written, closes everything and says why (empty). */
    private Optional<List<PidFile>> writePidFiles(PrintWriter err, VrrpDaemon daemon, Endpoints endpoints) {
        List<PidFile> pids = new java.util.ArrayList<>();
        for (Path f : pidFiles) {
            try {
                pids.add(PidFile.write(f));
            } catch (IOException e) {
                pids.forEach(PidFile::remove);
                if (endpoints.control() != null) {
                    endpoints.control().close();
                }
                if (endpoints.status() != null) {
                    endpoints.status().close();
                }
                daemon.close();
                err.println("floatd: cannot write the pid file " + f + ": " + e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.of(pids);
    }

    /**
     * Starts the instances, waits for their providers, then serves the control socket and the status endpoint; false
     * (everything stopped, why printed) when a provider cannot be built or the status endpoint cannot be served.
     */
    private boolean start(FloatdConfig loaded, VrrpDaemon daemon, Endpoints endpoints, List<PidFile> pids,
            PrintWriter err) throws InterruptedException {
        if (dumpConf) {
            loaded.dump().lines().forEach(l -> LOG.log(Level.INFO, l));
        }
        LOG.log(Level.INFO, "Starting floatd {0} with {1} instance(s) from {2}", VersionCommand.VERSION,
                loaded.instances().size(), config.file);
        daemon.start();
        try {
            // no takeover has used a provider before it was built: one that fails its checks stops the start, as
            // when the providers were built first (a Master meanwhile resigns with priority 0 on the way out)
            daemon.awaitProviders();
        } catch (ProviderException e) {
            stopAll(daemon, endpoints, pids);
            err.println("floatd: cannot start: " + e.getMessage());
            return false;
        }
        scheduleSettle();
        ControlSocket control = endpoints.control();
        if (control != null) {
            control.serve();
            LOG.log(Level.INFO, "Control socket on {0} ({1} may hand over and resume)", control.path(),
                    control.access().describe());
        }
        StatusServer status = endpoints.status();
        if (status != null) {
            try {
                status.serve();
            } catch (IOException e) {
                LOG.log(Level.ERROR, "cannot serve the status endpoint: {0}", e.getMessage());
                stopAll(daemon, endpoints, pids);
                return false;
            }
            LOG.log(Level.INFO, "Status endpoint on http://{0}:{1}/status (also /metrics, /healthz)",
                    status.address().getHostString(), String.valueOf(status.address().getPort()));
        }
        return true;
    }

    /** Start-up's garbage and malloc arenas given back once settled (with a provider: when its JIT warm-up ends). */
    private static void scheduleSettle() {
        Thread.ofVirtual().name("settle").start(() -> {
            try {
                Thread.sleep(SETTLE);
                JitWarmUp.giveMemoryBackUnlessWarmingUp();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Type=notify: READY=1 now, STATUS= on every transition, the watchdog from the VRRP loop. */
    private void startSystemdNotifier(VrrpDaemon daemon) {
        notifier = SystemdNotifier.fromEnvironment(System.getenv(), ProcessHandle.current().pid(), daemon.loop()::post,
                () -> SystemdNotifier.summary(daemon.instances().stream().map(i -> Map.entry(i.config().name(),
                        i.runner().state().state().name())).toList()));
        if (notifier != null) {
            SystemdNotifier n = notifier;
            daemon.observe(t -> n.statusChanged());
            n.ready();
            if (n.watchdogNanos() > 0) {
                LOG.log(Level.INFO, "systemd watchdog: WATCHDOG=1 from the VRRP loop every {0} ms",
                        String.valueOf(TimeUnit.NANOSECONDS.toMillis(n.watchdogNanos())));
            }
        }
    }

    /** Closes the control socket, stops the instances, closes the status endpoint, removes the pid files. */
    private static void stopAll(VrrpDaemon daemon, Endpoints endpoints, List<PidFile> pids) {
        if (endpoints.control() != null) {
            endpoints.control().close();
        }
        daemon.shutdown();
        if (endpoints.status() != null) {
            endpoints.status().close();
        }
        pids.forEach(PidFile::remove);
    }
}
