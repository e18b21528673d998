package io.floatd.vrrp.codec;

/**
 * The VRRPv2 Auth Type field (RFC 3768 §5.3.6). VRRPv3 has no authentication; its packets report {@link #NONE}.
 * Also keepalived's {@code auth_type} in the configuration, which names {@link #PASS} (the password in clear in every
 * advert) or {@link #AH} (an IPsec Authentication Header with an HMAC-MD5-96 keyed from {@code auth_pass} and a
 * sequence number; RFC 2338 §5.3.6, which RFC 3768 dropped and keepalived kept): one enum for the wire and the file.
 */
public enum AuthType {
    NONE(0),
    /** Simple text password, kept by RFC 3768 for compatibility with RFC 2338 §5.3.6.1. */
    PASS(1),
    /** IP Authentication Header (RFC 2338 §5.3.6.2; RFC 3768 reserves the value): keepalived's auth_type AH. */
    AH(2),
    /** Any other wire value; {@link VrrpPacket#authTypeWire()} keeps the actual byte for logs. */
    UNKNOWN(-1);

    private final int wireValue;

    AuthType(int wireValue) {
        this.wireValue = wireValue;
    }

    /** The byte on the wire, or -1 for {@link #UNKNOWN}. */
    public int wireValue() {
        return wireValue;
    }

    public static AuthType fromWire(int value) {
        return switch (value) {
            case 0 -> NONE;
            case 1 -> PASS;
            case 2 -> AH;
            default -> UNKNOWN;
        };
    }
}
