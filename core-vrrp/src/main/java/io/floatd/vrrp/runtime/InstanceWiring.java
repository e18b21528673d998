package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.AdvertCheck;
import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.config.InitialState;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.NotifyScripts;
import io.floatd.vrrp.config.UnicastPeer;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.VrrpParams;
import io.floatd.vrrp.fsm.VrrpStateMachine;
import io.floatd.vrrp.notify.NotifyDispatcher;
import io.floatd.vrrp.notify.NotifyHooks;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.runtime.InstanceOpener.Endpoint;
import io.floatd.vrrp.runtime.InstanceOpener.Opened;
import io.floatd.vrrp.runtime.InstanceOpener.OpenedBlock;
import io.floatd.vrrp.runtime.VrrpDaemon.Instance;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import io.floatd.vrrp.takeover.TakeoverRehearsal;
import io.floatd.vrrp.track.Tracking;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Connects an instance of a {@link VrrpDaemon}, once {@link InstanceOpener} has opened what it needs, to the rest:
 * its state machine and runner on the VRRP loop, its receiver and sender on its endpoint, one takeover per
 * floating_ip block, its notify hooks and the reporter. Also makes the FAULT placeholder of an instance that could
 * not start.
 */
final class InstanceWiring {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    /** What connects one instance to the shared parts, so a reload can take it out again. */
    record Wiring(Endpoint endpoint, java.util.concurrent.atomic.AtomicBoolean active, Tracking tracking) {
    }

    private final DaemonOptions options;
    private final VrrpLoop loop;
    private final NotifyDispatcher notify;
    private final TransitionListener toReporter;
    /** The daemon's: each instance's providers. */
    private final Map<String, List<FloatingIpProvider>> providers;
    /** The daemon's: each instance's wiring. */
    private final Map<String, Wiring> wiring;

    InstanceWiring(DaemonOptions options, VrrpLoop loop, NotifyDispatcher notify, TransitionListener toReporter,
            Map<String, List<FloatingIpProvider>> providers, Map<String, Wiring> wiring) {
        this.options = options;
        this.loop = loop;
        this.notify = notify;
        this.toReporter = toReporter;
        this.providers = providers;
        this.wiring = wiring;
    }

    /** Connects an opened instance to its endpoint (where {@code o} was opened), the loop, its takeover, notify and the reporter. */
    Instance wire(Opened o, Endpoint endpoint, RunAs scriptUser) {
        InstanceConfig ic = o.config();
        InetAddress source = o.source();
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
            List<FloatingIpProvider> built = o.built();
            if (built != null) {
                providers.put(ic.name(), built); // else ProviderBuilds puts them once built
            }
            TakeoverRehearsal.rehearseOnce(options.clock());
        }
        for (OpenedBlock b : o.blocks()) {
            LOG.log(Level.INFO, "VRRP_Instance({0}) moves {1} with the {2} provider{3}", ic.name(),
                    o.blocks().size() == 1 ? "its IP" : b.address(), b.providerName(),
                    options.dryRun() ? " (dry run: nothing will be changed)" : "");
            // each block on threads of its own: none waits for another's provider; one whose provider is still
            // being built keeps the election's events until it is
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
    Instance placeholder(InstanceConfig ic, RunAs scriptUser) {
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

    private static AdvertCheck.Expectations expectations(InstanceConfig ic) {
        List<AdvertCheck.Peer> peers = ic.unicastPeers().stream()
                .map(p -> new AdvertCheck.Peer(p.address(), p.minTtl(), p.maxTtl()))
                .toList();
        boolean pass = ic.version() == 2 && ic.authentication() != null && !AhWiring.usesAh(ic);
        return new AdvertCheck.Expectations(ic.version(), ic.virtualRouterId(), peers,
                pass ? AuthType.PASS : AhWiring.usesAh(ic) ? AuthType.AH : AuthType.NONE, pass ? ic.authentication().password().reveal() : null,
                ic.advertIntervalCentis());
    }
}
