package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.BaseUrl;
import io.floatd.vrrp.provider.CloudProviderFactory;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
public final class HetznerProviderFactory extends CloudProviderFactory {
    public static final String NAME = "hetzner";
    static final URI DEFAULT_API_URL = URI.create("https://api.hetzner.cloud/v1");
    /** hcloud's own variables: the CLI, the Terraform provider and hcloud-go read them too. */
    static final String API_URL_ENV = "HCLOUD_ENDPOINT";
    static final String TOKEN_ENV = "HCLOUD_TOKEN";

    private final HetznerClientOptions options;

    /** The production factory, found by {@link java.util.ServiceLoader}. */
    public HetznerProviderFactory() {
        this(HetznerClientOptions.defaults());
    }

    /** A factory with its own environment, TLS trust or timings (tests); {@code peer_server_id} takes a list. */
    public HetznerProviderFactory(HetznerClientOptions options) {
        super(NAME, HetznerSettings.LIST_KEYS);
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The block typed by its keyword table in the parse's check (its token file read as run reads it); create reads it. */
    @Override
    public HetznerSettings typedSettings(ProviderContext context) throws ProviderException {
        HetznerSettings settings = HetznerSettings.parse(context);
        checkTokenFile(settings.tokenFile()); // its owner, mode and content, as floatd run reads it
        return settings;
    }

    @Override
    public FloatingIpProvider create(ProviderContext context) throws ProviderException {
        HetznerSettings settings = HetznerSettings.typedOrParsed(context);
        ApiToken token = ApiToken.fromFileOrEnv(NAME, settings.tokenFile(), TOKEN_ENV, options::env);
        URI apiUrl = BaseUrl.fromConfigOrEnv(NAME, settings.apiUrl(), API_URL_ENV, options::env, DEFAULT_API_URL);
        long serverId = settings.serverId() != null ? settings.serverId()
                : ServerMetadata.serverId(BaseUrl.fromConfigOrEnv(NAME, settings.metadataUrl(), ServerMetadata.ENV,
                        options::env, ServerMetadata.DEFAULT), Duration.ofSeconds(2));
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
        return started(context.instanceName(), provider, provider::warmUp, apiUrl, token);
    }

    /** The takeover's three calls through a client built as the real one. */
    @Override
    public Optional<JitWarmUp.Exercise> jitWarmUp(FloatingIpProvider created) {
        return created instanceof HetznerFloatingIpProvider ? Optional.of(new HetznerWarmUp(options)) : Optional.empty();
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
