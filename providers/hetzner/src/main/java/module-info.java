/**
 * {@code provider hetzner}: a Hetzner Cloud floating IPv4 or IPv6 assigned through the Hetzner Cloud API (a small
 * typed client on floatd-cloud-http: Apache HttpClient and gson), and the address on this server's interface (through
 * floatd-ffm). Exports nothing: floatd finds it through its services.
 */
module io.floatd.provider.hetzner {
    requires io.floatd.vrrp;
    requires io.floatd.provider.cloudhttp;
    requires io.floatd.ffm;
    requires com.google.gson;
    requires java.logging;

    opens io.floatd.provider.hetzner to com.google.gson;

    provides io.floatd.vrrp.provider.FloatingIpProviderFactory with io.floatd.provider.hetzner.HetznerProviderFactory;
    provides io.floatd.vrrp.config.FloatingIpKeywords with io.floatd.provider.hetzner.HetznerProviderFactory;
}
