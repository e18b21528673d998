package io.floatd.provider.hetzner;

import static io.floatd.provider.hetzner.HetznerFixture.FIP;
import static io.floatd.provider.hetzner.HetznerFixture.FIP6;
import static io.floatd.provider.hetzner.HetznerFixture.IP;
import static io.floatd.provider.hetzner.HetznerFixture.OTHER;
import static io.floatd.provider.hetzner.HetznerFixture.PEER;
import static io.floatd.provider.hetzner.HetznerFixture.SELF;
import static io.floatd.provider.hetzner.HetznerFixture.TOKEN;
import static io.floatd.provider.hetzner.HetznerFixture.assertClean;
import static io.floatd.provider.hetzner.HetznerFixture.create;
import static io.floatd.provider.hetzner.HetznerFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The provider through its HTTP client against {@link HetznerTestEndpoint}: the takeover's calls and each error answer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HetznerProviderTest {
    private static final String FIP_PATH = "/v1/floating_ips/" + FIP;
    private static final String ASSIGN = "POST " + FIP_PATH + "/actions/assign";
    private HetznerTestEndpoint api;

    @BeforeEach
    void start() throws Exception {
        api = HetznerFixture.populate(new HetznerTestEndpoint(TOKEN));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void foundByServiceLoaderAsHetzner() {
        assertTrue(ServiceLoader.load(FloatingIpProviderFactory.class).stream()
                .anyMatch(p -> p.get().name().equals("hetzner") && p.get() instanceof HetznerProviderFactory));
    }

    @Test
    void startFindsTheFloatingIpByAddressThenATakeoverIsReadAssignPoll() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            assertEquals(List.of("GET /v1/floating_ips", "GET " + FIP_PATH, "GET /v1/servers/" + SELF, "GET /v1/servers"),
                    api.calls(), "the list finds the address, then the IP, this server and the peers are read once");
            int warm = api.requests().getFirst().clientPort();
            api.resetLog();
            p.acquire();
            List<String> calls = api.calls();
            assertEquals("GET " + FIP_PATH, calls.get(0));
            assertEquals(ASSIGN, calls.get(1));
            assertTrue(calls.get(2).matches("GET /v1/floating_ips/actions/\\d+"), calls.toString());
            assertEquals(3, calls.size(), calls.toString());
            assertEquals(SELF, JsonParser.parseString(api.requests().get(1).body()).getAsJsonObject().get("server")
                    .getAsLong());
            assertEquals("Bearer " + TOKEN, api.requests().getFirst().authorization());
            assertEquals(SELF, api.holder(FIP));
            assertTrue(api.requests().stream().allMatch(r -> r.clientPort() == warm), "one kept-alive connection");
        }
    }

    @Test
    void floatingIpIdNamesItWithoutTheList() throws Exception {
        try (FloatingIpProvider p = create(api, "address", null, "floating_ip_id", String.valueOf(FIP))) {
            assertEquals(0, api.count("GET", "/v1/floating_ips"), api.calls().toString());
            p.acquire();
            assertEquals(SELF, api.holder(FIP));
        }
    }

    @Test
    void anAddressAndAnIdThatDisagreeAreRefusedAtStart() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> create(api, "floating_ip_id", String.valueOf(FIP6)));
        assertClean(e);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("floating_ip_id " + FIP6 + " is 2001:db8:77::/64, not address " + IP),
                e.getMessage());
    }

    @Test
    void aFloatingIpv6IsFoundByAnAddressOfItsNetwork() throws Exception {
        try (FloatingIpProvider p = create(api, "address", "2001:db8:77:0:0:0:0:1")) {
            assertTrue(p.toString().contains("2001:db8:77::/64 (" + FIP6 + ")"), p.toString());
            p.acquire();
            assertEquals(SELF, api.holder(FIP6));
        }
    }

    @Test
    void theInterfaceAddressOfAFloatingIpv6IsTheAddressWrittenElseTheNetworksFirst() throws Exception {
        HcloudApi.FloatingIp v6 = new HcloudApi.FloatingIp(FIP6, "2001:db8:77::/64", "ipv6", null);
        assertEquals("2001:db8:77:0:0:0:0:1", HetznerFloatingIpProvider.interfaceAddress(v6, null).getHostAddress());
        assertEquals("2001:db8:77:0:0:0:0:1",
                HetznerFloatingIpProvider.interfaceAddress(v6, "2001:db8:77::/64").getHostAddress());
        assertEquals("2001:db8:77:0:0:0:0:42",
                HetznerFloatingIpProvider.interfaceAddress(v6, "2001:db8:77::42").getHostAddress());
        HcloudApi.FloatingIp v4 = new HcloudApi.FloatingIp(FIP, IP, "ipv4", null);
        assertEquals(IP, HetznerFloatingIpProvider.interfaceAddress(v4, null).getHostAddress());
    }

    @Test
    void anAddressNoFloatingIpHasIsRefusedAtStart() {
        ProviderException e = assertThrows(ProviderException.class, () -> create(api, "address", "198.51.100.1"));
        assertClean(e);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("no floating IP of the token's project is 198.51.100.1"), e.getMessage());
    }

    @Test
    void alreadyRoutedHereWritesNothing() throws Exception {
        api.assign(FIP, SELF);
        try (FloatingIpProvider p = create(api)) {
            api.resetLog();
            p.acquire();
            assertEquals(List.of("GET " + FIP_PATH), api.calls());
            assertEquals(0, api.writes());
        }
    }

    @Test
    void acquireAfterTheCallersHolderReadSendsTheAssignAtOnce() throws Exception {
        api.assign(FIP, PEER);
        try (FloatingIpProvider p = create(api)) {
            api.resetLog();
            Holder seen = p.holder();
            assertEquals(Holder.peer(String.valueOf(PEER)), seen, "the peer's server, by its private network IP");
            p.acquire(seen);
            assertEquals(List.of("GET " + FIP_PATH, ASSIGN), api.calls().subList(0, 2));
            assertEquals(SELF, api.holder(FIP));
        }
    }

    @Test
    void aRunningActionIsPolledUntilSuccess() throws Exception {
        api.actions(4, "success");
        try (FloatingIpProvider p = create(api)) {
            api.resetLog();
            p.acquire();
            assertEquals(4, api.count("GET", "/v1/floating_ips/actions/\\d+"));
            assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
        }
    }

    @Test
    void anUnknownTokenIs401AtStartFatalAndScrubbed() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> create(HetznerFixture.options("WRONG" + TOKEN.substring(5)), settings(api)));
        assertClean(e);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().startsWith("hetzner: the API token was refused (401 unauthorized"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN.substring(5)), e.getMessage());
    }

    @Test
    void aForbiddenAnswerIs403Fatal() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            api.failNext(ASSIGN, 403, Map.of(), "forbidden", "insufficient permissions for this request");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertClean(e);
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("403 forbidden") && e.getMessage().contains("Read & Write"),
                    e.getMessage());
        }
    }

    @Test
    void anUnknownFloatingIpIdIs404AtStartFatal() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> create(api, "address", null, "floating_ip_id", "999"));
        assertClean(e);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("floating IP 999 not found (404 not_found"), e.getMessage());
    }

    @Test
    void anUnknownServerIdIs404AtStartFatal() {
        ProviderException e = assertThrows(ProviderException.class, () -> create(api, "server_id", "123"));
        assertClean(e);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("server not found (404 not_found") && e.getMessage().contains("server_id"),
                e.getMessage());
    }

    @Test
    void aLockedFloatingIpIs423RetryableThenAssigned() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            api.failNext(ASSIGN, 423, Map.of(), "locked", "floating_ip is locked by an action that is still running");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertClean(e);
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("refused while an action runs") && e.getMessage().contains("423 locked"),
                    e.getMessage());
            p.acquire();
            assertEquals(SELF, api.holder(FIP));
        }
    }

    @Test
    void aConflictIs409RetryableThenAssigned() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            api.failNext(ASSIGN, 409, Map.of(), "conflict", "resource has changed during the request, please retry");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertClean(e);
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("changed during the request (409 conflict"), e.getMessage());
            p.acquire();
            assertEquals(SELF, api.holder(FIP));
        }
    }

    @Test
    void aRateLimitIs429WaitedForUntilRateLimitResetInsideTheCall() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            api.resetLog();
            api.failNext(ASSIGN, 429, Map.of("RateLimit-Remaining", "0", "RateLimit-Reset",
                    String.valueOf(Instant.now().getEpochSecond() + 1)), "rate_limit_exceeded", "limit reached");
            p.acquire();
            assertEquals(2, api.count("POST", FIP_PATH + "/actions/assign"), api.calls().toString());
            assertEquals(SELF, api.holder(FIP));
        }
    }

    @Test
    void aRateLimitBeyondTheCallsDeadlineIs429Retryable() throws Exception {
        try (FloatingIpProvider p = HetznerFixture.create(HetznerFixture.options(TOKEN)
                .withActionTimeout(Duration.ofMillis(500)), settings(api))) {
            api.failNext(ASSIGN, 429, Map.of("RateLimit-Remaining", "0", "RateLimit-Reset",
                    String.valueOf(Instant.now().getEpochSecond() + 30)), "rate_limit_exceeded", "limit reached");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertClean(e);
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("rate limited (429 rate_limit_exceeded"), e.getMessage());
        }
    }

    @Test
    void aServerErrorIs5xxRetryable() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            api.failNext("GET " + FIP_PATH, 503, Map.of(), "unavailable", "service unavailable");
            ProviderException e = assertThrows(ProviderException.class, p::holder);
            assertClean(e);
            assertTrue(e.retryable());
            api.failNext(ASSIGN, 500, Map.of(), "server_error", "Error while handling your request");
            e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("500 server_error"), e.getMessage());
        }
    }

    @Test
    void anActionThatEndsInErrorIsRetryableWithItsCode() throws Exception {
        api.actions(1, "error");
        try (FloatingIpProvider p = create(api)) {
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertClean(e);
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("failed at Hetzner (server " + SELF + ": action_failed"), e.getMessage());
            api.actions(1, "success");
            p.acquire();
            assertEquals(SELF, api.holder(FIP));
        }
    }

    @Test
    void noAnswerInTimeIsRetryable() throws Exception {
        try (FloatingIpProvider p = HetznerFixture.create(HetznerFixture.options(TOKEN)
                .withAttemptTimeout(Duration.ofMillis(300)), settings(api))) {
            api.faultMix(io.floatd.testing.FaultMix.of("timeout", 1.0, 1, 800));
            ProviderException e = assertThrows(ProviderException.class, p::holder);
            assertClean(e);
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("no answer from") && e.getMessage().contains("within 300 ms"),
                    e.getMessage());
        }
    }

    @Test
    void anAssignToTheServerItIsOnAlreadyIs422AndCountsAsDone() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            Holder seen = p.holder();
            api.assign(FIP, SELF); // routed here between the read and the assign (the console, say)
            p.acquire(seen);
            assertEquals(1, api.writes(), "the refused assign only: " + api.calls());
            assertEquals(SELF, api.holder(FIP));
        }
    }

    @Test
    void theHolderTellsThisServerAPeerAnotherAndNobodyApart() throws Exception {
        try (FloatingIpProvider p = create(api)) {
            assertEquals(Holder.nobody(), p.holder());
            api.assign(FIP, PEER);
            assertEquals(Holder.peer(String.valueOf(PEER)), p.holder());
            api.assign(FIP, OTHER);
            assertEquals(Holder.other(String.valueOf(OTHER)), p.holder());
            api.assign(FIP, SELF);
            assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
        }
    }

    @Test
    void aHandOverAssignsToThePeersServer() throws Exception {
        api.assign(FIP, SELF);
        try (FloatingIpProvider p = create(api)) {
            assertTrue(p.handsOver());
            p.handOver(HetznerFixture.context(settings(api)).peers().getFirst());
            assertEquals(PEER, api.holder(FIP));
        }
    }

    @Test
    void releaseUnassignsOnlyWithUnassignYes() throws Exception {
        api.assign(FIP, SELF);
        try (FloatingIpProvider p = create(api)) {
            assertFalse(p.releasesByDefault(), "no interface address and no unassign: nothing to do on leaving");
            p.release();
            assertEquals(0, api.writes());
            assertEquals(SELF, api.holder(FIP));
        }
        try (FloatingIpProvider p = create(api, "unassign", "yes")) {
            assertTrue(p.releasesByDefault());
            p.release();
            assertEquals(1, api.count("POST", FIP_PATH + "/actions/unassign"), api.calls().toString());
            assertEquals(null, api.holder(FIP));
        }
    }

    @Test
    void hcloudEndpointAndHcloudTokenAreHonouredWhenTheBlockNamesNeither() throws Exception {
        Map<String, String> env = Map.of("HCLOUD_ENDPOINT", api.uri().toString(), "HCLOUD_TOKEN", TOKEN);
        try (FloatingIpProvider p = create(HetznerFixture.options(TOKEN).withEnv(env::get),
                settings(api, "api_url", null))) {
            p.acquire();
            assertEquals(SELF, api.holder(FIP));
            assertTrue(api.requests().stream().allMatch(r -> r.authorization().equals("Bearer " + TOKEN)));
        }
        ProviderException e = assertThrows(ProviderException.class, () -> create(HetznerFixture.options(TOKEN)
                .withEnv(Map.of("HCLOUD_ENDPOINT", "ftp://x", "HCLOUD_TOKEN", TOKEN)::get), settings(api, "api_url", null)));
        assertEquals("hetzner: HCLOUD_ENDPOINT must be an http:// or https:// base URL, but was 'ftp://x'", e.getMessage());
        e = assertThrows(ProviderException.class, () -> create(HetznerFixture.options(null), settings(api)));
        assertEquals("hetzner: no API token: set token_file in floating_ip (a file of mode 0600) or the environment "
                + "variable HCLOUD_TOKEN", e.getMessage());
    }

    @Test
    void theServerIdComesFromTheMetadataServiceWhenNotWritten() throws Exception {
        // the endpoint answers the metadata service for the server whose address is the client's: make it this one
        api.server(SELF, "lb-1", "127.0.0.1", HetznerFixture.SELF_PRIVATE);
        try (FloatingIpProvider p = create(api, "server_id", null, "metadata_url", api.root().toString())) {
            assertEquals(1, api.count("GET", "/hetzner/v1/metadata/instance-id"));
            p.acquire();
            assertEquals(SELF, api.holder(FIP));
        }
    }
}
