package io.floatd.vrrp.provider;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Lowers the calling platform thread to the lowest CPU priority (Linux nice 19), for work a provider does only to
 * be faster later (a JIT warm-up): it then runs on idle CPU and yields at once to the VRRP loop, the adverts'
 * receivers and the other daemons of the host. Java's own thread priorities are ignored on Linux; this sets the
 * nice value of the thread's kernel task alone.
 */
@SuppressWarnings("restricted")
public final class BackgroundPriority {
    private static final int PRIO_PROCESS = 0;
    private static final int LOWEST = 19;

    private BackgroundPriority() {
    }

    /** True when the thread now runs at nice 19; false where that is not possible (the work runs anyway). */
    public static boolean lowerCurrentThread() {
        if (Thread.currentThread().isVirtual()) {
            return false; // a virtual thread's carrier is shared: lowering it would slow whatever it carries next
        }
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle gettid = linker.downcallHandle(linker.defaultLookup().find("gettid").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT));
            MethodHandle setpriority = linker.downcallHandle(linker.defaultLookup().find("setpriority").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            int tid = (int) gettid.invokeExact();
            return (int) setpriority.invokeExact(PRIO_PROCESS, tid, LOWEST) == 0;
        } catch (Throwable e) {
            // no native access, or not Linux: an optimisation only
            return false;
        }
    }

    /** The nice value of the calling thread's kernel task, from /proc (for tests); Integer.MIN_VALUE if unknown. */
    public static int currentNice() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
            // the fields after the command name (which may hold spaces) start after the last ')': nice is the 19th
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[16]);
        } catch (java.io.IOException | RuntimeException e) {
            return Integer.MIN_VALUE;
        }
    }
}
