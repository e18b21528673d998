package io.floatd.vrrp.codec;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One VRRP advertisement: VRRPv2 (RFC 3768, IPv4 only) or VRRPv3 (RFC 5798, IPv4 or IPv6).
 *
 * <p>The interval is always held in centiseconds so callers use one unit; a VRRPv2 packet's interval is a whole
 * number of seconds times 100. {@link #decode} takes the VRRP message only (the bytes after the IPv4 header or the
 * IPv6 payload, cut at the IP total/payload length so link-layer padding is not included) plus the IP source and
 * destination, which the VRRPv3 checksum covers.
 */
public final class VrrpPacket {
    /** RFC 5798 §5.2.2 / RFC 3768 §5.3.2: the only defined type. */
    public static final int ADVERTISEMENT = 1;
    /** RFC 5798 §5.1.1.4 / RFC 3768 §5.2.4: IPv4 protocol and IPv6 next header. */
    public static final int IP_PROTOCOL = 112;
    /** RFC 5798 §5.1.1.3 / §5.1.2.3: TTL and hop limit a multicast advert must carry. */
    public static final int REQUIRED_TTL = 255;
    /** RFC 5798 §5.1 / RFC 3768 §5.1: the fixed part, up to and including the checksum. */
    public static final int HEADER_LENGTH = 8;
    /** RFC 3768 §5.3.10: VRRPv2 always carries 8 octets of authentication data, even with no authentication. */
    public static final int V2_AUTH_DATA_LENGTH = 8;
    /** RFC 5798 §5.2.7: Max Adver Int is 12 bits of centiseconds. */
    public static final int V3_MAX_INTERVAL_CENTIS = 0xFFF;
    /** RFC 3768 §5.3.7: Adver Int is one octet of seconds. */
    public static final int V2_MAX_INTERVAL_SECONDS = 0xFF;
    /** RFC 5798 §5.2.5 / RFC 3768 §5.3.5: one octet, and at least one address. */
    public static final int MAX_ADDRESSES = 0xFF;
    /** RFC 5798 §5.1.1.2 / RFC 3768 §5.2.2. */
    public static final Inet4Address MULTICAST_GROUP_V4 = (Inet4Address) literal(new byte[] {(byte) 224, 0, 0, 18});
    /** RFC 5798 §5.1.2.2. */
    public static final Inet6Address MULTICAST_GROUP_V6 =
            (Inet6Address) literal(new byte[] {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});

    private static final int CENTIS_PER_SECOND = 100;
    private static final int OFF_CHECKSUM = 6;
    private static final byte[] NO_AUTH_DATA = new byte[V2_AUTH_DATA_LENGTH];

    private final int version;
    private final int type;
    private final int vrid;
    private final int priority;
    private final int advertIntervalCentis;
    private final int authTypeWire;
    private final byte[] authData;
    private final List<InetAddress> addresses;

    private VrrpPacket(Builder b) {
        if (b.version != 2 && b.version != 3) {
            throw new IllegalArgumentException("version must be 2 or 3, but was " + b.version);
        }
        requireRange("type", b.type, 0, 0xF);
        requireRange("vrid", b.vrid, 0, 0xFF);
        requireRange("priority", b.priority, 0, 0xFF);
        Objects.requireNonNull(b.addresses, "addresses");
        if (b.addresses.isEmpty() || b.addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("between 1 and " + MAX_ADDRESSES + " addresses are needed, but got "
                    + b.addresses.size());
        }
        List<InetAddress> addrs = List.copyOf(b.addresses);
        boolean v6 = addrs.getFirst() instanceof Inet6Address;
        for (InetAddress a : addrs) {
            if ((a instanceof Inet6Address) != v6) {
                throw new IllegalArgumentException("addresses must all be one family: " + addrs);
            }
        }
        if (b.version == 2) {
            if (v6) {
                throw new IllegalArgumentException("VRRPv2 is IPv4 only (RFC 3768): " + addrs);
            }
            if (b.advertIntervalCentis % CENTIS_PER_SECOND != 0) {
                throw new IllegalArgumentException("a VRRPv2 interval is whole seconds, but was "
                        + b.advertIntervalCentis + " centiseconds");
            }
            requireRange("VRRPv2 advert interval (s)", b.advertIntervalCentis / CENTIS_PER_SECOND, 0,
                    V2_MAX_INTERVAL_SECONDS);
            requireRange("auth type", b.authTypeWire, 0, 0xFF);
            byte[] data = b.authData == null ? NO_AUTH_DATA : b.authData;
            if (data.length != V2_AUTH_DATA_LENGTH) {
                throw new IllegalArgumentException("VRRPv2 auth data is " + V2_AUTH_DATA_LENGTH + " bytes, but got "
                        + data.length);
            }
            this.authTypeWire = b.authTypeWire;
            this.authData = data.clone();
        } else {
            requireRange("VRRPv3 max advert interval (cs)", b.advertIntervalCentis, 0, V3_MAX_INTERVAL_CENTIS);
            if (b.authTypeWire != AuthType.NONE.wireValue()
                    || (b.authData != null && !Arrays.equals(b.authData, new byte[b.authData.length]))) {
                throw new IllegalArgumentException("VRRPv3 has no authentication (RFC 5798 §9)");
            }
            this.authTypeWire = AuthType.NONE.wireValue();
            this.authData = new byte[0];
        }
        this.version = b.version;
        this.type = b.type;
        this.vrid = b.vrid;
        this.priority = b.priority;
        this.advertIntervalCentis = b.advertIntervalCentis;
        this.addresses = addrs;
    }

    /** A VRRPv2 advertisement without authentication. */
    public static VrrpPacket v2(int vrid, int priority, int advertIntervalSeconds, List<? extends InetAddress> addresses) {
        return builder().version(2).vrid(vrid).priority(priority)
                .advertIntervalCentis(Math.multiplyExact(advertIntervalSeconds, CENTIS_PER_SECOND))
                .addresses(addresses).build();
    }

    /** A VRRPv2 advertisement with a simple text password (RFC 3768 §5.3.6), padded or cut to 8 bytes. */
    public static VrrpPacket v2WithPassword(int vrid, int priority, int advertIntervalSeconds, String password,
            List<? extends InetAddress> addresses) {
        return builder().version(2).vrid(vrid).priority(priority)
                .advertIntervalCentis(Math.multiplyExact(advertIntervalSeconds, CENTIS_PER_SECOND))
                .authType(AuthType.PASS).authData(passwordAuthData(password))
                .addresses(addresses).build();
    }

    /** A VRRPv3 advertisement; the address family decides IPv4 or IPv6. */
    public static VrrpPacket v3(int vrid, int priority, int advertIntervalCentis, List<? extends InetAddress> addresses) {
        return builder().version(3).vrid(vrid).priority(priority).advertIntervalCentis(advertIntervalCentis)
                .addresses(addresses).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The 8 authentication bytes for a simple password: its UTF-8 bytes (keepalived.conf is read as bytes), cut at 8
     * and padded with NULs, which is how keepalived fills the field.
     */
    public static byte[] passwordAuthData(String password) {
        Objects.requireNonNull(password, "password");
        return Arrays.copyOf(password.getBytes(StandardCharsets.UTF_8), V2_AUTH_DATA_LENGTH);
    }

    public int version() {
        return version;
    }

    public int type() {
        return type;
    }

    public int vrid() {
        return vrid;
    }

    public int priority() {
        return priority;
    }

    /** VRRPv3 Max Adver Int, or VRRPv2 Adver Int times 100. */
    public int advertIntervalCentis() {
        return advertIntervalCentis;
    }

    public AuthType authType() {
        return AuthType.fromWire(authTypeWire);
    }

    /** The Auth Type byte as received, so an {@link AuthType#UNKNOWN} value can still be logged. */
    public int authTypeWire() {
        return authTypeWire;
    }

    /** A copy of the 8 VRRPv2 authentication bytes; empty for VRRPv3. */
    public byte[] authData() {
        return authData.clone();
    }

    public List<InetAddress> addresses() {
        return addresses;
    }

    public boolean isIpv6() {
        return addresses.getFirst() instanceof Inet6Address;
    }

    /** Length of the VRRP message on the wire. */
    public int encodedLength() {
        return HEADER_LENGTH + addresses.size() * addressLength(isIpv6()) + authData.length;
    }

    /**
     * The VRRP message, checksum filled in. VRRPv2 sums the message alone (RFC 3768 §5.3.8); VRRPv3 sums a
     * pseudo-header of {@code source} and {@code destination} too (RFC 5798 §5.2.8), always with the real
     * destination, never the legacy multicast-group form.
     *
     * @throws IllegalArgumentException if the IP addresses are not of the packet's family
     */
    public byte[] encode(InetAddress source, InetAddress destination) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        boolean v6 = isIpv6();
        if ((source instanceof Inet6Address) != v6 || (destination instanceof Inet6Address) != v6) {
            throw new IllegalArgumentException("source " + source.getHostAddress() + " and destination "
                    + destination.getHostAddress() + " must be " + (v6 ? "IPv6" : "IPv4") + " like the addresses");
        }
        byte[] out = new byte[encodedLength()];
        out[0] = (byte) (version << 4 | type);
        out[1] = (byte) vrid;
        out[2] = (byte) priority;
        out[3] = (byte) addresses.size();
        if (version == 2) {
            out[4] = (byte) authTypeWire;
            out[5] = (byte) (advertIntervalCentis / CENTIS_PER_SECOND);
        } else {
            // RFC 5798 §5.2.6: the 4 reserved bits above the interval are sent as zero.
            out[4] = (byte) (advertIntervalCentis >>> 8);
            out[5] = (byte) advertIntervalCentis;
        }
        int pos = HEADER_LENGTH;
        for (InetAddress a : addresses) {
            byte[] raw = a.getAddress();
            System.arraycopy(raw, 0, out, pos, raw.length);
            pos += raw.length;
        }
        System.arraycopy(authData, 0, out, pos, authData.length);
        long sum = sum(out, 0, out.length);
        if (version == 3) {
            sum += pseudoHeaderSum(source, destination, out.length);
        }
        int checksum = ~fold(sum) & 0xFFFF;
        out[OFF_CHECKSUM] = (byte) (checksum >>> 8);
        out[OFF_CHECKSUM + 1] = (byte) checksum;
        return out;
    }

    /**
     * Parses and validates one VRRP message. Never throws: any input, including nulls and out-of-range slices,
     * yields a {@link DecodeResult}. Checks run in this order, each with its own reason: truncated, version, type,
     * length against Count IPvX Addr, address family, checksum.
     *
     * <p>The length must match exactly, as keepalived requires: keepalived 2.2.7 sends no trailing bytes, and it
     * drops packets that carry any, so accepting them would only hide a broken peer.
     *
     * @param source the IP source address (its family is the packet's family)
     * @param destination the IP destination address, used by the VRRPv3 pseudo-header
     */
    public static DecodeResult decode(byte[] buf, int off, int len, InetAddress source, InetAddress destination) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return new DecodeResult.Dropped(DropReason.TRUNCATED, "slice: off=" + off + " len=" + len + " of "
                    + (buf == null ? "null" : buf.length + " bytes") + " (expected: a slice inside the buffer)");
        }
        if (len < HEADER_LENGTH) {
            return DecodeResult.Dropped.of(DropReason.TRUNCATED, "length", len, "at least " + HEADER_LENGTH);
        }
        int version = (buf[off] >>> 4) & 0xF;
        if (version != 2 && version != 3) {
            return DecodeResult.Dropped.of(DropReason.BAD_VERSION, "version", version, "2 or 3");
        }
        int type = buf[off] & 0xF;
        if (type != ADVERTISEMENT) {
            return DecodeResult.Dropped.of(DropReason.BAD_TYPE, "type", type, ADVERTISEMENT + " (advertisement)");
        }
        int count = buf[off + 3] & 0xFF;
        if (count == 0) {
            return DecodeResult.Dropped.of(DropReason.BAD_LENGTH, "address count", 0, "at least 1");
        }
        // The family comes from the IP header; VRRPv2 is always laid out as IPv4 and rejected below if it is not.
        boolean v6 = version == 3 && source instanceof Inet6Address;
        int addrLen = addressLength(v6);
        int authLen = version == 2 ? V2_AUTH_DATA_LENGTH : 0;
        int expectedLen = HEADER_LENGTH + count * addrLen + authLen;
        if (len != expectedLen) {
            return DecodeResult.Dropped.of(DropReason.BAD_LENGTH, "length", len, expectedLen + " for " + count + " "
                    + (v6 ? "IPv6" : "IPv4") + " address" + (count == 1 ? "" : "es")
                    + (authLen > 0 ? " and " + authLen + " auth bytes" : ""));
        }
        DecodeResult.Dropped family = familyMismatch(version, source, destination);
        if (family != null) {
            return family;
        }

        ChecksumVariant variant = ChecksumVariant.RFC;
        long messageSum = sum(buf, off, len);
        if (version == 2) {
            if (fold(messageSum) != 0xFFFF) {
                return badChecksum(buf, off, len, 0);
            }
        } else {
            long rfcPseudo = pseudoHeaderSum(source, destination, len);
            if (fold(messageSum + rfcPseudo) != 0xFFFF) {
                InetAddress group = v6 ? MULTICAST_GROUP_V6 : MULTICAST_GROUP_V4;
                if (destination.equals(group)
                        || fold(messageSum + pseudoHeaderSum(source, group, len)) != 0xFFFF) {
                    return badChecksum(buf, off, len, rfcPseudo);
                }
                variant = ChecksumVariant.LEGACY_MULTICAST_DST;
            }
        }

        return new DecodeResult.Ok(fields(buf, off, len, version, type, count, addrLen), variant);
    }

    /** The address family checks of {@link #decode}: null when the addresses fit the packet. */
    private static DecodeResult.Dropped familyMismatch(int version, InetAddress source, InetAddress destination) {
        if (source == null || destination == null) {
            return DecodeResult.Dropped.of(DropReason.BAD_ADDRESS_FAMILY, "ip addresses",
                    "source " + source + ", destination " + destination, "both present");
        }
        if ((destination instanceof Inet6Address) != (source instanceof Inet6Address)) {
            return DecodeResult.Dropped.of(DropReason.BAD_ADDRESS_FAMILY, "destination family",
                    familyName(destination), familyName(source) + " like the source");
        }
        if (version == 2 && source instanceof Inet6Address) {
            return DecodeResult.Dropped.of(DropReason.BAD_ADDRESS_FAMILY, "ip family", "IPv6", "IPv4 for VRRPv2");
        }
        return null;
    }

    /** The fields of a message {@link #decode} has checked. */
    private static VrrpPacket fields(byte[] buf, int off, int len, int version, int type, int count, int addrLen) {
        List<InetAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(parseAddress(buf, off + HEADER_LENGTH + i * addrLen, addrLen));
        }
        Builder b = builder().version(version).type(type).vrid(buf[off + 1] & 0xFF).priority(buf[off + 2] & 0xFF)
                .addresses(addresses);
        if (version == 2) {
            b.advertIntervalCentis((buf[off + 5] & 0xFF) * CENTIS_PER_SECOND)
                    .authTypeWire(buf[off + 4] & 0xFF)
                    .authData(Arrays.copyOfRange(buf, off + len - V2_AUTH_DATA_LENGTH, off + len));
        } else {
            // RFC 5798 §5.2.6: the reserved bits are ignored on receipt.
            b.advertIntervalCentis(((buf[off + 4] & 0x0F) << 8) | (buf[off + 5] & 0xFF));
        }
        return b.build();
    }

    private static DecodeResult.Dropped badChecksum(byte[] buf, int off, int len, long pseudoSum) {
        int actual = ((buf[off + OFF_CHECKSUM] & 0xFF) << 8) | (buf[off + OFF_CHECKSUM + 1] & 0xFF);
        long withoutField = sum(buf, off, OFF_CHECKSUM) + sum(buf, off + HEADER_LENGTH, len - HEADER_LENGTH);
        int expected = ~fold(withoutField + pseudoSum) & 0xFFFF;
        return DecodeResult.Dropped.of(DropReason.BAD_CHECKSUM, "checksum", hex16(actual), hex16(expected));
    }

    private static InetAddress parseAddress(byte[] buf, int from, int addrLen) {
        byte[] raw = Arrays.copyOfRange(buf, from, from + addrLen);
        try {
            // Inet6Address.getByAddress keeps IPv4-mapped addresses IPv6, so one packet stays one family.
            return addrLen == 16 ? Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("address of " + addrLen + " bytes rejected", e);
        }
    }

    /** RFC 5798 §5.2.8 pseudo-headers: RFC 768-style for IPv4, RFC 8200 §8.1 for IPv6. */
    private static long pseudoHeaderSum(InetAddress source, InetAddress destination, int length) {
        byte[] s = source.getAddress();
        byte[] d = destination.getAddress();
        return sum(s, 0, s.length) + sum(d, 0, d.length) + (length >>> 16) + (length & 0xFFFF) + IP_PROTOCOL;
    }

    /** Big-endian 16-bit one's-complement sum, unfolded; an odd trailing byte is the high half of a word. */
    private static long sum(byte[] b, int off, int len) {
        long acc = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            acc += ((b[off + i] & 0xFF) << 8) | (b[off + i + 1] & 0xFF);
        }
        if (i < len) {
            acc += (b[off + i] & 0xFF) << 8;
        }
        return acc;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static int addressLength(boolean v6) {
        return v6 ? 16 : 4;
    }

    private static String familyName(InetAddress a) {
        return a instanceof Inet6Address ? "IPv6" : "IPv4";
    }

    static String hex16(int v) {
        return String.format("0x%04x", v);
    }

    private static void requireRange(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", but was " + value);
        }
    }

    private static InetAddress literal(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpPacket p
                && version == p.version && type == p.type && vrid == p.vrid && priority == p.priority
                && advertIntervalCentis == p.advertIntervalCentis && authTypeWire == p.authTypeWire
                && Arrays.equals(authData, p.authData) && addresses.equals(p.addresses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, type, vrid, priority, advertIntervalCentis, authTypeWire,
                Arrays.hashCode(authData), addresses);
    }

    /** Never shows the authentication bytes: with PASS they are the cleartext password. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("VRRPv").append(version);
        if (type != ADVERTISEMENT) {
            sb.append(" type=").append(type);
        }
        sb.append(" vrid=").append(vrid).append(" prio=").append(priority);
        if (version == 2) {
            sb.append(" intvl=").append(advertIntervalCentis / CENTIS_PER_SECOND).append('s')
                    .append(" auth=").append(authType() == AuthType.UNKNOWN ? "UNKNOWN(" + authTypeWire + ")" : authType());
        } else {
            sb.append(" intvl=").append(advertIntervalCentis).append("cs");
        }
        sb.append(" addrs=[");
        for (int i = 0; i < addresses.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(addresses.get(i).getHostAddress());
        }
        return sb.append(']').toString();
    }

    /** For packets the factories do not cover, e.g. test vectors with an unusual auth type. */
    public static final class Builder {
        private int version = 3;
        private int type = ADVERTISEMENT;
        private int vrid;
        private int priority = 100;
        private int advertIntervalCentis = CENTIS_PER_SECOND;
        private int authTypeWire = AuthType.NONE.wireValue();
        private byte[] authData;
        private List<? extends InetAddress> addresses = List.of();

        private Builder() {
        }

        public Builder version(int version) {
            this.version = version;
            return this;
        }

        public Builder type(int type) {
            this.type = type;
            return this;
        }

        public Builder vrid(int vrid) {
            this.vrid = vrid;
            return this;
        }

        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder advertIntervalCentis(int centis) {
            this.advertIntervalCentis = centis;
            return this;
        }

        public Builder authType(AuthType authType) {
            if (authType == AuthType.UNKNOWN) {
                throw new IllegalArgumentException("UNKNOWN has no wire value; use authTypeWire(int)");
            }
            this.authTypeWire = authType.wireValue();
            return this;
        }

        public Builder authTypeWire(int wireValue) {
            this.authTypeWire = wireValue;
            return this;
        }

        /** Copied on {@link #build()}. */
        public Builder authData(byte[] authData) {
            this.authData = authData;
            return this;
        }

        public Builder addresses(List<? extends InetAddress> addresses) {
            this.addresses = addresses;
            return this;
        }

        public VrrpPacket build() {
            return new VrrpPacket(this);
        }
    }
}
