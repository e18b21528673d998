package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import static io.floatd.provider.digitalocean.DoFixture.OTHER;
import static io.floatd.provider.digitalocean.DoFixture.PEER;
import static io.floatd.provider.digitalocean.DoFixture.RIP;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;
import static io.floatd.provider.digitalocean.DoFixture.assertClean;
import static io.floatd.provider.digitalocean.DoFixture.create;
import static io.floatd.provider.digitalocean.DoFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The provider through digitalocean-api-java against {@link DoTestEndpoint} over plain HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReservedIpProviderTest {
    private static final String IP_PATH = "/v2/reserved_ips/" + RIP;
    private DoTestEndpoint api;

    @BeforeEach
    void start() throws Exception {
        api = DoFixture.populate(new DoTestEndpoint(TOKEN));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void foundByServiceLoaderAsDigitalocean() {
        assertTrue(ServiceLoader.load(FloatingIpProviderFactory.class).stream()
                .anyMatch(p -> p.get().name().equals("digitalocean") && p.get() instanceof DigitalOceanProviderFactory));
    }

    @Test
    void aPeerIsRecognisedByItsPublicIpToo() throws Exception {
        var factory = new DigitalOceanProviderFactory(DoFixture.options());
        var ctx = new io.floatd.vrrp.provider.ProviderContext("VI_1", "eth0", List.of(),
                DoFixture.ip(DoFixture.SELF_PUBLIC), List.of(DoFixture.ip(DoFixture.PEER_PUBLIC)), settings(api));
        try (FloatingIpProvider p = factory.create(ctx)) {
            api.assign(RIP, PEER);
            assertEquals(Holder.peer(String.valueOf(PEER)), p.holder());
        }
    }

    @Test
    void warmAtStartThenTakeoverIsReadAssignPoll() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            assertEquals(List.of("GET " + IP_PATH, "GET /v2/droplets/" + SELF, "GET /v2/droplets"), api.calls(),
                    "create reads the IP and this droplet once, then looks the peer up");
            int warmConnection = api.requests().getFirst().clientPort();
            api.resetLog();
            p.acquire();
            List<String> calls = api.calls();
            assertEquals("GET " + IP_PATH, calls.get(0));
            assertEquals("POST " + IP_PATH + "/actions", calls.get(1));
            assertTrue(calls.get(2).matches("GET " + IP_PATH + "/actions/\\d+"), calls.toString());
            assertEquals(3, calls.size(), "the action completes at its first poll: " + calls);
            var post = com.google.gson.JsonParser.parseString(api.requests().get(1).body()).getAsJsonObject();
            assertEquals("assign", post.get("type").getAsString());
            assertEquals(SELF, post.get("droplet_id").getAsLong());
            assertEquals("Bearer " + TOKEN, api.requests().getFirst().authorization());
            assertEquals(SELF, api.holder(RIP));
            assertFalse(api.locked(RIP));
            assertTrue(api.requests().stream().allMatch(r -> r.clientPort() == warmConnection),
                    "the takeover reuses the connection opened at start");
            System.out.println("takeover request sequence: " + api.requests());
        }
    }

    @Test
    void anActionInProgressIsPolledUntilCompleted() throws Exception {
        api.actions(4, "completed");
        try (FloatingIpProvider p = create(api)) {
            api.resetLog();
            p.acquire();
            assertEquals(4, api.count("GET", IP_PATH + "/actions/\\d+"));
            assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
        }
    }

    /** The orchestrator's holder read is reused: the assign is the next request after it. */
    @Test
    void acquireAfterTheCallersHolderReadSendsTheAssignAtOnce() throws Exception {
        api.assign(RIP, PEER);
        try (FloatingIpProvider p = create(api)) {
            api.resetLog();
            Holder seen = p.holder();
            p.acquire(seen);
            assertEquals("GET " + IP_PATH, api.calls().get(0));
            assertEquals("POST " + IP_PATH + "/actions", api.calls().get(1));
            assertEquals(1, api.count("GET", IP_PATH));
            assertEquals(SELF, api.holder(RIP));
        }
    }

    @Test
    void alreadyAssignedWritesNothing() throws Exception {
        api.assign(RIP, SELF);
        try (FloatingIpProvider p = create(api)) {
            api.resetLog();
            p.acquire();
            assertEquals(List.of("GET " + IP_PATH), api.calls(), "already SELF: no write call");
        }
    }

    @Test
    void a422ForAnIpAlreadyOursIsSuccessNotRetried() throws Exception {
        api.assign(RIP, SELF);
        try (FloatingIpProvider p = create(api)) {
            api.staleReads(1); // the first read races: it shows nobody, so the assign is sent and answered 422
            api.resetLog();
            p.acquire();
            assertEquals(1, api.count("POST", IP_PATH + "/actions"));
            assertEquals(List.of("GET " + IP_PATH, "POST " + IP_PATH + "/actions", "GET " + IP_PATH), api.calls());
            assertEquals(SELF, api.holder(RIP));
        }
    }

    @Test
    void aLockOnTheFirstAttemptIsRetryableThenSucceeds() throws Exception {
        api.failNext("POST " + IP_PATH + "/actions", 422, java.util.Map.of(), "unprocessable_entity",
                "The reserved IP has a pending event.");
        try (FloatingIpProvider p = create(api)) {
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable(), e.getMessage());
            assertClean(e);
            assertTrue(e.getMessage().contains("pending event"), e.getMessage());
            assertTrue(e.getMessage().contains("unprocessable_entity"), e.getMessage());
            p.acquire();
            assertEquals(SELF, api.holder(RIP));
        }
    }

    @Test
    void aLockedIpIsNotAssignedAgain() throws Exception {
        api.actions(1000, "completed");
        try (FloatingIpProvider peer = new DigitalOceanProviderFactory(DoFixture.options())
                .create(DoFixture.context(settings(api, "droplet_id", String.valueOf(PEER)), true));
             FloatingIpProvider p = create(api)) {
            assertThrows(ProviderException.class, () -> {
                var opts = DoFixture.options().withActionTimeout(Duration.ofMillis(100));
                try (FloatingIpProvider quick = new DigitalOceanProviderFactory(opts)
                        .create(DoFixture.context(settings(api, "droplet_id", String.valueOf(PEER)), true))) {
                    quick.acquire();
                }
            });
            assertTrue(api.locked(RIP));
            api.resetLog();
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable());
            assertClean(e);
            assertTrue(e.getMessage().contains("locked by a pending action"), e.getMessage());
            assertEquals(List.of("GET " + IP_PATH), api.calls(), "no assign while the IP is locked");

            Holder seen = p.holder(); // the orchestrator's read, reused by the acquire that follows it
            api.resetLog();
            ProviderException again = assertThrows(ProviderException.class, () -> p.acquire(seen));
            assertTrue(again.retryable());
            assertEquals(List.of(), api.calls(), "the caller's read showed the lock: nothing sent");
        }
    }

    @Test
    void anErroredActionIsOneClearLine() throws Exception {
        api.actions(2, "errored");
        try (FloatingIpProvider p = create(api)) {
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertClean(e);
            assertTrue(e.retryable());
            assertTrue(e.getMessage().matches("digitalocean: the assign action \\d+ of reserved IP " + RIP.replace(".", "\\.")
                    + " errored at DigitalOcean \\(droplet " + SELF + "\\); trying again"), e.getMessage());
            assertNull(api.holder(RIP));
            api.actions(1, "completed");
            p.acquire();
            assertEquals(SELF, api.holder(RIP));
        }
    }

    @Test
    void anActionThatNeverCompletesEndsAtTheDeadline() throws Exception {
        api.actions(1, null);
        var opts = DoFixture.options().withActionTimeout(Duration.ofMillis(300));
        try (FloatingIpProvider p = create(opts, settings(api))) {
            long t0 = System.nanoTime();
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertClean(e);
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("was still in-progress after 300 ms"), e.getMessage());
            assertTrue(ms >= 250 && ms < 3000, ms + " ms");
            assertEquals(1, api.count("POST", IP_PATH + "/actions"));
        }
    }

    @Test
    void anAcquireCutShortResumesItsActionInsteadOfAssigningAgain() throws Exception {
        api.actions(30, "completed");
        try (FloatingIpProvider p = create(api)) {
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    p.acquire();
                } catch (ProviderException e) {
                    assertTrue(e.retryable(), e.getMessage());
                }
            });
            while (api.count("GET", IP_PATH + "/actions/\\d+") < 3) {
                Thread.sleep(5);
            }
            t.interrupt(); // as the orchestrator's attempt time limit does
            t.join();
            p.acquire();
            assertEquals(1, api.count("POST", IP_PATH + "/actions"), "one assign only");
            assertEquals(SELF, api.holder(RIP));
        }
    }

    /**
     * Issue 8: an assign whose poll failed (5xx) stays pending, and the retry's read finds the IP ours. When the peer
     * takes the IP later and this node takes over again, that old, finished action must not count as this takeover's:
     * a new assign goes out. (Found by the fault tests: the takeover reported success with the IP on the peer.)
     */
    @Test
    void aFinishedActionOfAnEarlierTakeoverIsNotTakenForThisOne() throws Exception {
        api.actionMillis(50);
        try (FloatingIpProvider p = create(api)) {
            api.failNext("GET " + IP_PATH + "/actions/\\d+", 500, Map.of(), "server_error", "Server Error");
            ProviderException e = assertThrows(ProviderException.class, () -> p.acquire(p.holder()));
            assertTrue(e.retryable(), e.getMessage());
            long end = System.nanoTime() + 5_000_000_000L;
            while (api.locked(RIP) && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals(Holder.self(String.valueOf(SELF)), p.holder(), "the retry's read: the assign completed");
            api.assign(RIP, PEER);
            p.acquire(p.holder());
            assertEquals(2, api.count("POST", IP_PATH + "/actions"), "a new assign for the new takeover");
            assertEquals(SELF, api.holder(RIP));
        }
    }

    @Test
    void releaseUnassignsOnlyWhatIsStillOurs() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            p.acquire();
            api.resetLog();
            p.release();
            assertEquals("POST " + IP_PATH + "/actions", api.calls().get(1));
            assertTrue(api.requests().get(1).body().contains("\"unassign\""));
            assertNull(api.holder(RIP));

            api.assign(RIP, PEER);
            api.resetLog();
            p.release();
            assertEquals(List.of("GET " + IP_PATH), api.calls(), "the peer's hold is left alone");
            assertEquals(PEER, api.holder(RIP));
        }
    }

    @Test
    void twoNodesHandTheIpBackAndForth() throws Exception {
        var f = new DigitalOceanProviderFactory(DoFixture.options());
        try (FloatingIpProvider a = f.create(DoFixture.context(settings(api), false));
             FloatingIpProvider b = f.create(DoFixture.context(settings(api, "droplet_id", String.valueOf(PEER)), true))) {
            a.acquire();
            assertEquals(Holder.peer(String.valueOf(SELF)), b.holder());
            b.acquire();
            assertEquals(Holder.peer(String.valueOf(PEER)), a.holder());
            a.release();
            assertEquals(PEER, api.holder(RIP));
        }
    }

    @Test
    void anInvalidTokenIsFatalAtStartAndNeverShown() {
        var opts = DoFixture.options(DoFixture.WRONG_TOKEN);
        ProviderException e = assertThrows(ProviderException.class, () -> create(opts, settings(api)));
        assertFalse(e.retryable());
        assertClean(e);
        assertTrue(e.getMessage().startsWith("digitalocean: the API token was refused (401 unauthorized: Unable to "
                + "authenticate you"), e.getMessage());
        assertTrue(e.getMessage().contains("DIGITALOCEAN_TOKEN"), e.getMessage());
        assertTrue(api.requests().getFirst().authorization().contains(DoFixture.WRONG_TOKEN), "it was sent");
    }

    @Test
    void anUnknownIpIsFatalAtStart() {
        ProviderException e = assertThrows(ProviderException.class, () -> create(api, "address", "203.0.113.77"));
        assertFalse(e.retryable());
        assertClean(e);
        assertEquals("digitalocean: reserved IP 203.0.113.77 not found (404 not_found: " + DoTestEndpoint.NOT_FOUND
                + "): check address in floating_ip (a reserved IP of this account) "
                + "[request 4d9d8375-3c56-4925-a3e7-eb137fed17e9]", e.getMessage());
    }

    @Test
    void anUnknownDropletIsFatalAtStart() {
        ProviderException e = assertThrows(ProviderException.class, () -> create(api, "droplet_id", "999"));
        assertFalse(e.retryable());
        assertClean(e);
        assertTrue(e.getMessage().startsWith("digitalocean: droplet 999 not found (404 not_found: "), e.getMessage());
    }

    @Test
    void rateLimitedCallsWaitAsTheHeadersSay() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            long reset = java.time.Instant.now().getEpochSecond() + 1;
            api.failNext("GET " + IP_PATH, 429, java.util.Map.of("RateLimit-Limit", "5000", "RateLimit-Remaining", "0",
                    "RateLimit-Reset", String.valueOf(reset), "Retry-After", "1"), "too_many_requests",
                    "API rate limit exceeded.");
            api.resetLog();
            long t0 = System.nanoTime();
            assertEquals(Holder.nobody(), p.holder());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 900, "waited " + ms + " ms");
            assertEquals(2, api.count("GET", IP_PATH));
        }
    }

    @Test
    void aRateLimitBeyondTheDeadlineIsRetryable() throws Exception {
        var opts = DoFixture.options().withActionTimeout(Duration.ofMillis(500));
        try (FloatingIpProvider p = create(opts, settings(api))) {
            api.failNext("POST .*", 429, java.util.Map.of("RateLimit-Remaining", "0", "RateLimit-Reset",
                    String.valueOf(java.time.Instant.now().getEpochSecond() + 30)), "too_many_requests",
                    "API rate limit exceeded.");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable());
            assertClean(e);
            assertTrue(e.getMessage().contains("rate limited (429 too_many_requests: API rate limit exceeded.)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("resets in "), e.getMessage());
        }
    }

    @Test
    void serverErrorsAreRetryableWithTheErrorBody() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            api.failNext("POST .*", 503, java.util.Map.of(), "service_unavailable", "Service is temporarily down.");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable());
            assertClean(e);
            assertTrue(e.getMessage().contains("(503 service_unavailable: Service is temporarily down.)"), e.getMessage());
            p.acquire();
        }
    }

    @Test
    void aForbiddenAssignIsFatal() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            api.failNext("POST .*", 403, java.util.Map.of(), "forbidden", "You do not have access for the attempted action.");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertFalse(e.retryable());
            assertClean(e);
            assertTrue(e.getMessage().contains("is forbidden for this token (403 forbidden"), e.getMessage());
        }
    }

    @Test
    void aTimeoutIsRetryable() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var opts = DoFixture.options().withAttemptTimeout(Duration.ofMillis(300));
            var settings = settings(api, "api_url", "http://127.0.0.1:" + silent.getLocalPort());
            // create logs the failed warm-up and returns: a network hiccup at start is not fatal
            try (FloatingIpProvider p = create(opts, settings)) {
                ProviderException e = assertThrows(ProviderException.class, p::holder);
                assertTrue(e.retryable());
                assertClean(e);
                assertTrue(e.getMessage().contains("no answer from http://127.0.0.1:" + silent.getLocalPort()
                        + " within 300 ms"), e.getMessage());
            }
        }
    }

    @Test
    void floatingIpsPathsAreSelectable() throws Exception {
        try (FloatingIpProvider p = create(api, "api_paths", "floating_ips")) {
            api.resetLog();
            p.acquire();
            assertEquals("GET /v2/floating_ips/" + RIP, api.calls().get(0));
            assertEquals("POST /v2/floating_ips/" + RIP + "/actions", api.calls().get(1));
            assertTrue(api.calls().get(2).startsWith("GET /v2/floating_ips/" + RIP + "/actions/"));
            assertEquals(SELF, api.holder(RIP));
            assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
        }
    }

    @Test
    void theDropletIdComesFromTheMetadataService() throws Exception {
        try (MetadataTestEndpoint md = new MetadataTestEndpoint(SELF);
             FloatingIpProvider p = create(api, "droplet_id", null, "metadata_url", md.uri().toString())) {
            assertEquals(1, md.idRequests());
            p.acquire();
            assertEquals(SELF, api.holder(RIP));
        }
    }

    @Test
    void theMetadataUrlAndApiUrlComeFromTheEnvironment() throws Exception {
        try (MetadataTestEndpoint md = new MetadataTestEndpoint(SELF)) {
            java.util.Map<String, String> env = java.util.Map.of(DigitalOceanProviderFactory.TOKEN_ENV, TOKEN,
                    DropletMetadata.ENV, md.uri().toString(), DigitalOceanProviderFactory.API_URL_ENV, api.uri().toString());
            var opts = DoFixture.options().withEnv(env::get);
            var s = settings(api, "droplet_id", null, "metadata_url", null, "api_url", null);
            try (FloatingIpProvider p = create(opts, s)) {
                assertEquals(1, md.idRequests());
                assertEquals(Holder.nobody(), p.holder());
            }
        }
    }

    @Test
    void noTokenAnywhereIsFatal() {
        ProviderException e = assertThrows(ProviderException.class, () -> create(DoFixture.options(null), settings(api)));
        assertFalse(e.retryable());
        assertClean(e);
        assertTrue(e.getMessage().contains("no API token"), e.getMessage());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void theProviderNeverShowsTheToken() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            assertFalse(p.toString().contains(TOKEN), p.toString());
            assertFalse(String.valueOf(((ReservedIpProvider) p).api()).contains(TOKEN));
        }
    }
}
