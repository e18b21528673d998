package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.notify.NotifyFifo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's {@code notify_fifo_script} (started with the FIFO's path as its last argument, reading the lines) and
 * {@code notify_priority_changes} ({@code MASTER_PRIORITY}/{@code BACKUP_PRIORITY} lines), end to end through a
 * real FIFO and a real script.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NotifyFifoScriptTest {
    @TempDir
    Path dir;

    @Test
    void theFifoScriptGetsTheFifoAsLastArgumentAndReadsStateAndPriorityLines() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        Path args = dir.resolve("args");
        Path out = dir.resolve("out");
        Path script = dir.resolve("reader.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" > " + args + "\nexec cat \"$2\" > " + out + "\n");
        script.toFile().setExecutable(true);
        FloatdConfig config = ConfigParser.parse("""
                global_defs {
                    notify_fifo %s
                    notify_fifo_script "%s first"
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    unicast_peer {
                        10.0.0.2
                    }
                    notify_priority_changes
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    unicast_peer {
                        10.0.0.2
                    }
                }
                """.formatted(fifo, script), "k.conf");
        try (StateReporter r = StateReporter.create(config)) {
            assertTrue(r.sync());
            NotifyFifo f = r.fifos().getFirst();
            // the script opens the FIFO when it gets to it; until then lines are dropped (never blocking)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (f.written() == 0 && System.nanoTime() < deadline) {
                r.onTransition(new Transition("VI_2", VrrpState.INIT, VrrpState.BACKUP, "probe", 100, System.nanoTime()));
                assertTrue(r.sync());
                Thread.sleep(50);
            }
            assertTrue(f.written() > 0, "the fifo script never opened the FIFO");
            r.onPriorityChanged("VI_1", VrrpState.BACKUP, 140);
            r.onPriorityChanged("VI_2", VrrpState.BACKUP, 90); // VI_2 did not ask for priority lines
            r.onTransition(new Transition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "test", 140, System.nanoTime()));
            r.onPriorityChanged("VI_1", VrrpState.MASTER, 150);
            assertTrue(r.sync());
            long wanted = f.written();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> lines = List.of();
            while (System.nanoTime() < deadline) {
                lines = Files.readAllLines(out);
                if (lines.size() >= wanted) {
                    break;
                }
                Thread.sleep(50);
            }
            assertEquals("first " + fifo, Files.readString(args).strip());
            List<String> tail = lines.subList(lines.size() - 3, lines.size());
            assertEquals(List.of("INSTANCE \"VI_1\" BACKUP_PRIORITY 140", "INSTANCE \"VI_1\" MASTER 140",
                    "INSTANCE \"VI_1\" MASTER_PRIORITY 150"), tail);
            assertTrue(lines.subList(0, lines.size() - 3).stream().allMatch("INSTANCE \"VI_2\" BACKUP 100"::equals), lines.toString());
        }
    }
}
