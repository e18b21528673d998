package io.floatd.vrrp.notify;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Signals a whole process group. Java's process API only reaches a process and the descendants it can still
 * see; a script's children that were re-parented to init (e.g. after the script itself died) are only
 * reachable through their process group, so timeouts signal {@code -pgid}.
 */
final class ProcessGroups {
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;

    private static final MethodHandle KILL = lookupKill();

    private ProcessGroups() {
    }

    // restricted: the floatd launcher grants native access; without it the JDK warns once (or denies, and the
    // kill(1) fallback takes over)
    @SuppressWarnings("restricted")
    private static MethodHandle lookupKill() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("kill")
                    .map(addr -> linker.downcallHandle(addr,
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            // native access denied or unsupported platform: fall back to the kill(1) command
            return null;
        }
    }

    /** Sends {@code signal} to every process in group {@code pgid}; true if at least one was signalled. */
    static boolean signal(long pgid, int signal) {
        if (pgid <= 1) {
            // kill(-1) or kill(0) would hit every process we may signal, or our own group
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        if (KILL != null) {
            try {
                return (int) KILL.invokeExact((int) -pgid, signal) == 0;
            } catch (Throwable e) {
                // fall through to the command
            }
        }
        try {
            Process p = new ProcessBuilder(List.of("kill", "-s", signal == SIGKILL ? "KILL" : "TERM", "--", "-" + pgid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
