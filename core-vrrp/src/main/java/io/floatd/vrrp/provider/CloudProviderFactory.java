package io.floatd.vrrp.provider;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the factories of the cloud providers (aws, digitalocean, hetzner) share: their name and list keywords, a
 * network without multicast, the token file's check, and the first read at start that opens the connection.
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

    /** {@code floatd check}: the block's {@code token_file} (if any), its owner, mode and content, as run reads it. */
    protected final void checkTokenFile(Path tokenFile) throws ProviderException {
        if (tokenFile != null) {
            ApiToken.fromFile(name, tokenFile);
        }
    }

    /**
     * The end of a cloud IP provider's start: the {@link #firstRead}, one line saying what {@code provider} moves, the
     * API it calls and where its token came from, then the peers' look-up.
     *
     * @return {@code provider}
     */
    protected final <P extends CloudIpProvider> P started(String instanceName, P provider, FirstRead read, URI apiUrl,
            ApiToken token) throws ProviderException {
        boolean reachable = firstRead(instanceName, provider, read);
        System.getLogger(getClass().getName()).log(System.Logger.Level.INFO, "VRRP_Instance({0}) " + name
                + ": {1} at {2}, token from {3}", instanceName, provider.describe(), apiUrl, token.source());
        provider.startPeers(reachable);
        return provider;
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
