package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * keepalived's {@code vrrp_notify_priority_changes} and {@code notify_fifo_script}, end to end in the daemon: the
 * FIFO's script is started with the FIFO's path last and reads {@code INSTANCE "VI_1" MASTER_PRIORITY 90} when a
 * {@code track_file} moves a Master's priority; it is stopped with floatd.
 */
@Timeout(120)
class NotifyPriorityChangesTest {

    @Test
    void aTrackedWeightThatMovesTheMastersPriorityReachesTheFifoScript() throws Exception {
        Path dir = Files.createTempDirectory("floatd-prio-");
        Path fifo = dir.resolve("notify.fifo");
        Path out = dir.resolve("out");
        Path args = dir.resolve("args");
        Path weight = dir.resolve("weight");
        Files.writeString(weight, "0\n");
        Path reader = dir.resolve("reader.sh");
        Files.writeString(reader, "#!/bin/sh\necho \"$@\" > " + args + "\nexec cat \"$1\" >> " + out + "\n");
        Files.setPosixFilePermissions(reader, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Lan lan = Lan.create("np", 2)) {
            FloatdProcess fd = FloatdProcess.start(lan.host(1), notify -> """
                    global_defs {
                      script_user root
                      notify_fifo %s
                      notify_fifo_script %s
                      vrrp_notify_priority_changes
                    }
                    track_file tf {
                      file %s
                      weight 1
                    }
                    vrrp_instance VI_1 {
                      state BACKUP
                      interface %s
                      virtual_router_id 71
                      priority 100
                      advert_int 1
                      unicast_src_ip %s
                      unicast_peer {
                        %s
                      }
                      virtual_ipaddress {
                        10.199.0.100/24 dev %s
                      }
                      track_file {
                        tf
                      }
                      notify "%s"
                    }
                    """.formatted(fifo, reader, weight, Lan.IFNAME, Lan.address(1), Lan.address(0), Lan.IFNAME, notify));
            try (fd) {
                fd.awaitState("MASTER", Duration.ofSeconds(20)); // its peer is silent
                assertEquals(fifo.toString(), Files.readString(args).strip());
                Files.writeString(weight, "-10\n");
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                String lines = "";
                while (System.nanoTime() < deadline) {
                    lines = Files.exists(out) ? Files.readString(out) : "";
                    if (lines.contains("INSTANCE \"VI_1\" MASTER_PRIORITY 90\n")) {
                        break;
                    }
                    Thread.sleep(50);
                }
                assertTrue(lines.contains("INSTANCE \"VI_1\" MASTER_PRIORITY 90\n"), lines + "\n" + fd.log());
                assertEquals(0, fd.stop(Duration.ofSeconds(15)), fd.log());
            }
            // the reader went with floatd
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean readerAlive = true;
            while (readerAlive && System.nanoTime() < deadline) {
                readerAlive = ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(fifo.toString()));
                Thread.sleep(50);
            }
            assertTrue(!readerAlive, "the notify fifo script outlived floatd");
        }
    }
}
