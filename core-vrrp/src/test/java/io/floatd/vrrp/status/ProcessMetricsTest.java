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
 * The process_* families: proc(5)'s fields read by number (a command name with spaces and parentheses does not shift
 * them), ticks at USER_HZ, VmRSS in kB, a family that cannot be read left out; and against this JVM's real /proc.
 */
class ProcessMetricsTest {

    /** A /proc/self/stat line of proc(5)'s 52 fields; the comm field 2 holds spaces and a ')'. */
    private static String stat(long utime, long stime, long starttime, long vsize) {
        List<String> f = new ArrayList<>();
        f.add("4242");                      // 1 pid
        f.add("(java (floatd) x)");         // 2 comm: parentheses and spaces inside
        f.add("S");                         // 3 state
        for (int n = 4; n <= 13; n++) {
            f.add("0");                     // ppid .. cmajflt
        }
        f.add(Long.toString(utime));        // 14 utime (ticks)
        f.add(Long.toString(stime));        // 15 stime (ticks)
        for (int n = 16; n <= 21; n++) {
            f.add("1");                     // cutime .. itrealvalue
        }
        f.add(Long.toString(starttime));    // 22 starttime (ticks since boot)
        f.add(Long.toString(vsize));        // 23 vsize (bytes)
        f.add("999");                       // 24 rss (pages: not used, the page size is unknown to Java)
        for (int n = 25; n <= 52; n++) {
            f.add("0");
        }
        return String.join(" ", f) + "\n";
    }

    private static Path fakeProc(Path tmp, String limitsLine) throws IOException {
        Path self = Files.createDirectories(tmp.resolve("self/fd"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(self.resolve("" + i), "");
        }
        Files.writeString(tmp.resolve("stat"), "cpu  1 2 3\nintr 1\nbtime 1796600000\nprocesses 9\n");
        Files.writeString(tmp.resolve("self/stat"), stat(1234, 566, 4_250_540, 3_133_440_000L));
        Files.writeString(tmp.resolve("self/status"), "Name:\tjava\nVmSize:\t 3060000 kB\nVmRSS:\t   204800 kB\nThreads:\t30\n");
        Files.writeString(tmp.resolve("self/limits"), """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             63704                63704                processes
                %s
                Max address space         unlimited            unlimited            bytes
                """.formatted(limitsLine));
        return tmp;
    }

    @Test
    void statFieldsAreReadByNumberAfterTheLastParenthesisInTicksOfUserHz(@TempDir Path tmp) throws IOException {
        Path proc = fakeProc(tmp, "Max open files            65536                524288               files");
        Map<String, Double> m = new ProcessMetrics(proc, proc.resolve("self")).read();
        assertEquals((1234 + 566) / 100.0, m.get("process_cpu_seconds_total"));
        assertEquals(1796600000 + 42_505.40, m.get("process_start_time_seconds"), 1e-6);
        assertEquals(3_133_440_000.0, m.get("process_virtual_memory_bytes"));
        assertEquals(204800 * 1024.0, m.get("process_resident_memory_bytes"));
        assertEquals(5.0, m.get("process_open_fds"));
        assertEquals(65536.0, m.get("process_max_fds"), "the soft limit, not the hard one");
    }

    @Test
    void aFamilyThatCannotBeReadIsLeftOutAndTheOthersRender(@TempDir Path tmp) throws IOException {
        Path proc = fakeProc(tmp, "Max open files            unlimited            unlimited            files");
        Files.delete(proc.resolve("stat")); // no btime: no start time
        Files.writeString(proc.resolve("self/status"), "Name:\tjava\n"); // no VmRSS
        PromText p = PromText.parse(new ProcessMetrics(proc, proc.resolve("self")).render());
        assertEquals(List.of("process_cpu_seconds_total", "process_virtual_memory_bytes", "process_open_fds"),
                List.copyOf(p.families.keySet()));
        assertEquals("counter", p.families.get("process_cpu_seconds_total").type());
        assertEquals("gauge", p.families.get("process_open_fds").type());
        assertEquals(18.0, p.value("process_cpu_seconds_total"));

        PromText none = PromText.parse(new ProcessMetrics(tmp.resolve("nothing"), tmp.resolve("nothing/self")).render() + "");
        assertTrue(none.families.isEmpty(), "not Linux: no process_* family at all");
    }

    /** This JVM, through the real /proc: the values agree with what Java itself knows of the process. */
    @Test
    void theRealProcSelfAgreesWithTheJvm(@TempDir Path tmp) throws IOException {
        Map<String, Double> before = ProcessMetrics.linux().read();
        assertEquals(List.of("process_cpu_seconds_total", "process_start_time_seconds", "process_virtual_memory_bytes",
                "process_resident_memory_bytes", "process_open_fds", "process_max_fds"), List.copyOf(before.keySet()));
        long jvmStart = ProcessHandle.current().info().startInstant().orElseThrow().getEpochSecond();
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
