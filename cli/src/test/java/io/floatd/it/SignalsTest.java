package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * keepalived's signals, and every other one, sent with kill to a live floatd Master (VRRPv3, advert_int 0.1) whose
 * Backup is another floatd: no signal leaves an IP behind. The signals floatd ignores or answers with a dump leave
 * it Master with its VIP and the Backup Backup; the ones that stop it stop it cleanly: exit 0, a priority-0 advert the
 * Backup answers after Skew_Time, the VIP removed, the pid file removed. The daemons run as the launchers run them
 * ({@code _JAVA_SR_SIGNUM} moves the JVM's suspend/resume signal off SIGUSR2).
 */
@Timeout(300)
class SignalsTest {
    private static final int NODE0 = 0;
    private static final int NODE1 = 1;
    private static final String VIP = Lan.SUBNET_PREFIX + "110";
    private static final int VRID = 61;
    private static final Map<String, String> LAUNCHER_ENV = Map.of("_JAVA_SR_SIGNUM", "44");
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofSeconds(5);
    /** More than the Backup's Master_Down_Interval (361 ms): a Master that stopped advertising would show by then. */
    private static final long PAST_MDI_MS = 500;

    /** floatd's clean stops: TERM, INT, ABRT, XCPU, PWR. */
    private static final List<Integer> CLEAN_STOPS = List.of(15, 2, 6, 24, 30);
    /** Signals that leave floatd running (kill -l numbers): every one but KILL, STOP, the clean stops and the JVM's fault signals. */
    private static final List<Integer> KEEP_RUNNING = keepRunning();

    private static List<Integer> keepRunning() {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n <= 64; n++) {
            // 9, 19 cannot be caught; 4, 7, 8, 11: the JVM's fault handlers (kill -SEGV is a crash, as kill -9)
            if (!List.of(9, 19, 4, 7, 8, 11, 32, 33).contains(n) && !CLEAN_STOPS.contains(n)) {
                out.add(n);
            }
        }
        return List.copyOf(out);
    }

    private static Lan lan;
    private final List<FloatdProcess> daemons = new ArrayList<>();

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("sg", 2);
    }

    @AfterAll
    static void deleteLan() {
        if (lan != null) {
            lan.close();
        }
    }

    private final List<Path> masterDirs = new ArrayList<>();

    @AfterEach
    void stopEverything() throws IOException {
        daemons.forEach(FloatdProcess::close);
        daemons.clear();
        for (Path d : masterDirs) {
            try (var files = Files.walk(d)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        masterDirs.clear();
        for (int node : new int[] {NODE0, NODE1}) {
            lan.host(node).tryExec("ip", "addr", "del", VIP + "/24", "dev", Lan.IFNAME);
        }
    }

    @Test
    void noSignalButTheStopsEndsTheMasterOrMovesItsVipAndTheDumpsAreWritten() throws IOException {
        FloatdProcess master = startMaster();
        FloatdProcess backup = start(NODE1, 100);
        backup.awaitState("BACKUP", START);
        awaitVip(true);
        int masterSeen = master.notifications().size();
        int backupSeen = backup.notifications().size();
        Path dumps = masterFiles.resolve("dumps");

        for (int n : KEEP_RUNNING) {
            lan.host(NODE0).exec("kill", "-" + n, String.valueOf(master.pid()));
            FloatdProcess.sleep(PAST_MDI_MS);
            String what = "after kill -" + n;
            assertTrue(master.alive(), what + ": the Master exited\n" + master.log());
            assertEquals(masterSeen, master.notifications().size(), what + ": " + master.notifications());
            assertEquals(backupSeen, backup.notifications().size(), what + ": the Backup changed state: " + backup.notifications());
            assertTrue(hasVip(NODE0), what + ": VIP gone from the Master");
            assertFalse(hasVip(NODE1), what + ": VIP on the Backup");
        }

        // SIGUSR1 (10): the data dump, in the file and the log
        String data = awaitFile(master, dumps.resolve("floatd.data"));
        for (String expected : List.of("VRRP Instance = VI_1", "State = MASTER", "Effective priority = 150",
                "Base priority = 150", "Unicast peer = " + Lan.address(NODE1), "Virtual IP = " + VIP + "/24 dev eth0",
                "Advert interval = 100 ms", "Deadline = in ", "(next advert)", "Virtual Router ID = " + VRID)) {
            assertTrue(data.contains(expected), () -> "'" + expected + "' not in\n" + data);
        }
        assertTrue(master.log().contains("Data written to " + dumps.resolve("floatd.data")), master.log());
        assertTrue(master.log().contains("Effective priority = 150"), "the dump is in the log too");
        // SIGUSR2 (12) and SIGRTMAX-1 (63): the statistics
        String stats = awaitFile(master, dumps.resolve("floatd.stats"));
        assertTrue(stats.matches("(?s).*Adverts sent = [1-9][0-9]*\n.*"), stats);
        assertTrue(stats.contains("Packets dropped = ") && stats.contains("Transitions = "), stats);
        assertEquals(2, master.log().lines().filter(l -> l.contains("Statistics written to")).count(), master.log());
        // SIGRTMIN+2 (36): /status's JSON
        String json = awaitFile(master, dumps.resolve("floatd.json"));
        assertTrue(json.startsWith("{") && json.contains("\"name\":\"VI_1\"") && json.contains("\"state\":\"MASTER\""), json);
        for (Path f : List.of(dumps.resolve("floatd.data"), dumps.resolve("floatd.stats"), dumps.resolve("floatd.json"))) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
        // an ignored signal says so; SIGQUIT is the JVM's thread dump
        assertTrue(master.log().contains("Received SIGALRM: ignored"), master.log());
        assertTrue(master.log().contains("Received SIGRTMAX: ignored"), master.log());
        assertTrue(master.log().contains("Full thread dump"), "SIGQUIT's thread dump");
        assertFalse(master.log().contains("Signal not handled as planned"), master.log());
        System.out.printf("SignalsTest: %d signals sent to the live Master, still Master with its VIP%n", KEEP_RUNNING.size());
    }

    @Test
    void eachStopSignalStopsTheMasterCleanly() {
        FloatdProcess backup = start(NODE1, 100);
        int handedOver = 0;
        for (int n : CLEAN_STOPS) {
            FloatdProcess master = startMaster();
            backup.awaitState("BACKUP", START);
            awaitVip(true);
            Path pidFile = masterFiles.resolve("floatd.pid");
            assertEquals(master.pid() + "\n", read(pidFile));

            lan.host(NODE0).exec("kill", "-" + n, String.valueOf(master.pid()));
            String what = "kill -" + n;
            int exit = waitExit(master, what);
            assertEquals(0, exit, what + "\n" + master.log());
            assertTrue(master.log().contains("Stopping (SIG"), master.log());
            // the priority-0 advert: the Backup takes over at Skew_Time, saying why
            FloatdProcess.awaitNthLine(backup, "Entering MASTER STATE (master " + Lan.address(NODE0) + " sent priority 0)",
                    handedOver++, STEP);
            assertFalse(hasVip(NODE0), what + ": VIP left on the stopped Master");
            assertFalse(Files.exists(pidFile), what + ": pid file left");
        }
    }

    @Test
    void aKeepalivedExecStartWithTheNameChangedRunsTheDaemon() throws Exception {
        // Debian's unit: ExecStart=/usr/sbin/keepalived --dont-fork $DAEMON_ARGS, with DAEMON_ARGS="-D -f FILE -p PIDFILE"
        FloatdProcess backup = start(NODE1, 100);
        backup.awaitState("BACKUP", START);
        Path dir = Files.createTempDirectory("floatd-signals-");
        masterDirs.add(dir);
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, config(NODE0, 150, "/bin/true"));
        Path pidFile = dir.resolve("keepalived.pid");
        Path log = dir.resolve("floatd.log");
        // started as a shell's background job is: SIGINT ignored (inherited across exec), which floatd overrides
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' INT; exec \"$0\" \"$@\"", "env", "_JAVA_SR_SIGNUM=44"));
        cmd.addAll(FloatdProcess.command("--dont-fork", "-D", "-l", "-f", conf.toString(), "-p", pidFile.toString(),
                "--status-address=off", "--control-socket=off"));
        Process master = lan.host(NODE0).spawn(cmd, log);
        try {
            awaitVip(true);
            assertTrue(Files.readString(log).contains("Entering MASTER STATE"), Files.readString(log));
            assertEquals(master.pid() + "\n", read(pidFile));
            assertTrue(Files.readString(Path.of("/proc/" + master.pid() + "/cmdline")).contains("FloatdCommand"),
                    "the shell exec'd the JVM");
            lan.host(NODE0).exec("kill", "-INT", String.valueOf(master.pid()));
            assertTrue(master.waitFor(STEP.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS), Files.readString(log));
            assertEquals(0, master.exitValue(), Files.readString(log));
            backup.awaitLog("Entering MASTER STATE (master " + Lan.address(NODE0) + " sent priority 0)", STEP);
            assertFalse(hasVip(NODE0), "VIP left on the stopped Master");
            assertFalse(Files.exists(pidFile), "pid file left");
        } finally {
            master.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The Master's dump directory and pid file, outside the daemon's own directory (which start() creates). */
    private Path masterFiles;

    private FloatdProcess startMaster() {
        try {
            masterFiles = Files.createTempDirectory("floatd-signals-");
            masterDirs.add(masterFiles);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        FloatdProcess p = FloatdProcess.start(lan.host(NODE0), LAUNCHER_ENV, script -> config(NODE0, 150, script),
                "--status-address", "off", "--dump-dir", masterFiles.resolve("dumps").toString(),
                "--pid-file", masterFiles.resolve("floatd.pid").toString());
        daemons.add(p);
        p.awaitState("MASTER", START);
        return p;
    }

    private FloatdProcess start(int node, int priority) {
        FloatdProcess p = FloatdProcess.start(lan.host(node), LAUNCHER_ENV, script -> config(node, priority, script),
                "--status-address", "off");
        daemons.add(p);
        return p;
    }

    private static int waitExit(FloatdProcess p, String what) {
        long end = System.nanoTime() + STEP.toNanos() * 2;
        while (p.alive() && System.nanoTime() < end) {
            FloatdProcess.sleep(20);
        }
        assertFalse(p.alive(), what + ": still running:\n" + p.log());
        return p.stop(Duration.ofSeconds(1));
    }

    private static String awaitFile(FloatdProcess p, Path f) {
        long end = System.nanoTime() + STEP.toNanos();
        while (!Files.exists(f) && System.nanoTime() < end) {
            FloatdProcess.sleep(20);
        }
        assertTrue(Files.exists(f), f + " not written:\n" + p.log());
        return read(f);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new AssertionError(f + ": " + e);
        }
    }

    private static boolean hasVip(int node) {
        return lan.host(node).exec("ip", "-4", "addr", "show", "dev", Lan.IFNAME).contains(" " + VIP + "/");
    }

    private static void awaitVip(boolean onNode0) {
        long end = System.nanoTime() + STEP.toNanos();
        while (hasVip(NODE0) != onNode0 && System.nanoTime() < end) {
            FloatdProcess.sleep(20);
        }
        assertEquals(onNode0, hasVip(NODE0), "VIP on node0");
    }

    private static String config(int node, int priority, String notifyScript) {
        int peer = node == NODE0 ? NODE1 : NODE0;
        return """
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
                        %s/24 dev eth0
                    }
                    notify %s
                }
                """.formatted(VRID, priority, Lan.address(node), Lan.address(peer), VIP, notifyScript);
    }
}
