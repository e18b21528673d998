package io.floatd.testing.sim;

import io.floatd.testing.sim.Scenario.Cloud;
import io.floatd.vrrp.fsm.VrrpParams;
import io.floatd.vrrp.takeover.TakeoverParams;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One deterministic run of a whole cluster: simulated time, a seeded PRNG per concern (network, cloud, machines'
 * jitter), one event queue, the nodes, the network and the cloud. Single-threaded; no clock, thread or socket.
 * {@code new Simulation(seed, options).run()} replays a run exactly; {@link Invariants} are checked after every
 * step, and a failure throws {@link SimulationFailure} naming the seed and the step.
 */
public final class Simulation {
    /** Where simulated time starts (nanos): far from 0 and from the machines' NEVER. */
    public static final long T0 = 1_000_000_000_000L;
    /** A run that takes this many steps is a livelock (a machine asking to be woken without end). */
    static final long MAX_STEPS = 20_000_000L;

    final Scenario scenario;
    final SimOptions options;
    final SimNetwork net;
    final SimCloud cloud;
    final SimNode[] nodes;
    final Trace trace;
    final Invariants invariants;

    private final PriorityQueue<Ev> queue = new PriorityQueue<>();
    private long now = T0;
    private long steps;
    private long seq;

    /** The events queue: a time, then the order of scheduling. */
    private static final class Ev implements Comparable<Ev> {
        final long at;
        final long seq;
        final Runnable run;

        Ev(long at, long seq, Runnable run) {
            this.at = at;
            this.seq = seq;
            this.run = run;
        }

        @Override
        public int compareTo(Ev o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    public Simulation(long seed, SimOptions options) {
        this(ScenarioGenerator.generate(seed, options), options);
    }

    public Simulation(Scenario scenario, SimOptions options) {
        this.scenario = scenario;
        this.options = options;
        SplittableRandom root = new SplittableRandom(scenario.seed() ^ 0x5DEECE66DL);
        this.net = new SimNetwork(this, root.split(), scenario.net(), scenario.nodes());
        SplittableRandom cloudRng = root.split();
        this.cloud = switch (scenario.cloud()) {
            case EC2 -> new Ec2Shape(this, cloudRng, scenario);
            case DIGITALOCEAN -> new DigitalOceanShape(this, cloudRng, scenario);
            case LINUX_L2 -> new LinuxL2Shape(this, cloudRng, scenario);
        };
        this.trace = new Trace(options.traceLines(), options.recordTrace());
        this.nodes = new SimNode[scenario.nodes()];
        // as the daemon sets it (TakeoverSettings.policy): a hand-over waits two of the instance's advert intervals
        TakeoverParams tp = new TakeoverParams("VI_1",
                scenario.policy().withHandOverGrace(java.time.Duration.ofMillis(20L * scenario.advertCentis())),
                scenario.releaseOnLeave() || cloud.releasesByDefault(), cloud.acquireChecksHolder(), cloud.handsOver(),
                false);
        for (int i = 0; i < nodes.length; i++) {
            VrrpParams vp = new VrrpParams("VI_1", 3, scenario.priorities().get(i), scenario.advertCentis(), true, 0,
                    address(i), false);
            nodes[i] = new SimNode(this, i, address(i), vp, tp);
        }
        this.invariants = new Invariants(this);
    }

    /** Node i's address: 10.0.0.(i+1). */
    public static InetAddress address(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) (i + 1)});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    int nodeIndex(InetAddress a) {
        for (SimNode n : nodes) {
            if (n.address.equals(a)) {
                return n.index;
            }
        }
        return -1;
    }

    public long now() {
        return now;
    }

    public long seed() {
        return scenario.seed();
    }

    public Scenario scenario() {
        return scenario;
    }

    public long steps() {
        return steps;
    }

    public Trace trace() {
        return trace;
    }

    /** Runs {@code r} at {@code at} (never before now), after everything already due then. */
    void at(long at, Runnable r) {
        queue.add(new Ev(Math.max(at, now), seq++, r));
    }

    /** Runs the scenario to its end. */
    public SimResult run() {
        for (int i = 0; i < nodes.length; i++) {
            SimNode n = nodes[i];
            at(T0 + scenario.startAt().get(i), () -> {
                invariants.onDisturbance("start n" + n.index);
                n.start();
            });
        }
        for (Scenario.At a : scenario.events()) {
            at(T0 + a.at(), () -> apply(a.event()));
        }
        long end = T0 + scenario.endAt();
        while (!queue.isEmpty()) {
            Ev e = queue.poll();
            if (e.at > end) {
                break;
            }
            now = e.at;
            steps++;
            e.run.run();
            invariants.afterStep();
            if (steps > MAX_STEPS) {
                throw fail("livelock: more than " + MAX_STEPS + " steps");
            }
        }
        now = end;
        invariants.atEnd();
        return new SimResult(scenario.seed(), scenario.cloud(), scenario.nodes(), steps, end - T0,
                invariants.moves(), invariants.maxMovesPerMinute(), invariants.settledAfter(),
                invariants.effectiveBound(), invariants.moveLog(), invariants.lastMisplaced(), finalMaster(),
                trace.all());
    }

    private int finalMaster() {
        int m = -1;
        for (SimNode n : nodes) {
            if (n.vs != null && n.vs.state() == io.floatd.vrrp.fsm.VrrpState.MASTER) {
                if (m >= 0) {
                    return -1;
                }
                m = n.index;
            }
        }
        return m;
    }

    private void apply(Scenario.Event e) {
        trace(-1, "scen", e, null);
        switch (e) {
            case Scenario.Cut c -> net.cut(c.from(), c.to(), true);
            case Scenario.Heal h -> net.cut(h.from(), h.to(), false);
            case Scenario.Loss l -> net.loss(l.from(), l.to(), l.share());
            case Scenario.Delay d -> net.delay(d.from(), d.to(), d.extraNanos());
            case Scenario.ApiMix m -> cloud.faults(m.faults());
            case Scenario.Crash c -> nodes[c.node()].crash();
            case Scenario.Start s -> nodes[s.node()].start();
            case Scenario.Stop s -> nodes[s.node()].stop();
            case Scenario.Handover h -> nodes[h.node()].handover(true);
            case Scenario.Resume r -> nodes[r.node()].handover(false);
            case Scenario.Priority p -> nodes[p.node()].priority(p.priority());
            case Scenario.FaultRaised f -> nodes[f.node()].fault(true);
            case Scenario.FaultCleared f -> nodes[f.node()].fault(false);
        }
        for (SimNode n : nodes) {
            if (n.live()) {
                n.maybeExit();
            }
        }
        invariants.onDisturbance(e);
    }

    void deliverAdvert(int from, int to, int priority, int intervalCentis, long at) {
        InetAddress src = nodes[from].address;
        at(at, () -> {
            SimNode n = nodes[to];
            n.advert(src, priority, intervalCentis);
            if (n.live()) {
                n.maybeExit();
            }
        });
    }

    /** The cloud changed where the IP is, by a request of {@code op} (null: the cloud's own doing). */
    void written(SimOp op, int from, int to, String how) {
        trace(-1, "cloud", how + (op == null ? "" : " by " + op), cloud.state());
        invariants.onWritten(op, from, to);
    }

    /** A release (or a Linux clear-stale) of {@code op} took effect, or found nothing of its node's to remove. */
    void released(SimOp op) {
        invariants.onReleased(op);
    }

    void trace(int node, String tag, Object what, Object result) {
        trace.add(now, node, tag, what, result);
    }

    SimulationFailure fail(String invariant) {
        return new SimulationFailure(scenario.seed(), steps, invariant, ScenarioGenerator.describe(scenario),
                trace.last(options.traceLines()));
    }

    boolean isCloud() {
        return scenario.cloud() != Cloud.LINUX_L2;
    }
}
