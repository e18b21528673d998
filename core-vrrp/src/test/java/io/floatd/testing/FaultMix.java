package io.floatd.testing;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Which fault a cloud test endpoint gives each request it receives (issue 8): none, throttling, a 5xx, or a
 * time-out (an answer later than the client's attempt timeout), chosen at random per request with a seeded
 * generator, for a given fraction of all requests (0.5: half of them); and an outage switch, during which every
 * request is answered by closing the connection. The endpoint decides what each fault looks like on its API's wire
 * ({@code Ec2TestEndpoint}: 503 {@code RequestLimitExceeded}; {@code DoTestEndpoint}: 429 with rate-limit headers).
 * Thread-safe; the same seed gives the same sequence of choices for the same sequence of requests.
 */
public final class FaultMix {
    /** What one request gets. */
    public enum Fault {
        NONE, THROTTLE, SERVER_ERROR, TIMEOUT
    }

    /** The mixes the fault tests and {@code bench/faults.sh} run, by name. */
    public static final List<String> NAMES = List.of("none", "throttle", "5xx", "timeout", "mixed");

    private final String name;
    private final double fraction;
    private final List<Fault> kinds;
    private final Random random;
    private final long timeoutMillis;
    private final Map<Fault, Integer> given = new EnumMap<>(Fault.class);
    private volatile long downUntilNanos;
    private volatile boolean down;
    private int whileDown;

    private FaultMix(String name, double fraction, List<Fault> kinds, long seed, long timeoutMillis) {
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("fraction must be between 0 and 1, but was " + fraction);
        }
        this.name = name;
        this.fraction = fraction;
        this.kinds = kinds;
        this.random = new Random(seed);
        this.timeoutMillis = timeoutMillis;
    }

    /** No faults (the outage switch still works). */
    public static FaultMix none() {
        return new FaultMix("none", 0, List.of(), 1, 0);
    }

    /**
     * @param name one of {@link #NAMES}: {@code mixed} picks throttle, 5xx or time-out with equal chances
     * @param fraction the share of requests that get a fault
     * @param timeoutMillis how late a {@link Fault#TIMEOUT} answers: more than the client's attempt timeout
     */
    public static FaultMix of(String name, double fraction, long seed, long timeoutMillis) {
        List<Fault> kinds = switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> List.of();
            case "throttle" -> List.of(Fault.THROTTLE);
            case "5xx" -> List.of(Fault.SERVER_ERROR);
            case "timeout" -> List.of(Fault.TIMEOUT);
            case "mixed" -> List.of(Fault.THROTTLE, Fault.SERVER_ERROR, Fault.TIMEOUT);
            default -> throw new IllegalArgumentException("fault mix must be one of " + NAMES + ", but was " + name);
        };
        return new FaultMix(name, kinds.isEmpty() ? 0 : fraction, kinds, seed, timeoutMillis);
    }

    public String name() {
        return name;
    }

    public double fraction() {
        return fraction;
    }

    /** How late a time-out answers, in ms. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** The fault for the next request (the endpoint checks {@link #isDown()} first). */
    public synchronized Fault next() {
        Fault f = kinds.isEmpty() || random.nextDouble() >= fraction ? Fault.NONE
                : kinds.get(random.nextInt(kinds.size()));
        given.merge(f, 1, Integer::sum);
        return f;
    }

    /** A fair, seeded coin: which variant of a fault (500 or 503, ...). */
    public synchronized boolean coin() {
        return random.nextBoolean();
    }

    /** How many requests got each fault so far. */
    public synchronized Map<Fault, Integer> given() {
        return Map.copyOf(given);
    }

    /** From now on, for {@code d}, the endpoint is down: every request finds its connection closed. */
    public void downFor(Duration d) {
        downUntilNanos = System.nanoTime() + d.toNanos();
        down = true;
    }

    /** Whether the endpoint is down now; counts the requests that find it so. */
    public boolean isDown() {
        if (down && System.nanoTime() - downUntilNanos < 0) {
            synchronized (this) {
                whileDown++;
            }
            return true;
        }
        down = false;
        return false;
    }

    /** When the outage ends ({@link System#nanoTime()}), or ended. */
    public long downUntilNanos() {
        return downUntilNanos;
    }

    /** Requests that arrived while the endpoint was down. */
    public synchronized int requestsWhileDown() {
        return whileDown;
    }

    @Override
    public String toString() {
        return name + (fraction > 0 ? " at " + fraction : "");
    }
}
