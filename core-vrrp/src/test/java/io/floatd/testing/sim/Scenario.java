package io.floatd.testing.sim;

import io.floatd.vrrp.takeover.TakeoverPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One run's cluster, cloud and timed events: what {@link ScenarioGenerator} derives from a seed, or what a directed
 * test spells out with {@link #builder()}. Times are nanoseconds from the simulation's start.
 *
 * @param seed seeds the network's, the cloud's and the machines' randomness
 * @param cloud the cloud shape
 * @param priorities each node's configured priority (node i has address 10.0.0.(i+1))
 * @param advertCentis every node's advert_int, in centiseconds
 * @param peersRecognised whether the provider knows the peers' cloud identities (false: a peer holding the IP reads
 *     as OTHER and a hand-over to it fails, like VRRP on a second ENI)
 * @param releaseOnLeave {@code release yes} (always for Linux VIPs)
 * @param policy the takeover policy of every node
 * @param net the healthy network
 * @param api the healthy API's latencies
 * @param initialHolder which node holds the IP at the start, -1 for nobody (Linux VIPs: ignored, nobody)
 * @param startAt when each node's daemon starts
 * @param faultyUntil when the faulty period ends: every fault is over from here on
 * @param endAt when the run ends
 * @param events the injected events, in time order
 */
public record Scenario(
        long seed,
        Cloud cloud,
        List<Integer> priorities,
        int advertCentis,
        boolean peersRecognised,
        boolean releaseOnLeave,
        TakeoverPolicy policy,
        Net net,
        Api api,
        int initialHolder,
        List<Long> startAt,
        long faultyUntil,
        long endAt,
        List<At> events) {

    public static final long MS = 1_000_000L;
    public static final long S = 1_000_000_000L;

    public enum Cloud { EC2, DIGITALOCEAN, LINUX_L2 }

    public Scenario {
        priorities = List.copyOf(priorities);
        startAt = List.copyOf(startAt);
        List<At> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(At::at)); // stable: events at one instant keep their order
        events = List.copyOf(sorted);
        if (priorities.size() != startAt.size()) {
            throw new IllegalArgumentException("one start time per node");
        }
    }

    public int nodes() {
        return priorities.size();
    }

    /**
     * The healthy network: every link's one-way delay, jitter, duplication and reordering share.
     *
     * @param delayNanos one-way delay
     * @param jitterNanos up to this much more, uniform
     * @param duplicate share of adverts delivered twice
     * @param reorder share of adverts held back by up to a few delays (so later ones overtake them)
     */
    public record Net(long delayNanos, long jitterNanos, double duplicate, double reorder) {
    }

    /**
     * The healthy API.
     *
     * @param minLatencyNanos a request's round trip, at least
     * @param maxLatencyNanos at most (below every attempt timeout: a healthy API never times out)
     * @param minActionNanos DigitalOcean: an assign or unassign action runs at least this long
     * @param maxActionNanos at most (plus {@link ApiFaults#actionSlowdownNanos()} under faults)
     * @param pollNanos DigitalOcean: the provider polls a running action this often
     */
    public record Api(long minLatencyNanos, long maxLatencyNanos, long minActionNanos, long maxActionNanos,
            long pollNanos) {
    }

    /** One injected event and when. */
    public record At(long at, Event event) {
        @Override
        public String toString() {
            return String.format("%9.3f %s", at / 1e9, event);
        }
    }

    /** What the scenario does to the cluster. */
    public sealed interface Event {
        /** Whether the event touches a node (not the network or the API). */
        default boolean nodeEvent() {
            return false;
        }
    }

    /** Adverts from {@code from} stop reaching {@code to} (one direction). */
    public record Cut(int from, int to) implements Event {
    }

    /** Adverts from {@code from} reach {@code to} again. */
    public record Heal(int from, int to) implements Event {
    }

    /** Share of adverts from {@code from} to {@code to} lost; 0 ends it. */
    public record Loss(int from, int to, double share) implements Event {
    }

    /** Extra one-way delay from {@code from} to {@code to}; 0 ends it. */
    public record Delay(int from, int to, long extraNanos) implements Event {
    }

    /** The API's faults from now on ({@link ApiFaults#NONE}: healthy again). */
    public record ApiMix(ApiFaults faults) implements Event {
    }

    /** kill -9: the daemon's state is lost; whatever it holds stays held. */
    public record Crash(int node) implements Event {
        @Override
        public boolean nodeEvent() {
            return true;
        }
    }

    /** Start the daemon if it is not running (after a crash or a stop). */
    public record Start(int node) implements Event {
        @Override
        public boolean nodeEvent() {
            return true;
        }
    }

    /** A graceful stop ({@code VrrpEvent.Shutdown}); the process exits once its takeover machine is quiescent. */
    public record Stop(int node) implements Event {
        @Override
        public boolean nodeEvent() {
            return true;
        }
    }

    /** {@code floatd handover}: a Master resigns and the node stays Backup until {@link Resume}. */
    public record Handover(int node) implements Event {
        @Override
        public boolean nodeEvent() {
            return true;
        }
    }

    /** {@code floatd resume}. */
    public record Resume(int node) implements Event {
        @Override
        public boolean nodeEvent() {
            return true;
        }
    }

    /** Tracking moved the effective priority; 0 goes back to the configured one. */
    public record Priority(int node, int priority) implements Event {
        @Override
        public boolean nodeEvent() {
            return true;
        }
    }

    /** Tracking raised FAULT (a failed check without weight, a link down). */
    public record FaultRaised(int node) implements Event {
        @Override
        public boolean nodeEvent() {
            return true;
        }
    }

    /** Every tracked item is healthy again. */
    public record FaultCleared(int node) implements Event {
        @Override
        public boolean nodeEvent() {
            return true;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For directed scenarios: a healthy cluster of two nodes on EC2 unless told otherwise. */
    public static final class Builder {
        private long seed = 1;
        private Cloud cloud = Cloud.EC2;
        private List<Integer> priorities = List.of(150, 100);
        private int advertCentis = 100;
        private boolean peersRecognised = true;
        private boolean releaseOnLeave;
        private TakeoverPolicy policy = TakeoverPolicy.custom().recheckInterval(java.time.Duration.ofSeconds(2))
                .warmInterval(java.time.Duration.ofSeconds(5)).attemptTimeout(java.time.Duration.ofSeconds(2))
                .backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1))
                .deadline(java.time.Duration.ofSeconds(20)).build();
        private Net net = new Net(MS, 0, 0, 0);
        private Api api = new Api(20 * MS, 60 * MS, 1000 * MS, 2000 * MS, 200 * MS);
        private int initialHolder = -1;
        private List<Long> startAt;
        private long faultyUntil;
        private long endAt = 60 * S;
        private final List<At> events = new ArrayList<>();

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder cloud(Cloud c) {
            cloud = c;
            if (c == Cloud.LINUX_L2) {
                releaseOnLeave = true;
            }
            return this;
        }

        public Builder priorities(Integer... p) {
            priorities = List.of(p);
            return this;
        }

        public Builder advertCentis(int c) {
            advertCentis = c;
            return this;
        }

        public Builder peersRecognised(boolean r) {
            peersRecognised = r;
            return this;
        }

        public Builder releaseOnLeave(boolean r) {
            releaseOnLeave = r;
            return this;
        }

        public Builder policy(TakeoverPolicy p) {
            policy = p;
            return this;
        }

        public Builder net(Net n) {
            net = n;
            return this;
        }

        public Builder api(Api a) {
            api = a;
            return this;
        }

        public Builder initialHolder(int h) {
            initialHolder = h;
            return this;
        }

        public Builder startAt(Long... at) {
            startAt = List.of(at);
            return this;
        }

        /** Events up to here count as the faulty period. */
        public Builder faultyUntil(long at) {
            faultyUntil = at;
            return this;
        }

        public Builder endAt(long at) {
            endAt = at;
            return this;
        }

        public Builder at(long at, Event e) {
            events.add(new At(at, e));
            return this;
        }

        /** Both directions between a and b. */
        public Builder cutBoth(long at, int a, int b) {
            return at(at, new Cut(a, b)).at(at, new Cut(b, a));
        }

        public Scenario build() {
            List<Long> starts = startAt;
            if (starts == null) {
                starts = new ArrayList<>();
                for (int i = 0; i < priorities.size(); i++) {
                    starts.add(0L);
                }
            }
            long faulty = faultyUntil;
            for (At a : events) {
                faulty = Math.max(faulty, a.at());
            }
            return new Scenario(seed, cloud, priorities, advertCentis, peersRecognised,
                    cloud == Cloud.LINUX_L2 || releaseOnLeave, policy, net, api,
                    cloud == Cloud.LINUX_L2 ? -1 : initialHolder, starts, faulty, endAt, events);
        }
    }
}
