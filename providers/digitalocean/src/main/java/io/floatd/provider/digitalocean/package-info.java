/**
 * The {@code digitalocean} provider: a DigitalOcean reserved IP (formerly "floating IP") assigned to the Master's
 * droplet through the DigitalOcean API v2. The HTTP calls go through a small typed client
 * ({@link io.floatd.provider.digitalocean.HttpDoApi}: Apache HttpClient and gson) behind
 * {@link io.floatd.provider.digitalocean.DoApi}; README.md says why not digitalocean-api-java.
 */
package io.floatd.provider.digitalocean;
