package io.floatd.provider.hetzner;

import io.floatd.vrrp.config.TypedProviderSettings;
import io.floatd.vrrp.provider.BaseUrl;
import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.SettingsTable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code floating_ip { provider hetzner ... }} block, parsed and checked (the shared takeover keys, such as
 * {@code release}, {@code attempt_timeout} and {@code recheck_interval}, are core's and never reach it).
 *
 * <pre>
 * address         203.0.113.77         the floating IPv4, or an address of a floating IPv6's /64 (2001:db8:1::1), or
 *                 2001:db8:1::/64      the /64 itself (then its ::1 goes on the interface)
 * floating_ip_id  12345                or the floating IP's id (one of the two is required; both: they must agree)
 * server_id       4711                 this server (default: the metadata service, /hetzner/v1/metadata/instance-id)
 * token_file      /etc/floatd/hcloud-token   the API token, mode 0600 (default: env HCLOUD_TOKEN)
 * api_url         https://api.hetzner.cloud/v1   (default: env HCLOUD_ENDPOINT, then this)
 * metadata_url    http://169.254.169.254         (default: env HCLOUD_METADATA_URL, then this)
 * interface       eth0 | none          where the address goes on MASTER (default: the instance's interface); none:
 *                                      the address is configured on every server already (Hetzner's own recipe)
 * unassign        yes | no             leaving MASTER also unassigns the floating IP (default no: it stays routed
 *                                      here until the next Master takes it; the interface address goes either way)
 * peer_server_id  4712 | 10.0.0.3=4712 ...   (default: looked up by the unicast_peer's private network or public IPv4)
 * </pre>
 *
 * @param address the address as written (IPv4, an IPv6 address or an IPv6 /64 in RFC 5952 form), or null
 * @param floatingIpId the floating IP's id as written, or null
 * @param serverId this server, or null to ask the metadata service
 * @param tokenFile the token file, or null for the environment
 * @param apiUrl the API base URL including {@code /v1}, or null for the environment or the default
 * @param metadataUrl the metadata service base URL, or null for the environment or the default
 * @param interfaceName the interface the address goes on, or null for none
 * @param unassign whether leaving MASTER unassigns the floating IP
 * @param peerServerIds {@code peer_server_id}: the servers of the {@code unicast_peer}s it names
 */
public record HetznerSettings(String address, Long floatingIpId, Long serverId, Path tokenFile, URI apiUrl,
                              URI metadataUrl, String interfaceName, boolean unassign,
                              Map<InetAddress, Long> peerServerIds) implements TypedProviderSettings {
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern ID = Pattern.compile("[1-9]\\d{0,18}");
    private static final Pattern IFNAME = Pattern.compile("[^\\s/:]{1,15}");

    /** The provider's {@code floating_ip} keyword table: each keyword read into a {@link Draft}. */
    static final SettingsTable<Draft> TABLE = SettingsTable.<Draft>of(HetznerProviderFactory.NAME)
            .key("address", (d, v) -> d.address = address(v))
            .key("floating_ip_id", (d, v) -> d.floatingIpId = Long.parseLong(d.table().matching("floating_ip_id", v, ID,
                    "a floating IP's numeric id")))
            .key("server_id", (d, v) -> d.serverId = Long.parseLong(d.table().matching("server_id", v, ID,
                    "a server's numeric id")))
            .key("token_file", (d, v) -> d.tokenFile = d.table().absolutePath("token_file", v))
            .key("api_url", (d, v) -> d.apiUrl = BaseUrl.check(HetznerProviderFactory.NAME, v, "floating_ip api_url"))
            .key("metadata_url", (d, v) -> d.metadataUrl = BaseUrl.check(HetznerProviderFactory.NAME, v,
                    "floating_ip metadata_url"))
            .key("interface", (d, v) -> d.ifname = interfaceName(v))
            .key("unassign", (d, v) -> d.unassign = d.table().yesNo("unassign", v))
            .peerIdsKey("peer_server_id", ID, "a server's numeric id", Long::parseLong, (d, ids) -> d.peerIds = ids)
            .build();
    static final Set<String> KEYS = TABLE.keywords();
    /** The keys whose value may be several words. */
    static final Set<String> LIST_KEYS = TABLE.listKeys();
    /** {@code interface none}: the address goes on no interface. */
    private static final String NO_INTERFACE = "";

    /** What the block's lines say, before the rules between them. */
    static final class Draft {
        String address;
        Long floatingIpId;
        Long serverId;
        Path tokenFile;
        URI apiUrl;
        URI metadataUrl;
        String ifname;
        boolean unassign;
        Map<InetAddress, Long> peerIds = Map.of();

        SettingsTable<Draft> table() {
            return TABLE;
        }
    }

    public HetznerSettings {
        peerServerIds = Map.copyOf(peerServerIds);
    }

    /** What the parse's check typed of the block ({@link ProviderContext#typed()}), else the block parsed now. */
    static HetznerSettings typedOrParsed(ProviderContext context) throws ProviderException {
        java.util.Optional<HetznerSettings> typed = context.typed(HetznerSettings.class);
        return typed.isPresent() ? typed.get() : parse(context);
    }

    public static HetznerSettings parse(ProviderContext context) throws ProviderException {
        return parse(context.settings(), context.interfaceName(), context.peers(), context.instanceName());
    }

    /** Reads a block; every problem is one line naming the key, as {@code floatd check} shows it at file:line. */
    public static HetznerSettings parse(Map<String, String> settings, String instanceInterface, List<InetAddress> peers,
            String instanceName) throws ProviderException {
        Draft d = TABLE.read(settings, new Draft(), peers, instanceName);
        if (d.address == null && d.floatingIpId == null) {
            throw bad("address or floating_ip_id is required (the floating IP, e.g. address 203.0.113.77)");
        }
        String ifname = d.ifname == null ? instanceInterface : d.ifname.equals(NO_INTERFACE) ? null : d.ifname;
        return new HetznerSettings(d.address, d.floatingIpId, d.serverId, d.tokenFile, d.apiUrl, d.metadataUrl, ifname,
                d.unassign, d.peerIds);
    }

    /** An interface name, or {@code none} ({@link #NO_INTERFACE}). */
    private static String interfaceName(String value) throws ProviderException {
        if (value.equals("none")) {
            return NO_INTERFACE;
        }
        if (!IFNAME.matcher(value).matches()) {
            throw bad("interface must be an interface name or none, but was '" + value + "'");
        }
        return value;
    }

    /** IPv4 as written; IPv6 (an address or {@code ADDR/64}) in RFC 5952 form; a global unicast address either way. */
    private static String address(String a) throws ProviderException {
        if (!Ipv6Text.looksLikeIpv6(a)) {
            if (!IPV4.matcher(a).matches()) {
                throw bad("address must be a floating IPv4 or IPv6 address, but was '" + a + "'");
            }
            return a;
        }
        String text = a;
        String suffix = "";
        int slash = a.indexOf('/');
        if (slash >= 0) {
            if (!a.substring(slash + 1).equals("64")) {
                throw bad("address " + a + ": a floating IPv6 is a /64 (write the network as ADDR/64, or one address "
                        + "in it)");
            }
            text = a.substring(0, slash);
            suffix = "/64";
        }
        String given = a;
        Inet6Address v6 = Ipv6Text.parse(text).orElseThrow(() -> bad("address must be a floating IPv4 or IPv6 address, "
                + "but was '" + given + "'"));
        if (!Ipv6Text.isGlobalUnicast(v6)) {
            throw bad("address " + a + " is not a global unicast IPv6 address: a floating IPv6 is a public network");
        }
        return Ipv6Text.format(v6) + suffix;
    }

    private static ProviderException bad(String what) {
        return TABLE.bad(what);
    }
}
