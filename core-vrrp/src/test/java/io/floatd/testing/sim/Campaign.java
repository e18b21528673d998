package io.floatd.testing.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;

/**
 * Runs many seeds, in parallel (each run is single-threaded and shares nothing), and sums up what they measured.
 * A failing seed is kept (the lowest few), never retried: its seed replays it.
 */
public final class Campaign {
    /** How many failures a campaign keeps (the lowest seeds). */
    static final int KEEP_FAILURES = 20;

    private Campaign() {
    }

    /** The figures of a campaign. */
    public record Result(long firstSeed, long scenarios, long steps, long simulatedNanos, long wallNanos,
            int maxMovesPerMinute, long maxMovesPerMinuteSeed, double worstSettleShare, long worstSettleSeed,
            long maxSettledAfterNanos, List<SimulationFailure> failures, java.util.Map<String, Long> coverage) {

        public String summary() {
            return String.format("scenarios=%d steps=%d simulated_hours=%.1f wall_s=%.1f scenarios_per_s=%.0f "
                            + "max_moves_per_minute=%d (seed %d) worst_settle=%.0f%% of its bound (seed %d) "
                            + "max_settle_s=%.3f failures=%d%s",
                    scenarios, steps, simulatedNanos / 3.6e12, wallNanos / 1e9, scenarios / (wallNanos / 1e9),
                    maxMovesPerMinute, maxMovesPerMinuteSeed, worstSettleShare * 100, worstSettleSeed,
                    maxSettledAfterNanos / 1e9, failures.size(),
                    failures.isEmpty() ? "" : " first_failing_seed=" + failures.getFirst().seed());
        }
    }

    public static Result run(long firstSeed, long count, SimOptions options) {
        long t0 = System.nanoTime();
        LongAdder steps = new LongAdder();
        LongAdder simulated = new LongAdder();
        LongAdder scenarios = new LongAdder();
        AtomicLong maxMoves = new AtomicLong(); // moves << 32 | low bits of the seed's index
        LongAccumulator maxSettled = new LongAccumulator(Math::max, 0);
        Object lock = new Object();
        double[] worst = {0};
        long[] worstSeed = {-1};
        long[] movesSeed = {-1};
        int[] movesMax = {0};
        List<SimulationFailure> failures = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ConcurrentHashMap<String, LongAdder> coverage = new java.util.concurrent.ConcurrentHashMap<>();
        LongStream.range(firstSeed, firstSeed + count).parallel().forEach(seed -> {
            Scenario sc = ScenarioGenerator.generate(seed, options);
            for (String c : coverage(sc)) {
                coverage.computeIfAbsent(c, k -> new LongAdder()).increment();
            }
            try {
                SimResult r = new Simulation(sc, options).run();
                steps.add(r.steps());
                simulated.add(r.simulatedNanos());
                maxSettled.accumulate(r.settledAfter());
                double share = r.settledAfter() / (double) r.settleBound();
                synchronized (lock) {
                    if (share > worst[0] || (share == worst[0] && seed < worstSeed[0])) {
                        worst[0] = share;
                        worstSeed[0] = seed;
                    }
                    if (r.maxMovesPerMinute() > movesMax[0]
                            || (r.maxMovesPerMinute() == movesMax[0] && seed < movesSeed[0])) {
                        movesMax[0] = r.maxMovesPerMinute();
                        movesSeed[0] = seed;
                    }
                }
            } catch (SimulationFailure f) {
                synchronized (failures) {
                    failures.add(f);
                    failures.sort((a, b) -> Long.compare(a.seed(), b.seed()));
                    if (failures.size() > KEEP_FAILURES) {
                        failures.removeLast();
                    }
                }
            }
            scenarios.increment();
        });
        return new Result(firstSeed, scenarios.sum(), steps.sum(), simulated.sum(), System.nanoTime() - t0,
                movesMax[0], movesSeed[0], worst[0], worstSeed[0], maxSettled.get(), List.copyOf(failures),
                new java.util.TreeMap<>(coverage.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        java.util.Map.Entry::getKey, e -> e.getValue().sum()))));
    }

    /** What a scenario covers: its cloud, its size, whether peers are recognised, and each kind of event in it. */
    static java.util.Set<String> coverage(Scenario sc) {
        java.util.Set<String> c = new java.util.TreeSet<>();
        c.add("cloud " + sc.cloud());
        c.add("nodes " + sc.nodes());
        c.add(sc.peersRecognised() ? "peers recognised" : "peers unrecognised");
        c.add("advert_int " + sc.advertCentis() / 100.0 + " s");
        for (Scenario.At a : sc.events()) {
            c.add("event " + a.event().getClass().getSimpleName());
        }
        return c;
    }

    /** The most seen of each figure the invariants keep, one line each (this JVM's runs). */
    public static String figures() {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(Invariants.FIGURES).forEach((k, v) -> b.append("MAX ").append(k).append(": ")
                .append(v[0]).append(" (seed ").append(v[1]).append(")\n"));
        return b.toString();
    }

    /** {@code Campaign [scenarios] [first seed]}: prints the figures, and the first failure in full. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("replay")) {
            // Campaign replay SEED [trace lines]: one seed, its failure (or its figures) in full
            long seed = Long.parseLong(args[1]);
            int lines = args.length > 2 ? Integer.parseInt(args[2]) : 300;
            SimOptions o = SimOptions.defaults();
            o = new SimOptions(o.clouds(), o.nodeCounts(), o.faults(), o.unrecognisedShare(), lines, false, o.sabotage());
            try {
                Simulation sim = new Simulation(seed, o);
                SimResult r = sim.run();
                System.out.println(ScenarioGenerator.describe(sim.scenario()));
                System.out.println(String.join("\n", sim.trace().last(lines)));
                System.out.println("OK " + r);
            } catch (SimulationFailure f) {
                System.out.println(f.getMessage());
            }
            return;
        }
        long count = args.length > 0 ? Long.parseLong(args[0]) : 1000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        Result r = run(seed, count, SimOptions.defaults());
        System.out.println("SIM " + r.summary());
        System.out.print(figures());
        for (SimulationFailure f : r.failures()) {
            System.out.println("FAIL seed=" + f.seed() + " " + f.invariant());
        }
        if (!r.failures().isEmpty()) {
            System.out.println(r.failures().getFirst().getMessage());
        }
    }
}
