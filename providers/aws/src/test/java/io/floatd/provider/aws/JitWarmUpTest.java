package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.provider.WarmUpResponder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** The JIT warm-up drives the real SDK pipeline against its own stand-ins and nothing else. */
class JitWarmUpTest {
    @Test
    void everyRoundIsOneDescribeAndOneAssociateAnsweredInMemory() {
        JitWarmUp.CannedHttpClient http = new JitWarmUp.CannedHttpClient();
        assertEquals(5, JitWarmUp.run(Region.EU_WEST_1, 5, http));
        assertEquals(10, http.requests, "each call reached the stand-in, so none could reach a network");
    }

    @Test
    void theLoopbackRoundsGoThroughTheRealHttpClientToTheResponderOnly() throws Exception {
        try (WarmUpResponder responder = WarmUpResponder.start(JitWarmUp::reply)) {
            assertEquals("127.0.0.1", responder.uri().getHost());
            // the SDK parses the canned answers: a malformed one would throw here
            assertEquals(7, JitWarmUp.run(Region.EU_WEST_1, 7, responder.uri(), Duration.ofSeconds(3)));
            assertEquals(14, responder.requests(), "each call was answered by the responder on loopback");
        }
    }

    @Test
    void modeRouteTablesRoundsAreADescribeRouteTablesAndAReplaceRouteTheSdkParses() throws Exception {
        try (WarmUpResponder responder = WarmUpResponder.start(JitWarmUp::reply)) {
            assertEquals(3, JitWarmUp.run(Region.EU_WEST_1, 3, responder.uri(), Duration.ofSeconds(3), true));
            assertEquals(6, responder.requests());
        }
    }
}
