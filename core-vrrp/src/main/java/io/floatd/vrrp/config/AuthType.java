package io.floatd.vrrp.config;

/**
 * keepalived's {@code auth_type}. Only {@code PASS}: {@code AH} (IPsec authentication header) was dropped from
 * VRRP by RFC 3768 and floatd does not implement it.
 */
public enum AuthType {
    PASS
}
