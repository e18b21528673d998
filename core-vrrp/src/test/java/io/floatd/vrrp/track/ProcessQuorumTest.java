package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.TrackProcessConfig;
import io.floatd.vrrp.config.TrackProcessConfig.ParamMatch;
import io.floatd.vrrp.track.ProcessQuorum.Cause;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quorum counting and keepalived's fork/terminate delays, on a clock the test moves (nanoseconds). */
class ProcessQuorumTest {
    private static final long S = 1_000_000_000L;

    private static TrackProcessConfig config(int quorum, int quorumMax, double forkDelay, double terminateDelay) {
        return new TrackProcessConfig("tp", "app", List.of(), ParamMatch.NONE, false, 0, false, quorum, quorumMax,
                Duration.ofNanos((long) (forkDelay * S)), Duration.ofNanos((long) (terminateDelay * S)), 0);
    }

    @Test
    void theStartingScanDecidesAtOnce() {
        assertTrue(new ProcessQuorum(config(1, TrackProcessConfig.NO_MAXIMUM, 5, 5), List.of(10)).up());
        assertFalse(new ProcessQuorum(config(2, TrackProcessConfig.NO_MAXIMUM, 5, 5), List.of(10)).up());
    }

    @Test
    void quorumIsTheFewestProcessesThatCountAsUp() {
        ProcessQuorum q = new ProcessQuorum(config(2, TrackProcessConfig.NO_MAXIMUM, 0, 0), List.of());
        assertNull(q.add(1, Cause.EXEC, 0));
        assertEquals(Boolean.TRUE, q.add(2, Cause.EXEC, 0));
        assertNull(q.add(3, Cause.EXEC, 0));
        assertNull(q.remove(3, Cause.EXIT, 0));
        assertEquals(Boolean.FALSE, q.remove(1, Cause.EXIT, 0));
        assertEquals(1, q.count());
    }

    @Test
    void quorumMaxIsTheMostThatCountAsUp() {
        ProcessQuorum q = new ProcessQuorum(config(1, 1, 0, 0), List.of(1));
        assertTrue(q.up());
        assertEquals(Boolean.FALSE, q.add(2, Cause.EXEC, 0));
        assertEquals(Boolean.TRUE, q.remove(2, Cause.EXIT, 0));
    }

    @Test
    void quorumMaxZeroIsUpOnlyWhileNoneRuns() {
        ProcessQuorum q = new ProcessQuorum(config(0, 0, 0, 0), List.of());
        assertTrue(q.up());
        assertEquals(Boolean.FALSE, q.add(7, Cause.EXEC, 0));
        assertEquals(Boolean.TRUE, q.remove(7, Cause.EXIT, 0));
    }

    @Test
    void aProcessIsCountedOnceHoweverOftenItIsSeen() {
        ProcessQuorum q = new ProcessQuorum(config(2, TrackProcessConfig.NO_MAXIMUM, 0, 0), List.of(1));
        // a process exec'ing itself again (a binary upgrade) is still one process
        assertNull(q.add(1, Cause.EXEC, 0));
        assertFalse(q.up());
        assertNull(q.remove(9, Cause.EXIT, 0));
        assertEquals(1, q.count());
    }

    @Test
    void terminateDelayHoldsTheQuorumThroughAnExitUntilItEnds() {
        ProcessQuorum q = new ProcessQuorum(config(1, TrackProcessConfig.NO_MAXIMUM, 0, 2), List.of(1));
        assertNull(q.remove(1, Cause.EXIT, 10 * S));
        assertTrue(q.up());
        assertTrue(q.pending());
        assertNull(q.tick(12 * S - 1));
        assertEquals(Boolean.FALSE, q.tick(12 * S));
        assertFalse(q.pending());
    }

    @Test
    void aRestartWithinTerminateDelayIsNeverReported() {
        ProcessQuorum q = new ProcessQuorum(config(1, TrackProcessConfig.NO_MAXIMUM, 0, 2), List.of(1));
        assertNull(q.remove(1, Cause.EXIT, 10 * S));
        assertNull(q.add(2, Cause.EXEC, 11 * S));
        assertFalse(q.pending());
        assertNull(q.tick(13 * S));
        assertTrue(q.up());
    }

    @Test
    void forkDelayHoldsAGainedQuorumUntilItEnds() {
        ProcessQuorum q = new ProcessQuorum(config(2, TrackProcessConfig.NO_MAXIMUM, 1.5, 0), List.of(1));
        assertNull(q.add(2, Cause.FORK, 0));
        assertFalse(q.up());
        assertNull(q.tick(S));
        assertEquals(Boolean.TRUE, q.tick(S + S / 2));
    }

    @Test
    void aForkedChildThatExecsSomethingElseWithinForkDelayIsNeverReported() {
        // quorum_max 1: the server's child briefly makes two
        ProcessQuorum q = new ProcessQuorum(config(1, 1, 1, 0), List.of(1));
        assertNull(q.add(2, Cause.FORK, 0));
        assertTrue(q.up());
        assertNull(q.remove(2, Cause.EXEC, S / 2));
        assertFalse(q.pending());
        assertNull(q.tick(2 * S));
        assertTrue(q.up());
    }

    @Test
    void forkDelayDoesNotApplyToExecOrExitAndTerminateDelayNotToForkOrExec() {
        ProcessQuorum q = new ProcessQuorum(config(1, TrackProcessConfig.NO_MAXIMUM, 5, 5), List.of());
        // exec: at once, whatever fork_delay says
        assertEquals(Boolean.TRUE, q.add(1, Cause.EXEC, 0));
        // exec into something else: at once, whatever terminate_delay says
        assertEquals(Boolean.FALSE, q.remove(1, Cause.EXEC, 0));
        assertEquals(Boolean.TRUE, q.add(2, Cause.COMM, 0));
        assertEquals(Boolean.FALSE, q.remove(2, Cause.COMM, 0));
    }

    @Test
    void theVerdictAtTheDelaysEndIsTheCountThen() {
        ProcessQuorum q = new ProcessQuorum(config(2, TrackProcessConfig.NO_MAXIMUM, 0, 1), List.of(1, 2));
        assertNull(q.remove(1, Cause.EXIT, 0));
        // a second exit does not restart the delay
        assertNull(q.remove(2, Cause.EXIT, S / 2));
        assertEquals(S, q.deadline());
        assertEquals(Boolean.FALSE, q.tick(S));
        assertEquals(0, q.count());
    }

    @Test
    void aRescanGainingTheQuorumCountsAtOnceAndLosingItWaitsTerminateDelay() {
        ProcessQuorum q = new ProcessQuorum(config(1, TrackProcessConfig.NO_MAXIMUM, 3, 3), List.of());
        assertEquals(Boolean.TRUE, q.replace(List.of(4, 5), 0));
        assertNull(q.replace(List.of(), S));
        assertTrue(q.up());
        assertEquals(Boolean.FALSE, q.tick(4 * S));
    }

    @Test
    void theDeadlineWorksAcrossTheClocksWrap() {
        ProcessQuorum q = new ProcessQuorum(config(1, TrackProcessConfig.NO_MAXIMUM, 0, 1), List.of(1));
        long now = Long.MAX_VALUE - S / 2;
        assertNull(q.remove(1, Cause.EXIT, now));
        assertNull(q.tick(now + S / 4));
        assertEquals(Boolean.FALSE, q.tick(now + S));
    }
}
