package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.codec.DecodeResult;
import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.MemoryWire;
import io.floatd.vrrp.transport.ReceivedDatagram;
import io.floatd.vrrp.transport.VrrpTransport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The providers of a starting daemon are built while its instances already run ({@link
 * VrrpDaemon#createBuildingProviders}, what {@code floatd run} does): the first advert does not wait for a cloud's
 * metadata and API checks, a takeover waits for its provider, and a provider that fails its checks never moves the IP
 * and still fails the start. The slow provider is a factory whose {@code create} waits for the test's latch: the
 * order of events is proven, not timed.
 */
class ProviderBuiltWhileInstancesStartTest {
    private static final InetAddress A = ip("192.0.2.1");
    private static final InetAddress B = ip("192.0.2.2");

    private final MemoryWire wire = new MemoryWire();
    private final VrrpTransport peer = wire.attach(B);
    /** What the provider was asked and when it was built, in order. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch buildMayEnd = new CountDownLatch(1);
    private final CountDownLatch building = new CountDownLatch(1);
    private VrrpDaemon daemon;

    @AfterEach
    void close() {
        buildMayEnd.countDown();
        if (daemon != null) {
            daemon.close();
        }
        peer.close();
    }

    /**
     * A Master at once: {@code state MASTER} with the owner's priority, unicast to B (where the test listens); its
     * one floating_ip block (the VIP's) is moved by the provider {@code --provider} names.
     */
    private static final String CONF = """
                vrrp_instance VI_1 {
                    interface eth0
                    state MASTER
                    virtual_router_id 51
                    priority 255
                    advert_int 1
                    unicast_src_ip 192.0.2.1
                    unicast_peer {
                        192.0.2.2
                    }
                    virtual_ipaddress {
                        203.0.113.10
                    }
                }
                """;

    /** Builds only when the test lets it: its create() waits on the latch, then succeeds or fails its checks. */
    private FloatingIpProviderFactory slow(ProviderException failure) {
        return new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) throws ProviderException {
                building.countDown();
                try {
                    buildMayEnd.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (failure != null) {
                    calls.add("build failed");
                    throw failure;
                }
                calls.add("built");
                return new FloatingIpProvider() {
                    private volatile Holder holder = Holder.nobody();

                    @Override
                    public Holder holder() {
                        calls.add("holder");
                        return holder;
                    }

                    @Override
                    public void acquire() {
                        calls.add("acquire");
                        holder = Holder.self("a");
                    }

                    @Override
                    public void release() {
                        calls.add("release");
                    }
                };
            }
        };
    }

    private VrrpDaemon create(String provider, FloatingIpProviderFactory factory) throws Exception {
        DaemonOptions options = new DaemonOptions(provider, false, Duration.ofSeconds(5),
                (source, ifname) -> wire.attach(source), name -> name.equals(factory.name()) ? Optional.of(factory)
                        : Optional.empty(), NanoClock.SYSTEM);
        daemon = VrrpDaemon.createBuildingProviders(ConfigParser.parse(CONF, "a.conf"), options);
        return daemon;
    }

    /** The next advert B receives, decoded; fails after 10 s (a bound, not a measurement). */
    private VrrpPacket nextAdvert() throws Exception {
        ReceivedDatagram d = peer.receive(Duration.ofSeconds(10));
        assertNotNull(d, "no advert within 10 s");
        DecodeResult r = VrrpPacket.decode(d.payload(), 0, d.payload().length, d.source(), d.destination());
        return ((DecodeResult.Ok) r).packet();
    }

    private TakeoverOrchestrator takeover() {
        return daemon.instances().getFirst().takeovers().getFirst().orchestrator();
    }

    @Test
    void anInstanceSendsItsFirstAdvertBeforeASlowProviderIsBuilt() throws Exception {
        create("slow", slow(null)).start();
        assertTrue(building.await(10, TimeUnit.SECONDS), "the provider's build began");

        VrrpPacket first = nextAdvert();
        assertEquals(51, first.vrid());
        assertEquals(255, first.priority());
        assertEquals(List.of(), calls, "the advert left while the provider was still being built");
        assertEquals(VrrpState.MASTER, daemon.instances().getFirst().runner().state().state());
    }

    @Test
    void aTakeoverThatComesBeforeItsProviderWaitsForItThenAcquires() throws Exception {
        create("slow", slow(null)).start();
        await(() -> daemon.instances().getFirst().runner().state().state() == VrrpState.MASTER);
        nextAdvert();
        // MASTER already, the provider not built: the takeover machine has not been told (no call is possible)
        assertEquals(VrrpState.INIT, takeover().machineState().role());
        assertEquals(List.of(), calls);

        buildMayEnd.countDown();
        daemon.awaitProviders();
        await(() -> calls.contains("acquire"));
        assertEquals("built", calls.getFirst(), "nothing was asked of the provider before it was built");
        assertEquals(VrrpState.MASTER, takeover().machineState().role());
        assertTrue(daemon.healthy());
    }

    @Test
    void aProviderThatFailsItsChecksAfterTheInstanceStartedNeverMovesTheIpAndFailsTheStart() throws Exception {
        create("slow", slow(ProviderException.fatal("digitalocean: the API token was refused (401)"))).start();
        nextAdvert(); // the instance runs, Master, while the provider is built
        buildMayEnd.countDown();

        ProviderException e = assertThrows(ProviderException.class, daemon::awaitProviders);
        assertEquals("digitalocean: the API token was refused (401)", e.getMessage(), "the build's own one line");
        assertFalse(daemon.healthy(), "/healthz says so until the start is given up");
        // the events the takeover kept are dropped: no call reaches the provider, now or later
        daemon.sync(Duration.ofSeconds(5));
        takeover().drain(5000);
        assertEquals(List.of("build failed"), calls);
        assertEquals(VrrpState.INIT, takeover().machineState().role());
        assertTrue(takeover().takeoverSettled().toCompletableFuture().isDone(), "notify_master does not wait for it");
    }

    @Test
    void theProvidersStartChecksStillRefuseABadConfigBeforeAnythingStarts() throws Exception {
        ProviderException e = assertThrows(ProviderException.class, () -> create("nosuch", slow(null)));
        assertEquals("VRRP_Instance(VI_1) provider 'nosuch' is not available in this build", e.getMessage());
        assertEquals(1, building.getCount(), "no provider build began");
        assertEquals(null, peer.receive(Duration.ofMillis(200)), "nothing was sent");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.sleep(5);
        }
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
