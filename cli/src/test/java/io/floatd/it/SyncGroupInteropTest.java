package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.KeepalivedConf;
import io.floatd.testing.KeepalivedProcess;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * vrrp_sync_group against a real keepalived (Debian 2.2.7): host 0 runs keepalived, host 1 floatd, each with two
 * instances (VRID 51 and 52, VRRPv3, advert_int 0.1) in one sync group G, unicast to each other. The group's own
 * {@code notify} script records keepalived's {@code GROUP G STATE 0} arguments on both sides; floatd's notify_fifo
 * is read for keepalived's {@code GROUP "G" STATE 0} lines.
 * <ol>
 *   <li>floatd (150) preempts keepalived (100): both of floatd's instances become Master together and keepalived's
 *       group follows to BACKUP;</li>
 *   <li>floatd's VI_1 fails its track_file (weight 0): floatd's group goes to FAULT, VI_2 with it (priority 0), and
 *       keepalived takes both addresses; floatd's group notify says FAULT;</li>
 *   <li>the file recovers: floatd's group leaves FAULT and, higher, takes both back;</li>
 *   <li>the other way: floatd restarted at 50 under keepalived; keepalived's VI_2 fails its track_file, keepalived's
 *       group goes to FAULT, and floatd takes both instances together.</li>
 * </ol>
 * Bounds are generous: the machine is shared.
 */
@Timeout(180)
class SyncGroupInteropTest {
    private static final int KA = 0;
    private static final int FD = 1;
    private static final String VIP1 = "10.199.0.100";
    private static final String VIP2 = "10.199.0.101";
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofSeconds(6);

    @TempDir
    Path dir;

    private Path recorder(String name) throws IOException {
        Path out = dir.resolve(name + ".log");
        Path script = dir.resolve(name + ".sh");
        Files.writeString(script, "#!/bin/sh\necho \"$(date +%s%N) $1 $2 $3 $4\" >> " + out + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static List<String> lines(Path script) {
        Path log = Path.of(script.toString().replace(".sh", ".log"));
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The last recorded state word ($3) of a recorder, or "". */
    private static String last(Path script) {
        List<String> l = lines(script);
        return l.isEmpty() ? "" : l.getLast().split(" ")[3];
    }

    private static void await(String what, Duration timeout, java.util.function.BooleanSupplier done, Object... context) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) {
                return;
            }
            FloatdProcess.sleep(20);
        }
        StringBuilder b = new StringBuilder("timed out waiting for " + what);
        for (Object c : context) {
            b.append("\n---\n").append(c);
        }
        throw new AssertionError(b.toString());
    }

    private static boolean hasVip(Netns host, String vip) {
        return host.exec("ip", "-br", "addr", "show", Lan.IFNAME).contains(vip + "/24");
    }

    private static String instance(String name, int vrid, int priority, int self, int peer, String vip, String extra) {
        return """
                vrrp_instance %s {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
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
                }
                """.formatted(name, vrid, priority, Lan.address(self), Lan.address(peer), vip, extra);
    }

    private static String trackFile(Path file) {
        return "track_file tf {\n    file " + file + "\n    weight 0\n}\n";
    }

    private String floatdConf(int priority, Path trackFile, Path vi2, Path group, String vi1Notify) {
        return "global_defs {\n    script_user root\n    notify_fifo " + dir.resolve("fd.fifo") + "\n}\n" + trackFile(trackFile)
                + instance("VI_1", 51, priority, FD, KA, VIP1, "    track_file {\n        tf weight 0\n    }\n    notify \"" + vi1Notify + "\"")
                + instance("VI_2", 52, priority, FD, KA, VIP2, "    notify \"" + vi2 + "\"")
                + "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n    notify \"" + group + "\"\n}\n";
    }

    private static KeepalivedProcess keepalived(Netns host, int priority, Path trackFile, Path vi2, Path group,
            Deque<AutoCloseable> cleanup) {
        String extra = trackFile(trackFile)
                + instance("VI_2", 52, priority, KA, FD, VIP2, "    track_file {\n        tf weight 0\n    }\n    notify \"" + vi2 + "\"")
                + "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n    notify \"" + group + "\"\n}\n";
        KeepalivedConf conf = KeepalivedConf.instance("VI_1").vrid(51).priority(priority).state("BACKUP").version(3)
                .advertInt(Duration.ofMillis(100)).unicastSrcIp(Lan.address(KA)).peer(Lan.address(FD)).vip(VIP1 + "/24")
                .extra(extra);
        KeepalivedProcess k = KeepalivedProcess.start(host, conf);
        cleanup.push(k);
        return k;
    }

    @Test
    void membersMoveTogetherBetweenFloatdAndKeepalived() throws Exception {
        Netns.requireRoot();
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        try {
            Lan lan = Lan.create("sg", 2);
            cleanup.push(lan);
            Netns kaHost = lan.host(KA);
            Netns fdHost = lan.host(FD);
            Path fdTrack = dir.resolve("fd-track");
            Path kaTrack = dir.resolve("ka-track");
            Files.writeString(fdTrack, "0\n");
            Files.writeString(kaTrack, "0\n");
            Path kaVi2 = recorder("ka-vi2");
            Path kaGroup = recorder("ka-group");
            Path fdVi2 = recorder("fd-vi2");
            Path fdGroup = recorder("fd-group");

            KeepalivedProcess ka = keepalived(kaHost, 100, kaTrack, kaVi2, kaGroup, cleanup);
            ka.awaitState("MASTER", START);

            // floatd's notify_fifo, read as a user's fifo script would
            fdHost.exec("mkfifo", dir.resolve("fd.fifo").toString());
            Process fifoReader = fdHost.spawn(List.of("cat", dir.resolve("fd.fifo").toString()), dir.resolve("fifo.log"));
            cleanup.push(fifoReader::destroy);

            // 1. floatd at 150 preempts: both instances together
            FloatdProcess fd = FloatdProcess.start(fdHost, notify -> floatdConf(150, fdTrack, fdVi2, fdGroup, notify));
            cleanup.push(fd);
            fd.awaitState("MASTER", START);
            await("floatd VI_2 MASTER", STEP, () -> last(fdVi2).equals("MASTER"), fd.log());
            await("floatd group MASTER", STEP, () -> last(fdGroup).equals("MASTER"), lines(fdGroup), fd.log());
            await("keepalived both BACKUP", STEP, () -> ka.currentState().equals("BACKUP") && last(kaVi2).equals("BACKUP"),
                    ka.log());
            await("VIPs on floatd", STEP, () -> hasVip(fdHost, VIP1) && hasVip(fdHost, VIP2) && !hasVip(kaHost, VIP1)
                    && !hasVip(kaHost, VIP2));
            assertTrue(lines(fdGroup).getFirst().contains(" GROUP G "), "group notify arguments: " + lines(fdGroup));

            // 2. VI_1's track_file fails on floatd: the whole group goes to FAULT and keepalived takes both
            long broke = FloatdProcess.epochNanos();
            Files.writeString(fdTrack, "1\n");
            fd.awaitState("FAULT", STEP);
            await("floatd VI_2 FAULT", STEP, () -> last(fdVi2).equals("FAULT"), fd.log());
            await("floatd group FAULT", STEP, () -> last(fdGroup).equals("FAULT"), lines(fdGroup));
            await("keepalived both MASTER", STEP, () -> ka.currentState().equals("MASTER") && last(kaVi2).equals("MASTER"),
                    ka.log());
            await("VIPs on keepalived", STEP, () -> hasVip(kaHost, VIP1) && hasVip(kaHost, VIP2) && !hasVip(fdHost, VIP1)
                    && !hasVip(fdHost, VIP2));
            await("keepalived group MASTER", STEP, () -> last(kaGroup).equals("MASTER"), lines(kaGroup), ka.log());
            long kaAt = ka.history().getLast().epochMillis() * 1_000_000L;
            System.out.printf("sync group: floatd VI_1 track_file fails -> keepalived MASTER (both) after %.3f s%n",
                    (kaAt - broke) / 1e9);
            assertTrue(fd.log().contains("VRRP_Group(G) Syncing instances to FAULT state"), fd.log());

            // 3. the file recovers: floatd's group leaves FAULT and preempts with both
            Files.writeString(fdTrack, "0\n");
            fd.awaitState("MASTER", STEP);
            await("floatd VI_2 MASTER again", STEP, () -> last(fdVi2).equals("MASTER"), fd.log());
            await("keepalived both BACKUP again", STEP,
                    () -> ka.currentState().equals("BACKUP") && last(kaVi2).equals("BACKUP"), ka.log());
            List<String> groupStates = lines(fdGroup).stream().map(l -> l.split(" ")[3]).toList();
            assertEquals(List.of("BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER"), groupStates.subList(
                    groupStates.size() - 5, groupStates.size()), "floatd group notifications: " + lines(fdGroup));

            String fifo = Files.readString(dir.resolve("fifo.log"));
            for (String line : List.of("GROUP \"G\" BACKUP 0", "GROUP \"G\" MASTER 0", "GROUP \"G\" FAULT 0",
                    "INSTANCE \"VI_2\" FAULT 150")) {
                assertTrue(fifo.contains(line + "\n"), "notify_fifo has no '" + line + "':\n" + fifo);
            }

            // 4. the other way: floatd at 50 under keepalived; keepalived's VI_2 fails, floatd takes both together
            assertEquals(0, fd.stop(Duration.ofSeconds(15)), fd.log());
            await("floatd group STOP", STEP, () -> last(fdGroup).equals("STOP"), lines(fdGroup));
            await("keepalived both MASTER after floatd stopped", STEP,
                    () -> ka.currentState().equals("MASTER") && last(kaVi2).equals("MASTER"), ka.log());
            Path fdVi2b = recorder("fd-vi2-b");
            Path fdGroupB = recorder("fd-group-b");
            Process fifoReader2 = fdHost.spawn(List.of("cat", dir.resolve("fd.fifo").toString()), dir.resolve("fifo2.log"));
            cleanup.push(fifoReader2::destroy);
            FloatdProcess low = FloatdProcess.start(fdHost, notify -> floatdConf(50, fdTrack, fdVi2b, fdGroupB, notify));
            cleanup.push(low);
            low.awaitState("BACKUP", START);
            FloatdProcess.sleep(1000); // several Master_Down_Intervals: floatd stays Backup under keepalived
            assertEquals("BACKUP", low.lastState(), low.log());
            long kaBroke = FloatdProcess.epochNanos();
            Files.writeString(kaTrack, "1\n");
            long fdMaster = low.awaitNotified("MASTER", kaBroke, STEP);
            await("floatd VI_2 MASTER with VI_1", STEP, () -> last(fdVi2b).equals("MASTER"), low.log());
            await("floatd group MASTER", STEP, () -> last(fdGroupB).equals("MASTER"), lines(fdGroupB), low.log());
            await("keepalived group FAULT", STEP, () -> last(kaGroup).equals("FAULT"), lines(kaGroup), ka.log());
            await("VIPs on floatd again", STEP, () -> hasVip(fdHost, VIP1) && hasVip(fdHost, VIP2));
            System.out.printf("sync group: keepalived VI_2 track_file fails -> floatd MASTER (both) after %.3f s%n",
                    (fdMaster - kaBroke) / 1e9);
            assertTrue(lines(kaGroup).stream().anyMatch(l -> l.endsWith(" GROUP G FAULT 0")), "keepalived: " + lines(kaGroup));
            assertTrue(lines(fdGroupB).stream().anyMatch(l -> l.endsWith(" GROUP G MASTER 0")), "floatd: " + lines(fdGroupB));
        } finally {
            while (!cleanup.isEmpty()) {
                try {
                    cleanup.pop().close();
                } catch (Exception e) {
                    // best effort
                }
            }
        }
    }
}
