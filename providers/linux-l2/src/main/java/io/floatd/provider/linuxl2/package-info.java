/**
 * The {@code linux-l2} provider: VIPs, virtual routes and rules on a Linux node via rtnetlink, the VIPs announced with
 * gratuitous ARP / unsolicited NA.
 */
package io.floatd.provider.linuxl2;
