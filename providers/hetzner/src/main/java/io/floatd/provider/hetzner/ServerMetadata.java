package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.MetadataId;
import io.floatd.vrrp.provider.ProviderException;
import java.net.URI;
import java.time.Duration;

/** This server's id from Hetzner's metadata service ({@code GET /hetzner/v1/metadata/instance-id}, text, no token). */
final class ServerMetadata {
    static final URI DEFAULT = URI.create("http://169.254.169.254");
    static final String ENV = "HCLOUD_METADATA_URL";
    static final String PATH = "/hetzner/v1/metadata/instance-id";

    private ServerMetadata() {
    }

    static long serverId(URI base, Duration timeout) throws ProviderException {
        return MetadataId.read(HetznerProviderFactory.NAME, base, PATH, timeout, "server", "server_id");
    }
}
