package io.floatd.vrrp.codec;

import static io.floatd.vrrp.codec.Hex.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** keepalived 2.2.7's AH sequence number rules: one counter per instance for sending and receiving. */
class AhSequenceTest {

    @Test
    void theFirstAdvertCarriesOneAndEachNextOneMore() {
        AhSequence s = new AhSequence();
        assertEquals(1, s.next());
        assertEquals(2, s.next());
        assertEquals(2, s.current());
    }

    @Test
    void aReplayedOrOlderNumberIsRefusedAndANewerOneTaken() {
        AhSequence s = new AhSequence();
        assertTrue(s.accept(1));
        assertFalse(s.accept(1), "the same number again is a replay");
        assertTrue(s.accept(4));
        assertFalse(s.accept(3), "older than the counter");
        assertFalse(s.accept(0));
        assertEquals(4, s.current());
    }

    @Test
    void capturedKeepalivedAdvertsPassInOrderAndTheirReplayIsDropped() {
        AhSequence s = new AhSequence();
        for (String hex : new String[] {AhPacketVectorsTest.SEQ1, AhPacketVectorsTest.SEQ2, AhPacketVectorsTest.SEQ5_PRIO0}) {
            var v = (AhPacket.Verified) AhPacketVectorsTest.open(bytes(hex));
            assertTrue(s.accept(v.ah().sequence()), hex);
        }
        var replay = (AhPacket.Verified) AhPacketVectorsTest.open(bytes(AhPacketVectorsTest.SEQ2));
        assertFalse(s.accept(replay.ah().sequence()), "a recorded advert sent again");
    }

    @Test
    void aBackupThatTakesOverContinuesAboveItsMastersLastNumber() {
        AhSequence s = new AhSequence();
        assertTrue(s.accept(1000));
        assertEquals(1001, s.next());
    }

    @Test
    void aPeerThatRestartedFromOneIsDroppedUntilItHearsOurNumber() {
        AhSequence ours = new AhSequence();
        AhSequence restarted = new AhSequence();
        assertTrue(ours.accept(500)); // heard the peer before it restarted
        assertFalse(ours.accept(restarted.next()), "the restarted peer's 1 is a replay here");
        long mine = ours.next();
        assertTrue(restarted.accept(mine), "the restarted peer takes our number");
        assertTrue(ours.accept(restarted.next()), "and its next advert is above it");
    }

    @Test
    void theCounterStopsBeforeWrappingAndStartsAgainWhenBecomingMaster() {
        AhSequence s = new AhSequence();
        assertTrue(s.accept(AhSequence.LAST - 1));
        assertEquals(AhSequence.LAST, s.next());
        assertEquals(AhSequence.LAST, s.next(), "stopped: never wraps to 0 (RFC 2402 §3.3.2)");
        s.resetIfExhausted();
        assertEquals(1, s.next());
        AhSequence fresh = new AhSequence();
        fresh.next();
        fresh.resetIfExhausted();
        assertEquals(2, fresh.next(), "no reset unless the counter stopped");
    }
}
