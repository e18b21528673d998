package io.floatd.provider.hetzner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.provider.JitWarmUp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The JIT warm-up drives the real client (Apache HttpClient, gson) against its loopback stand-in only. */
class JitWarmUpTest {
    @Test
    void everyRoundReadsAssignsAndPollsThroughTheRealClientOnLoopback() throws Exception {
        // the client parses the canned answers: a malformed one would throw here
        JitWarmUp.Result r = JitWarmUp.onLoopback(new HetznerWarmUp(HetznerClientOptions.defaults()), 4,
                Duration.ofSeconds(30));
        assertEquals(4, r.rounds());
        assertEquals(12, r.requests(), "each call was answered by the responder");
        assertEquals(1, r.connections(), "one kept-alive connection, as with the API");
    }
}
