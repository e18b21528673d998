package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.BaseUrl;
import io.floatd.vrrp.provider.CloudProviderFactory;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code provider digitalocean}: builds a {@link ReservedIpProvider}.
 *
 * <p>{@link #create} does the slow things once, before any election: it reads the token (token_file, else
 * {@code DIGITALOCEAN_TOKEN}), the droplet id (config, else the metadata service), builds the HTTP client and reads
 * the reserved IP and this droplet once, which opens the connection and checks the token, the address and the
 * droplet id, then finds the peers' droplets ({@link DoPeers}). A refused token or an unknown IP or droplet fails
 * here, at start; a network hiccup is logged and left to the first real call, and a peer not found is a warning.
 */
public final class DigitalOceanProviderFactory extends CloudProviderFactory {
    public static final String NAME = "digitalocean";
    static final URI DEFAULT_API_URL = URI.create("https://api.digitalocean.com");
    static final String API_URL_ENV = "DIGITALOCEAN_API_URL";
    /** The token when the block names no token_file. */
    static final String TOKEN_ENV = "DIGITALOCEAN_TOKEN";

    private final DoClientOptions options;

    /** The production factory, found by {@link java.util.ServiceLoader}. */
    public DigitalOceanProviderFactory() {
        this(DoClientOptions.defaults());
    }

    /** A factory with its own environment, TLS trust or timings (tests); {@code peer_droplet_id} takes a list. */
    public DigitalOceanProviderFactory(DoClientOptions options) {
        super(NAME, DoSettings.LIST_KEYS);
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The block typed by its keyword table in the parse's check (its token file read as run reads it); create reads it. */
    @Override
    public DoSettings typedSettings(ProviderContext context) throws ProviderException {
        DoSettings settings = DoSettings.parse(context);
        checkTokenFile(settings.tokenFile()); // its owner, mode and content, as floatd run reads it
        return settings;
    }

    @Override
    public FloatingIpProvider create(ProviderContext context) throws ProviderException {
        DoSettings settings = DoSettings.typedOrParsed(context);
        ApiToken token = ApiToken.fromFileOrEnv(NAME, settings.tokenFile(), TOKEN_ENV, options::env);
        URI apiUrl = BaseUrl.fromConfigOrEnv(NAME, settings.apiUrl(), API_URL_ENV, options::env, DEFAULT_API_URL);
        long dropletId = settings.dropletId() != null ? settings.dropletId()
                : DropletMetadata.dropletId(BaseUrl.fromConfigOrEnv(NAME, settings.metadataUrl(), DropletMetadata.ENV,
                        options::env, DropletMetadata.DEFAULT), Duration.ofSeconds(2));
        DoApi api = HttpDoApi.create(apiUrl, settings.paths(), token, options);
        ReservedIpProvider provider = new ReservedIpProvider(settings, context, dropletId, api, options);
        return started(context.instanceName(), provider, provider::warmUp, apiUrl, token);
    }

    /** The takeover's three calls at {@code created}'s API paths, through a client built as its own. */
    @Override
    public Optional<JitWarmUp.Exercise> jitWarmUp(FloatingIpProvider created) {
        return created instanceof ReservedIpProvider p
                ? Optional.of(new DoWarmUp(p.settings().paths(), options))
                : Optional.empty();
    }
}
