package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.CloudClientOptions;
import java.time.Duration;

/**
 * How the factory builds its clients ({@link CloudClientOptions}: the environment, {@code HCLOUD_TOKEN},
 * {@code HCLOUD_ENDPOINT} and {@code HCLOUD_METADATA_URL}, the TLS context, the time-outs). The defaults are right
 * for production.
 */
public final class HetznerClientOptions extends CloudClientOptions<HetznerClientOptions> {
    /** Hetzner's assign actions finish in about a second; hcloud-go polls at 500 ms. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(300);

    private HetznerClientOptions(Values values) {
        super(values, HetznerClientOptions::new);
    }

    public static HetznerClientOptions defaults() {
        return new HetznerClientOptions(Values.defaults(DEFAULT_POLL_INTERVAL));
    }
}
