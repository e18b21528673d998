/**
 * The {@code digitalocean} provider: a DigitalOcean reserved IP (formerly "floating IP") assigned to the Master's
 * droplet through the DigitalOcean API v2. The HTTP calls go through digitalocean-api-java
 * ({@link io.floatd.provider.digitalocean.LibraryDoApi}), kept behind {@link io.floatd.provider.digitalocean.DoApi}
 * so that it can be replaced; the {@code /v2/reserved_ips} endpoints the library does not know are reached through
 * the Apache HttpClient it is given ({@link io.floatd.provider.digitalocean.RoutingHttpClient}), and so are the
 * {@code /v2/reserved_ipv6} endpoints of a reserved IPv6 (read with gson).
 */
package io.floatd.provider.digitalocean;
