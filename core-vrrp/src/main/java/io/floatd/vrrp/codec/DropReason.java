package io.floatd.vrrp.codec;

/** Why a received VRRP packet was discarded: one constant per receive check, named for metrics. */
public enum DropReason {
    /** Shorter than the fixed 8-byte header, or no usable buffer. */
    TRUNCATED("truncated"),
    /** Version is neither 2 nor 3 (RFC 5798 §7.1, RFC 3768 §7.1). */
    BAD_VERSION("bad_version"),
    /** Type is not ADVERTISEMENT (RFC 5798 §5.2.2). */
    BAD_TYPE("bad_type"),
    /** Length disagrees with Count IPvX Addr (RFC 5798 §7.1: MUST verify the packet is complete). */
    BAD_LENGTH("bad_length"),
    /** Addresses or IP header of the wrong family, e.g. VRRPv2 over IPv6: RFC 3768 defines VRRPv2 for IPv4 only. */
    BAD_ADDRESS_FAMILY("bad_address_family"),
    /** Checksum verifies under neither the RFC nor the legacy pseudo-header (RFC 5798 §5.2.8, RFC 3768 §5.3.8). */
    BAD_CHECKSUM("bad_checksum"),
    /** TTL / hop limit outside the peer's configured range (RFC 5798 §7.1 wants 255). */
    BAD_TTL("bad_ttl"),
    /** Source address is not a configured unicast peer. */
    NOT_A_PEER("not_a_peer"),
    /** No local instance has this VRID (RFC 5798 §7.1: MUST verify the VRID is configured). */
    UNKNOWN_VRID("unknown_vrid"),
    /** We own the addresses (priority 255), so nobody else's advert for this VRID counts (RFC 5798 §7.1). */
    LOCAL_ADDRESS_OWNER("local_address_owner"),
    /** Valid VRRP, but not the version this instance runs. */
    VERSION_MISMATCH("version_mismatch"),
    /** Auth Type differs from the configured one (RFC 3768 §7.1). */
    AUTH_TYPE_MISMATCH("auth_type_mismatch"),
    /** Simple password differs from the configured one (RFC 2338 §7.1; keepalived still checks it). */
    AUTH_FAILED("auth_failed"),
    /** VRRPv2 Adver Int differs from ours (RFC 3768 §7.1). */
    INTERVAL_MISMATCH("interval_mismatch"),
    /** A configured virtual address is missing from the advert (RFC 5798 §7.1, a MAY check; see ADDRESS_COUNT_MISMATCH). */
    ADDRESS_LIST_MISMATCH("address_list_mismatch"),
    /**
     * Count IPvX Addr differs from the number of configured virtual addresses (RFC 5798 §7.1, the MAY check, as
     * keepalived makes it: multicast instances; a Backup with {@code skip_check_adv_addr} skips its known Master).
     */
    ADDRESS_COUNT_MISMATCH("address_count_mismatch"),
    /** Multicast received by a unicast instance, or unicast by a multicast one. */
    UNEXPECTED_DESTINATION("unexpected_destination"),
    /** UDP transport with auth_key_file: the HMAC-SHA256 does not verify (forged, tampered, or another key). */
    AUTH_HMAC_FAILED("auth_hmac_failed"),
    /** UDP transport with auth_key_file: a valid MAC, but the counter is not above the highest seen from that peer. */
    REPLAYED("replayed"),
    /** UDP transport with auth_key_file: the datagram carries no counter and MAC. */
    UNSIGNED("unsigned"),
    /** A configured peer speaks VRRP over the other transport (protocol 112 vs UDP) than this instance. */
    TRANSPORT_MISMATCH("transport_mismatch"),
    /** auth_type AH: the HMAC-MD5-96 ICV does not verify (another auth_pass, or a changed field; RFC 2402 §3.4.4). */
    AH_AUTH_FAILED("ah_auth_failed"),
    /** auth_type AH: a valid ICV, but the sequence number is not above the instance's counter (RFC 2402 §3.4.3). */
    AH_REPLAYED("ah_replayed"),
    /** auth_type AH: the SPI is not the sender's address, which keepalived puts there. */
    AH_SPI_MISMATCH("ah_spi_mismatch"),
    /** auth_type AH: the AH header protects something else than VRRP (Next Header is not 112). */
    AH_MALFORMED("ah_malformed");

    private final String metricName;

    DropReason(String metricName) {
        this.metricName = metricName;
    }

    /** Lower-case, underscore-separated, stable: safe as a metric label value. */
    public String metricName() {
        return metricName;
    }
}
