/**
 * {@code provider hetzner}: a Hetzner Cloud floating IP (IPv4 or IPv6) routed to this server through the Hetzner
 * Cloud API and put on its interface, in one {@code floating_ip} block.
 */
package io.floatd.provider.hetzner;
