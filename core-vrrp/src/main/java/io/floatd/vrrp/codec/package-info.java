/** VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798) advertisements: the wire codec, its checksums, the IPsec-AH wrapping keepalived uses for VRRPv2 (RFC 2402, RFC 2403), and the receive-side checks with their drop reasons. */
package io.floatd.vrrp.codec;
