package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** The JIT warm-up drives the real SDK pipeline against its in-memory stand-in and nothing else. */
class JitWarmUpTest {
    @Test
    void everyRoundIsOneDescribeAndOneAssociateAnsweredInMemory() {
        JitWarmUp.CannedHttpClient http = new JitWarmUp.CannedHttpClient();
        assertEquals(5, JitWarmUp.run(Region.EU_WEST_1, 5, http));
        assertEquals(10, http.requests, "each call reached the stand-in, so none could reach a network");
    }
}
