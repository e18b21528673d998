/** VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798) advertisements: the wire codec, its checksums, and the receive-side checks with their drop reasons. */
package io.floatd.vrrp.codec;
