package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.CloudClientOptions;
import java.time.Duration;

/**
 * How the factory builds its clients ({@link CloudClientOptions}: the environment, {@code DIGITALOCEAN_TOKEN},
 * {@code DIGITALOCEAN_API_URL} and {@code DIGITALOCEAN_METADATA_URL}, the TLS context, the time-outs). The defaults
 * are right for production.
 */
public final class DoClientOptions extends CloudClientOptions<DoClientOptions> {
    /** The pause between two reads of an action that is still {@code in-progress}. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(400);

    private DoClientOptions(Values values) {
        super(values, DoClientOptions::new);
    }

    public static DoClientOptions defaults() {
        return new DoClientOptions(Values.defaults(DEFAULT_POLL_INTERVAL));
    }
}
