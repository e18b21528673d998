package io.floatd.provider.aws;

import io.floatd.vrrp.config.TypedProviderSettings;
import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.SettingsTable;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code floating_ip { provider aws ... }} block, parsed and checked.
 *
 * <pre>
 * address           203.0.113.10 | eipalloc-0abc...   (eip: the Elastic IP; secondary_ip: the private IP to move,
 *                                                      IPv4 or IPv6; route_table: the overlay IP, /32 or /128)
 * allocation_id     eipalloc-0abc...                   (eip: same as an allocation id in address)
 * mode              eip | secondary_ip | route_table   (default eip)
 * route_table       rtb-0a1... rtb-0b2...              (route_table: the tables whose route to address moves)
 * instance_id       i-0abc...                          (default: from the instance metadata service)
 * network_interface eni-0abc...                        (eip: associate with this ENI; secondary_ip: our ENI)
 * private_ip        10.0.1.5                           (eip: which private IP of ours the EIP maps to)
 * region            eu-west-1                          (default: metadata service, then the SDK's chain)
 * peer_instance_id  i-0abc... | 10.0.0.12=i-0abc... ...  (default: looked up by the unicast_peer's private IP)
 * </pre>
 *
 * @param mode how the IP moves
 * @param publicIp eip: the Elastic IP, when given as an address (null when only the allocation id was given);
 *        secondary_ip: null
 * @param allocationId eip: the allocation id when given, else null (looked up from the public IP)
 * @param privateAddress secondary_ip: the private IP that moves between ENIs (an IPv6 one in RFC 5952 form);
 *        route_table: the overlay IP whose /32 (IPv6: /128) route moves; eip: null
 * @param instanceId this instance, or null to ask the metadata service
 * @param networkInterface the ENI to use, or null
 * @param privateIp eip: the private IP of ours to map the EIP to, or null for the primary one
 * @param region the region, or null to discover it
 * @param peerInstanceIds {@code peer_instance_id}: the instances of the {@code unicast_peer}s it names (the others are
 *        looked up by their private IPs)
 * @param routeTables route_table: the route tables that carry the overlay IP's route, in the order given; else empty
 */
public record AwsSettings(
        Mode mode,
        String publicIp,
        String allocationId,
        String privateAddress,
        String instanceId,
        String networkInterface,
        String privateIp,
        String region,
        Map<InetAddress, String> peerInstanceIds,
        List<String> routeTables) implements TypedProviderSettings {

    public enum Mode {
        EIP("eip"), SECONDARY_IP("secondary_ip"), ROUTE_TABLE("route_table");

        private final String keyword;

        Mode(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern ALLOCATION = Pattern.compile("eipalloc-[0-9a-f]{8,17}");
    private static final Pattern INSTANCE = Pattern.compile("i-[0-9a-f]{8,17}");
    private static final Pattern ENI = Pattern.compile("eni-[0-9a-f]{8,17}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2,}(-[a-z0-9]+)+");
    private static final Pattern ROUTE_TABLE = Pattern.compile("rtb-[0-9a-f]{8,17}");

    /** The provider's {@code floating_ip} keyword table: each keyword read into a {@link Draft}. */
    static final SettingsTable<Draft> TABLE = SettingsTable.<Draft>of(AwsProviderFactory.NAME)
            .key("mode", (d, v) -> d.mode = mode(v))
            .key("address", (d, v) -> d.address = v)
            .key("allocation_id", (d, v) -> d.allocationId = d.table().matching("allocation_id", v, ALLOCATION,
                    "an allocation id eipalloc-..."))
            .key("instance_id", (d, v) -> d.instanceId = d.table().matching("instance_id", v, INSTANCE,
                    "an instance id i-..."))
            .key("network_interface", (d, v) -> d.eni = d.table().matching("network_interface", v, ENI,
                    "a network interface id eni-..."))
            .key("private_ip", (d, v) -> d.privateIp = d.table().matching("private_ip", v, IPV4, "an IPv4 address"))
            .key("region", (d, v) -> d.region = d.table().matching("region", v, REGION,
                    "a region name such as eu-west-1"))
            .peerIdsKey("peer_instance_id", INSTANCE, "an instance id i-...", id -> id, (d, ids) -> d.peerIds = ids)
            .listKey("route_table", (d, v) -> d.tables = v)
            .build();
    static final Set<String> KEYS = TABLE.keywords();
    /** The keys whose value may be several words, kept joined by single spaces. */
    static final Set<String> LIST_KEYS = TABLE.listKeys();

    /** What the block's lines say, before the rules between them ({@link #finish}). */
    static final class Draft {
        final List<VirtualAddress> virtualAddresses;
        Mode mode = Mode.EIP;
        String address;
        String allocationId;
        String instanceId;
        String eni;
        String privateIp;
        String region;
        Map<InetAddress, String> peerIds = Map.of();
        String tables;

        Draft(List<VirtualAddress> virtualAddresses) {
            this.virtualAddresses = virtualAddresses;
        }

        SettingsTable<Draft> table() {
            return TABLE;
        }
    }

    public AwsSettings {
        peerInstanceIds = Map.copyOf(peerInstanceIds);
        routeTables = List.copyOf(routeTables);
    }

    /** The settings of mode eip or secondary_ip (no route tables). */
    public AwsSettings(Mode mode, String publicIp, String allocationId, String privateAddress, String instanceId,
            String networkInterface, String privateIp, String region, Map<InetAddress, String> peerInstanceIds) {
        this(mode, publicIp, allocationId, privateAddress, instanceId, networkInterface, privateIp, region,
                peerInstanceIds, List.of());
    }

    /** Reads the instance's block, {@code peer_instance_id} checked against its {@code unicast_peer}s. */
    /** What the parse's check typed of the block ({@link ProviderContext#typed()}), else the block parsed now. */
    static AwsSettings typedOrParsed(ProviderContext context) throws ProviderException {
        java.util.Optional<AwsSettings> typed = context.typed(AwsSettings.class);
        return typed.isPresent() ? typed.get() : parse(context);
    }

    public static AwsSettings parse(ProviderContext context) throws ProviderException {
        return parse(context.settings(), context.virtualAddresses(), context.peers(), context.instanceName());
    }

    /** Reads a block without {@code unicast_peer}s to check {@code peer_instance_id} against. */
    public static AwsSettings parse(Map<String, String> settings, List<VirtualAddress> virtualAddresses)
            throws ProviderException {
        return parse(settings, virtualAddresses, List.of(), "the instance");
    }

    /**
     * Reads the block. In {@code secondary_ip} mode without {@code address}, the instance's single IPv4
     * {@code virtual_ipaddress} is the address that moves.
     *
     * @throws ProviderException (fatal) naming the key, for an unknown key, a bad value or a missing address
     */
    public static AwsSettings parse(Map<String, String> settings, List<VirtualAddress> virtualAddresses,
            List<InetAddress> peers, String instanceName) throws ProviderException {
        return finish(TABLE.read(settings, new Draft(virtualAddresses), peers, instanceName));
    }

    private static Mode mode(String value) throws ProviderException {
        return switch (value) {
            case "eip" -> Mode.EIP;
            case "secondary_ip" -> Mode.SECONDARY_IP;
            case "route_table" -> Mode.ROUTE_TABLE;
            default -> throw bad("mode must be eip, secondary_ip or route_table, but was '" + value + "'");
        };
    }

    /** The rules between the block's keywords, by mode. */
    private static AwsSettings finish(Draft d) throws ProviderException {
        if (d.tables != null && d.mode != Mode.ROUTE_TABLE) {
            throw bad("route_table applies to mode route_table only (mode is " + d.mode.keyword() + ")");
        }
        return switch (d.mode) {
            case ROUTE_TABLE -> routeTable(d);
            case EIP -> eip(d);
            case SECONDARY_IP -> secondaryIp(d);
        };
    }

    /** mode eip: {@code address} is the Elastic IP or its allocation id, or {@code allocation_id} names it. */
    private static AwsSettings eip(Draft d) throws ProviderException {
        String publicIp = null;
        String allocationId = d.allocationId;
        if (d.address != null) {
            if (ALLOCATION.matcher(d.address).matches()) {
                if (allocationId != null && !allocationId.equals(d.address)) {
                    throw bad("address '" + d.address + "' and allocation_id '" + allocationId + "' disagree: set one");
                }
                allocationId = d.address;
            } else if (IPV4.matcher(d.address).matches()) {
                publicIp = d.address;
            } else {
                throw bad("address must be an Elastic IP (IPv4) or an allocation id eipalloc-..., but was '"
                        + d.address + "'");
            }
        }
        if (publicIp == null && allocationId == null) {
            throw bad("address is required in mode eip (the Elastic IP or its allocation id eipalloc-...)");
        }
        return new AwsSettings(Mode.EIP, publicIp, allocationId, null, d.instanceId, d.eni, d.privateIp, d.region,
                d.peerIds);
    }

    /**
     * mode secondary_ip: {@code address} is the private IP that moves (IPv4 or a global IPv6); without it, the
     * instance's single IPv4 {@code virtual_ipaddress}, else its single IPv6 one.
     */
    private static AwsSettings secondaryIp(Draft d) throws ProviderException {
        if (d.allocationId != null) {
            throw bad("allocation_id applies to mode eip only; in mode secondary_ip, address is the private IP to move");
        }
        if (d.privateIp != null) {
            throw bad("private_ip applies to mode eip only; in mode secondary_ip, address is the private IP to move");
        }
        String moving = d.address;
        if (moving == null) {
            moving = defaultSecondaryIp(d.virtualAddresses);
        } else if (Ipv6Text.looksLikeIpv6(moving)) {
            String given = moving;
            moving = Ipv6Text.canonical(given).orElseThrow(() -> bad("address must be an IPv4 or IPv6 address in "
                    + "mode secondary_ip, but was '" + given + "'"));
            if (Ipv6Text.isLinkLocal(moving)) {
                throw bad("address " + given + " is link-local: EC2 assigns only global IPv6 addresses (from the "
                        + "subnet's IPv6 CIDR block)");
            }
        } else if (!IPV4.matcher(moving).matches()) {
            throw bad("address must be a private IPv4 address in mode secondary_ip, but was '" + moving + "'");
        }
        return new AwsSettings(Mode.SECONDARY_IP, null, null, moving, d.instanceId, d.eni, null, d.region, d.peerIds);
    }

    /** The single IPv4 virtual_ipaddress, else the single IPv6 one (link-local ones aside: EC2 never assigns those). */
    private static String defaultSecondaryIp(List<VirtualAddress> virtualAddresses) throws ProviderException {
        List<VirtualAddress> v4 = virtualAddresses.stream().filter(VirtualAddress::isIpv4).toList();
        List<String> v6 = v4.isEmpty() ? virtualAddresses.stream().map(v -> v.address().getHostAddress())
                .filter(a -> !Ipv6Text.isLinkLocal(a)).flatMap(a -> Ipv6Text.canonical(a).stream()).toList()
                : List.of();
        if (v4.size() != 1 && v6.size() != 1) {
            throw bad("address is required in mode secondary_ip (the private IP that moves between instances)");
        }
        return v4.size() == 1 ? v4.getFirst().address().getHostAddress() : v6.getFirst();
    }

    /**
     * mode route_table: {@code address} is the overlay IP (a host address, {@code /32} or {@code /128} allowed and
     * implied; default: the instance's single {@code virtual_ipaddress}); {@code route_table} is one or more route
     * table ids separated by spaces, each once.
     */
    private static AwsSettings routeTable(Draft d) throws ProviderException {
        String address = d.address;
        String tables = d.tables;
        List<VirtualAddress> virtualAddresses = d.virtualAddresses;
        if (d.allocationId != null) {
            throw bad("allocation_id applies to mode eip only; in mode route_table, address is the overlay IP");
        }
        if (d.privateIp != null) {
            throw bad("private_ip applies to mode eip only; in mode route_table, address is the overlay IP");
        }
        if (tables == null) {
            throw bad("route_table is required in mode route_table (one or more route table ids rtb-..., separated "
                    + "by spaces)");
        }
        List<String> ids = List.of(tables.split("\\s+"));
        Set<String> seen = new java.util.HashSet<>();
        for (String id : ids) {
            if (!ROUTE_TABLE.matcher(id).matches()) {
                throw bad("route_table must be route table ids rtb-... separated by spaces, but '" + id + "' is not one");
            }
            if (!seen.add(id)) {
                throw bad("route_table names " + id + " twice");
            }
        }
        String overlay;
        if (address == null) {
            if (virtualAddresses.size() != 1) {
                throw bad("address is required in mode route_table (the overlay IP whose route moves)");
            }
            overlay = virtualAddresses.getFirst().address().getHostAddress();
            if (Ipv6Text.looksLikeIpv6(overlay)) {
                overlay = Ipv6Text.canonical(overlay).orElse(overlay);
            }
        } else {
            overlay = overlayAddress(address);
        }
        return new AwsSettings(Mode.ROUTE_TABLE, null, null, overlay, d.instanceId, d.eni, null, d.region, d.peerIds, ids);
    }

    /** The overlay IP of {@code address}: a host address, with its own prefix length (/32, /128) allowed. */
    private static String overlayAddress(String address) throws ProviderException {
        String host = address;
        String prefix = null;
        int slash = address.indexOf('/');
        if (slash >= 0) {
            host = address.substring(0, slash);
            prefix = address.substring(slash + 1);
        }
        if (Ipv6Text.looksLikeIpv6(host)) {
            String v6 = Ipv6Text.canonical(host).orElseThrow(() -> bad("address must be an IPv4 or IPv6 address in "
                    + "mode route_table, but was '" + address + "'"));
            if (prefix != null && !prefix.equals("128")) {
                throw bad("address " + address + ": the overlay IP is one host, a /128 route (a prefix is not moved)");
            }
            return v6;
        }
        if (!IPV4.matcher(host).matches()) {
            throw bad("address must be an IPv4 or IPv6 address in mode route_table, but was '" + address + "'");
        }
        if (prefix != null && !prefix.equals("32")) {
            throw bad("address " + address + ": the overlay IP is one host, a /32 route (a prefix is not moved)");
        }
        return host;
    }

    /** route_table: the route's destination, the overlay IP as a /32 (IPv6: /128). */
    public String destinationCidr() {
        return privateAddress + (Ipv6Text.looksLikeIpv6(privateAddress) ? "/128" : "/32");
    }

    /** secondary_ip: whether the address that moves is an IPv6 one (moved by unassign, then assign). */
    public boolean ipv6() {
        return mode == Mode.SECONDARY_IP && Ipv6Text.looksLikeIpv6(privateAddress);
    }

    /** How the configured EIP is named in messages: its public IP or its allocation id. */
    String eipName() {
        return publicIp != null ? publicIp : allocationId;
    }

    private static ProviderException bad(String what) {
        return TABLE.bad(what);
    }
}
