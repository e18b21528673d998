package io.floatd.provider.linuxl2;

import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;

/** {@code provider linux-l2}: the VIPs on a Linux interface. Needs CAP_NET_ADMIN and CAP_NET_RAW. */
public final class LinuxL2ProviderFactory implements FloatingIpProviderFactory {
    public static final String NAME = "linux-l2";

    @Override
    public String name() {
        return NAME;
    }

    /** A floating_ip block that names no provider moves the instance's virtual_ipaddress here. */
    @Override
    public boolean isDefault() {
        return true;
    }

    /** Opens the provider's sockets in the calling thread's network namespace. */
    @Override
    public LinuxL2Provider create(ProviderContext context) throws ProviderException {
        return new LinuxL2Provider(context);
    }
}
