package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.testing.PromText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 5 of the privilege issue, measured: unprivileged processes ({@code setpriv --reuid nobody}; two, as one may hold
 * at most RLIMIT_NOFILE descriptors, 20,000 here) open {@value #CONNECTIONS} connections to the status endpoint of a real daemon and trickles a byte a second into each,
 * reconnecting the ones the daemon closes. Throughout, /healthz answers from a fresh connection, the daemon's
 * descriptors stay within the cap plus its own, its RSS grows little, and its vrrp_script keeps running. The figures
 * are printed ({@code FLOOD ...} lines).
 */
@Timeout(240)
class StatusFloodTest {
    private static final int CONNECTIONS = 20_000;
    private static final int SECONDS = 20;
    private static final String STATUS = "127.0.0.1:19798";
    /** The attacker: connect N non-blocking sockets, then every second a byte into each, reconnecting at most R a second. */
    private static final String ATTACKER = """
            use strict; use Socket; use Fcntl; use Errno qw(EAGAIN EINPROGRESS ENOTCONN);
            $SIG{PIPE} = 'IGNORE';
            my ($port, $n, $secs, $rate) = @ARGV;
            my $addr = sockaddr_in($port, inet_aton('127.0.0.1'));
            sub open_one {
                socket(my $fh, PF_INET, SOCK_STREAM, 0) or return undef;
                fcntl($fh, F_SETFL, fcntl($fh, F_GETFL, 0) | O_NONBLOCK);
                connect($fh, $addr);
                return $fh;
            }
            my @s; my $opened = 0; my $reconnects = 0; my $cut = 0;
            for my $i (0 .. $n - 1) { $s[$i] = open_one(); $opened++ if $s[$i]; }
            print "opened $opened\\n";
            my $end = time + $secs;
            while (time < $end) {
                my $budget = $rate;
                for my $i (0 .. $n - 1) {
                    if ($s[$i]) {
                        my $w = syswrite($s[$i], 'G');
                        if (!defined $w && !$!{EAGAIN} && !$!{EINPROGRESS} && !$!{ENOTCONN}) { close $s[$i]; $s[$i] = undef; $cut++; }
                    }
                    if (!$s[$i] && $budget-- > 0) { $s[$i] = open_one(); $reconnects++; }
                }
                sleep 1;
            }
            print "done opened=$opened cut=$cut reconnects=$reconnects\\n";
            """;

    private static Lan lan;

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("fl", 1);
    }

    @AfterAll
    static void deleteLan() {
        if (lan != null) {
            lan.close();
        }
    }

    private record Sample(long fds, long rssKb, int healthz, double healthzSeconds) {
    }

    @Test
    void twentyThousandSlowConnectionsFromAnUnprivilegedUserLeaveHealthzAndTheDescriptorsBounded() throws Exception {
        Netns ns = lan.host(0);
        // the launchers' memory options (bin/floatd, /usr/bin/floatd): the heap, hence the RSS, is bounded as in production
        String jvmArgs = System.getProperty("floatd.daemon.jvmArgs");
        System.setProperty("floatd.daemon.jvmArgs", "-Xss512k -XX:MaxRAM=256m " + (jvmArgs == null ? "" : jvmArgs));
        FloatdProcess started;
        try {
            started = FloatdProcess.start(ns, StatusFloodTest::config, "--status-address", STATUS);
        } finally {
            if (jvmArgs == null) {
                System.clearProperty("floatd.daemon.jvmArgs");
            } else {
                System.setProperty("floatd.daemon.jvmArgs", jvmArgs);
            }
        }
        try (FloatdProcess daemon = started) {
            daemon.awaitState("MASTER", Duration.ofSeconds(15));
            Thread.sleep(2000); // the JIT and the first script runs settle
            Sample before = sample(daemon);
            double runsBefore = metrics(ns).value("floatd_track_script_runs_total", "script", "chk");
            Path script = Files.writeString(daemon.dir().resolve("attacker.pl"), ATTACKER);
            Files.setPosixFilePermissions(daemon.dir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            long t0 = System.nanoTime();
            List<Process> attackers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                attackers.add(ns.spawn(List.of("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", "perl",
                        script.toString(), "19798", String.valueOf(CONNECTIONS / 2), String.valueOf(SECONDS), "1000"),
                        daemon.dir().resolve("attacker-" + i + ".out")));
            }
            List<Sample> during = new ArrayList<>();
            while (attackers.stream().anyMatch(Process::isAlive) && System.nanoTime() - t0 < Duration.ofSeconds(SECONDS + 60).toNanos()) {
                during.add(sample(daemon));
                Thread.sleep(1000);
            }
            long attackMs = (System.nanoTime() - t0) / 1_000_000;
            StringBuilder attackerOut = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                assertTrue(attackers.get(i).waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "an attacker did not finish");
                attackerOut.append(Files.readString(daemon.dir().resolve("attacker-" + i + ".out")));
            }
            Sample after = sample(daemon);
            PromText m = metrics(ns);
            double runsAfter = m.value("floatd_track_script_runs_total", "script", "chk");

            long maxFds = during.stream().mapToLong(Sample::fds).max().orElse(0);
            long maxRss = during.stream().mapToLong(Sample::rssKb).max().orElse(0);
            long answered = during.stream().filter(s -> s.healthz() == 200).count();
            double worst = during.stream().mapToDouble(Sample::healthzSeconds).max().orElse(0);
            System.out.printf(Locale.ROOT, "FLOOD attackers (nobody):%n%s", attackerOut);
            System.out.printf(Locale.ROOT, "FLOOD %d connections, %d ms: daemon fds %d before, max %d during, %d after;"
                            + " RSS %d KiB before, max %d during (+%d KiB), %d after%n", CONNECTIONS, attackMs, before.fds(),
                    maxFds, after.fds(), before.rssKb(), maxRss, maxRss - before.rssKb(), after.rssKb());
            System.out.printf(Locale.ROOT, "FLOOD /healthz from a fresh connection: %d of %d answered 200 during, slowest %.3f s;"
                            + " vrrp_script runs %.0f -> %.0f, failures %.0f; over_cap closes %.0f, request timeouts %.0f, idle %.0f%n",
                    answered, during.size(), worst, runsBefore, runsAfter,
                    m.value("floatd_track_script_failures_total", "script", "chk"),
                    m.value("floatd_status_connections_closed_total", "reason", "over_cap"),
                    m.value("floatd_status_connections_closed_total", "reason", "request_timeout"),
                    m.value("floatd_status_connections_closed_total", "reason", "idle_timeout"));

            assertEquals(2, attackerOut.toString().lines().filter(l -> l.equals("opened " + CONNECTIONS / 2)).count(),
                    attackerOut.toString());
            assertEquals(during.size(), answered, "/healthz answered every time: " + during);
            assertTrue(maxFds <= before.fds() + 64 + 32, "fds " + before.fds() + " -> " + maxFds + " (cap 64)");
            assertTrue(maxRss - before.rssKb() < 64 * 1024, "RSS +" + (maxRss - before.rssKb()) + " KiB");
            assertTrue(runsAfter > runsBefore + SECONDS / 2, "the vrrp_script kept running: " + runsBefore + " -> " + runsAfter);
            assertEquals(0, m.value("floatd_track_script_failures_total", "script", "chk"));
            assertTrue(daemon.alive());
            assertTrue(daemon.log().contains("connection cap reached (64 open)"), daemon.log());
            // one line when the cap is hit, then at most one per 10 s
            assertTrue(daemon.log().lines().filter(l -> l.contains("connection cap reached")).count() <= attackMs / 10_000 + 2,
                    daemon.log());
        }
    }

    private static Sample sample(FloatdProcess daemon) throws IOException {
        long fds;
        try (var list = Files.list(Path.of("/proc/" + daemon.pid() + "/fd"))) {
            fds = list.count();
        }
        long rss = Files.readAllLines(Path.of("/proc/" + daemon.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
        Netns.Result r = daemon.namespace().tryExec("curl", "-s", "-o", "/dev/null", "--max-time", "5", "-w", "%{http_code} %{time_total}",
                "http://" + STATUS + "/healthz");
        String[] f = r.output().strip().split(" ");
        return new Sample(fds, rss, f.length == 2 ? Integer.parseInt(f[0]) : -1, f.length == 2 ? Double.parseDouble(f[1]) : -1);
    }

    private static PromText metrics(Netns ns) {
        return PromText.parse(ns.exec("curl", "-s", "http://" + STATUS + "/metrics"));
    }

    private static String config(String notifyScript) {
        return """
                vrrp_script chk {
                    script "/bin/true"
                    interval 1
                }
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 54
                    priority 150
                    advert_int 1
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    track_script {
                        chk
                    }
                    notify %s
                }
                """.formatted(Lan.address(0), Lan.SUBNET_PREFIX + "99", notifyScript);
    }
}
