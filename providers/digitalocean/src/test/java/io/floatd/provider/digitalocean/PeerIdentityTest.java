package io.floatd.provider.digitalocean;

import static io.floatd.provider.digitalocean.DoFixture.OTHER;
import static io.floatd.provider.digitalocean.DoFixture.PEER;
import static io.floatd.provider.digitalocean.DoFixture.PEER_PRIVATE;
import static io.floatd.provider.digitalocean.DoFixture.PEER_PUBLIC;
import static io.floatd.provider.digitalocean.DoFixture.RIP;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;
import static io.floatd.provider.digitalocean.DoFixture.ip;
import static io.floatd.provider.digitalocean.DoFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.TakeoverDriver.LogLines;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each {@code unicast_peer} is known by its droplet, found in {@code GET /v2/droplets} by its private (in this
 * droplet's VPC) or public IPv4, or named by {@code peer_droplet_id}: a hold by a peer's droplet is the PEER's, and a
 * hand-over assigns the IP to it. Through digitalocean-api-java against {@link DoTestEndpoint}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerIdentityTest {
    private static final String IP_PATH = "/v2/reserved_ips/" + RIP;
    private static final String FIRST_PAGE = "page=1&per_page=200";
    /** A peer address DigitalOcean does not know (VRRP over a VPN, or through NAT). */
    private static final String NAT_IP = "172.16.0.3";
    private static final String WARNING_TAIL = ": an IP found on it counts as a stranger's (taken back with backoff, "
            + "never yielded to) and this node cannot hand the IP over to it (stepping down, it releases the IP "
            + "instead); set floating_ip { peer_droplet_id ... } "
            + "to name it";

    private DoTestEndpoint api;
    private LogLines logs;

    @BeforeEach
    void start() throws Exception {
        api = DoFixture.populate(new DoTestEndpoint(TOKEN));
        logs = new LogLines("io.floatd.provider.digitalocean");
    }

    @AfterEach
    void stop() {
        logs.close();
        api.close();
    }

    private FloatingIpProvider create(List<String> peers, String... kv) throws ProviderException {
        return new DigitalOceanProviderFactory(DoFixture.options()).create(DoFixture.context(settings(api, kv), peers));
    }

    /** The queries of the {@code GET /v2/droplets} requests. */
    private List<String> listCalls() {
        return api.requests().stream().filter(r -> r.method().equals("GET") && r.path().equals("/v2/droplets"))
                .map(DoTestEndpoint.Request::query).toList();
    }

    @Test
    void eachPeerIsFoundByItsAddressAtStartAndLogged() throws Exception {
        try (FloatingIpProvider p = create(List.of(PEER_PRIVATE, "192.0.2.99"))) {
            assertEquals(List.of(FIRST_PAGE), listCalls());
            assertEquals(List.of("VRRP_Instance(VI_1) digitalocean: peer 10.110.0.3 is droplet " + PEER,
                    "VRRP_Instance(VI_1) digitalocean: peer 192.0.2.99 is droplet " + OTHER),
                    logs.containing("digitalocean: peer "), "a private or a public IPv4");
        }
    }

    @Test
    void theListIsFollowedPageByPageUntilEveryPeerIsFound() throws Exception {
        for (int i = 0; i < 450; i++) {
            api.droplet(4_000_000L + i, "web-" + i, "198.51.100." + (i % 250), "10.120." + (i / 250) + "." + (i % 250));
        }
        api.droplet(4_999_999L, "lb-3", "192.0.2.12", "10.110.0.4");
        try (FloatingIpProvider p = create(List.of("10.110.0.4"))) {
            assertEquals(List.of(FIRST_PAGE, "page=2&per_page=200", "page=3&per_page=200"), listCalls(),
                    "as links.pages.next leads");
            assertEquals(List.of("VRRP_Instance(VI_1) digitalocean: peer 10.110.0.4 is droplet 4999999"),
                    logs.containing("digitalocean: peer "));
        }
        api.resetLog();
        try (FloatingIpProvider p = create(List.of(PEER_PRIVATE))) {
            assertEquals(List.of(FIRST_PAGE), listCalls(), "found on the first page: the rest is not read");
        }
    }

    @Test
    void aPrivateAddressCountsInThisDropletsVpcOnly() throws Exception {
        api.droplet(5_000_001L, "elsewhere", "192.0.2.50", "10.110.0.50", "9c0b2a34-0000-4000-8000-000000000001");
        try (FloatingIpProvider p = create(List.of("10.110.0.50"))) {
            assertEquals(List.of("VRRP_Instance(VI_1) digitalocean: cannot find peer 10.110.0.50 among the droplets (no "
                    + "droplet has this IPv4 address (public, or private in this droplet's VPC))" + WARNING_TAIL),
                    logs.containing("peer 10.110.0.50"));
        }
    }

    @Test
    void aPeerNotFoundIsAWarningAndItsHoldCountsAsAStrangers() throws Exception {
        try (FloatingIpProvider p = create(List.of(NAT_IP))) {
            assertEquals(List.of("VRRP_Instance(VI_1) digitalocean: cannot find peer 172.16.0.3 among the droplets (no "
                    + "droplet has this IPv4 address (public, or private in this droplet's VPC))" + WARNING_TAIL),
                    logs.containing("peer 172.16.0.3"));
            api.assign(RIP, PEER);
            assertEquals(Holder.other(String.valueOf(PEER)), p.holder());
        }
    }

    @Test
    void aRefusedListIsAWarningNotAFailedStart() throws Exception {
        api.failNext("GET /v2/droplets", 403, Map.of(), "forbidden", "You are not authorized to perform this operation");
        try (FloatingIpProvider p = create(List.of(NAT_IP))) {
            assertEquals(List.of("VRRP_Instance(VI_1) digitalocean: cannot find peer 172.16.0.3 among the droplets (GET "
                    + "/v2/droplets is forbidden for this token (403 forbidden: You are not authorized to perform this "
                    + "operation): the token needs read and update access to reserved IPs and read access to droplets "
                    + "[request 4d9d8375-3c56-4925-a3e7-eb137fed17e9])" + WARNING_TAIL),
                    logs.containing("peer 172.16.0.3"));
            api.assign(RIP, SELF);
            assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
        }
    }

    @Test
    void peerDropletIdNamesTheOnlyPeer() throws Exception {
        try (FloatingIpProvider p = create(List.of(NAT_IP), "peer_droplet_id", String.valueOf(PEER))) {
            assertEquals(List.of(), listCalls(), "every peer named: nothing to look up");
            assertEquals(List.of("VRRP_Instance(VI_1) digitalocean: peer 172.16.0.3 is droplet " + PEER
                    + " (from peer_droplet_id)"), logs.containing("digitalocean: peer "));
            api.assign(RIP, PEER);
            assertEquals(Holder.peer(String.valueOf(PEER)), p.holder(), "none of its addresses is a unicast_peer");
        }
    }

    @Test
    void peerDropletIdNamesEachPeerByItsAddress() throws Exception {
        try (FloatingIpProvider p = create(List.of(NAT_IP, "172.16.0.4", PEER_PUBLIC),
                "peer_droplet_id", NAT_IP + "=" + PEER + " 172.16.0.4=" + OTHER)) {
            assertEquals(List.of(FIRST_PAGE), listCalls(), "the peer not named is looked up");
            assertEquals(List.of(
                    "VRRP_Instance(VI_1) digitalocean: peer 172.16.0.3 is droplet " + PEER + " (from peer_droplet_id)",
                    "VRRP_Instance(VI_1) digitalocean: peer 172.16.0.4 is droplet " + OTHER + " (from peer_droplet_id)",
                    "VRRP_Instance(VI_1) digitalocean: peer 192.0.2.11 is droplet " + PEER),
                    logs.containing("digitalocean: peer "));
            api.assign(RIP, OTHER);
            assertEquals(Holder.peer(String.valueOf(OTHER)), p.holder());
        }
    }

    @Test
    void handOverAssignsTheIpToThePeersDropletAndFollowsTheAction() throws Exception {
        api.actions(2, "completed");
        try (FloatingIpProvider p = create(List.of(NAT_IP), "peer_droplet_id", String.valueOf(PEER))) {
            assertTrue(p.handsOver());
            p.acquire();
            api.resetLog();
            p.handOver(ip(NAT_IP));
            List<String> calls = api.calls();
            assertEquals("POST " + IP_PATH + "/actions", calls.getFirst(), "the caller has just read the holder");
            assertEquals(3, calls.size(), "the assign, then its action polled to completion: " + calls);
            assertTrue(calls.get(2).matches("GET " + IP_PATH + "/actions/\\d+"), calls.toString());
            var post = com.google.gson.JsonParser.parseString(api.requests().getFirst().body()).getAsJsonObject();
            assertEquals("assign", post.get("type").getAsString());
            assertEquals(PEER, post.get("droplet_id").getAsLong());
            assertEquals(PEER, api.holder(RIP));
            assertFalse(api.locked(RIP));
            assertEquals(Holder.peer(String.valueOf(PEER)), p.holder());
            assertEquals(1, logs.containing("handed over").size());
            assertTrue(logs.containing("handed over").getFirst().matches("VRRP_Instance\\(VI_1\\) digitalocean: reserved "
                    + "IP 203\\.0\\.113\\.50 handed over to peer 172\\.16\\.0\\.3 \\(droplet " + PEER + ", action \\d+\\)"),
                    logs.containing("handed over").toString());

            p.acquire(); // and back: the hand-over's action is not mistaken for one of ours
            assertEquals(SELF, api.holder(RIP));
        }
    }

    @Test
    void handOverToAPeerNotFoundIsFatal() throws Exception {
        try (FloatingIpProvider p = create(List.of(NAT_IP))) {
            p.acquire();
            api.resetLog();
            ProviderException e = assertThrows(ProviderException.class, () -> p.handOver(ip(NAT_IP)));
            assertFalse(e.retryable());
            DoFixture.assertClean(e);
            assertEquals("digitalocean: cannot hand reserved IP 203.0.113.50 over to peer 172.16.0.3: its droplet is "
                    + "unknown (set floating_ip { peer_droplet_id ... })", e.getMessage());
            assertEquals(0, api.writes());
            assertEquals(SELF, api.holder(RIP));
        }
    }

    @Test
    void refreshPeersFindsAPeerThatWasReplaced() throws Exception {
        try (FloatingIpProvider p = create(List.of(PEER_PRIVATE))) {
            p.acquire();
            api.removeDroplet(PEER).droplet(3_170_000L, "lb-2b", "192.0.2.21", PEER_PRIVATE);
            api.resetLog();
            ProviderException stale = assertThrows(ProviderException.class, () -> p.handOver(ip(PEER_PRIVATE)));
            assertFalse(stale.retryable(), "the old droplet is gone: " + stale.getMessage());
            assertEquals(SELF, api.holder(RIP));

            p.refreshPeers();
            assertEquals("VRRP_Instance(VI_1) digitalocean: peer 10.110.0.3 is droplet 3170000",
                    logs.containing("digitalocean: peer ").getLast());
            p.handOver(ip(PEER_PRIVATE));
            assertEquals(3_170_000L, api.holder(RIP));
            assertEquals(Holder.peer("3170000"), p.holder());
        }
    }
}
