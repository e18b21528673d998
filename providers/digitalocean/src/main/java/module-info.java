/**
 * {@code provider digitalocean}: a reserved IPv4 or IPv6 moved through the DigitalOcean API (a small typed client on
 * floatd-cloud-http: Apache HttpClient and gson). Exports nothing: floatd finds it through its services.
 */
module io.floatd.provider.digitalocean {
    requires io.floatd.vrrp;
    requires io.floatd.provider.cloudhttp;
    requires java.logging;
    requires com.google.gson;

    opens io.floatd.provider.digitalocean to com.google.gson;

    provides io.floatd.vrrp.provider.FloatingIpProviderFactory
            with io.floatd.provider.digitalocean.DigitalOceanProviderFactory;
    provides io.floatd.vrrp.config.FloatingIpKeywords with io.floatd.provider.digitalocean.DigitalOceanProviderFactory;
}
