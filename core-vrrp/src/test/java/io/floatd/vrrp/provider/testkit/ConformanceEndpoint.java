package io.floatd.vrrp.provider.testkit;

import io.floatd.testing.FaultMix;
import java.util.List;

/**
 * What {@link EndpointRig} needs of a cloud's test endpoint whose floating IPs are assigned to numbered machines
 * (DigitalOcean's droplets, Hetzner's servers): one IP's register, set as the console would, its faults and its log.
 *
 * @param <K> how the endpoint names a floating IP (DigitalOcean: its address; Hetzner: its id)
 */
public interface ConformanceEndpoint<K> extends AutoCloseable {
    /** Throttling, 5xx, time-outs or an outage for each API request from now on. */
    void faultMix(FaultMix mix);

    /** Requests being handled now (a time-out's answer still on its way). */
    int inFlight();

    /** Puts {@code ip} on machine {@code node} as the console would (not logged); null unassigns. */
    void assign(K ip, Long node);

    /** The machine {@code ip} is on, or null. */
    Long holder(K ip);

    /** Whether an action on {@code ip} is still running (the API refuses another meanwhile). */
    boolean locked(K ip);

    /** The requests received so far, oldest first. */
    List<?> requests();

    /** Write requests (a POST of an action, whatever its answer) received so far. */
    int writes();

    @Override
    void close();
}
