package io.floatd.vrrp.config;

/**
 * keepalived's {@code auth_type} (VRRPv2 only): {@code PASS}, the password in clear in every advert, or {@code AH},
 * an IPsec Authentication Header with an HMAC-MD5-96 keyed from {@code auth_pass} and a sequence number (RFC 2338
 * §5.3.6; RFC 3768 dropped both, keepalived kept them).
 */
public enum AuthType {
    PASS,
    AH
}
