/**
 * rtnetlink through the FFM API: interface addresses put on, taken off and looked for by interface name
 * ({@link io.floatd.ffm.netlink.InterfaceAddresses}), and the socket underneath ({@link io.floatd.ffm.netlink.RtNetlink})
 * for dumps and requests of other objects such as routes and rules.
 */
package io.floatd.ffm.netlink;
