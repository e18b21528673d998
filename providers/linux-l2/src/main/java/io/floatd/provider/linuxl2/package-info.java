/** The {@code linux-l2} provider: VIPs on a Linux interface via rtnetlink, announced with gratuitous ARP / unsolicited NA. */
package io.floatd.provider.linuxl2;
