package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code provider digitalocean}: builds a {@link ReservedIpProvider}.
 *
 * <p>{@link #create} does the slow things once, before any election: it reads the token (token_file, else
 * {@code DIGITALOCEAN_TOKEN}), the droplet id (config, else the metadata service), builds the HTTP client and reads
 * the reserved IP and this droplet once, which opens the connection and checks the token, the address and the
 * droplet id, then finds the peers' droplets ({@link DoPeers}). A refused token or an unknown IP or droplet fails
 * here, at start; a network hiccup is logged and left to the first real call, and a peer not found is a warning.
 */
public final class DigitalOceanProviderFactory implements FloatingIpProviderFactory {
    public static final String NAME = "digitalocean";
    static final URI DEFAULT_API_URL = URI.create("https://api.digitalocean.com");
    static final String API_URL_ENV = "DIGITALOCEAN_API_URL";
    /** The token when the block names no token_file. */
    static final String TOKEN_ENV = "DIGITALOCEAN_TOKEN";
    private static final Logger LOG = Logger.getLogger(DigitalOceanProviderFactory.class.getName());

    private final DoClientOptions options;

    /** The production factory, found by {@link java.util.ServiceLoader}. */
    public DigitalOceanProviderFactory() {
        this(DoClientOptions.defaults());
    }

    /** A factory with its own environment, TLS trust or timings (tests). */
    public DigitalOceanProviderFactory(DoClientOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@code peer_droplet_id 10.110.0.3=123 10.110.0.4=456}. */
    @Override
    public Set<String> listKeys() {
        return DoSettings.LIST_KEYS;
    }

    /** VPC networks drop IP multicast: VRRP needs unicast_peer here. */
    @Override
    public boolean carriesMulticast() {
        return false;
    }

    @Override
    public void validate(ProviderContext context) throws ProviderException {
        DoSettings settings = DoSettings.parse(context);
        if (settings.tokenFile() != null) {
            // its owner, mode and content, as floatd run will read it
            ApiToken.fromFile(NAME, settings.tokenFile());
        }
    }

    @Override
    public FloatingIpProvider create(ProviderContext context) throws ProviderException {
        DoSettings settings = DoSettings.parse(context);
        ApiToken token = token(settings);
        URI apiUrl = settings.apiUrl() != null ? settings.apiUrl()
                : options.env(API_URL_ENV) != null ? DoSettings.checkUrl(options.env(API_URL_ENV), API_URL_ENV)
                : DEFAULT_API_URL;
        long dropletId;
        if (settings.dropletId() != null) {
            dropletId = settings.dropletId();
        } else {
            URI metadata = settings.metadataUrl() != null ? settings.metadataUrl()
                    : options.env(DropletMetadata.ENV) != null
                            ? DoSettings.checkUrl(options.env(DropletMetadata.ENV), DropletMetadata.ENV)
                            : DropletMetadata.DEFAULT;
            dropletId = DropletMetadata.dropletId(metadata, Duration.ofSeconds(2));
        }
        DoApi api = HttpDoApi.create(apiUrl, settings.paths(), token, options);
        ReservedIpProvider provider = new ReservedIpProvider(settings, context, dropletId, api, options);
        boolean reachable = true;
        try {
            provider.warmUp();
        } catch (ProviderException e) {
            if (!e.retryable()) {
                provider.close();
                throw e;
            }
            reachable = false;
            LOG.log(Level.WARNING, "VRRP_Instance({0}) digitalocean: warm-up read failed, the first takeover will "
                    + "open the connection: {1}", new Object[] {context.instanceName(), e.getMessage()});
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
        LOG.log(Level.INFO, "VRRP_Instance({0}) digitalocean: {1} at {2}, token from {3}",
                new Object[] {context.instanceName(), provider.describe(), apiUrl, token.source()});
        provider.startPeers(reachable);
        return provider;
    }

    /** The takeover's three calls at {@code created}'s API paths, through a client built as its own. */
    @Override
    public Optional<JitWarmUp.Exercise> jitWarmUp(FloatingIpProvider created) {
        return created instanceof ReservedIpProvider p
                ? Optional.of(new DoWarmUp(p.settings().paths(), options))
                : Optional.empty();
    }

    private ApiToken token(DoSettings settings) throws ProviderException {
        if (settings.tokenFile() != null) {
            return ApiToken.fromFile(NAME, settings.tokenFile());
        }
        String env = options.env(TOKEN_ENV);
        if (env != null) {
            return ApiToken.of(NAME, env, TOKEN_ENV);
        }
        throw ProviderException.fatal("digitalocean: no API token: set token_file in floating_ip (a file of mode 0600) "
                + "or the environment variable " + TOKEN_ENV);
    }
}
