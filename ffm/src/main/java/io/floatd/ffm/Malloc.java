package io.floatd.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * glibc's {@code malloc_trim(0)} through FFM: hands the free memory of every malloc arena back to the kernel (the
 * JVM's own allocations: the JIT's arenas, symbol tables, class loading). Absent from other C libraries (musl): then
 * nothing happens.
 */
public final class Malloc {
    private static final Optional<MethodHandle> TRIM = Linker.nativeLinker().defaultLookup().find("malloc_trim")
            .map(f -> Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(JAVA_INT, JAVA_LONG)));

    private Malloc() {
    }

    /** {@code malloc_trim(0)}; true when memory was handed back, false when none was or there is no such call. */
    public static boolean trim() {
        if (TRIM.isEmpty()) {
            return false;
        }
        try {
            return (int) TRIM.get().invokeExact(0L) != 0;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }
}
