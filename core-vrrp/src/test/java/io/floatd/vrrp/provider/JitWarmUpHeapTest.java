package io.floatd.vrrp.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The heap is given back once the JIT warm-up ends: when the last of the warm-ups running ends (two providers'
 * overlapping here), the trim runs once, and not before.
 */
@Timeout(60)
class JitWarmUpHeapTest {
    private final Runnable production = JitWarmUp.afterWarmUps;

    @AfterEach
    void restore() {
        JitWarmUp.afterWarmUps = production;
    }

    /** A real exercise on the loopback responder: HTTP GETs through the JDK's client, held until {@code release}. */
    private static JitWarmUp.Exercise exercise(String key, CountDownLatch release, AtomicInteger runs) {
        return new JitWarmUp.Exercise() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public JitWarmUp.Reply answer(String method, String path, byte[] body) {
                return new JitWarmUp.Reply(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII));
            }

            @Override
            public int run(URI endpoint, Duration callTimeout, int rounds) throws Exception {
                release.await();
                try (HttpClient client = HttpClient.newHttpClient()) {
                    client.send(HttpRequest.newBuilder(endpoint.resolve("/x")).timeout(callTimeout).build(),
                            HttpResponse.BodyHandlers.ofString());
                }
                runs.incrementAndGet();
                return rounds;
            }
        };
    }

    @Test
    void theHeapIsTrimmedOnceWhenTheLastRunningWarmUpEnds() throws Exception {
        AtomicInteger trims = new AtomicInteger();
        AtomicInteger runsAtTrim = new AtomicInteger(-1);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch trimmed = new CountDownLatch(1);
        JitWarmUp.afterWarmUps = () -> {
            runsAtTrim.set(runs.get());
            trims.incrementAndGet();
            trimmed.countDown();
        };
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        String id = "heap-test-" + System.nanoTime();
        JitWarmUp.start("one", exercise(id + "-1", first, runs));
        JitWarmUp.start("two", exercise(id + "-2", second, runs));
        first.countDown();
        // the first warm-up's two runs (platform, then virtual) end while the second one waits: no trim yet
        long end = System.nanoTime() + 30_000_000_000L;
        while (runs.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(2, runs.get(), "the first warm-up ran");
        assertEquals(0, trims.get(), "another warm-up still runs: no trim");
        second.countDown();
        assertEquals(true, trimmed.await(30, TimeUnit.SECONDS));
        assertEquals(4, runsAtTrim.get(), "the trim came after both warm-ups' runs");
        assertEquals(1, trims.get());
    }
}
