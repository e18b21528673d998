package io.floatd.provider.digitalocean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.provider.WarmUpResponder;
import org.junit.jupiter.api.Test;

/** The JIT warm-up drives the real client (library, router, Apache HttpClient) against its loopback stand-in only. */
class JitWarmUpTest {
    @Test
    void everyRoundReadsAssignsAndPollsThroughTheRealClientOnLoopback() throws Exception {
        for (DoSettings.Paths paths : DoSettings.Paths.values()) {
            try (WarmUpResponder responder = WarmUpResponder.start(JitWarmUp::reply)) {
                // the library parses the canned answers: a malformed one would throw here
                assertEquals(4, JitWarmUp.run(responder, 4, paths, DoClientOptions.defaults()));
                assertEquals(12, responder.requests(), paths + ": each call was answered by the responder");
                assertEquals(1, responder.connections(), paths + ": one kept-alive connection, as with the API");
            }
        }
    }
}
