package io.floatd.provider.hetzner;

import static io.floatd.provider.hetzner.HetznerFixture.FIP;
import static io.floatd.provider.hetzner.HetznerFixture.FIP6;
import static io.floatd.provider.hetzner.HetznerFixture.PEER;
import static io.floatd.provider.hetzner.HetznerFixture.SELF;
import static io.floatd.provider.hetzner.HetznerFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Netns;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The floating IP on a real interface (one end of a veth pair in a network namespace of its own, read back with
 * {@code ip addr}), as Hetzner's configuration wants it beside the routing: IPv4 /32, IPv6 /64; put on by a takeover,
 * taken off by a release and by the start as Backup after a crash; and a floating IP routed here without the address
 * on the interface is not held. The API is {@link HetznerTestEndpoint} inside the same namespace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterfaceAddressTest {
    private Netns ns;
    private HetznerTestEndpoint api;

    @BeforeEach
    void start() {
        ns = Netns.create("hzl");
        // a veth pair (this kernel has no dummy devices); dum0 is the server's interface
        ns.exec("ip", "link", "add", "dum0", "type", "veth", "peer", "name", "dum1");
        ns.exec("ip", "link", "set", "dum0", "up");
        ns.exec("ip", "link", "set", "dum1", "up");
        api = ns.runInside(() -> HetznerFixture.populate(new HetznerTestEndpoint(TOKEN)));
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private FloatingIpProvider provider(String... kv) {
        String[] all = new String[kv.length + 2];
        all[0] = "interface";
        all[1] = "dum0";
        System.arraycopy(kv, 0, all, 2, kv.length);
        return ns.runInside(() -> HetznerFixture.create(api, all));
    }

    private boolean onInterface(String cidr) {
        return ns.exec("ip", "-o", "addr", "show", "dev", "dum0").contains(" " + cidr + " ");
    }

    @Test
    void aTakeoverPutsTheFloatingIpv4OnTheInterfaceAsA32AndLeavingMasterTakesItOff() {
        try (FloatingIpProvider p = provider()) {
            assertTrue(p.releasesByDefault(), "the address must go when the node is no longer Master");
            ns.runInside(() -> {
                p.acquire();
                return null;
            });
            assertEquals(SELF, api.holder(FIP));
            assertTrue(onInterface("203.0.113.77/32"), ns.exec("ip", "addr"));
            assertEquals(Holder.self(String.valueOf(SELF)), ns.runInside(p::holder));
            ns.runInside(() -> {
                p.release();
                return null;
            });
            assertFalse(onInterface("203.0.113.77/32"), ns.exec("ip", "addr"));
            assertEquals(SELF, api.holder(FIP), "without unassign the routing stays until the next Master takes it");
            assertEquals(1, api.writes());
        }
    }

    @Test
    void aFloatingIpv6GoesOnTheInterfaceAsTheAddressWrittenWithPrefix64() {
        try (FloatingIpProvider p = provider("address", "2001:db8:77::5")) {
            ns.runInside(() -> {
                p.acquire();
                return null;
            });
            assertEquals(SELF, api.holder(FIP6));
            assertTrue(onInterface("2001:db8:77::5/64"), ns.exec("ip", "addr"));
        }
    }

    @Test
    void routedHereWithoutTheAddressIsNotHeldAndTheTakeoverAddsItWithoutAWrite() {
        api.assign(FIP, SELF);
        try (FloatingIpProvider p = provider()) {
            Holder h = ns.runInside(p::holder);
            assertEquals(Holder.Kind.NOBODY, h.kind());
            assertEquals("routed here, address missing on dum0", h.id());
            ns.runInside(() -> {
                p.acquire(h);
                return null;
            });
            assertTrue(onInterface("203.0.113.77/32"));
            assertEquals(0, api.writes(), api.calls().toString());
        }
    }

    @Test
    void theStartAsBackupTakesOffWhatACrashedRunLeftAndWritesNothing() {
        ns.exec("ip", "addr", "add", "203.0.113.77/32", "dev", "dum0"); // left by a run killed as Master
        api.assign(FIP, PEER); // the peer took over since
        try (FloatingIpProvider p = provider()) {
            assertTrue(ns.runInside(p::clearStale));
            assertFalse(onInterface("203.0.113.77/32"));
            assertFalse(ns.runInside(p::clearStale), "nothing left the second time");
            assertEquals(PEER, api.holder(FIP));
            assertEquals(0, api.writes());
        }
    }

    @Test
    void aHandOverTakesTheAddressOffBeforeTheFloatingIpMoves() {
        api.assign(FIP, SELF);
        try (FloatingIpProvider p = provider()) {
            ns.runInside(() -> {
                p.acquire();
                return null;
            });
            assertTrue(onInterface("203.0.113.77/32"));
            ns.runInside(() -> {
                p.handOver(HetznerFixture.context(HetznerFixture.settings(api)).peers().getFirst());
                return null;
            });
            assertFalse(onInterface("203.0.113.77/32"));
            assertEquals(PEER, api.holder(FIP));
        }
    }
}
