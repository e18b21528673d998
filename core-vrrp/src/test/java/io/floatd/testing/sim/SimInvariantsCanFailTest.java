package io.floatd.testing.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/** The checker is not vacuous: a node wired wrongly on purpose is caught, with its seed, step and trace, and replays. */
class SimInvariantsCanFailTest {

    @Test
    void aNodeThatAcquiresWhileBackupIsCaughtWithSeedStepAndTraceAndReplays() {
        SimOptions broken = SimOptions.defaults().withSabotage(SimOptions.Sabotage.ACQUIRE_WHILE_BACKUP);
        SimulationFailure caught = null;
        for (long seed = 1; seed <= 200 && caught == null; seed++) {
            try {
                new Simulation(seed, broken).run();
            } catch (SimulationFailure f) {
                caught = f;
            }
        }
        if (caught == null) {
            fail("200 seeds and the broken wiring was never caught");
        }
        String m = caught.getMessage();
        assertTrue(caught.invariant().contains("a node that is not MASTER never acquires"), caught.invariant());
        assertTrue(m.startsWith("seed=" + caught.seed() + " step=" + caught.step() + ": "), m);
        assertTrue(m.contains("trace lines:") && m.contains(" vrrp ") && m.contains(" take "), m);
        // the same seed fails the same way at the same step
        long seed = caught.seed();
        SimulationFailure again = assertThrows(SimulationFailure.class, () -> new Simulation(seed, broken).run());
        assertEquals(caught.step(), again.step());
        assertEquals(caught.getMessage(), again.getMessage());
    }
}
