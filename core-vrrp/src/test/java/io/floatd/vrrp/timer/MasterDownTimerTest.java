package io.floatd.vrrp.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MasterDownTimerTest {

    @Test
    void v3SkewTimeIsPriorityShareOfMasterAdverInterval_Rfc5798_6_1() {
        // (256 - 100) * 100 cs / 256 = 60.9375 cs
        assertEquals(609_375_000L, MasterDownTimer.skewTimeNanos(3, 100, 100));
        // advert_int 0.1 s, priority 150: (106 * 10 cs) / 256 = 4.140625 cs
        assertEquals(41_406_250L, MasterDownTimer.skewTimeNanos(3, 150, 10));
    }

    @Test
    void v3MasterDownIntervalIsThreeIntervalsPlusSkew_Rfc5798_6_1() {
        assertEquals(3_609_375_000L, MasterDownTimer.masterDownIntervalNanos(3, 100, 100));
        assertEquals(341_406_250L, MasterDownTimer.masterDownIntervalNanos(3, 150, 10));
    }

    @Test
    void v2SkewTimeIgnoresTheIntervalAndCountsSeconds_Rfc3768_6_1() {
        // (256 - 100) / 256 s, whatever the advertisement interval
        assertEquals(609_375_000L, MasterDownTimer.skewTimeNanos(2, 100, 100));
        assertEquals(609_375_000L, MasterDownTimer.skewTimeNanos(2, 100, 300));
        assertEquals(9_609_375_000L, MasterDownTimer.masterDownIntervalNanos(2, 100, 300));
    }

    @Test
    void higherPriorityWaitsLess() {
        assertEquals(3_003_906_250L, MasterDownTimer.masterDownIntervalNanos(3, 255, 100));
        assertEquals(3_996_093_750L, MasterDownTimer.masterDownIntervalNanos(3, 1, 100));
    }

    @Test
    void priorityZeroIsNeverALocalPriority() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MasterDownTimer.skewTimeNanos(3, 0, 100));
        assertEquals("priority must be between 1 and 255, but was 0", e.getMessage());
    }
}
