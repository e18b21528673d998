/**
 * The {@code linux-l2} provider: VIPs on a Linux node and their gratuitous ARP / unsolicited NA through floatd-ffm
 * ({@code InterfaceAddresses}, {@code Announcements}), and virtual routes and rules as rtnetlink messages over the same
 * socket.
 */
package io.floatd.provider.linuxl2;
