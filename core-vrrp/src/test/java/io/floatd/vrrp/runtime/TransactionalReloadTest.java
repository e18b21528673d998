package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.status.StatusSnapshot;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.MemoryWire;
import io.floatd.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 (3): a reload applies completely or changes nothing; an instance the host cannot serve (its interface is
 * missing) is in FAULT with its reason, makes the daemon unhealthy, and starts by itself once the interface is
 * there; a state_file change applies on reload. Two daemons on an in-process wire, as in {@link VrrpDaemonTest}; the
 * transport factory refuses the interfaces in {@link #missing}, as the raw socket does for an interface that does not
 * exist.
 */
@Timeout(60)
class TransactionalReloadTest {
    private static final InetAddress A = ip("192.0.2.1");
    private static final InetAddress B = ip("192.0.2.2");
    /** This node's address on the second interface (the wire tells nodes apart by address). */
    private static final InetAddress A2 = ip("192.0.2.3");

    @TempDir
    Path dir;

    private final MemoryWire wire = new MemoryWire();
    private final List<VrrpDaemon> daemons = new ArrayList<>();
    /** What the cloud saw: acquire/release per node and instance. */
    private final List<String> cloud = new CopyOnWriteArrayList<>();
    /** Interfaces that "do not exist" now. */
    private final Set<String> missing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Instances whose provider cannot be made (no credentials, say). */
    private final Set<String> noCredentials = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Transports opened and not closed yet, by node. */
    private final List<String> openTransports = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        daemons.forEach(VrrpDaemon::close);
    }

    private static String instance(String name, int vrid, int priority, String ifname, InetAddress self, InetAddress peer,
            String extra) {
        return """
                vrrp_instance %s {
                    interface %s
                    virtual_router_id %d
                    priority %d
                    advert_int 0.5
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        203.0.113.%d
                    }
                    %s
                }
                """.formatted(name, ifname, vrid, priority, self.getHostAddress(), peer.getHostAddress(), vrid, extra);
    }

    private VrrpDaemon start(String text, String node) throws Exception {
        FloatdConfig config = ConfigParser.parse(text, node + ".conf");
        FloatingIpProviderFactory factory = new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) throws ProviderException {
                if (noCredentials.contains(context.instanceName())) {
                    throw ProviderException.fatal("VRRP_Instance(" + context.instanceName() + ") no credentials");
                }
                return new Recording(node + "/" + context.instanceName());
            }
        };
        DaemonOptions options = new DaemonOptions("recording", false, Duration.ofSeconds(5), (source, ifname) -> {
            if (missing.contains(ifname)) {
                throw new IOException("vrrp " + ifname + ": SIOCGIFINDEX: No such device");
            }
            String id = node + " " + ifname;
            openTransports.add(id);
            VrrpTransport port = wire.attach(source);
            return new VrrpTransport() {
                @Override
                public void send(InetAddress destination, byte[] message) throws IOException {
                    port.send(destination, message);
                }

                @Override
                public io.floatd.vrrp.transport.ReceivedDatagram receive(Duration timeout) throws IOException {
                    return port.receive(timeout);
                }

                @Override
                public void close() {
                    openTransports.remove(id);
                    port.close();
                }
            };
        }, name -> Optional.of(factory), NanoClock.SYSTEM);
        VrrpDaemon d = VrrpDaemon.create(config, options);
        d.start();
        daemons.add(d);
        return d;
    }

    private final class Recording implements FloatingIpProvider {
        private final String id;

        Recording(String id) {
            this.id = id;
        }

        @Override
        public Holder holder() {
            return Holder.nobody();
        }

        @Override
        public void acquire() {
            cloud.add("acquire " + id);
        }

        @Override
        public void release() {
            cloud.add("release " + id);
        }

        @Override
        public boolean releasesByDefault() {
            return true;
        }
    }

    private static VrrpDaemon.Instance named(VrrpDaemon d, String name) {
        return d.instances().stream().filter(i -> i.config().name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no instance " + name + " in " + d.instances()));
    }

    private static VrrpState state(VrrpDaemon d, String name) {
        return named(d, name).runner().state().state();
    }

    private static StatusSnapshot.InstanceStatus status(VrrpDaemon d, String name) {
        return StatusSnapshot.of(d, "test").instances().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aReloadWithOneBadInstanceAmongGoodChangesChangesNothing() throws Exception {
        String aConf = instance("VI_1", 51, 150, "eth0", A, B, "") + instance("VI_2", 52, 150, "eth0", A, B, "");
        VrrpDaemon a = start(aConf, "a");
        VrrpDaemon b = start(instance("VI_1", 51, 100, "eth0", B, A, "") + instance("VI_2", 52, 100, "eth0", B, A, ""), "b");
        await(() -> state(a, "VI_1") == VrrpState.MASTER && state(a, "VI_2") == VrrpState.MASTER
                && state(b, "VI_2") == VrrpState.BACKUP);
        await(() -> cloud.contains("acquire a/VI_2"));
        List<VrrpDaemon.Instance> before = a.instances();
        long transitions = named(a, "VI_2").runner().transitions();
        List<String> cloudBefore = List.copyOf(cloud);
        List<String> transportsBefore = List.copyOf(openTransports);

        // VI_2 changes priority, VI_3 is new on another interface and its provider cannot be made
        noCredentials.add("VI_3");
        FloatdConfig next = ConfigParser.parse(instance("VI_1", 51, 150, "eth0", A, B, "")
                + instance("VI_2", 52, 50, "eth0", A, B, "")
                + instance("VI_3", 53, 150, "eth1", A2, B, ""), "a.conf");
        ProviderException e = assertThrows(ProviderException.class, () -> a.reload(next));
        assertTrue(e.getMessage().contains("VI_3"), e.getMessage());

        Thread.sleep(500);
        assertEquals(before, a.instances(), "the same instances, with the same configurations, runners and takeovers");
        assertEquals(150, named(a, "VI_2").config().priority());
        assertEquals(VrrpState.MASTER, state(a, "VI_2"), "the changed VI_2 keeps running as it was");
        assertEquals(transitions, named(a, "VI_2").runner().transitions(), "no transition on VI_2");
        assertEquals(VrrpState.BACKUP, state(b, "VI_2"), "the peer saw no priority 0");
        assertEquals(cloudBefore, cloud, "nothing released, nothing acquired");
        assertEquals(transportsBefore, openTransports, "what the refused reload opened is closed again");
        assertTrue(a.healthy());

        // fixed: the same change without VI_3 applies
        String done = a.reload(ConfigParser.parse(instance("VI_1", 51, 150, "eth0", A, B, "")
                + instance("VI_2", 52, 50, "eth0", A, B, ""), "a.conf"));
        assertEquals("1 unchanged, 1 restarted, 0 added, 0 removed", done);
        await(() -> state(b, "VI_2") == VrrpState.MASTER && state(a, "VI_2") == VrrpState.BACKUP);
    }

    @Test
    void anInstanceWhoseInterfaceIsMissingOnReloadIsInFaultWithItsReasonAndStartsWhenItAppears() throws Exception {
        VrrpDaemon a = start(instance("VI_1", 51, 150, "eth0", A, B, "") + instance("VI_2", 52, 150, "eth0", A, B, ""), "a");
        await(() -> state(a, "VI_1") == VrrpState.MASTER && state(a, "VI_2") == VrrpState.MASTER);
        VrrpDaemon.Instance vi1 = named(a, "VI_1");
        missing.add("eth9");

        // the reload: VI_2 changed, VI_3 added on an interface that is not there
        String done = a.reload(ConfigParser.parse(instance("VI_1", 51, 150, "eth0", A, B, "")
                + instance("VI_2", 52, 120, "eth0", A, B, "")
                + instance("VI_3", 53, 150, "eth9", A2, B, ""), "a.conf"));
        assertTrue(done.startsWith("1 unchanged, 1 restarted, 1 added, 0 removed; in FAULT: VI_3 cannot start: vrrp eth9:"
                + " SIOCGIFINDEX: No such device (tried "), done);
        assertSame(vi1.runner(), named(a, "VI_1").runner(), "VI_1 untouched");
        assertEquals(List.of("VI_1", "VI_2", "VI_3"), a.instances().stream().map(i -> i.config().name()).toList());
        await(() -> state(a, "VI_2") == VrrpState.MASTER, "the changed VI_2 runs with its new settings");
        assertEquals(120, named(a, "VI_2").config().priority());
        await(() -> state(a, "VI_3") == VrrpState.FAULT);
        StatusSnapshot.InstanceStatus vi3 = status(a, "VI_3");
        assertFalse(vi3.running());
        assertTrue(vi3.faultReason().startsWith("cannot start: vrrp eth9: SIOCGIFINDEX: No such device (tried "), vi3.faultReason());
        assertFalse(a.healthy(), "/healthz says so");
        assertEquals(List.of("VI_3 not running: " + vi3.faultReason()), StatusSnapshot.of(a, "test").healthProblems());
        assertTrue(status(a, "VI_2").running());

        // a reload that changes nothing leaves VI_3 waiting, and says so
        String again = a.reload(ConfigParser.parse(instance("VI_1", 51, 150, "eth0", A, B, "")
                + instance("VI_2", 52, 120, "eth0", A, B, "")
                + instance("VI_3", 53, 150, "eth9", A2, B, ""), "a.conf"));
        assertTrue(again.startsWith("2 unchanged, 1 restarted, 0 added, 0 removed; in FAULT: VI_3 "), again);

        // the interface appears: VI_3 starts on its own (retried off the loop) and the daemon is healthy again
        missing.remove("eth9");
        await(() -> state(a, "VI_3") == VrrpState.MASTER);
        assertTrue(status(a, "VI_3").running());
        assertEquals(null, status(a, "VI_3").faultReason());
        assertTrue(a.healthy());
        assertSame(vi1.runner(), named(a, "VI_1").runner());
        await(() -> cloud.contains("acquire a/VI_3"));
    }

    @Test
    void anInstanceWhoseInterfaceIsMissingAtStartIsInFaultAndTheOthersRun() throws Exception {
        missing.add("eth9");
        VrrpDaemon a = start(instance("VI_1", 51, 150, "eth0", A, B, "") + instance("VI_3", 53, 150, "eth9", A2, B, ""), "a");
        await(() -> state(a, "VI_1") == VrrpState.MASTER && state(a, "VI_3") == VrrpState.FAULT);
        assertFalse(a.healthy());
        missing.clear();
        await(() -> state(a, "VI_3") == VrrpState.MASTER && a.healthy());
    }

    @Test
    void aStateFileChangeAppliesOnReloadWithoutARestart() throws Exception {
        Path first = dir.resolve("first.state");
        Path second = dir.resolve("second.state");
        Path global = dir.resolve("all.state");
        VrrpDaemon a = start(instance("VI_1", 51, 150, "eth0", A, B, "state_file " + first), "a");
        await(() -> state(a, "VI_1") == VrrpState.MASTER);
        await(() -> read(first).equals("MASTER\n"));
        InstanceRunner runner = named(a, "VI_1").runner();
        long transitions = runner.transitions();

        String done = a.reload(ConfigParser.parse("global_defs {\n    state_file " + global + "\n}\n"
                + instance("VI_1", 51, 150, "eth0", A, B, "state_file " + second), "a.conf"));
        assertEquals("1 unchanged, 0 restarted, 0 added, 0 removed", done, "where the state is written is no reason to restart");
        assertSame(runner, named(a, "VI_1").runner());
        assertEquals(second, named(a, "VI_1").config().stateFile());
        await(() -> read(second).equals("MASTER\n"));
        await(() -> read(global).startsWith("VI_1 MASTER 150 "));
        assertEquals(transitions, runner.transitions());

        // and the new files follow the next transition (a handover: the instance is held)
        a.handover("VI_1");
        await(() -> read(second).equals("BACKUP\nheld\n") && read(global).matches("VI_1 BACKUP 150 \\S+ held\n"));
        assertEquals("MASTER\n", read(first), "the old file is no longer written");
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        await(condition, "condition");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " not reached within 15 s");
            }
            Thread.sleep(10);
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
