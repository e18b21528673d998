package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real floatd daemons on a test LAN (VRRPv3, advert_int 0.1); node 0 tracks a process (a copy of sleep under a
 * name no other process has): killing it puts the Master in FAULT and the peer takes the address; starting it
 * again brings node 0 back to MASTER (preemption). floatd runs in a network namespace and still hears the
 * kernel's process events (its connector socket is opened in its parent's namespace). Bounds are generous: the
 * machine is shared.
 */
class TrackProcessTest {
    private static final String VIP = "10.199.0.100";
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private Process tracked;

    @AfterEach
    void killTracked() {
        if (tracked != null) {
            tracked.destroyForcibly();
        }
    }

    private Path distinctSleep() throws IOException {
        Path copy = dir.resolve("fdtp" + ThreadLocalRandom.current().nextInt(100000, 1000000));
        Files.copy(Path.of("/bin/sleep"), copy, StandardCopyOption.COPY_ATTRIBUTES);
        return copy;
    }

    private static String config(int self, int peer, int priority, String top, String tracking, String notify) {
        return top + """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    version 3
                    advert_int 0.1
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        %s/24 dev eth0
                    }
                %s
                    notify "%s"
                }
                """.formatted(priority, Lan.address(self), Lan.address(peer), VIP, tracking, notify);
    }

    private static String block(String name, String weight) {
        return """
                vrrp_track_process app {
                    process %s
                    %s
                }
                """.formatted(name, weight);
    }

    private static final String TRACK = "    track_process {\n        app\n    }";

    private static boolean hasVip(Netns ns) {
        return ns.exec("ip", "-4", "addr", "show", "dev", "eth0").contains(VIP + "/");
    }

    private static void awaitVip(Netns ns, boolean present) {
        long end = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < end) {
            if (hasVip(ns) == present) {
                return;
            }
            FloatdProcess.sleep(20);
        }
        throw new AssertionError("VIP " + (present ? "not on " : "still on ") + ns);
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    @Test
    void killingTheTrackedProcessMovesMastershipToThePeerAndRestartingItBringsItBack() throws Exception {
        Path app = distinctSleep();
        String name = app.getFileName().toString();
        tracked = new ProcessBuilder(app.toString(), "600").start();
        try (Lan lan = Lan.create("tpr", 2);
                FloatdProcess a = FloatdProcess.start(lan.host(0), n -> config(0, 1, 150, block(name, ""), TRACK, n));
                FloatdProcess b = FloatdProcess.start(lan.host(1), n -> config(1, 0, 100, "", "", n))) {
            a.awaitState("MASTER", START);
            b.awaitState("BACKUP", START);
            awaitVip(lan.host(0), true);
            a.awaitLog("track_process: watching the kernel's process events", STEP);

            long killedAt = FloatdProcess.epochNanos();
            tracked.destroyForcibly().waitFor();
            a.awaitState("FAULT", STEP);
            b.awaitState("MASTER", STEP);
            long faultAt = a.notifiedAt("FAULT", killedAt);
            long takeoverAt = b.notifiedAt("MASTER", killedAt);
            System.out.printf("process killed -> FAULT %.0f ms, FAULT -> peer MASTER %.0f ms%n",
                    millis(faultAt - killedAt), millis(takeoverAt - faultAt));
            // an event, not a poll: well under a second even on a loaded machine
            assertTrue(faultAt - killedAt < Duration.ofMillis(1500).toNanos(), "FAULT after " + millis(faultAt - killedAt) + " ms");
            awaitVip(lan.host(1), true);
            awaitVip(lan.host(0), false);
            a.awaitLog("Quorum lost for tracked process app", STEP);
            assertTrue(a.log().contains("track process app failed (quorum lost: 0 processes, quorum at least 1)"), a.log());

            long restartedAt = FloatdProcess.epochNanos();
            tracked = new ProcessBuilder(app.toString(), "600").start();
            a.awaitState("MASTER", STEP);
            b.awaitState("BACKUP", STEP);
            System.out.printf("process restarted -> BACKUP %.0f ms -> MASTER %.0f ms%n",
                    millis(a.notifiedAt("BACKUP", restartedAt) - restartedAt), millis(a.notifiedAt("MASTER", restartedAt) - restartedAt));
            awaitVip(lan.host(0), true);
            awaitVip(lan.host(1), false);
            a.awaitLog("Quorum gained for tracked process app", STEP);
        }
    }

    @Test
    void aNegativeWeightHandsOverWithoutFault() throws Exception {
        Path app = distinctSleep();
        String name = app.getFileName().toString();
        tracked = new ProcessBuilder(app.toString(), "600").start();
        try (Lan lan = Lan.create("tpw", 2);
                FloatdProcess a = FloatdProcess.start(lan.host(0), n -> config(0, 1, 150, block(name, "weight -60"), TRACK, n));
                FloatdProcess b = FloatdProcess.start(lan.host(1), n -> config(1, 0, 100, "", "", n))) {
            a.awaitState("MASTER", START);
            b.awaitState("BACKUP", START);
            tracked.destroyForcibly().waitFor();
            b.awaitState("MASTER", STEP);
            a.awaitState("BACKUP", STEP);
            awaitVip(lan.host(1), true);
            a.awaitLog("VRRP_Instance(VI_1) Changing effective priority from 150 to 90", STEP);
            assertFalse(a.notifications().stream().anyMatch(l -> l.contains("FAULT")), a.notifications().toString());
            tracked = new ProcessBuilder(app.toString(), "600").start();
            a.awaitState("MASTER", STEP);
            a.awaitLog("Changing effective priority from 90 to 150", STEP);
        }
    }
}
