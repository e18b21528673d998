package io.floatd.testing.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.sim.Scenario.Cloud;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios, 2 and 3 nodes, every cloud shape and every fault kind, each checked after every step. By
 * default 10,000 of them, within a budget that fits a 2-core CI machine; {@code -Dsim.scenarios=N -Dsim.seed=S} runs a
 * campaign of N seeds from S ({@code bench/simulate.sh}). A failure names its seed: {@code new Simulation(seed,
 * SimOptions.defaults()).run()} replays it, {@code Campaign replay SEED} prints its trace.
 */
class ClusterSimulationTest {
    static final long DEFAULT_SCENARIOS = 10_000;

    @Test
    void everyGeneratedScenarioKeepsEveryInvariantAtEveryStep() {
        long count = Long.getLong("sim.scenarios", DEFAULT_SCENARIOS);
        long seed = Long.getLong("sim.seed", 1);
        Campaign.Result r = Campaign.run(seed, count, SimOptions.defaults());
        System.out.println("SIM first_seed=" + seed + " " + r.summary());
        System.out.print(Campaign.figures());
        r.coverage().forEach((k, v) -> System.out.println("COVERAGE " + k + ": " + v));
        for (SimulationFailure f : r.failures()) {
            System.out.println("FAIL seed=" + f.seed() + " step=" + f.step() + " " + f.invariant());
        }
        if (!r.failures().isEmpty()) {
            throw r.failures().getFirst();
        }
        assertEquals(count, r.scenarios());
        if (count >= DEFAULT_SCENARIOS) {
            for (Cloud c : Cloud.values()) {
                assertTrue(r.coverage().getOrDefault("cloud " + c, 0L) > 0, "no scenario on " + c);
            }
            for (String k : new String[] {"nodes 2", "nodes 3", "peers unrecognised", "event Cut", "event Loss",
                    "event Delay", "event ApiMix", "event Crash", "event Stop", "event Handover", "event Priority",
                    "event FaultRaised"}) {
                assertTrue(r.coverage().getOrDefault(k, 0L) > 0, "nothing covered " + k);
            }
        }
    }
}
