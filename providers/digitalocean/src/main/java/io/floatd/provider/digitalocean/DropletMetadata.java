package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.MetadataId;
import io.floatd.vrrp.provider.ProviderException;
import java.net.URI;
import java.time.Duration;

/** This droplet's id from the droplet metadata service ({@code GET /metadata/v1/id}, plain text, no token). */
final class DropletMetadata {
    static final URI DEFAULT = URI.create("http://169.254.169.254");
    static final String ENV = "DIGITALOCEAN_METADATA_URL";

    private DropletMetadata() {
    }

    static long dropletId(URI base, Duration timeout) throws ProviderException {
        return MetadataId.read(DigitalOceanProviderFactory.NAME, base, "/metadata/v1/id", timeout, "droplet",
                "droplet_id");
    }
}
