package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real floatd daemons on a test LAN (VRRPv3, advert_int 0.1), with tracking on node 0: a failing check puts
 * the Master in FAULT and the peer takes the address within Skew_Time; recovery needs rise successes; a negative
 * weight hands over without FAULT; a tracked link going down means FAULT. Bounds are generous: the machine is
 * shared.
 */
class TrackingTest {
    private static final String VIP = "10.199.0.100";
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private Path checkScript(Path flag) throws IOException {
        Path p = dir.resolve("chk.sh");
        Files.writeString(p, "#!/bin/sh\n[ ! -e " + flag + " ]\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
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

    private static String script(Path chk, String weight) {
        return """
                vrrp_script chk_app {
                    script "%s"
                    interval 0.2
                    fall 2
                    rise 2
                    %s
                }
                """.formatted(chk, weight);
    }

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
    void failingCheckMeansFaultAndThePeerTakesOverThenRiseAndPreemptionBringItBack() throws Exception {
        Path flag = dir.resolve("app-down");
        Path chk = checkScript(flag);
        try (Lan lan = Lan.create("trk", 2);
                FloatdProcess a = FloatdProcess.start(lan.host(0), n -> config(0, 1, 150, script(chk, ""), "    track_script {\n        chk_app\n    }", n));
                FloatdProcess b = FloatdProcess.start(lan.host(1), n -> config(1, 0, 100, "", "", n))) {
            a.awaitState("MASTER", START);
            b.awaitState("BACKUP", START);
            awaitVip(lan.host(0), true);

            // (a) the check starts failing: fall 2 at interval 0.2 -> FAULT about 0.2-0.4 s later
            long failedAt = System.currentTimeMillis() * 1_000_000L;
            Files.createFile(flag);
            a.awaitState("FAULT", STEP);
            b.awaitState("MASTER", STEP);
            long faultAt = a.notifiedAt("FAULT", failedAt);
            long takeoverAt = b.notifiedAt("MASTER", failedAt);
            System.out.printf("check failing -> FAULT %.0f ms, FAULT -> peer MASTER %.0f ms%n",
                    millis(faultAt - failedAt), millis(takeoverAt - faultAt));
            // fall * interval + one interval of slack for the run in flight, plus a shared machine's latency
            assertTrue(faultAt - failedAt < Duration.ofMillis(1500).toNanos(), "FAULT after " + millis(faultAt - failedAt) + " ms");
            // the FAULT Master resigns with priority 0: the Backup waits only Skew_Time (~0.06 s at priority 100)
            assertTrue(takeoverAt - faultAt < Duration.ofMillis(800).toNanos(), "takeover after " + millis(takeoverAt - faultAt) + " ms");
            awaitVip(lan.host(1), true);
            awaitVip(lan.host(0), false);
            a.awaitLog("VRRP_Script(chk_app) failed (exited with status 1)", STEP);
            assertTrue(a.log().contains("track script chk_app failed (fall 2 reached)"), a.log());

            // (b) recovery: rise 2 successes -> BACKUP, then the higher priority preempts
            long recoveredAt = System.currentTimeMillis() * 1_000_000L;
            Files.delete(flag);
            a.awaitState("MASTER", STEP);
            long backupAt = a.notifiedAt("BACKUP", recoveredAt);
            long masterAt = a.notifiedAt("MASTER", recoveredAt);
            System.out.printf("check recovered -> BACKUP %.0f ms -> MASTER %.0f ms%n",
                    millis(backupAt - recoveredAt), millis(masterAt - recoveredAt));
            assertTrue(backupAt > 0 && backupAt <= masterAt, a.notifications().toString());
            assertTrue(backupAt - recoveredAt >= Duration.ofMillis(150).toNanos(), "rise 2 needs two runs 0.2 s apart");
            b.awaitState("BACKUP", STEP);
            awaitVip(lan.host(0), true);
            a.awaitLog("VRRP_Script(chk_app) succeeded", STEP);
        }
    }

    @Test
    void negativeWeightHandsOverWithoutFault() throws Exception {
        Path flag = dir.resolve("app-down");
        Path chk = checkScript(flag);
        try (Lan lan = Lan.create("trw", 2);
                FloatdProcess a = FloatdProcess.start(lan.host(0), n -> config(0, 1, 150, script(chk, "weight -60"), "    track_script {\n        chk_app\n    }", n));
                FloatdProcess b = FloatdProcess.start(lan.host(1), n -> config(1, 0, 100, "", "", n))) {
            a.awaitState("MASTER", START);
            b.awaitState("BACKUP", START);
            Files.createFile(flag);
            b.awaitState("MASTER", STEP);
            a.awaitState("BACKUP", STEP);
            awaitVip(lan.host(1), true);
            awaitVip(lan.host(0), false);
            a.awaitLog("VRRP_Instance(VI_1) Changing effective priority from 150 to 90", STEP);
            assertFalse(a.notifications().stream().anyMatch(l -> l.contains("FAULT")), a.notifications().toString());
            Files.delete(flag);
            a.awaitState("MASTER", STEP);
            a.awaitLog("Changing effective priority from 90 to 150", STEP);
        }
    }

    @Test
    void trackedInterfaceDownMeansFaultAndUpMeansBackup() throws Exception {
        try (Lan lan = Lan.create("tri", 2)) {
            Netns host = lan.host(0);
            host.exec("ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1");
            host.exec("ip", "link", "set", "trk1", "up");
            host.exec("ip", "link", "set", "trk0", "up");
            try (FloatdProcess a = FloatdProcess.start(host, n -> config(0, 1, 150, "", "    track_interface {\n        trk0\n    }", n));
                    FloatdProcess b = FloatdProcess.start(lan.host(1), n -> config(1, 0, 100, "", "", n))) {
                a.awaitState("MASTER", START);
                b.awaitState("BACKUP", START);
                long downAt = System.currentTimeMillis() * 1_000_000L;
                host.exec("ip", "link", "set", "trk0", "down");
                a.awaitState("FAULT", STEP);
                b.awaitState("MASTER", STEP);
                System.out.printf("link down -> FAULT %.0f ms%n", millis(a.notifiedAt("FAULT", downAt) - downAt));
                awaitVip(lan.host(1), true);
                host.exec("ip", "link", "set", "trk0", "up");
                // leaves FAULT as BACKUP, then preempts the lower-priority peer
                a.awaitState("MASTER", STEP);
                assertTrue(a.notifiedAt("BACKUP", downAt) > 0, a.notifications().toString());
                awaitVip(host, true);
            }
        }
    }
}
