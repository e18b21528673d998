package io.floatd.provider.digitalocean;

import static io.floatd.provider.digitalocean.DoFixture.OTHER;
import static io.floatd.provider.digitalocean.DoFixture.PEER;
import static io.floatd.provider.digitalocean.DoFixture.RIP;
import static io.floatd.provider.digitalocean.DoFixture.RIP6;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;
import static io.floatd.provider.digitalocean.DoFixture.assertClean;
import static io.floatd.provider.digitalocean.DoFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.VrrpDaemon;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16: a reserved IPv6 ({@code address 2001:db8:...}) moved through {@code /v2/reserved_ipv6} by the real client
 * against {@link DoTestEndpoint}, which speaks the endpoints as DigitalOcean's OpenAPI specification gives them: the
 * object without {@code locked}, the action followed at {@code GET /v2/actions/{id}}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReservedIpv6ProviderTest {
    private static final String PATH = "/v2/reserved_ipv6/" + RIP6;
    private static final String ACTIONS = PATH + "/actions";
    private DoTestEndpoint api;

    @BeforeEach
    void start() throws Exception {
        api = DoFixture.populate(new DoTestEndpoint(TOKEN));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private FloatingIpProvider create(String... kv) throws ProviderException {
        return create(DoFixture.options(), kv);
    }

    private FloatingIpProvider create(DoClientOptions options, String... kv) throws ProviderException {
        String[] all = new String[kv.length + 2];
        all[0] = "address";
        all[1] = RIP6;
        System.arraycopy(kv, 0, all, 2, kv.length);
        return DoFixture.create(options, settings(api, all));
    }

    @Test
    void atStartTheIpv6TheDropletAndTheActionsAreReadOnce() throws Exception {
        try (FloatingIpProvider p = create()) {
            assertEquals(List.of("GET " + PATH, "GET /v2/droplets/" + SELF, "GET /v2/actions", "GET /v2/droplets"),
                    api.calls(), "the reserved IPv6, this droplet, the token's action read, then the peer look-up");
            assertEquals("page=1&per_page=1", api.requests().get(2).query());
            assertTrue(p.toString().contains("reserved IPv6 " + RIP6 + " for droplet " + SELF + " (/v2/reserved_ipv6)"),
                    p.toString());
        }
    }

    @Test
    void aTakeoverReadsAssignsAndFollowsTheActionAtV2Actions() throws Exception {
        api.assign(RIP6, PEER);
        try (FloatingIpProvider p = create()) {
            api.resetLog();
            p.acquire();
            List<String> calls = api.calls();
            assertEquals("GET " + PATH, calls.get(0));
            assertEquals("POST " + ACTIONS, calls.get(1));
            assertTrue(calls.get(2).matches("GET /v2/actions/\\d+"), calls.toString());
            assertEquals(3, calls.size(), calls.toString());
            var body = JsonParser.parseString(api.requests().get(1).body()).getAsJsonObject();
            assertEquals("assign", body.get("type").getAsString());
            assertEquals(SELF, body.get("droplet_id").getAsLong());
            assertEquals(List.of(RIP6), api.assigns().stream().map(DoTestEndpoint.Assign::ip).toList());
            assertEquals(SELF, api.holder(RIP6));
            assertNull(api.holder(RIP), "the reserved IPv4 is not touched");
            assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
        }
    }

    @Test
    void holderIsNobodySelfPeerOrOtherFromTheDropletField() throws Exception {
        try (FloatingIpProvider p = create()) {
            assertEquals(Holder.nobody(), p.holder(), "droplet: null");
            api.assign(RIP6, SELF);
            assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
            api.assign(RIP6, PEER);
            assertEquals(Holder.peer(String.valueOf(PEER)), p.holder(), "PEER's private IPv4 is our unicast_peer");
            api.assign(RIP6, OTHER);
            assertEquals(Holder.other(String.valueOf(OTHER)), p.holder());
        }
    }

    @Test
    void theSpecificationsBareObjectIsReadToo() throws Exception {
        api.ipv6Bare(true);
        try (FloatingIpProvider p = create()) {
            assertEquals(Holder.nobody(), p.holder());
            api.assign(RIP6, PEER);
            assertEquals(Holder.peer(String.valueOf(PEER)), p.holder());
            p.acquire(p.holder());
            assertEquals(SELF, api.holder(RIP6));
        }
    }

    @Test
    void alreadyHeldSendsNoWrite() throws Exception {
        api.assign(RIP6, SELF);
        try (FloatingIpProvider p = create()) {
            api.resetLog();
            p.acquire();
            p.acquire(p.holder());
            assertEquals(0, api.writes());
            assertTrue(api.calls().stream().allMatch(("GET " + PATH)::equals), "reads only: " + api.calls());
        }
    }

    @Test
    void theAddressIsSentInRfc5952Form() throws Exception {
        try (FloatingIpProvider p = create("address", "2001:DB8:F0:1017:0:0:0:0050")) {
            p.acquire();
            assertEquals(SELF, api.holder(RIP6), "the endpoint knows the address by its RFC 5952 text only");
            assertTrue(api.calls().stream().filter(c -> c.contains("reserved_ipv6")).allMatch(c -> c.contains(RIP6)),
                    api.calls().toString());
        }
    }

    @Test
    void a422ForAPendingEventIsRetryableThenTheAssignGoesThrough() throws Exception {
        api.failNext("POST " + ACTIONS, 422, Map.of(), "unprocessable_entity", "The reserved IPv6 has a pending event.");
        try (FloatingIpProvider p = create()) {
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable(), e.getMessage());
            assertClean(e);
            assertEquals("digitalocean: assign of reserved IPv6 " + RIP6 + " to droplet " + SELF + " refused while "
                    + "reserved IPv6 " + RIP6 + " has a pending action (422 unprocessable_entity: The reserved IPv6 has a "
                    + "pending event.); trying again [request 4d9d8375-3c56-4925-a3e7-eb137fed17e9]", e.getMessage());
            p.acquire();
            assertEquals(SELF, api.holder(RIP6));
            assertEquals(2, api.count("POST", ACTIONS));
        }
    }

    @Test
    void a422BecauseTheIpv6IsOursAlreadyIsSuccess() throws Exception {
        api.assign(RIP6, SELF);
        try (FloatingIpProvider p = create()) {
            api.staleReads(1); // the read races the change: it shows nobody, the assign is answered 422
            api.resetLog();
            p.acquire();
            assertEquals(List.of("GET " + PATH, "POST " + ACTIONS, "GET " + PATH), api.calls());
            assertEquals(SELF, api.holder(RIP6));
        }
    }

    @Test
    void anOtherwise422IsFatalWithTheApisMessage() throws Exception {
        try (FloatingIpProvider p = create()) {
            api.failNext("POST " + ACTIONS, 422, Map.of(), "unprocessable_entity",
                    "The Droplet is not in the region of the reserved IPv6.");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertFalse(e.retryable());
            assertClean(e);
            assertTrue(e.getMessage().contains("(422 unprocessable_entity: The Droplet is not in the region of the "
                    + "reserved IPv6.)"), e.getMessage());
        }
    }

    @Test
    void a429IsWaitedOutAsItsHeadersSay() throws Exception {
        try (FloatingIpProvider p = create()) {
            api.failNext("POST " + ACTIONS, 429, Map.of("RateLimit-Limit", "5000", "RateLimit-Remaining", "0",
                    "RateLimit-Reset", String.valueOf(Instant.now().getEpochSecond() + 1), "Retry-After", "1"),
                    "too_many_requests", "API rate limit exceeded.");
            api.resetLog();
            long t0 = System.nanoTime();
            p.acquire();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 900, "waited " + ms + " ms");
            assertEquals(2, api.count("POST", ACTIONS), "the assign again after the wait");
            assertEquals(SELF, api.holder(RIP6));
        }
    }

    @Test
    void a429BeyondTheDeadlineIsRetryable() throws Exception {
        try (FloatingIpProvider p = create(DoFixture.options().withActionTimeout(Duration.ofMillis(500)))) {
            api.failNext("GET /v2/actions/\\d+", 429, Map.of("RateLimit-Remaining", "0", "RateLimit-Reset",
                    String.valueOf(Instant.now().getEpochSecond() + 30)), "too_many_requests", "API rate limit exceeded.");
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable());
            assertClean(e);
            assertTrue(e.getMessage().startsWith("digitalocean: GET /v2/actions/{id} (the action of reserved IPv6 "
                    + RIP6 + ") rate limited (429 too_many_requests"), e.getMessage());
        }
    }

    @Test
    void anErroredActionIsRetryableAndTheNextAttemptAssignsAgain() throws Exception {
        api.actions(2, "errored");
        try (FloatingIpProvider p = create()) {
            ProviderException e = assertThrows(ProviderException.class, p::acquire);
            assertTrue(e.retryable());
            assertClean(e);
            assertTrue(e.getMessage().matches("digitalocean: the assign action \\d+ of reserved IPv6 " + RIP6
                    + " errored at DigitalOcean \\(droplet " + SELF + "\\); trying again"), e.getMessage());
            assertNull(api.holder(RIP6));
            api.actions(1, "completed");
            p.acquire();
            assertEquals(SELF, api.holder(RIP6));
            assertEquals(2, api.count("POST", ACTIONS));
        }
    }

    /** The object shows no lock: the action itself is read to find it still running. */
    @Test
    void anAcquireCutShortFollowsItsRunningActionInsteadOfAssigningAgain() throws Exception {
        api.actions(30, "completed");
        try (FloatingIpProvider p = create()) {
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    p.acquire();
                } catch (ProviderException e) {
                    assertTrue(e.retryable(), e.getMessage());
                }
            });
            while (api.count("GET", "/v2/actions/\\d+") < 3) {
                Thread.sleep(5);
            }
            t.interrupt(); // as the orchestrator's attempt time limit does
            t.join();
            p.acquire();
            assertEquals(1, api.count("POST", ACTIONS), "one assign only");
            assertEquals(SELF, api.holder(RIP6));
        }
    }

    @Test
    void releaseUnassignsOnlyWhatIsStillOurs() throws Exception {
        try (FloatingIpProvider p = create()) {
            p.acquire();
            api.resetLog();
            p.release();
            assertEquals("POST " + ACTIONS, api.calls().get(1));
            assertEquals("unassign", JsonParser.parseString(api.requests().get(1).body()).getAsJsonObject()
                    .get("type").getAsString());
            assertTrue(api.calls().get(2).matches("GET /v2/actions/\\d+"), api.calls().toString());
            assertNull(api.holder(RIP6));

            api.assign(RIP6, PEER);
            api.resetLog();
            p.release();
            assertEquals(List.of("GET " + PATH), api.calls(), "the peer's hold is left alone");
            assertEquals(PEER, api.holder(RIP6));
        }
    }

    @Test
    void aHandOverAssignsToThePeersDroplet() throws Exception {
        try (FloatingIpProvider p = create()) {
            p.acquire();
            p.handOver(DoFixture.ip(DoFixture.PEER_PRIVATE));
            assertEquals(PEER, api.holder(RIP6));
        }
    }

    @Test
    void anUnknownIpv6IsFatalAtStart() {
        ProviderException e = assertThrows(ProviderException.class, () -> create("address", "2001:db8:f0:1017::77"));
        assertFalse(e.retryable());
        assertClean(e);
        assertEquals("digitalocean: reserved IPv6 2001:db8:f0:1017::77 not found (404 not_found: "
                + DoTestEndpoint.NOT_FOUND + "): check address in floating_ip (a reserved IPv6 of this account) "
                + "[request 4d9d8375-3c56-4925-a3e7-eb137fed17e9]", e.getMessage());
    }

    @Test
    void aTokenThatCannotReadActionsIsFatalAtStart() {
        api.failNext("GET /v2/actions", 403, Map.of(), "forbidden", "You do not have access for the attempted action.");
        ProviderException e = assertThrows(ProviderException.class, () -> create());
        assertFalse(e.retryable());
        assertClean(e);
        assertEquals("digitalocean: GET /v2/actions is forbidden for this token (403 forbidden: You do not have access "
                + "for the attempted action.): the token needs read and update access to reserved IPs and read access to "
                + "droplets and actions (scopes reserved_ip:read, reserved_ip:update, droplet:read, actions:read) "
                + "[request 4d9d8375-3c56-4925-a3e7-eb137fed17e9]", e.getMessage());
        assertEquals(0, api.writes());
    }

    @Test
    void twoNodesMoveTheIpv6BackAndForth() throws Exception {
        var f = new DigitalOceanProviderFactory(DoFixture.options());
        try (FloatingIpProvider a = f.create(DoFixture.context(settings(api, "address", RIP6), false));
             FloatingIpProvider b = f.create(DoFixture.context(settings(api, "address", RIP6, "droplet_id",
                     String.valueOf(PEER)), true))) {
            a.acquire();
            assertEquals(Holder.peer(String.valueOf(SELF)), b.holder());
            b.acquire();
            assertEquals(Holder.peer(String.valueOf(PEER)), a.holder());
            assertEquals(List.of(SELF, PEER), api.assigns().stream().map(DoTestEndpoint.Assign::droplet).toList());
        }
    }

    // ---- settings ----

    private static DoSettings parse(String... kv) throws ProviderException {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("provider", "digitalocean");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return DoSettings.parse(m, List.of());
    }

    private static String refusal(String... kv) {
        ProviderException e = assertThrows(ProviderException.class, () -> parse(kv));
        assertFalse(e.retryable());
        return e.getMessage();
    }

    @Test
    void anIpv6AddressIsTakenInRfc5952FormAndSelectsTheIpv6Paths() throws Exception {
        DoSettings s = parse("address", "2001:0DB8:00F0:1017:0000:0000:0000:0050");
        assertEquals(RIP6, s.address());
        assertTrue(s.ipv6());
        assertEquals(DoSettings.Paths.RESERVED_IPV6, s.paths());
        assertFalse(parse("address", RIP).ipv6());
    }

    @Test
    void aBadOrNonGlobalIpv6AddressIsRefused() {
        assertEquals("digitalocean: floating_ip address must be a reserved IPv4 or IPv6 address, but was '2001:db8::1::2'",
                refusal("address", "2001:db8::1::2"));
        assertEquals("digitalocean: floating_ip address fe80::50 is not a global unicast IPv6 address: a reserved IPv6 "
                + "is a public address of the droplets' region", refusal("address", "fe80::50"));
        assertEquals("digitalocean: floating_ip address fd00::50 is not a global unicast IPv6 address: a reserved IPv6 "
                + "is a public address of the droplets' region", refusal("address", "fd00::50"));
        assertEquals("digitalocean: floating_ip address must be a reserved IPv4 or IPv6 address, but was 'lb.example'",
                refusal("address", "lb.example"));
    }

    @Test
    void apiPathsIsRefusedBesideAnIpv6Address() {
        assertEquals("digitalocean: floating_ip api_paths names the two paths of reserved IPv4 addresses; reserved "
                + "IPv6 " + RIP6 + " is always at /v2/reserved_ipv6: remove api_paths",
                refusal("address", RIP6, "api_paths", "floating_ips"));
    }

    @Test
    void theSingleGlobalIpv6VirtualAddressIsTheDefaultWhenThereIsNoIpv4One() throws Exception {
        Map<String, String> m = Map.of("provider", "digitalocean");
        assertEquals(RIP6, DoSettings.parse(m, List.of(VirtualAddress.of(DoFixture.ip("fe80::1")),
                VirtualAddress.of(DoFixture.ip("2001:db8:f0:1017:0::50")))).address(), "the link-local one is no candidate");
        assertEquals(RIP, DoSettings.parse(m, List.of(VirtualAddress.of(DoFixture.ip(RIP)),
                VirtualAddress.of(DoFixture.ip(RIP6)))).address(), "an IPv4 one wins, as before");
    }

    @Test
    void floatdCheckReportsABadIpv6AddressWithFileAndLine() throws Exception {
        String text = """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    floating_ip {
                        provider digitalocean
                        address 2001:db8:f0:1017::50::1
                        droplet_id %d
                    }
                }
                """.formatted(SELF);
        FloatdConfig config = ConfigParser.parse(text, "k.conf");
        DaemonOptions.ProviderLookup lookup = name -> Optional.of(new DigitalOceanProviderFactory(DoFixture.options()));
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: digitalocean: floating_ip address must be a reserved IPv4 "
                + "or IPv6 address, but was '2001:db8:f0:1017::50::1'"), VrrpDaemon.checkProviders(config, null, lookup));
    }
}
