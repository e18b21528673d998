package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.MemoryWire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived.conf files as users bring them (the haproxy `killall -0` check with interval 2 fall 2 rise 2, an
 * nginx `pidof` check with a weight, a notify script writing the state to a file, a notify_master calling a
 * takeover script), loaded unchanged and run: two daemons on an in-process wire, real scripts, real processes.
 */
class SeedConfigsTest {
    @TempDir
    Path dir;

    private final MemoryWire wire = new MemoryWire();
    private final List<VrrpDaemon> daemons = new ArrayList<>();
    private final List<Process> services = new ArrayList<>();

    @AfterEach
    void stop() {
        daemons.forEach(VrrpDaemon::close);
        services.forEach(Process::destroyForcibly);
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** A long-running process with its own name, as nginx or haproxy would be, for pidof/killall to find. */
    private Process service(String name) throws IOException {
        Path binary = dir.resolve(name);
        Files.copy(Path.of("/bin/sleep"), binary, StandardCopyOption.REPLACE_EXISTING);
        Process p = new ProcessBuilder(binary.toString(), "300").start();
        services.add(p);
        return p;
    }

    private VrrpDaemon start(String conf, String node) throws Exception {
        Path file = dir.resolve(node + ".conf");
        Files.writeString(file, conf);
        FloatdConfig config = ConfigParser.parse(file);
        FloatingIpProviderFactory none = new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) {
                return new FloatingIpProvider() {
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
            }
        };
        VrrpDaemon d = VrrpDaemon.create(config, new DaemonOptions("none", false, Duration.ofSeconds(10),
                (source, ifname) -> wire.attach(source), n -> Optional.of(none), NanoClock.SYSTEM));
        d.start();
        daemons.add(d);
        return d;
    }

    private static VrrpState state(VrrpDaemon d) {
        return d.instances().getFirst().runner().state().state();
    }

    @Test
    void haproxyKillallCheckAndTakeoverScriptAsUsersWriteThem() throws Exception {
        // both nodes run on this one host here, so each checks its own haproxy
        Process haproxy = service("haproxy-seed");
        service("haproxy-seed2");
        Path stateFile = dir.resolve("keepalived.state");
        Path takeoverLog = dir.resolve("takeover.log");
        Path notify = script("notify.sh", "echo \"$3\" > " + stateFile);
        Path takeover = script("takeover.sh", "echo \"took over at $(date +%s)\" >> " + takeoverLog);
        String lb1 = """
                ! Configuration File for keepalived
                global_defs {
                   router_id LB1
                }

                vrrp_script chk_haproxy {
                    script "/usr/bin/killall -0 haproxy-seed"   # cheaper than pidof
                    interval 0.2
                    fall 2
                    rise 2
                }

                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 101
                    advert_int 0.1
                    version 3
                    unicast_src_ip 192.0.2.1
                    unicast_peer {
                        192.0.2.2
                    }
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                    track_script {
                        chk_haproxy
                    }
                    notify %s
                }
                """.formatted(notify);
        String lb2 = lb1.replace("LB1", "LB2").replace("state MASTER", "state BACKUP").replace("priority 101", "priority 100")
                .replace("unicast_src_ip 192.0.2.1", "unicast_src_ip 192.0.2.X").replace("        192.0.2.2", "        192.0.2.1")
                .replace("192.0.2.X", "192.0.2.2")
                .replace("    notify " + notify, "    notify_master \"" + takeover + "\"")
                .replace("haproxy-seed", "haproxy-seed2");
        VrrpDaemon a = start(lb1, "lb1");
        // lb2 starts once lb1 is Master: started together, both wait for their first check and then for Master_Down
        // intervals 0.4 ms apart (priorities 101 and 100), so lb2 may be Master for a moment and run notify_master
        // before the failover this test is about
        await(() -> state(a) == VrrpState.MASTER);
        VrrpDaemon b = start(lb2, "lb2");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        await(() -> Files.exists(stateFile) && read(stateFile).equals("MASTER"));

        haproxy.destroyForcibly().waitFor();
        // fall 2 at 0.2 s: FAULT about 0.4 s later; the Backup then takes over within Skew_Time
        await(() -> state(a) == VrrpState.FAULT && state(b) == VrrpState.MASTER);
        await(() -> read(stateFile).equals("FAULT"));
        await(() -> Files.exists(takeoverLog) && read(takeoverLog).startsWith("took over at"));
        assertEquals(1, read(takeoverLog).lines().count(), "notify_master ran once");
    }

    @Test
    void nginxPidofCheckWithWeightHandsOverWithoutFault() throws Exception {
        Process nginx = service("nginx-seed");
        service("nginx-seed2");
        String lb1 = """
                vrrp_script chk_nginx {
                    script "/usr/bin/pidof nginx-seed"
                    interval 0.2
                    weight -60
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 52
                    priority 150
                    advert_int 0.1
                    version 3
                    unicast_src_ip 192.0.2.11
                    unicast_peer {
                        192.0.2.12
                    }
                    virtual_ipaddress {
                        192.0.2.101
                    }
                    track_script {
                        chk_nginx
                    }
                }
                """;
        String lb2 = lb1.replace("priority 150", "priority 100").replace("unicast_src_ip 192.0.2.11", "unicast_src_ip 192.0.2.Y")
                .replace("        192.0.2.12", "        192.0.2.11").replace("192.0.2.Y", "192.0.2.12")
                .replace("nginx-seed", "nginx-seed2");
        VrrpDaemon a = start(lb1, "lb1");
        VrrpDaemon b = start(lb2, "lb2");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        nginx.destroyForcibly().waitFor();
        await(() -> state(b) == VrrpState.MASTER && state(a) == VrrpState.BACKUP);
        assertEquals(90, a.instances().getFirst().runner().state().effectivePriority(), "150 - 60");
        assertTrue(a.instances().getFirst().runner().transitions() <= 3, "no FAULT on the way: weight, not failure");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached within 15 s");
            }
            Thread.sleep(10);
        }
    }
}
