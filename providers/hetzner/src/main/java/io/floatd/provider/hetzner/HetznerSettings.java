package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.BaseUrl;
import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.provider.PeerIds;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
                              Map<InetAddress, Long> peerServerIds) {
    static final Set<String> KEYS = Set.of("provider", "address", "floating_ip_id", "server_id", "token_file", "api_url",
            "metadata_url", "interface", "unassign", "peer_server_id");
    /** The keys whose value may be several words. */
    static final Set<String> LIST_KEYS = Set.of("peer_server_id");

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern ID = Pattern.compile("[1-9]\\d{0,18}");
    private static final Pattern IFNAME = Pattern.compile("[^\\s/:]{1,15}");

    public HetznerSettings {
        peerServerIds = Map.copyOf(peerServerIds);
    }

    public static HetznerSettings parse(ProviderContext context) throws ProviderException {
        return parse(context.settings(), context.interfaceName(), context.peers(), context.instanceName());
    }

    /** Reads a block; every problem is one line naming the key, as {@code floatd check} shows it at file:line. */
    public static HetznerSettings parse(Map<String, String> settings, String instanceInterface, List<InetAddress> peers,
            String instanceName) throws ProviderException {
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw bad("unknown key '" + key + "' (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }
        String provider = settings.get("provider");
        if (provider != null && !provider.equals(HetznerProviderFactory.NAME)) {
            throw bad("provider is '" + provider + "', not hetzner");
        }
        String address = address(value(settings, "address"));
        Long floatingIpId = id(settings, "floating_ip_id", "a floating IP's numeric id");
        if (address == null && floatingIpId == null) {
            throw bad("address or floating_ip_id is required (the floating IP, e.g. address 203.0.113.77)");
        }
        Long serverId = id(settings, "server_id", "a server's numeric id");
        String tf = value(settings, "token_file");
        Path tokenFile = tf == null ? null : Path.of(tf);
        if (tokenFile != null && !tokenFile.isAbsolute()) {
            throw bad("token_file must be an absolute path, but was '" + tf + "'");
        }
        URI apiUrl = url(settings, "api_url");
        URI metadataUrl = url(settings, "metadata_url");
        String ifname = value(settings, "interface");
        if (ifname == null) {
            ifname = instanceInterface;
        } else if (ifname.equals("none")) {
            ifname = null;
        } else if (!IFNAME.matcher(ifname).matches()) {
            throw bad("interface must be an interface name or none, but was '" + ifname + "'");
        }
        boolean unassign = false;
        String u = value(settings, "unassign");
        if (u != null) {
            unassign = switch (u) {
                case "yes", "true", "on" -> true;
                case "no", "false", "off" -> false;
                default -> throw bad("unassign must be yes or no, but was '" + u + "'");
            };
        }
        Map<InetAddress, Long> peerIds = Map.of();
        String peerValue = value(settings, "peer_server_id");
        if (peerValue != null) {
            try {
                Map<InetAddress, Long> ids = new LinkedHashMap<>();
                PeerIds.parse("peer_server_id", peerValue, id -> ID.matcher(id).matches(), "a server's numeric id",
                        peers, instanceName).forEach((a, id) -> ids.put(a, Long.parseLong(id)));
                peerIds = ids;
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }
        return new HetznerSettings(address, floatingIpId, serverId, tokenFile, apiUrl, metadataUrl, ifname, unassign,
                peerIds);
    }

    /** IPv4 as written; IPv6 (an address or {@code ADDR/64}) in RFC 5952 form; a global unicast address either way. */
    private static String address(String a) throws ProviderException {
        if (a == null) {
            return null;
        }
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

    private static Long id(Map<String, String> settings, String key, String what) throws ProviderException {
        String v = value(settings, key);
        if (v == null) {
            return null;
        }
        if (!ID.matcher(v).matches()) {
            throw bad(key + " must be " + what + ", but was '" + v + "'");
        }
        return Long.parseLong(v);
    }

    private static URI url(Map<String, String> settings, String key) throws ProviderException {
        String v = value(settings, key);
        return v == null ? null : BaseUrl.check(HetznerProviderFactory.NAME, v, "floating_ip " + key);
    }

    private static String value(Map<String, String> settings, String key) throws ProviderException {
        String v = settings.get(key);
        if (v == null) {
            return null;
        }
        v = v.strip();
        if (v.isEmpty()) {
            throw bad(key + " is empty");
        }
        return v;
    }

    private static ProviderException bad(String what) {
        return ProviderException.fatal("hetzner: floating_ip " + what);
    }
}
