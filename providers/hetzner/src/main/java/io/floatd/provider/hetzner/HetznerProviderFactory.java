package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.BaseUrl;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code provider hetzner}: builds a {@link HetznerFloatingIpProvider} for a Hetzner Cloud floating IP.
 *
 * <p>{@link #create} does the slow things once, before any election: it reads the token (token_file, else
 * {@code HCLOUD_TOKEN}), the server id (config, else the metadata service), builds the HTTP client, finds the
 * floating IP (by id, or by address through the list: the API has no filter by address), opens the interface
 * address's netlink socket, reads this server (which checks the server id), then finds the peers' servers. A refused
 * token or an unknown floating IP or server fails here; an API that does not answer fails the start as retryable
 * (the daemon tries the instance again), since without the floating IP's read there is no address to put on the
 * interface.
 */
public final class HetznerProviderFactory implements FloatingIpProviderFactory {
    public static final String NAME = "hetzner";
    static final URI DEFAULT_API_URL = URI.create("https://api.hetzner.cloud/v1");
    /** hcloud's own variables: the CLI, the Terraform provider and hcloud-go read them too. */
    static final String API_URL_ENV = "HCLOUD_ENDPOINT";
    static final String TOKEN_ENV = "HCLOUD_TOKEN";
    private static final Logger LOG = Logger.getLogger(HetznerProviderFactory.class.getName());

    private final HetznerClientOptions options;

    /** The production factory, found by {@link java.util.ServiceLoader}. */
    public HetznerProviderFactory() {
        this(HetznerClientOptions.defaults());
    }

    /** A factory with its own environment, TLS trust or timings (tests). */
    public HetznerProviderFactory(HetznerClientOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@code peer_server_id 10.0.0.3=4712 10.0.0.4=4713}. */
    @Override
    public Set<String> listKeys() {
        return HetznerSettings.LIST_KEYS;
    }

    /** Hetzner's private networks carry no multicast: VRRP needs unicast_peer here. */
    @Override
    public boolean carriesMulticast() {
        return false;
    }

    @Override
    public void validate(ProviderContext context) throws ProviderException {
        HetznerSettings settings = HetznerSettings.parse(context);
        if (settings.tokenFile() != null) {
            ApiToken.fromFile(NAME, settings.tokenFile()); // its owner, mode and content, as floatd run reads it
        }
    }

    @Override
    public FloatingIpProvider create(ProviderContext context) throws ProviderException {
        HetznerSettings settings = HetznerSettings.parse(context);
        ApiToken token = token(settings);
        URI apiUrl = settings.apiUrl() != null ? settings.apiUrl()
                : options.env(API_URL_ENV) != null ? BaseUrl.check(NAME, options.env(API_URL_ENV), API_URL_ENV)
                : DEFAULT_API_URL;
        long serverId = settings.serverId() != null ? settings.serverId()
                : ServerMetadata.serverId(settings.metadataUrl() != null ? settings.metadataUrl()
                        : options.env(ServerMetadata.ENV) != null
                                ? BaseUrl.check(NAME, options.env(ServerMetadata.ENV), ServerMetadata.ENV)
                                : ServerMetadata.DEFAULT, Duration.ofSeconds(2));
        HcloudApi api = HttpHcloudApi.create(apiUrl, token, options);
        LocalAddress local = null;
        HetznerFloatingIpProvider provider = null;
        try {
            HcloudApi.FloatingIp floatingIp = new FloatingIpLookup(api, options.actionTimeout()).find(settings);
            if (settings.interfaceName() != null) {
                InetAddress a = HetznerFloatingIpProvider.interfaceAddress(floatingIp, settings.address());
                local = LocalAddress.open(context.instanceName(), settings.interfaceName(), a);
            }
            provider = new HetznerFloatingIpProvider(settings, context, serverId, floatingIp, api, local, options);
        } catch (ProviderException | RuntimeException e) {
            api.close();
            if (local != null) {
                local.close();
            }
            throw e;
        }
        boolean reachable = true;
        try {
            provider.warmUp();
        } catch (ProviderException e) {
            if (!e.retryable()) {
                provider.close();
                throw e;
            }
            reachable = false;
            LOG.log(Level.WARNING, "VRRP_Instance({0}) hetzner: warm-up read failed, the first takeover will open the "
                    + "connection: {1}", new Object[] {context.instanceName(), e.getMessage()});
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
        LOG.log(Level.INFO, "VRRP_Instance({0}) hetzner: {1} at {2}, token from {3}",
                new Object[] {context.instanceName(), provider.describe(), apiUrl, token.source()});
        provider.startPeers(reachable);
        return provider;
    }

    /** The takeover's three calls through a client built as the real one. */
    @Override
    public Optional<JitWarmUp.Exercise> jitWarmUp(FloatingIpProvider created) {
        return created instanceof HetznerFloatingIpProvider ? Optional.of(new HetznerWarmUp(options)) : Optional.empty();
    }

    private ApiToken token(HetznerSettings settings) throws ProviderException {
        if (settings.tokenFile() != null) {
            return ApiToken.fromFile(NAME, settings.tokenFile());
        }
        String env = options.env(TOKEN_ENV);
        if (env != null) {
            return ApiToken.of(NAME, env, TOKEN_ENV);
        }
        throw ProviderException.fatal("hetzner: no API token: set token_file in floating_ip (a file of mode 0600) or "
                + "the environment variable " + TOKEN_ENV);
    }

    /** Whether {@code written} (an address or {@code ADDR/64}) is the floating IP {@code f}'s, or in its /64. */
    static boolean matches(HcloudApi.FloatingIp f, String written) {
        if (!f.ipv6()) {
            return f.ip().equals(written);
        }
        String network = f.ip().contains("/") ? f.ip() : f.ip() + "/64";
        String address = written.contains("/") ? written.substring(0, written.indexOf('/')) : written;
        return Ipv6Text.looksLikeIpv6(address) && Ipv6Text.inCidr(address, network);
    }
}
