package io.floatd.vrrp.codec;

/** Which pseudo-header destination made a VRRPv3 checksum verify. */
public enum ChecksumVariant {
    /**
     * The packet's real destination (RFC 5798 §5.2.8). Also reported for VRRPv2, whose checksum has no pseudo-header.
     */
    RFC,
    /**
     * The VRRP multicast group (224.0.0.18 or ff02::12) instead of the unicast destination: what keepalived before
     * 1.3.7 computed for unicast VRRPv3, and still does with {@code old_unicast_checksum}.
     */
    LEGACY_MULTICAST_DST
}
