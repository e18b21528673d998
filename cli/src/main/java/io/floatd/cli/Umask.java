package io.floatd.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** keepalived's {@code -u MASK}: the process umask (libc {@code umask}), inherited by notify and track scripts. */
final class Umask {
    private Umask() {
    }

    /** Sets the umask and returns the previous one. */
    @SuppressWarnings("restricted")
    static int set(int mask) {
        Linker linker = Linker.nativeLinker();
        MethodHandle umask = linker.downcallHandle(linker.defaultLookup().findOrThrow("umask"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try {
            return (int) umask.invokeExact(mask);
        } catch (Throwable t) {
            throw new IllegalStateException("umask: " + t, t);
        }
    }
}
