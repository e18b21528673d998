package io.floatd.vrrp.takeover;

import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import java.util.Optional;

/**
 * Refuses multicast VRRP where the provider's network drops multicast (cloud VPCs): both nodes would hear nothing,
 * both would become Master and fight over the IP. {@code floating_ip { allow_multicast yes }} overrides it, for a
 * network that does carry multicast (e.g. an overlay, or a VPC with a multicast domain such as an AWS Transit
 * Gateway multicast domain).
 */
public final class CloudMulticast {
    /** The {@code floating_ip} keyword that lets a multicast instance use a provider without multicast. */
    public static final String KEY = io.floatd.vrrp.config.TakeoverKeys.ALLOW_MULTICAST;

    private CloudMulticast() {
    }

    /**
     * @return why the instance cannot run with this provider, without the file:line, or empty when it can
     * @throws IllegalArgumentException for an {@code allow_multicast} value other than yes/no
     */
    public static Optional<String> problem(InstanceConfig ic, String providerName, FloatingIpProviderFactory factory) {
        if (!ic.isMulticast() || factory.carriesMulticast() || allowed(ic)) {
            return Optional.empty();
        }
        return Optional.of("no unicast_peer, so VRRP would run over multicast (" + ic.multicastGroup().getHostAddress()
                + "), but provider '" + providerName + "' runs on a cloud network that drops multicast: both nodes would"
                + " become MASTER. List the other node in unicast_peer { }, or set 'allow_multicast yes' in floating_ip"
                + " if this network does carry multicast");
    }

    /** {@code allow_multicast yes} in any of the instance's blocks: the network is the instance's, not a block's. */
    private static boolean allowed(InstanceConfig ic) {
        return ic.floatingIps().stream().anyMatch(b -> b.takeover().allowMulticast().orElse(false));
    }
}
