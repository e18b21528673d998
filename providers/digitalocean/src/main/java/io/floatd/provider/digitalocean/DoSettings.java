package io.floatd.provider.digitalocean;

import io.floatd.vrrp.config.TypedProviderSettings;
import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.SettingsTable;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code floating_ip { provider digitalocean ... }} block, parsed and checked.
 *
 * <pre>
 * address       203.0.113.50           the reserved IP (default: the instance's single IPv4 virtual_ipaddress)
 *               2a03:b0c0:2:f0::50     or a reserved IPv6 (default, without IPv4 ones: the single global IPv6
 *                                      virtual_ipaddress), moved through /v2/reserved_ipv6
 * droplet_id    123456789              this droplet (default: the metadata service, /metadata/v1/id)
 * token_file    /etc/floatd/do-token   the API token, mode 0600 (default: env DIGITALOCEAN_TOKEN)
 * api_url       https://api.digitalocean.com   (default: env DIGITALOCEAN_API_URL, then this)
 * metadata_url  http://169.254.169.254         (default: env DIGITALOCEAN_METADATA_URL, then this)
 * api_paths     reserved_ips | floating_ips    (default reserved_ips; IPv4 only)
 * peer_droplet_id  123 | 10.110.0.3=123 ...  (default: looked up by the unicast_peer's private or public IPv4)
 * </pre>
 *
 * @param address the reserved IP (an IPv6 one in RFC 5952 form)
 * @param dropletId this droplet, or null to ask the metadata service
 * @param tokenFile the token file, or null for the environment
 * @param apiUrl the API base URL, or null for the environment or the default
 * @param metadataUrl the metadata service base URL, or null for the environment or the default
 * @param paths which endpoint family the API calls use ({@link Paths#RESERVED_IPV6} for an IPv6 address)
 * @param peerDropletIds {@code peer_droplet_id}: the droplets of the {@code unicast_peer}s it names (the others are
 *        looked up by their addresses)
 */
public record DoSettings(String address, Long dropletId, Path tokenFile, URI apiUrl, URI metadataUrl, Paths paths,
                         Map<InetAddress, Long> peerDropletIds) implements TypedProviderSettings {

    /** The two names DigitalOcean has given the same endpoints. */
    public enum Paths {
        /** {@code /v2/reserved_ips}: the current name, documented by DigitalOcean. */
        RESERVED_IPS("reserved_ips"),
        /** {@code /v2/floating_ips}: the old name, still answered. */
        FLOATING_IPS("floating_ips"),
        /**
         * {@code /v2/reserved_ipv6}: reserved IPv6 addresses (issue 16), chosen by the address, never by
         * {@code api_paths}. DigitalOcean's OpenAPI specification, {@code specification/resources/reserved_ipv6/} of
         * github.com/digitalocean/openapi: {@code reservedIPv6_get}, {@code reservedIPv6Actions_post}; the action is
         * then read through {@code get_action}, {@code GET /v2/actions/{action_id}} (there is no per-address action
         * read for IPv6).
         */
        RESERVED_IPV6("reserved_ipv6");

        private final String keyword;

        Paths(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern DROPLET_ID = Pattern.compile("[1-9]\\d{0,18}");

    /** The provider's {@code floating_ip} keyword table: each keyword read into a {@link Draft}. */
    static final SettingsTable<Draft> TABLE = SettingsTable.<Draft>of(DigitalOceanProviderFactory.NAME)
            .key("address", (d, v) -> d.address = address(v))
            .key("droplet_id", (d, v) -> d.dropletId = Long.parseLong(d.table().matching("droplet_id", v, DROPLET_ID,
                    "a droplet's numeric id")))
            .key("token_file", (d, v) -> d.tokenFile = d.table().absolutePath("token_file", v))
            .key("api_url", (d, v) -> d.apiUrl = checkUrl(v, "floating_ip api_url"))
            .key("metadata_url", (d, v) -> d.metadataUrl = checkUrl(v, "floating_ip metadata_url"))
            .key("api_paths", (d, v) -> d.apiPaths = v)
            .peerIdsKey("peer_droplet_id", DROPLET_ID, "a droplet's numeric id", Long::parseLong,
                    (d, ids) -> d.peerIds = ids)
            .build();
    static final Set<String> KEYS = TABLE.keywords();
    /** The keys whose value may be several words, kept joined by single spaces. */
    static final Set<String> LIST_KEYS = TABLE.listKeys();

    /** What the block's lines say, before the rules between them. */
    static final class Draft {
        String address;
        Long dropletId;
        Path tokenFile;
        URI apiUrl;
        URI metadataUrl;
        String apiPaths;
        Map<InetAddress, Long> peerIds = Map.of();

        SettingsTable<Draft> table() {
            return TABLE;
        }
    }

    public DoSettings {
        peerDropletIds = Map.copyOf(peerDropletIds);
    }

    /** Reads the instance's block, {@code peer_droplet_id} checked against its {@code unicast_peer}s. */
    /** What the parse's check typed of the block ({@link ProviderContext#typed()}), else the block parsed now. */
    static DoSettings typedOrParsed(ProviderContext context) throws ProviderException {
        java.util.Optional<DoSettings> typed = context.typed(DoSettings.class);
        return typed.isPresent() ? typed.get() : parse(context);
    }

    public static DoSettings parse(ProviderContext context) throws ProviderException {
        return parse(context.settings(), context.virtualAddresses(), context.peers(), context.instanceName());
    }

    /** Reads a block without {@code unicast_peer}s to check {@code peer_droplet_id} against. */
    public static DoSettings parse(Map<String, String> settings, List<VirtualAddress> virtualAddresses)
            throws ProviderException {
        return parse(settings, virtualAddresses, List.of(), "the instance");
    }

    public static DoSettings parse(Map<String, String> settings, List<VirtualAddress> virtualAddresses,
            List<InetAddress> peers, String instanceName) throws ProviderException {
        Draft d = TABLE.read(settings, new Draft(), peers, instanceName);
        String address = d.address != null ? d.address : defaultAddress(virtualAddresses);
        return new DoSettings(address, d.dropletId, d.tokenFile, d.apiUrl, d.metadataUrl, paths(address, d.apiPaths),
                d.peerIds);
    }

    /** A reserved IPv4, or a global unicast IPv6 in RFC 5952 form. */
    private static String address(String value) throws ProviderException {
        if (Ipv6Text.looksLikeIpv6(value)) {
            java.net.Inet6Address a = Ipv6Text.parse(value).orElseThrow(() -> bad("address must be a reserved IPv4 "
                    + "or IPv6 address, but was '" + value + "'"));
            if (!Ipv6Text.isGlobalUnicast(a)) {
                throw bad("address " + value + " is not a global unicast IPv6 address: a reserved IPv6 is a public "
                        + "address of the droplets' region");
            }
            return Ipv6Text.format(a);
        }
        if (!IPV4.matcher(value).matches()) {
            throw bad("address must be a reserved IPv4 or IPv6 address, but was '" + value + "'");
        }
        return value;
    }

    /** The endpoint family: reserved_ipv6 for an IPv6 address (api_paths refused), else api_paths' choice. */
    private static Paths paths(String address, String apiPaths) throws ProviderException {
        boolean ipv6 = Ipv6Text.looksLikeIpv6(address);
        if (apiPaths != null && ipv6) {
            throw bad("api_paths names the two paths of reserved IPv4 addresses; reserved IPv6 " + address
                    + " is always at /v2/reserved_ipv6: remove api_paths");
        }
        if (ipv6) {
            return Paths.RESERVED_IPV6;
        }
        if (apiPaths == null) {
            return Paths.RESERVED_IPS;
        }
        return switch (apiPaths) {
            case "reserved_ips" -> Paths.RESERVED_IPS;
            case "floating_ips" -> Paths.FLOATING_IPS;
            default -> throw bad("api_paths must be reserved_ips or floating_ips, but was '" + apiPaths + "'");
        };
    }

    /** Whether the address is a reserved IPv6 (moved through {@code /v2/reserved_ipv6}). */
    public boolean ipv6() {
        return paths == Paths.RESERVED_IPV6;
    }

    /** The single IPv4 virtual_ipaddress, else (none of IPv4) the single global IPv6 one. */
    private static String defaultAddress(List<VirtualAddress> virtualAddresses) throws ProviderException {
        List<VirtualAddress> v4 = virtualAddresses.stream().filter(VirtualAddress::isIpv4).toList();
        if (v4.size() == 1) {
            return v4.getFirst().address().getHostAddress();
        }
        List<String> v6 = virtualAddresses.stream().filter(v -> !v.isIpv4())
                .flatMap(v -> v.address() instanceof java.net.Inet6Address a && Ipv6Text.isGlobalUnicast(a)
                        ? java.util.stream.Stream.of(Ipv6Text.format(a)) : java.util.stream.Stream.empty())
                .toList();
        if (v4.isEmpty() && v6.size() == 1) {
            return v6.getFirst();
        }
        throw bad("address is required (the reserved IP, e.g. address 203.0.113.50, or a reserved IPv6)");
    }

    /** Checks an {@code http}/{@code https} base URL (from the config or the environment). */
    static URI checkUrl(String value, String where) throws ProviderException {
        return io.floatd.vrrp.provider.BaseUrl.check(DigitalOceanProviderFactory.NAME, value, where);
    }

    private static ProviderException bad(String what) {
        return TABLE.bad(what);
    }
}
