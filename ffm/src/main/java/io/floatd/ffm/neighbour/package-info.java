/**
 * Neighbour announcements through the FFM API: gratuitous ARP (IPv4) and unsolicited Neighbour Advertisements (IPv6)
 * that tell a link an address moved ({@link io.floatd.ffm.neighbour.Announcements}).
 */
package io.floatd.ffm.neighbour;
