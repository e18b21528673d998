package io.floatd.testing.sim;

import static io.floatd.testing.sim.Scenario.MS;
import static io.floatd.testing.sim.Scenario.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.sim.Scenario.Cloud;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import io.floatd.vrrp.timer.MasterDownTimer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Named scenarios, spelled out: the partition heals of the brief, the ping-pong of the old orchestrator, and the
 * replay. Two nodes, n0 at priority 150 and n1 at 100, VRRPv3 with advert_int 1 s, EC2 with a healthy API (20..60 ms).
 */
class DirectedSimulationTest {
    /** Master_Down_Interval of the lower node (the one that must notice the other is gone). */
    static final long MDI = MasterDownTimer.masterDownIntervalNanos(3, 100, 100);
    /**
     * "One API round trip" of the brief: the takeover's holder read and its write (or the hand-over's), each at most
     * 60 ms here.
     */
    static final long API_ROUND_TRIP = 2 * 60 * MS;
    static final long CUT_AT = 20 * S;
    static final long HEAL_AT = 35 * S;
    /** The other direction heals this long after the first: three advert intervals. */
    static final long SECOND_HEAL_AFTER = 3 * S;

    private static Scenario.Builder twoNodes() {
        return Scenario.builder().cloud(Cloud.EC2).priorities(150, 100).advertCentis(100).startAt(0L, 500 * MS)
                .endAt(90 * S);
    }

    private static SimResult run(Scenario s) {
        return new Simulation(s, SimOptions.defaults()).run();
    }

    private static long movesAfter(SimResult r, long t) {
        return r.moveLog().stream().filter(m -> m.at() >= t).count();
    }

    /**
     * Both directions are cut; the heal opens n0's adverts to n1 first, so n1 steps down while n0 never hears it: n1
     * hands the IP over (the provider knows the peer).
     */
    @Test
    void asymmetricHealHigherMastersAdvertsFirstTheIpEndsOnTheMasterWithinOneIntervalAndOneRoundTrip() {
        Scenario s = twoNodes().cutBoth(CUT_AT, 0, 1)
                .at(HEAL_AT, new Scenario.Heal(0, 1))
                .at(HEAL_AT + SECOND_HEAL_AFTER, new Scenario.Heal(1, 0)).build();
        SimResult r = run(s);
        assertHealed(r, "n0's adverts reached n1 first");
    }

    /**
     * The heal opens n1's adverts to n0 first: n0 hears a lower Master, reads at once and takes the IP back; n1,
     * which cannot hear n0 yet, keeps quiet about it (it waits a hand-over's deadline before it would yield).
     */
    @Test
    void asymmetricHealLowerMastersAdvertsFirstTheIpEndsOnTheMasterWithinOneIntervalAndOneRoundTrip() {
        Scenario s = twoNodes().cutBoth(CUT_AT, 0, 1)
                .at(HEAL_AT, new Scenario.Heal(1, 0))
                .at(HEAL_AT + SECOND_HEAL_AFTER, new Scenario.Heal(0, 1)).build();
        SimResult r = run(s);
        assertHealed(r, "n1's adverts reached n0 first");
    }

    private static void assertHealed(SimResult r, String how) {
        assertEquals(0, r.finalMaster(), how + ": n0 ends Master");
        assertTrue(r.moveLog().stream().anyMatch(m -> m.at() > CUT_AT && m.at() < HEAL_AT && m.to() == 1),
                how + ": n1 took the IP during the split: " + r.moveLog());
        long settled = r.lastMisplacedNanos();
        assertTrue(settled <= HEAL_AT + MDI + API_ROUND_TRIP, how + ": the IP is on the Master "
                + (settled - HEAL_AT) / 1e6 + " ms after the heal (bound: Master_Down_Interval " + MDI / 1e6
                + " ms + " + API_ROUND_TRIP / 1e6 + " ms)");
        assertTrue(movesAfter(r, HEAL_AT) <= 1, how + ": at most one move after the heal: " + r.moveLog());
    }

    /**
     * The old orchestrator's ping-pong: peers the provider does not recognise (VRRP on a second ENI), an 8 s VRRP
     * cut, recheck_interval 2 s. The old code moved the IP 8 times. Now: n1 takes it (1), n0's re-check takes it back
     * (2), n1's takes it back (3); after that each waits 2, 4, 8... re-check intervals (damping); at the heal n1 steps
     * down, cannot hand over and releases, and n0 takes it back (at most 2 more).
     */
    @Test
    void pingPongUnrecognisedPeersEightSecondCutMovesAreBounded() {
        TakeoverPolicy p = TakeoverPolicy.custom().recheckInterval(Duration.ofSeconds(2))
                .warmInterval(Duration.ofSeconds(5)).attemptTimeout(Duration.ofSeconds(2))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).deadline(Duration.ofSeconds(20)).build();
        Scenario s = twoNodes().peersRecognised(false).policy(p).cutBoth(CUT_AT, 0, 1)
                .at(CUT_AT + 8 * S, new Scenario.Heal(0, 1)).at(CUT_AT + 8 * S, new Scenario.Heal(1, 0)).build();
        SimResult r = run(s);
        long moves = movesAfter(r, CUT_AT);
        System.out.println("ping-pong: " + moves + " moves (old orchestrator: 8): " + r.moveLog());
        assertTrue(moves <= 5, moves + " moves: " + r.moveLog());
        assertEquals(0, r.finalMaster());
        assertTrue(r.lastMisplacedNanos() < CUT_AT + 8 * S + Invariants.settleBound(s), "settled");
    }

    @Test
    void aSeedRunTwiceYieldsTheIdenticalTrace() {
        SimOptions o = SimOptions.defaults().withRecordTrace(true);
        for (long seed : new long[] {7, 42, 1306}) {
            List<String> first = new Simulation(seed, o).run().trace();
            List<String> second = new Simulation(seed, o).run().trace();
            assertFalse(first.isEmpty());
            assertEquals(first, second, "seed " + seed);
        }
    }
}
