package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.provider.JitWarmUp;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** The JIT warm-up drives the real SDK pipeline against its own stand-ins and nothing else. */
class JitWarmUpTest {
    @Test
    void everyRoundIsOneDescribeAndOneAssociateAnsweredInMemory() {
        Ec2WarmUp.CannedHttpClient http = new Ec2WarmUp.CannedHttpClient();
        assertEquals(5, new Ec2WarmUp(Region.EU_WEST_1, false).run(5, http));
        assertEquals(10, http.requests, "each call reached the stand-in, so none could reach a network");
    }

    @Test
    void theLoopbackRoundsGoThroughTheRealHttpClientToTheResponderOnly() throws Exception {
        // the SDK parses the canned answers: a malformed one would throw here
        JitWarmUp.Result r = JitWarmUp.onLoopback(new Ec2WarmUp(Region.EU_WEST_1, false), 7, Duration.ofSeconds(3));
        assertEquals("127.0.0.1", r.endpoint().getHost());
        assertEquals(7, r.rounds());
        assertEquals(14, r.requests(), "each call was answered by the responder on loopback");
    }

    @Test
    void modeRouteTablesRoundsAreADescribeRouteTablesAndAReplaceRouteTheSdkParses() throws Exception {
        JitWarmUp.Result r = JitWarmUp.onLoopback(new Ec2WarmUp(Region.EU_WEST_1, true), 3, Duration.ofSeconds(3));
        assertEquals(3, r.rounds());
        assertEquals(6, r.requests());
    }
}
