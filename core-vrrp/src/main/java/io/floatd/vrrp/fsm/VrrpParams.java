package io.floatd.vrrp.fsm;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What the state machine needs to know about its instance; everything else (addresses, scripts, providers)
 * belongs to the driver.
 *
 * @param name the instance name, for reasons in transitions
 * @param version 2 (RFC 3768) or 3 (RFC 5798)
 * @param priority the configured priority, 1..255 (255: address owner)
 * @param advertIntervalCentis this node's advertisement interval
 * @param preempt whether a higher-priority Backup takes over from a lower-priority Master ({@code nopreempt} clears it)
 * @param preemptDelayNanos how long a lower-priority Master is tolerated after start-up or after first seeing it
 * @param primaryAddress this node's address as peers see it (unicast_src_ip): breaks priority ties
 * @param startAsMaster {@code state MASTER} in the configuration
 */
public record VrrpParams(
        String name,
        int version,
        int priority,
        int advertIntervalCentis,
        boolean preempt,
        long preemptDelayNanos,
        InetAddress primaryAddress,
        boolean startAsMaster) {

    public static final int PRIORITY_OWNER = 255;
    public static final int PRIORITY_STOP = 0;

    public VrrpParams {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(primaryAddress, "primaryAddress");
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("version must be 2 or 3, but was " + version);
        }
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority must be between 1 and 255, but was " + priority);
        }
        if (advertIntervalCentis < 1 || advertIntervalCentis > 4095) {
            throw new IllegalArgumentException("advert interval must be between 1 and 4095 centiseconds, but was " + advertIntervalCentis);
        }
        if (preemptDelayNanos < 0) {
            throw new IllegalArgumentException("preempt delay must not be negative, but was " + preemptDelayNanos);
        }
    }
}
