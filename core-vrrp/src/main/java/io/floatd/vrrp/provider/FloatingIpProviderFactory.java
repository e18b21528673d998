package io.floatd.vrrp.provider;

/**
 * Creates providers of one kind, found through {@link java.util.ServiceLoader} by {@link #name()}
 * ({@code linux-l2}, {@code aws}, {@code digitalocean}); the core depends on no provider module.
 */
public interface FloatingIpProviderFactory {

    /** The name used in {@code floating_ip { provider NAME }} and {@code --provider NAME}. */
    String name();

    FloatingIpProvider create(ProviderContext context) throws ProviderException;

    /**
     * Checks the instance's settings without opening anything (no network, no sockets), for
     * {@code floatd check}; throws the same one-line error {@link #create} would.
     */
    default void validate(ProviderContext context) throws ProviderException {
    }
}
