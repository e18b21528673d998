package io.floatd.vrrp.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.PromText;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process_* families, written by the Prometheus client's ProcessMetrics: against this JVM's real /proc, read here
 * on its own, and in the text format with the types the client libraries give them.
 */
class ProcessMetricsTest {

    private static long procSelf(String file, String key) throws IOException {
        return Files.readAllLines(Path.of("/proc/self", file)).stream().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> Long.parseLong(l.substring(key.length()).strip().split("\\s+")[0])).orElseThrow();
    }

    @Test
    void residentMemoryAndTheFdLimitAreWhatProcSelfSays() throws IOException {
        Map<String, Double> m = ProcessMetrics.linux().read();
        long rssKb = procSelf("status", "VmRSS:");
        assertEquals(rssKb * 1024.0, m.get("process_resident_memory_bytes"), rssKb * 1024.0 * 0.25);
        assertEquals(procSelf("limits", "Max open files"), m.get("process_max_fds"), "the soft limit, not the hard one");
        assertEquals(procSelf("status", "VmSize:") * 1024.0, m.get("process_virtual_memory_bytes"),
                procSelf("status", "VmSize:") * 1024.0 * 0.25);
    }

    @Test
    void theFamiliesRenderWithTheClientLibrariesTypes() {
        PromText p = PromText.parse(ProcessMetrics.linux().render());
        assertEquals("counter", p.families.get("process_cpu_seconds_total").type());
        for (String gauge : List.of("process_start_time_seconds", "process_virtual_memory_bytes",
                "process_resident_memory_bytes", "process_open_fds", "process_max_fds")) {
            assertEquals("gauge", p.families.get(gauge).type(), gauge);
        }
        assertTrue(p.value("process_cpu_seconds_total") > 0);
    }

    /** This JVM, through the real /proc: the values agree with what Java itself knows of the process. */
    @Test
    void theRealProcSelfAgreesWithTheJvm(@TempDir Path tmp) throws IOException {
        Map<String, Double> before = ProcessMetrics.linux().read();
        assertEquals(java.util.Set.of("process_cpu_seconds_total", "process_start_time_seconds", "process_virtual_memory_bytes",
                "process_resident_memory_bytes", "process_open_fds", "process_max_fds"), before.keySet());
        // to the millisecond: whole seconds (getEpochSecond) were up to 0.999 s off before any difference of the two
        // readings of btime + starttime, and failed the 1 s bound now and then
        double jvmStart = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli() / 1000.0;
        assertEquals(jvmStart, before.get("process_start_time_seconds"), 1.0);
        assertTrue(before.get("process_cpu_seconds_total") > 0);
        assertTrue(before.get("process_resident_memory_bytes") > 1 << 20);
        assertTrue(before.get("process_resident_memory_bytes") < before.get("process_virtual_memory_bytes"));
        assertTrue(before.get("process_open_fds") < before.get("process_max_fds"));

        // 40 more open files: the count rises by about 40 (other threads of the test JVM may open or close a few)
        List<RandomAccessFile> open = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                open.add(new RandomAccessFile(Files.createFile(tmp.resolve("f" + i)).toFile(), "r"));
            }
            double delta = ProcessMetrics.linux().read().get("process_open_fds") - before.get("process_open_fds");
            assertTrue(delta >= 36 && delta <= 44, "open fds rose by " + delta + " for 40 files");
        } finally {
            for (RandomAccessFile f : open) {
                f.close();
            }
        }
        assertFalse(ProcessMetrics.linux().render().isEmpty());
    }
}
