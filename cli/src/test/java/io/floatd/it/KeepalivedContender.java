package io.floatd.it;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * keepalived (Debian's) as the cloud benchmarks' contender ({@code DigitalOceanFailoverTest.DoBench},
 * {@link HetznerTakeoverBenchTest}): on a node of a {@link Lan} pair with floatd's VRRP settings (VRRPv3,
 * {@code advert_int 0.1}, unicast to the other node), the cloud's recipe as {@code notify_master} ({@code master.sh}
 * in the run's directory) and a {@code notify} script that appends {@code date +%s%N} and the state to
 * {@code states-N}; a crash as a kill; the notified times read back.
 */
final class KeepalivedContender {
    private KeepalivedContender() {
    }

    /**
     * Starts keepalived on {@code node} (0 or 1) with its files in {@code dir}: {@code vip} is its
     * {@code virtual_ipaddress} (keepalived 2.2 refuses a VRRPv3 instance without one).
     */
    static Process start(Lan lan, Path dir, int node, int vrid, int priority, String vip) throws IOException {
        Path notify = dir.resolve("notify-" + node + ".sh");
        Files.writeString(notify, "#!/bin/sh\necho \"$(date +%s%N) $3\" >> " + dir.resolve("states-" + node) + "\n");
        Files.setPosixFilePermissions(notify, PosixFilePermissions.fromString("rwx------"));
        // the killed run's pid files: its PIDs may be in use again, and keepalived would take them for itself
        Files.deleteIfExists(dir.resolve("ka-" + node + ".pid"));
        Files.deleteIfExists(dir.resolve("vrrp-" + node + ".pid"));
        Path conf = dir.resolve("keepalived-" + node + ".conf");
        Files.writeString(conf, """
                global_defs {
                  router_id ka%d
                  script_user root
                }
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id %d
                  priority %d
                  advert_int 0.1
                  version 3
                  unicast_src_ip %s
                  unicast_peer {
                    %s
                  }
                  virtual_ipaddress {
                    %s/32 dev eth0
                  }
                  notify_master "%s"
                  notify "%s"
                }
                """.formatted(node, vrid, priority, Lan.address(node), Lan.address(1 - node), vip,
                dir.resolve("master.sh"), notify));
        return lan.host(node).spawn(List.of("keepalived", "--dont-fork", "--log-console", "--vrrp", "-f",
                conf.toString(), "-p", dir.resolve("ka-" + node + ".pid").toString(), "-r",
                dir.resolve("vrrp-" + node + ".pid").toString()), dir.resolve("keepalived-" + node + ".log"));
    }

    /** A crash: the parent stopped first (it would respawn the VRRP child), then both killed. */
    static void kill(Process p) {
        if (!p.isAlive()) {
            return;
        }
        Netns.runForResult(List.of("kill", "-STOP", Long.toString(p.pid())));
        p.descendants().toList().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first time {@code node}'s notify script wrote {@code state} at or after {@code afterEpochNanos}. */
    static long notifiedAfter(Path dir, int node, String state, long afterEpochNanos, Duration timeout)
            throws IOException {
        Path states = dir.resolve("states-" + node);
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(states)) {
                for (String line : Files.readAllLines(states)) {
                    String[] f = line.trim().split(" ");
                    if (f.length >= 2 && f[1].equals(state) && Long.parseLong(f[0]) >= afterEpochNanos) {
                        return Long.parseLong(f[0]);
                    }
                }
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("no " + state + " in " + states + " after " + afterEpochNanos);
    }

    /** Prints the run's files (configs, scripts, logs, states; not a token file) after a failure. */
    static void dump(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (!f.getFileName().toString().contains("token")) {
                    System.out.println("==== " + f + "\n" + Files.readString(f));
                }
            }
        }
    }
}
