package io.floatd.vrrp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.ConfigException;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.runtime.VrrpDaemon;
import io.floatd.vrrp.transport.ReceivedDatagram;
import io.floatd.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzz target (Jazzer) for SIGHUP: the input bytes are written as the configuration file, and a
 * running daemon reloads it as {@code floatd run} does: {@link ConfigParser#parse(Path)} (bounded, UTF-8 checked),
 * {@link VrrpDaemon#checkProviders}, then {@link VrrpDaemon#reload}. Seeds ({@code ReloadFuzzTestInputs/reload/}) are
 * configurations that change the running one: an instance changed, added, on a missing interface, with a provider
 * that cannot be made, and the hostile files (nested braces, a line past the limit).
 *
 * <p>The daemon runs one instance, {@code VI_BASE}, on transports that send nothing anywhere (interface {@code eth0}
 * opens; any other interface "does not exist", as a raw socket says) with providers that change nothing (an unknown
 * provider name gets one that cannot be made). Properties:
 * <ul>
 *   <li>parse, checks and reload throw nothing but {@link ConfigException} and {@link ProviderException};
 *   <li>after a configuration that is refused (by the parser, the provider checks or the reload), the daemon is
 *       unchanged: the same instances with the same configurations, runners and takeovers, the VRRP loop running;
 *   <li>after one that is applied, the daemon runs exactly its instances, in its order, each running or in FAULT
 *       with a reason; reloading the base configuration then brings {@code VI_BASE} back alone and healthy.
 * </ul>
 *
 * <p>Skipped, besides what {@link ConfigParserFuzzTest} skips: a configuration that would run something or write
 * somewhere on the fuzzer's say (notify scripts, vrrp_script checks, state files, notify FIFOs, track files).
 */
class ReloadFuzzTest {
    private static final Pattern SPECIAL_FILES = Pattern.compile("/\\s*(dev|proc|sys)\\b|\\*");
    private static final Set<String> PROVIDERS = Set.of("linux-l2", "aws", "digitalocean");
    static final String BASE = """
            vrrp_instance VI_BASE {
                interface eth0
                virtual_router_id 1
                priority 150
                advert_int 0.1
                version 3
                unicast_src_ip 192.0.2.1
                unicast_peer {
                    192.0.2.2
                }
                virtual_ipaddress {
                    203.0.113.1
                }
            }
            """;

    /** Every name gets a provider that changes nothing, except that one not in {@link #PROVIDERS} cannot be made. */
    private static final DaemonOptions.ProviderLookup LOOKUP = name -> Optional.of(new FloatingIpProviderFactory() {
        @Override
        public String name() {
            return name;
        }

        @Override
        public FloatingIpProvider create(ProviderContext context) throws ProviderException {
            if (!PROVIDERS.contains(name)) {
                throw ProviderException.fatal("provider '" + name + "' cannot be made here");
            }
            return NOTHING;
        }
    });
    /** Kept so that the level set on it stays: a reload logs a few lines, a million reloads too many. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("floatd");

    private static Path dir;
    private static Path file;
    private static FloatdConfig base;
    private static VrrpDaemon daemon;

    /** A socket that sends nothing and hears nothing. */
    private static final class NullTransport implements VrrpTransport {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void send(InetAddress destination, byte[] vrrpMessage) {
        }

        @Override
        public ReceivedDatagram receive(Duration timeout) throws IOException {
            try {
                if (closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new java.nio.channels.ClosedChannelException();
                }
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    private static final FloatingIpProvider NOTHING = new FloatingIpProvider() {
        @Override
        public Holder holder() {
            return Holder.nobody();
        }

        @Override
        public void acquire() {
        }

        @Override
        public void release() {
        }
    };

    private static VrrpDaemon daemon() throws Exception {
        if (daemon == null) {
            dir = Files.createTempDirectory("floatd-reload-fuzz");
            file = dir.resolve("keepalived.conf");
            base = ConfigParser.parse(BASE, file.toString());
            QUIET.setLevel(java.util.logging.Level.SEVERE);
            DaemonOptions options = new DaemonOptions(null, true, Duration.ofSeconds(1),
                    (source, ifname) -> transport(ifname), LOOKUP, NanoClock.SYSTEM,
                    (source, ifname, settings, drops, expected) -> transport(ifname));
            daemon = VrrpDaemon.create(base, options);
            daemon.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (daemon.instances().getFirst().runner().state().state() != VrrpState.MASTER && System.nanoTime() < end) {
                Thread.sleep(10);
            }
        }
        return daemon;
    }

    private static VrrpTransport transport(String ifname) throws IOException {
        if (!"eth0".equals(ifname)) {
            throw new IOException("vrrp " + ifname + ": SIOCGIFINDEX: No such device");
        }
        return new NullTransport();
    }

    @AfterAll
    static void stop() throws IOException {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @FuzzTest(maxDuration = "15s")
    void reload(byte[] data) throws Exception {
        VrrpDaemon d = daemon();
        String text = new String(data, StandardCharsets.UTF_8);
        if (SPECIAL_FILES.matcher(text).find()) {
            return;
        }
        Files.write(file, data);
        List<VrrpDaemon.Instance> before = d.instances();
        FloatdConfig next;
        try {
            next = ConfigParser.parse(file);
        } catch (ConfigException e) {
            assertFalse(e.errors().isEmpty());
            for (ConfigError error : e.errors()) {
                assertTrue(error.line() >= 0, () -> "negative line: " + error);
            }
            assertUnchanged(d, before, "a configuration with errors");
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("parse threw " + e + " on:\n" + text, e);
        }
        if (runsOrWrites(next)) {
            return;
        }
        if (!VrrpDaemon.checkProviders(next, null, LOOKUP).isEmpty()) {
            // floatd run refuses these before the reload
            assertUnchanged(d, before, "a provider check");
            return;
        }
        String done;
        try {
            done = d.reload(next);
        } catch (ProviderException e) {
            assertUnchanged(d, before, "a refused reload (" + e.getMessage() + ")");
            return;
        } catch (IOException | RuntimeException | Error e) {
            throw new AssertionError("reload threw " + e + " on:\n" + text, e);
        }
        assertTrue(d.loop().alive(), "the VRRP loop stopped");
        assertEquals(next.instances().stream().map(InstanceConfig::name).toList(),
                d.instances().stream().map(i -> i.config().name()).toList(), done);
        for (VrrpDaemon.Instance i : d.instances()) {
            Optional<String> failure = d.startFailure(i.config().name());
            assertTrue(failure.isEmpty() || failure.get().startsWith("cannot start: "), failure::toString);
        }
        assertEquals(d.instances().stream().allMatch(i -> d.startFailure(i.config().name()).isEmpty()), d.healthy());

        d.reload(base);
        assertEquals(List.of("VI_BASE"), d.instances().stream().map(i -> i.config().name()).toList());
        assertTrue(d.healthy(), "the base configuration runs");
    }

    private static void assertUnchanged(VrrpDaemon d, List<VrrpDaemon.Instance> before, String after) {
        assertEquals(before, d.instances(), "the instances changed after " + after);
        assertTrue(d.loop().alive(), "the VRRP loop stopped after " + after);
    }

    /** Scripts to run, files to write or read: not what a fuzzer may make a root process do. */
    private static boolean runsOrWrites(FloatdConfig c) {
        if (c.global().stateFile() != null || !c.global().notifyFifos().isEmpty()) {
            return true;
        }
        return c.instances().stream().anyMatch(i -> !i.notifyScripts().isEmpty() || !i.trackScripts().isEmpty()
                || !i.trackFiles().isEmpty() || i.stateFile() != null);
    }
}
