package io.floatd.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.TakeoverDriver.Outcome;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The fault scenarios of issue 8, written once for every cloud: each cloud's test supplies a {@link Rig} (its test
 * endpoint and a real provider on it) and the policy; this runs the takeovers through {@link TakeoverDriver},
 * asserts, and reports the figures through {@link FaultsReport}.
 */
public final class FaultSuite {
    /** One test endpoint and a provider made on it (before any fault), as the driver's cloud. */
    public interface Rig extends TakeoverDriver.Cloud, AutoCloseable {
        FloatingIpProvider provider();

        void faultMix(FaultMix mix);

        @Override
        void close();
    }

    /** All outcomes of one mix, and how many requests got each fault. */
    public record MixRun(String name, double fraction, List<Outcome> fromPeer, List<Outcome> held,
            Map<FaultMix.Fault, Integer> given) {
    }

    private FaultSuite() {
    }

    /**
     * Runs every mix in {@code names}, each over {@code rigsPerMix} rigs side by side (all at once: the time goes into
     * backoff and time-outs, not CPU): {@code takeovers} from the peer and {@code held} with the IP held already,
     * shared among the rigs of the mix. Each rig's mix has a seed of its own.
     */
    public static List<MixRun> runMixes(Callable<Rig> newRig, TakeoverPolicy policy, List<String> names,
            double fraction, long timeoutMillis, int takeovers, int held, int rigsPerMix, long seed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(names.size() * rigsPerMix,
                Thread.ofPlatform().name("fault-mix").daemon(true).factory());
        try {
            List<List<Future<MixRun>>> futures = new ArrayList<>();
            for (int m = 0; m < names.size(); m++) {
                List<Future<MixRun>> parts = new ArrayList<>();
                for (int r = 0; r < rigsPerMix; r++) {
                    String name = names.get(m);
                    FaultMix mix = FaultMix.of(name, fraction, seed + 100L * m + r, timeoutMillis);
                    int t = share(takeovers, rigsPerMix, r);
                    int h = share(held, rigsPerMix, r);
                    parts.add(pool.submit(() -> runOne(newRig, policy, mix, t, h)));
                }
                futures.add(parts);
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(
                    (long) (takeovers + held) * (policy.deadline().toSeconds() + 10));
            List<MixRun> runs = new ArrayList<>();
            for (List<Future<MixRun>> parts : futures) {
                MixRun sum = null;
                for (Future<MixRun> f : parts) {
                    MixRun one = f.get(Math.max(1, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
                    sum = sum == null ? one : merge(sum, one);
                }
                runs.add(sum);
            }
            return runs;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int share(int total, int parts, int index) {
        return total / parts + (index < total % parts ? 1 : 0);
    }

    private static MixRun merge(MixRun a, MixRun b) {
        List<Outcome> fromPeer = new ArrayList<>(a.fromPeer());
        fromPeer.addAll(b.fromPeer());
        List<Outcome> held = new ArrayList<>(a.held());
        held.addAll(b.held());
        Map<FaultMix.Fault, Integer> given = new EnumMap<>(FaultMix.Fault.class);
        given.putAll(a.given());
        b.given().forEach((k, v) -> given.merge(k, v, Integer::sum));
        return new MixRun(a.name(), a.fraction(), fromPeer, held, given);
    }

    private static MixRun runOne(Callable<Rig> newRig, TakeoverPolicy policy, FaultMix mix, int takeovers, int held)
            throws Exception {
        try (Rig rig = newRig.call(); TakeoverDriver d = new TakeoverDriver("VI_1", rig.provider(), policy, rig)) {
            rig.faultMix(mix);
            List<Outcome> fromPeer = new ArrayList<>();
            List<Outcome> heldOutcomes = new ArrayList<>();
            for (int i = 0; i < takeovers; i++) {
                fromPeer.add(d.takeover(false));
            }
            for (int i = 0; i < held; i++) {
                rig.settle();
                int writes = rig.writes();
                Outcome o = d.takeover(true);
                rig.settle(); // a time-out's late answer would still show its write
                heldOutcomes.add(new Outcome(o.alreadyHeld(), o.completed(), o.millis(), o.requests(),
                        rig.writes() - writes, o.timeline()));
            }
            return new MixRun(mix.name(), mix.fraction(), fromPeer, heldOutcomes, mix.given());
        }
    }

    /**
     * Issue 8: every takeover completed inside the deadline; one from the peer wrote; one with the IP held already
     * wrote nothing, not even late; and the endpoint did inject faults (at least one per takeover from the peer).
     */
    public static void assertMixes(String cloud, List<MixRun> runs, TakeoverPolicy policy) {
        long deadlineMs = policy.deadline().toMillis();
        for (MixRun r : runs) {
            FaultsReport.print(cloud, r.name(), r.fraction(), r.fromPeer(), r.held(), r.given());
        }
        for (MixRun r : runs) {
            String what = cloud + " " + r.name() + " at " + r.fraction();
            int faults = r.given().entrySet().stream().filter(e -> e.getKey() != FaultMix.Fault.NONE)
                    .mapToInt(Map.Entry::getValue).sum();
            if (r.fraction() > 0) {
                assertTrue(faults >= r.fromPeer().size(), what + ": too few faults injected to prove anything: " + r.given());
            }
            for (Outcome o : r.fromPeer()) {
                assertTrue(o.completed() && o.millis() < deadlineMs, what + ": " + o);
                assertTrue(o.writes() >= 1, what + ": a takeover from the peer writes: " + o);
            }
            for (Outcome o : r.held()) {
                assertTrue(o.completed() && o.millis() < deadlineMs, what + ": " + o);
                assertTrue(o.timeline().contains("already held, no write"), what + ": " + o.timeline());
                assertEquals(0, o.writes(), what + ": the IP was held, yet a write reached the endpoint: " + o);
            }
        }
    }

    /**
     * The endpoint closes every connection for {@code outage}, from the moment the takeover starts; the policy's
     * deadline must outlast it. Asserts that the takeover completed after the endpoint returned, within the breaker's
     * open time plus one backoff plus {@code slack}; that the endpoint saw at most {@code minimumCalls + outage /
     * open + 2} requests meanwhile (backoff alone would send about one a second); and that the log has the breaker's
     * OPEN line first, a HALF_OPEN line, and CLOSED last.
     */
    public static void outage(String cloud, Callable<Rig> newRig, TakeoverPolicy policy, Duration outage,
            Duration slack) throws Exception {
        String instance = "VI_OUTAGE";
        FaultMix mix = FaultMix.none();
        try (TakeoverDriver.LogLines log = new TakeoverDriver.LogLines("floatd.takeover");
             Rig rig = newRig.call(); TakeoverDriver d = new TakeoverDriver(instance, rig.provider(), policy, rig)) {
            rig.faultMix(mix);
            rig.giveToPeer();
            mix.downFor(outage);
            Outcome o = d.enterMaster(false, Duration.ZERO);
            double afterReturn = o.millis() - outage.toMillis();
            FaultsReport.outage(cloud, o, afterReturn, mix.requestsWhileDown(), d.orchestrator().stats());
            assertTrue(o.completed(), o.toString());
            long bound = policy.breakerOpen().plus(policy.maxBackoff()).plus(slack).toMillis();
            assertTrue(afterReturn > 0 && afterReturn < bound, "completed " + Math.round(afterReturn)
                    + " ms after the endpoint returned (bound " + bound + " ms): " + o);
            int maxRequests = policy.breakerMinimumCalls() + (int) (outage.toMillis() / policy.breakerOpen().toMillis()) + 2;
            assertTrue(mix.requestsWhileDown() <= maxRequests, "requests during the outage: "
                    + mix.requestsWhileDown() + " (bound " + maxRequests + ")");
            List<String> breaker = log.containing("VRRP_Instance(" + instance + ") circuit breaker");
            String all = String.join("\n", breaker);
            assertEquals("VRRP_Instance(" + instance + ") circuit breaker OPEN: " + policy.breakerMinimumCalls()
                    + " of the last " + policy.breakerMinimumCalls() + " calls failed; no call for "
                    + policy.breakerOpen().toMillis() + " ms", breaker.getFirst(), all);
            assertTrue(breaker.stream().anyMatch(l -> l.contains("circuit breaker HALF_OPEN")), all);
            assertTrue(breaker.getLast().contains("circuit breaker CLOSED"), all);
            assertTrue(d.orchestrator().stats().breakerOpens() >= 1 && d.orchestrator().stats().callsNotPermitted() >= 1,
                    d.orchestrator().stats().toString());
        }
    }
}
