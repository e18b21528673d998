package io.floatd.vrrp.provider;

import io.floatd.vrrp.config.TypedProviderSettings;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.config.VirtualRoute;
import io.floatd.vrrp.config.VirtualRule;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider is told about the instance it serves.
 *
 * @param instanceName the vrrp_instance name, for log lines
 * @param interfaceName the instance's {@code interface}
 * @param virtualAddresses the instance's {@code virtual_ipaddress} entries
 * @param localAddress this node's {@code unicast_src_ip} (may be null)
 * @param peers the configured {@code unicast_peer} addresses
 * @param settings the keywords of the instance's {@code floating_ip} block, as written (secrets included: never log them)
 * @param attemptTimeout the orchestrator's limit of one provider call ({@code attempt_timeout}), or null where no
 *        orchestrator sets one; a provider whose client has its own per-request timeout aligns it with this one, so a
 *        slow answer the orchestrator would still accept is not abandoned (and its write sent again) by the client
 * @param virtualRoutes the instance's {@code virtual_routes} (only linux-l2 applies them; the daemon refuses them
 *        with any other provider)
 * @param virtualRules the instance's {@code virtual_rules}, likewise
 * @param typed what this provider's check made of {@code settings} in the parse
 *        ({@link FloatingIpProviderFactory#typedSettings}), or null when no check ran: {@link FloatingIpProviderFactory#create}
 *        reads it instead of parsing {@code settings} again
 */
public record ProviderContext(
        String instanceName,
        String interfaceName,
        List<VirtualAddress> virtualAddresses,
        InetAddress localAddress,
        List<InetAddress> peers,
        Map<String, String> settings,
        Duration attemptTimeout,
        List<VirtualRoute> virtualRoutes,
        List<VirtualRule> virtualRules,
        TypedProviderSettings typed) {
    public ProviderContext {
        Objects.requireNonNull(instanceName, "instanceName");
        virtualAddresses = List.copyOf(virtualAddresses);
        virtualRoutes = List.copyOf(virtualRoutes);
        virtualRules = List.copyOf(virtualRules);
        peers = List.copyOf(peers);
        settings = Map.copyOf(settings);
    }

    /** A context whose settings were not typed by a check. */
    public ProviderContext(String instanceName, String interfaceName, List<VirtualAddress> virtualAddresses,
            InetAddress localAddress, List<InetAddress> peers, Map<String, String> settings, Duration attemptTimeout,
            List<VirtualRoute> virtualRoutes, List<VirtualRule> virtualRules) {
        this(instanceName, interfaceName, virtualAddresses, localAddress, peers, settings, attemptTimeout, virtualRoutes,
                virtualRules, null);
    }

    /**
     * {@link #typed()} when it is a {@code type} (this provider's settings record), else empty: the caller then parses
     * {@link #settings()} itself.
     */
    public <T extends TypedProviderSettings> java.util.Optional<T> typed(Class<T> type) {
        return type.isInstance(typed) ? java.util.Optional.of(type.cast(typed)) : java.util.Optional.empty();
    }

    /** A context without routes or rules. */
    public ProviderContext(String instanceName, String interfaceName, List<VirtualAddress> virtualAddresses,
            InetAddress localAddress, List<InetAddress> peers, Map<String, String> settings, Duration attemptTimeout) {
        this(instanceName, interfaceName, virtualAddresses, localAddress, peers, settings, attemptTimeout, List.of(),
                List.of());
    }

    /** A context without an orchestrator's attempt timeout: the provider keeps its own default. */
    public ProviderContext(String instanceName, String interfaceName, List<VirtualAddress> virtualAddresses,
            InetAddress localAddress, List<InetAddress> peers, Map<String, String> settings) {
        this(instanceName, interfaceName, virtualAddresses, localAddress, peers, settings, null);
    }
}
