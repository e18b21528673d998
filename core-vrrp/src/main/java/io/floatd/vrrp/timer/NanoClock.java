package io.floatd.vrrp.timer;

/** A monotonic clock in nanoseconds, injected so tests can drive time. */
@FunctionalInterface
public interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
