package io.floatd.vrrp.provider;

import java.util.Set;

/**
 * What the factories of the cloud providers (aws, digitalocean, hetzner) share: their name and list keywords, a
 * network without multicast, and the first read at start that opens the connection.
 */
public abstract class CloudProviderFactory implements FloatingIpProviderFactory {
    /** The start's first read through a provider just built (it opens the connection and checks the token). */
    @FunctionalInterface
    public interface FirstRead {
        void run() throws ProviderException;
    }

    private final String name;
    private final Set<String> listKeys;

    /** @param listKeys the provider's keywords whose value may be several words ({@code peer_droplet_id}) */
    protected CloudProviderFactory(String name, Set<String> listKeys) {
        this.name = name;
        this.listKeys = listKeys;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Set<String> listKeys() {
        return listKeys;
    }

    /** Cloud networks (VPCs, private networks) drop IP multicast: VRRP needs unicast_peer there. */
    @Override
    public boolean carriesMulticast() {
        return false;
    }

    /**
     * The first read at start: a refusal (a bad token, an unknown IP) closes {@code provider} and fails the start; no
     * answer is a warning, and the first takeover opens the connection instead.
     *
     * @return whether the API answered (the peers' look-up runs now, else in the background)
     */
    protected final boolean firstRead(String instanceName, FloatingIpProvider provider, FirstRead read)
            throws ProviderException {
        try {
            read.run();
            return true;
        } catch (ProviderException e) {
            if (!e.retryable()) {
                provider.close();
                throw e;
            }
            System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING, "VRRP_Instance({0}) " + name
                    + ": warm-up read failed, the first takeover will open the connection: {1}", instanceName,
                    e.getMessage());
            return false;
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
    }
}
