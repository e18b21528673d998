package io.floatd.vrrp.provider;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.floatd.ffm.Malloc;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Compiles a cloud provider's request path before the first election. A takeover every few days otherwise runs the
 * client's pipeline (request building, signing, the HTTP client, response parsing) in the interpreter: measured for
 * the AWS provider, DescribeAddresses plus AssociateAddress took 12.5 ms (median) in a fresh JVM against 2.9 ms once
 * the JIT had compiled them. A provider says what to exercise through
 * {@link FloatingIpProviderFactory#jitWarmUp(FloatingIpProvider)} (an {@link Exercise}: its takeover's calls and the
 * API's answers to them); this class runs it, once per JVM and {@link Exercise#key() key}, {@link #DELAY} after the
 * provider was created (so the first advert and the start-up reads are not slowed), on a platform thread at the
 * lowest CPU priority (Linux nice 19), {@link #ROUNDS} rounds through a client built as the real one against a
 * {@link WarmUpResponder} on 127.0.0.1 that answers from memory and lives only for the warm-up: the HTTP client's socket
 * path is compiled too, with the classes a takeover uses. Nothing leaves the host. One line when it is done (the
 * benchmarks wait for it: "PROVIDER: request path compiled: ..."); a failure is logged at debug level only, for the
 * warm-up is an optimisation: the first takeover is then merely slower.
 */
public final class JitWarmUp {
    /** What a provider's warm-up exercises: its takeover's calls, and the cloud API's answers to them. */
    public interface Exercise {
        /** The warm-up runs once per JVM for each key: calls that run the same code share one. */
        String key();

        /** The API's answer to one request (method, path with query, body), from memory, in the API's format. */
        Reply answer(String method, String path, byte[] body);

        /**
         * Sends the takeover's calls {@code rounds} times through a client built as the real one against
         * {@code endpoint} (the loopback responder), each call limited to {@code callTimeout}; returns the rounds.
         */
        int run(URI endpoint, Duration callTimeout, int rounds) throws Exception;

        /**
         * Where loopback cannot be bound: the same rounds with no socket (an in-memory HTTP client), so that at
         * least the client's own code is compiled; false when the provider has no such way (the warm-up stops).
         */
        default boolean runInMemory(int rounds) throws Exception {
            return false;
        }
    }

    /** One canned answer. */
    public record Reply(int status, String contentType, byte[] body) {
    }

    /** What a run on loopback did: the responder's address, the rounds, and the requests and connections it saw. */
    public record Result(URI endpoint, int rounds, int requests, int connections) {
    }

    /**
     * Measured through loopback in one JVM with the daemon's JIT flags (C1 only), for the AWS provider: a round took
     * 9.6 ms over the first 250 (interpreter), 2.3 ms over the next 250 and 1.7 ms around 1500; 300 rounds left the
     * path slow.
     */
    public static final int ROUNDS = 1500;

    /**
     * Rounds run at the end on a virtual thread, as the orchestrator's provider calls do: the JDK starts its socket
     * poller for virtual threads on their first blocking socket call (6 ms, measured, on the first takeover when
     * nothing had done it before) and their park path differs from a platform thread's.
     */
    static final int VIRTUAL_ROUNDS = 20;

    /** After start-up's own work (the first adverts, the providers' start-up reads), so it delays none of it. */
    static final Duration DELAY = Duration.ofSeconds(2);

    /** Per call of a warm-up's client: generous, for it runs at the lowest CPU priority and may wait for a busy host. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();
    /** Warm-ups started and not ended yet: the last one to end gives the heap back. */
    private static final AtomicInteger RUNNING = new AtomicInteger();
    /** Run when the last warm-up ends (done or failed): {@link #giveMemoryBack()}. */
    static volatile Runnable afterWarmUps = JitWarmUp::giveMemoryBack;

    private JitWarmUp() {
    }

    /**
     * Starts the warm-up {@code factory} asks for the provider it has just {@code created}, if any, unless one with
     * the same key ran in this JVM already.
     */
    public static void startFor(FloatingIpProviderFactory factory, FloatingIpProvider created) {
        try {
            factory.jitWarmUp(created).ifPresent(e -> start(factory.name(), e));
        } catch (RuntimeException e) {
            System.getLogger("floatd.provider." + factory.name()).log(Level.DEBUG, "{0}: no JIT warm-up: {1}",
                    factory.name(), e.toString());
        }
    }

    /** Starts {@link #ROUNDS} rounds (then {@link #VIRTUAL_ROUNDS} more), {@link #DELAY} from now, once per key. */
    static void start(String provider, Exercise exercise) {
        if (!STARTED.add(exercise.key())) {
            return;
        }
        System.Logger log = System.getLogger("floatd.provider." + provider);
        RUNNING.incrementAndGet();
        Thread.ofPlatform().name(provider + "-jit-warm-up").daemon(true).start(() -> {
            try {
                warmUp(provider, exercise, log);
            } finally {
                if (RUNNING.decrementAndGet() == 0) {
                    afterWarmUps.run();
                }
            }
        });
    }

    private static void warmUp(String provider, Exercise exercise, System.Logger log) {
        try {
            Thread.sleep(DELAY);
            lowerCurrentThread();
            long t0 = System.nanoTime();
            String what = rounds(exercise, ROUNDS);
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread.ofVirtual().name(provider + "-jit-warm-up-virtual").start(() -> {
                try {
                    rounds(exercise, VIRTUAL_ROUNDS);
                } catch (Exception e) {
                    failed.set(e);
                }
            }).join();
            if (failed.get() != null) {
                throw failed.get();
            }
            log.log(Level.INFO, "{0}: request path compiled: {1} rounds {2} in {3} ms", provider,
                    String.valueOf(ROUNDS + VIRTUAL_ROUNDS), what, String.valueOf((System.nanoTime() - t0) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.log(Level.DEBUG, "{0}: JIT warm-up stopped: {1}", provider, e.toString());
        }
    }

    /**
     * Gives back what start-up and the warm-up grew and no longer use: a full collection, after which SerialGC shrinks
     * the heap to the launcher's {@code -XX:MaxHeapFreeRatio} (the warm-up's 1500 rounds grew it: aws 30 MiB committed
     * for 15 MiB live), then glibc's malloc_trim for the JVM's native arenas (5 MiB for a linux-l2 daemon). One
     * stop-the-world pause of some 10-100 ms, once, seconds after the start (BENCHMARKS.md "Footprint").
     */
    public static void giveMemoryBack() {
        System.gc();
        Malloc.trim();
    }

    /**
     * Once the daemon has settled: gives memory back now unless a warm-up was started in this JVM (the end of the
     * last one does it then).
     */
    public static void giveMemoryBackUnlessWarmingUp() {
        if (STARTED.isEmpty()) {
            giveMemoryBack();
        }
    }

    /** {@code n} rounds on loopback, else in memory; returns how, for the log line. */
    private static String rounds(Exercise exercise, int n) throws Exception {
        WarmUpResponder responder;
        try {
            responder = WarmUpResponder.start(exercise::answer);
        } catch (IOException bind) {
            if (!exercise.runInMemory(n)) {
                throw bind;
            }
            return "in memory (loopback: " + bind.getMessage() + ")";
        }
        run(responder, exercise, n, CALL_TIMEOUT);
        return "through loopback";
    }

    /**
     * Runs {@code rounds} of {@code exercise} now, on the calling thread, against a {@link WarmUpResponder} on
     * 127.0.0.1 answering with {@link Exercise#answer}; an IOException where loopback cannot be bound.
     */
    public static Result onLoopback(Exercise exercise, int rounds, Duration callTimeout) throws Exception {
        return run(WarmUpResponder.start(exercise::answer), exercise, rounds, callTimeout);
    }

    private static Result run(WarmUpResponder responder, Exercise exercise, int rounds, Duration callTimeout) throws Exception {
        try (responder) {
            int done = exercise.run(responder.uri(), callTimeout, rounds);
            return new Result(responder.uri(), done, responder.requests(), responder.connections());
        }
    }

    private static final int PRIO_PROCESS = 0;
    private static final int LOWEST_PRIORITY = 19;

    /**
     * Lowers the calling platform thread to the lowest CPU priority (Linux nice 19): the warm-up then runs on idle
     * CPU and yields at once to the VRRP loop, the adverts' receivers and the other daemons of the host. Java's own
     * thread priorities are ignored on Linux; this sets the nice value of the thread's kernel task alone. True when
     * the thread now runs at nice 19; false where that is not possible (the work runs anyway).
     */
    @SuppressWarnings("restricted")
    static boolean lowerCurrentThread() {
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
            return (int) setpriority.invokeExact(PRIO_PROCESS, tid, LOWEST_PRIORITY) == 0;
        } catch (Throwable e) {
            // no native access, or not Linux: an optimisation only
            return false;
        }
    }

    /** The nice value of the calling thread's kernel task, from /proc (for tests); Integer.MIN_VALUE if unknown. */
    static int currentNice() {
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
