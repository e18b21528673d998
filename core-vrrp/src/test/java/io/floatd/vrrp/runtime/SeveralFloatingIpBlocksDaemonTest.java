package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.PromText;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.status.DataDump;
import io.floatd.vrrp.status.Json;
import io.floatd.vrrp.status.PrometheusText;
import io.floatd.vrrp.status.StatsDump;
import io.floatd.vrrp.status.StatusJson;
import io.floatd.vrrp.status.StatusSnapshot;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.MemoryWire;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: an instance with two floating_ip blocks runs one provider and one orchestrator per block, all on the
 * same transition. One block's provider hanging or failing does not hold back the other's write; notify_master waits
 * for every block to settle, at most {@link io.floatd.vrrp.notify.NotifyDispatcher#MAX_GATE}. The providers are fakes
 * (what is under test is the daemon's wiring, not a cloud API); the daemon, its loop, orchestrators and notify
 * dispatcher (a real script) are the real ones. The node has a peer that never answers, so it becomes Master alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeveralFloatingIpBlocksDaemonTest {
    private static final InetAddress SELF = ip("192.0.2.1");
    private static final InetAddress PEER = ip("192.0.2.2");

    @TempDir
    Path dir;

    private final MemoryWire wire = new MemoryWire();
    private VrrpDaemon daemon;
    /** When each fake provider's acquire returned, wall-clock milliseconds, by provider name. */
    private final Map<String, Long> acquiredAt = new ConcurrentHashMap<>();
    private final Map<String, Boolean> held = new ConcurrentHashMap<>();
    /** Holds the "digitalocean" fake's acquire until counted down (or the orchestrator cuts it). */
    private final CountDownLatch hang = new CountDownLatch(1);

    @AfterEach
    void close() {
        hang.countDown();
        if (daemon != null) {
            daemon.close();
        }
    }

    /** What the slow fake does in acquire. */
    private enum Slow { HANG, FAIL_AT_ONCE, TAKE_150_MS }

    private VrrpDaemon start(Slow slow) throws Exception {
        Path script = dir.resolve("master.sh");
        Files.writeString(script, "#!/bin/sh\ndate +%s%3N > " + dir.resolve("master.at") + "\n");
        script.toFile().setExecutable(true);
        FloatdConfig config = ConfigParser.parse(text(script, "198.51.100.20"), "k.conf");
        DaemonOptions options = new DaemonOptions(null, false, Duration.ofSeconds(5),
                (source, ifname) -> wire.attach(source), name -> Optional.of(factory(name, slow)), NanoClock.SYSTEM);
        daemon = VrrpDaemon.create(config, options);
        daemon.start();
        return daemon;
    }

    private static String text(Path script, String secondAddress) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    notify_master %s
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                    }
                    floating_ip {
                        provider digitalocean
                        address %s
                        attempt_timeout 20
                        deadline 30
                    }
                }
                """.formatted(SELF.getHostAddress(), PEER.getHostAddress(), script, secondAddress);
    }

    private FloatingIpProviderFactory factory(String name, Slow slow) {
        return new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) {
                return new FloatingIpProvider() {
                    @Override
                    public Holder holder() {
                        return held.getOrDefault(name, false) ? Holder.self("me") : Holder.nobody();
                    }

                    @Override
                    public void acquire() throws ProviderException {
                        if (name.equals("digitalocean")) {
                            switch (slow) {
                                case HANG -> {
                                    try {
                                        hang.await();
                                    } catch (InterruptedException e) {
                                        throw ProviderException.retryable("interrupted", e);
                                    }
                                }
                                case FAIL_AT_ONCE -> throw ProviderException.fatal("403 not allowed (fake)");
                                case TAKE_150_MS -> {
                                    try {
                                        Thread.sleep(150); // the slow API, not a timing proof
                                    } catch (InterruptedException e) {
                                        throw ProviderException.retryable("interrupted", e);
                                    }
                                }
                            }
                        }
                        held.put(name, true);
                        acquiredAt.put(name, System.currentTimeMillis());
                    }

                    @Override
                    public void release() {
                        held.put(name, false);
                    }
                };
            }
        };
    }

    private VrrpState state() {
        return daemon.instances().getFirst().runner().state().state();
    }

    private Optional<Long> notifiedAt() throws Exception {
        Path at = dir.resolve("master.at");
        if (!Files.exists(at)) {
            return Optional.empty();
        }
        String s = Files.readString(at).strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
    }

    @Test
    void aHangingBlockDoesNotHoldBackTheOtherNorNotifyMasterPastTheCap() throws Exception {
        start(Slow.HANG);
        await(() -> state() == VrrpState.MASTER, 20_000);
        await(() -> acquiredAt.containsKey("aws"), 10_000);
        await(() -> notifiedAt().isPresent(), 10_000);
        // the hanging block is still inside its acquire: notify_master did not wait for it beyond the cap
        assertEquals(1, hang.getCount());
        assertTrue(!acquiredAt.containsKey("digitalocean"));
        assertTrue(notifiedAt().get() >= acquiredAt.get("aws"), "notify_master ran after the block that settled");
        System.out.printf("notify_master started %d ms after the aws block acquired, the other block still hanging%n",
                notifiedAt().get() - acquiredAt.get("aws"));
        hang.countDown();
        await(() -> acquiredAt.containsKey("digitalocean"), 20_000);
        List<BlockTakeover> blocks = daemon.instances().getFirst().takeovers();
        assertEquals(List.of("198.51.100.10", "198.51.100.20"), blocks.stream().map(BlockTakeover::address).toList());
        assertEquals(List.of("aws", "digitalocean"), blocks.stream().map(BlockTakeover::provider).toList());
    }

    @Test
    void aBlockThatFailsDoesNotHoldBackTheOtherAndEachShowsItsOwnStatus() throws Exception {
        start(Slow.FAIL_AT_ONCE);
        await(() -> state() == VrrpState.MASTER, 20_000);
        await(() -> acquiredAt.containsKey("aws"), 10_000);
        await(() -> notifiedAt().isPresent(), 10_000);
        List<BlockTakeover> blocks = daemon.instances().getFirst().takeovers();
        await(() -> blocks.get(1).orchestrator().lastError() != null, 10_000);
        await(() -> blocks.get(0).orchestrator().lastTakeover() != null, 10_000);

        StatusSnapshot s = StatusSnapshot.of(daemon, "test");
        List<StatusSnapshot.FloatingIpStatus> ips = s.instances().getFirst().floatingIps();
        assertEquals(2, ips.size());
        assertEquals("self", ips.get(0).holder());
        assertTrue(ips.get(1).lastError().contains("403 not allowed"), ips.get(1)::toString);
        assertEquals(1, ips.get(0).stats().acquires());
        assertEquals(0, ips.get(1).stats().acquires());

        @SuppressWarnings("unchecked")
        Map<String, Object> instance = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) Json.parse(
                StatusJson.render(s))).get("instances")).getFirst();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> json = (List<Map<String, Object>>) (List<?>) instance.get("floating_ips");
        assertEquals(List.of("198.51.100.10", "198.51.100.20"), json.stream().map(m -> m.get("address")).toList());
        assertEquals(List.of("aws", "digitalocean"), json.stream().map(m -> m.get("provider")).toList());
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) instance.get("floating_ip");
        assertEquals("198.51.100.10", first.get("address"), "floating_ip: the first block, as before");

        PromText p = PromText.parse(PrometheusText.render(s));
        assertEquals(1, p.value("floatd_floating_ip_held", "instance", "VI_1", "address", "198.51.100.10"));
        assertEquals(0, p.value("floatd_floating_ip_held", "instance", "VI_1", "address", "198.51.100.20"));
        assertEquals(1, p.value("floatd_provider_acquires_total", "instance", "VI_1", "address", "198.51.100.10"));
        assertTrue(p.value("floatd_provider_failures_total", "instance", "VI_1", "address", "198.51.100.20") >= 1);

        String data = DataDump.of(daemon, "test");
        assertTrue(data.contains("Floating IP = 198.51.100.10 (provider aws)"), data);
        assertTrue(data.contains("Floating IP = 198.51.100.20 (provider digitalocean)"), data);
        String stats = StatsDump.render(s);
        assertTrue(stats.contains("Floating IP = 198.51.100.10 (provider aws)")
                && stats.contains("Floating IP = 198.51.100.20 (provider digitalocean)"), stats);
    }

    @Test
    void notifyMasterWaitsForEveryBlockToSettle() throws Exception {
        start(Slow.TAKE_150_MS);
        await(() -> state() == VrrpState.MASTER, 20_000);
        await(() -> notifiedAt().isPresent(), 10_000);
        await(() -> acquiredAt.containsKey("digitalocean"), 10_000);
        // 150 ms is within the 250 ms cap: had notify_master waited for the fast block only, it would have started
        // right after it, before the slow block's write returned
        assertTrue(notifiedAt().get() >= acquiredAt.get("aws"), "after the fast block");
        long notified = notifiedAt().get();
        assertTrue(notified >= acquiredAt.get("digitalocean"),
                () -> "notify_master at " + notified + ", slow block done at " + acquiredAt.get("digitalocean"));
    }

    @Test
    void aReloadThatChangesOneBlockRestartsTheInstanceWithTheNewBlocksAndAnUnchangedOneKeepsThem() throws Exception {
        start(Slow.FAIL_AT_ONCE);
        await(() -> state() == VrrpState.MASTER, 20_000);
        List<BlockTakeover> before = daemon.instances().getFirst().takeovers();
        Path script = dir.resolve("master.sh");
        assertEquals("1 unchanged, 0 restarted, 0 added, 0 removed",
                daemon.reload(ConfigParser.parse(text(script, "198.51.100.20"), "k.conf")));
        assertEquals(before, daemon.instances().getFirst().takeovers(), "the same orchestrators");
        assertEquals("0 unchanged, 1 restarted, 0 added, 0 removed",
                daemon.reload(ConfigParser.parse(text(script, "198.51.100.21"), "k.conf")));
        List<BlockTakeover> after = daemon.instances().getFirst().takeovers();
        assertEquals(List.of("198.51.100.10", "198.51.100.21"), after.stream().map(BlockTakeover::address).toList());
        assertTrue(after.stream().noneMatch(before::contains), "new orchestrators for the restarted instance");
    }

    private static void await(Check c, long millis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + millis + " ms");
            }
            Thread.sleep(10);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
