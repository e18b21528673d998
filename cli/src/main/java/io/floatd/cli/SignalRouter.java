package io.floatd.cli;

import io.floatd.vrrp.log.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Installs {@link SignalPlan} in this JVM: a handler for every signal the plan acts on or ignores, each handing its
 * {@link SignalPlan.Entry} to one consumer (the daemon's main thread). Signals 1..31 go through {@code sun.misc.Signal};
 * the real-time ones have no name it knows, so their {@code sun.misc.Signal} is given the number itself, which needs
 * {@code java.base/jdk.internal.misc} opened to floatd (the jar's manifest opens it; {@code Add-Opens}). Without it a
 * real-time signal floatd ignores is set to SIG_IGN through libc (no log line then), and the JSON dump on
 * SIGRTMIN+2 is off, said once in the log.
 */
final class SignalRouter {
    private static final System.Logger LOG = System.getLogger("floatd");

    private SignalRouter() {
    }

    /** What was installed, for the start-up log: the signals not handled as planned, with why. */
    record Installed(List<String> problems) {
    }

    static Installed install(List<SignalPlan.Entry> plan, Consumer<SignalPlan.Entry> sink) {
        // only logged
        long started = System.nanoTime();
        List<String> problems = new ArrayList<>();
        for (SignalPlan.Entry e : plan) {
            if (e.action() == SignalPlan.Action.JVM || e.action() == SignalPlan.Action.DEFAULT) {
                continue;
            }
            // one line a second per signal: a flood of one cannot hide another
            RateLimitedLog ignored = new RateLimitedLog(LOG, java.time.Duration.ofSeconds(1));
            sun.misc.SignalHandler h = e.action() == SignalPlan.Action.IGNORE
                    ? s -> ignored.log(Level.INFO, () -> "Received " + e.signalName() + ": ignored (" + e.why() + ")")
                    : s -> sink.accept(e);
            try {
                if (e.number() < SignalPlan.SIGRTMIN) {
                    unignore(e.number());
                }
                Signal.handle(signal(e), h);
            } catch (ReflectiveOperationException | RuntimeException ex) {
                if (e.action() == SignalPlan.Action.IGNORE && ignoreInLibc(e.number())) {
                    continue;
                }
                problems.add(e.signalName() + " (" + e.action().name().toLowerCase(java.util.Locale.ROOT) + "): " + ex.getMessage());
            }
        }
        LOG.log(Level.DEBUG, "Signal handlers installed in {0} ms", String.format(java.util.Locale.ROOT, "%.1f",
                (System.nanoTime() - started) / 1e6));
        return new Installed(List.copyOf(problems));
    }

    private static Signal signal(SignalPlan.Entry e) throws ReflectiveOperationException {
        if (e.number() < SignalPlan.SIGRTMIN) {
            return new Signal(e.name());
        }
        // a Signal for a name the JVM knows, renumbered before it is registered (its handler table is keyed by number)
        Signal s = new Signal("USR1");
        Field inner = Signal.class.getDeclaredField("iSignal");
        inner.setAccessible(true);
        Object internal = inner.get(s);
        Class<?> c = internal.getClass();
        Field number = c.getDeclaredField("number");
        number.setAccessible(true);
        number.setInt(internal, e.number());
        Field name = c.getDeclaredField("name");
        name.setAccessible(true);
        name.set(internal, e.signalName());
        return s;
    }

    /**
     * A signal ignored when floatd started (a shell's {@code &} ignores INT and QUIT, {@code nohup} HUP) is set back
     * to its default first: the JVM leaves an inherited SIG_IGN on HUP, INT and TERM in place and registers no handler
     * over it, and the plan, as keepalived, acts on them however floatd was started. Read with {@code sigaction}
     * without changing anything, so a handler already there is never replaced, even for a moment.
     */
    private static void unignore(int number) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            // struct sigaction starts with the handler on Linux (x86-64 and aarch64); 152 bytes in glibc
            MemorySegment old = arena.allocate(256);
            int rc = (int) Calls.SIGACTION.invokeExact(number, MemorySegment.NULL, old);
            if (rc == 0 && old.get(ValueLayout.JAVA_LONG, 0) == 1L) { // SIG_IGN
                MemorySegment unused = (MemorySegment) Calls.SIGNAL.invokeExact(number, MemorySegment.NULL); // SIG_DFL
            }
        } catch (Throwable t) {
            // Signal.handle then reports what it can do
        }
    }

    /** libc's sigaction and signal, bound once (binding costs more than the calls, and start-up comes before the first advert). */
    @SuppressWarnings("restricted")
    private static final class Calls {
        private static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle SIGACTION = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("sigaction"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        static final MethodHandle SIGNAL = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("signal"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    private static boolean ignoreInLibc(int number) {
        try {
            MemorySegment previous = (MemorySegment) Calls.SIGNAL.invokeExact(number, MemorySegment.ofAddress(1)); // SIG_IGN
            if (previous.address() != 0 && previous.address() != 1) {
                // someone's handler (the JVM's): put it back
                MemorySegment unused = (MemorySegment) Calls.SIGNAL.invokeExact(number, previous);
                return false;
            }
            return true;
        } catch (Throwable t) {
            return false;
        }
    }
}
