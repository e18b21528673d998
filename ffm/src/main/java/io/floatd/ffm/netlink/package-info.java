/**
 * rtnetlink through the FFM API: interface addresses put on, taken off and looked for by interface name
 * ({@link io.floatd.ffm.netlink.InterfaceAddresses}), and the socket underneath ({@link io.floatd.ffm.netlink.RtNetlink})
 * for dumps and requests of other objects such as routes and rules, with their bodies written by
 * {@link io.floatd.ffm.netlink.NetlinkBody} and read by {@link io.floatd.ffm.netlink.NetlinkAttributes}.
 */
package io.floatd.ffm.netlink;
