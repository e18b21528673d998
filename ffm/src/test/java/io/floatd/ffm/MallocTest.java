package io.floatd.ffm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** malloc_trim hands freed malloc memory that is not at the top of an arena back to the kernel (RSS drops). */
class MallocTest {
    private static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS");
    }

    @Test
    void trimHandsFreedArenaMemoryBack() throws IOException {
        long freedKib;
        try (Arena fence = Arena.ofConfined()) {
            try (Arena chunks = Arena.ofConfined()) {
                // 32 MiB in 16 KiB blocks (below glibc's mmap threshold: from the arena), touched
                for (int i = 0; i < 2048; i++) {
                    chunks.allocate(16 * 1024).fill((byte) 1);
                }
                // one block after them keeps them from the top of the arena, where free() alone would trim them
                MemorySegment keep = fence.allocate(16 * 1024);
                keep.fill((byte) 2);
            }
            long before = rssKib();
            Malloc.trim();
            freedKib = before - rssKib();
        }
        assertTrue(freedKib > 16 * 1024, "RSS fell by " + freedKib + " KiB (expected most of the 32 MiB freed)");
    }
}
