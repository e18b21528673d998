package io.floatd.vrrp.provider;

import io.floatd.vrrp.config.FloatingIpKeywords;
import io.floatd.vrrp.config.TypedProviderSettings;

/**
 * Creates providers of one kind, found through {@link java.util.ServiceLoader} by {@link #name()}
 * ({@code linux-l2}, {@code aws}, {@code digitalocean}); the core depends on no provider module. A factory is also
 * its provider's part of the {@code floating_ip} keyword table ({@link FloatingIpKeywords}: its several-word keywords,
 * whether it is the default provider), which the parser reads through the same ServiceLoader: a provider module lists
 * its factory under both interfaces' names in {@code META-INF/services}.
 */
public interface FloatingIpProviderFactory extends FloatingIpKeywords {

    /** The name used in {@code floating_ip { provider NAME }} and {@code --provider NAME}. */
    @Override
    String name();

    FloatingIpProvider create(ProviderContext context) throws ProviderException;

    /**
     * Checks the instance's settings without opening anything (no network, no sockets), for
     * {@code floatd check}; throws the same one-line error {@link #create} would.
     */
    default void validate(ProviderContext context) throws ProviderException {
    }

    /**
     * {@link #validate}, keeping what it typed: the parse's provider check stores it in the block
     * ({@link io.floatd.vrrp.config.FloatingIpSettings#typed()}) and {@link #create} finds it in
     * {@link ProviderContext#typed()}. A provider with a keyword table returns its settings record; by default
     * nothing is kept.
     */
    default TypedProviderSettings typedSettings(ProviderContext context) throws ProviderException {
        validate(context);
        return null;
    }

    /**
     * Whether the network this provider serves carries IP multicast between the nodes. Cloud VPCs (AWS, DigitalOcean)
     * drop it, so an instance there without {@code unicast_peer} would never hear its peer and both nodes would
     * become Master: such an instance is refused unless {@code floating_ip { allow_multicast yes }} says otherwise.
     */
    default boolean carriesMulticast() {
        return true;
    }

    /**
     * Optional: what to exercise so that the JIT compiles the request path of the provider this factory has just
     * {@code created} before its first takeover (its calls, against the API's answers from memory); core's
     * {@link JitWarmUp} runs it in the background, once per JVM and {@link JitWarmUp.Exercise#key() key}. None by
     * default: a provider with no remote API has nothing to warm.
     */
    default java.util.Optional<JitWarmUp.Exercise> jitWarmUp(FloatingIpProvider created) {
        return java.util.Optional.empty();
    }
}
