package io.floatd.testing.sim;

/**
 * Where the floating IP lives, and the provider each node runs against it. A node's {@link SimOp} is one provider
 * operation ({@code FloatingIpProvider.holder()}, {@code acquire(seen)}, {@code release()}, {@code clearStale()},
 * {@code handOver(peer)}), carried out as the real provider does it: as API requests, each of which the server
 * handles at some point within its latency. The operation ends with {@link SimOp#finish}; a request already sent
 * is handled even when the driver has given up on the operation.
 */
public interface SimCloud {

    /** The provider's {@code releasesByDefault()}. */
    boolean releasesByDefault();

    /** The provider's {@code acquireChecksHolder()}. */
    boolean acquireChecksHolder();

    /** The provider's {@code handsOver()}. */
    boolean handsOver();

    /** Starts one provider operation. */
    void call(SimOp op);

    /** The node's daemon is a new process: its provider object, and what it remembered, are new. */
    void restarted(int node);

    /** The API's faults from now on. */
    void faults(ApiFaults faults);

    /** No API fault is configured. */
    boolean apiHealthy();

    /** Whether the IP is on this node (the cloud's register says so; Linux: the node has its VIP). */
    boolean holds(int node);

    /** On how many nodes the IP is. */
    int holders();

    /** One line for the trace. */
    String state();
}
