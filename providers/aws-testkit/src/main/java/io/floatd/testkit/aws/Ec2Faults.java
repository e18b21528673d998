package io.floatd.testkit.aws;

import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The faults the endpoint is told to inject, and which one the next request gets: first one queued for its action,
 * then one queued for any action, then, with the set probability (seeded), the fraction's fault, then what the
 * source picks (null: none). Called under the endpoint's lock, but for {@link #source}, which may be swapped at any
 * time.
 */
final class Ec2Faults {
    private final Deque<Fault> next = new ArrayDeque<>();
    private final Map<String, Deque<Fault>> nextByAction = new HashMap<>();
    private Fault fractionFault;
    private double fraction;
    private Random random = new Random(1);
    private volatile Supplier<Fault> source = () -> null;

    void failNext(int n, Fault fault) {
        for (int i = 0; i < n; i++) {
            next.add(fault);
        }
    }

    void failNext(String action, int n, Fault fault) {
        for (int i = 0; i < n; i++) {
            nextByAction.computeIfAbsent(action, a -> new ArrayDeque<>()).add(fault);
        }
    }

    void failFraction(double p, Fault fault, long seed) {
        fraction = p;
        fractionFault = fault;
        random = new Random(seed);
    }

    void source(Supplier<Fault> s) {
        source = s;
    }

    /** Forgets the source (at once), then, under the lock, the queued faults and the fraction. */
    void clear(Object lock) {
        source = () -> null;
        synchronized (lock) {
            next.clear();
            nextByAction.clear();
            fractionFault = null;
            fraction = 0;
        }
    }

    /** The fault for the request of {@code action} that just arrived, or null. */
    Fault next(String action) {
        Deque<Fault> perAction = nextByAction.get(action);
        if (perAction != null && !perAction.isEmpty()) {
            return perAction.poll();
        }
        if (!next.isEmpty()) {
            return next.poll();
        }
        if (fractionFault != null && random.nextDouble() < fraction) {
            return fractionFault;
        }
        return source.get();
    }
}
