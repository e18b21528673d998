package io.floatd.provider.aws;

import io.floatd.vrrp.provider.PeerDirectory;
import io.floatd.vrrp.provider.PeerDirectory.Found;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.NetworkInterfacePrivateIpAddress;

/**
 * The {@code unicast_peer}s as EC2 knows them: for each peer address, the instance and the network interface that
 * own that private IP in this node's VPC (DescribeNetworkInterfaces filtered by {@code addresses.private-ip-address},
 * and by {@code vpc-id} when this node's VPC is known), or the instance named in {@code floating_ip {
 * peer_instance_id }}. A holder on a peer's instance or interface is the PEER whatever private IP the address is on
 * (VRRP on a second interface, over another network, behind NAT); a hand-over sends the IP to the peer's identity.
 *
 * <p>Never fails the start-up: a peer not found, a refused permission or an API error is a warning saying what it
 * means. An error worth retrying (throttling, 5xx, time-out) is retried in the background with backoff; a reload
 * looks every peer up again ({@link #refresh()}). One log line per peer, and again only when what is known changes.
 */
final class AwsPeers extends PeerDirectory<AwsPeers.Identity> {
    /**
     * A peer's identity.
     *
     * @param instanceId its instance, or null for an interface attached to none
     * @param eni the network interface that has the peer's address (or, for a named instance, its primary one), or
     *        null when not known
     * @param named whether the instance comes from {@code peer_instance_id}
     */
    record Identity(String instanceId, String eni, boolean named) {
        /** "instance i-0abc (eni-0123)", for log lines. */
        String describe() {
            if (instanceId == null) {
                return "network interface " + eni + " (attached to no instance)";
            }
            String detail = eni == null ? "" : eni;
            if (named) {
                detail = detail.isEmpty() ? "from peer_instance_id" : detail + ", from peer_instance_id";
            }
            return "instance " + instanceId + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private final String self;
    private final String localAddress;
    private final Supplier<Ec2Client> ec2;
    private final AwsErrors errors;
    private final Supplier<String> vpc;
    private final Map<String, String> named;

    /**
     * @param instanceName the vrrp_instance, for log lines
     * @param self this node's instance id (never a peer)
     * @param peers the {@code unicast_peer} addresses
     * @param named {@code peer_instance_id}: instance ids by peer address
     * @param localAddress this node's VRRP address, or null: when this node's VPC is not known, the same look-up
     *        finds it through this address
     * @param vpc this node's VPC, or null while not known
     */
    AwsPeers(String instanceName, String self, List<InetAddress> peers, Map<InetAddress, String> named,
             InetAddress localAddress, Supplier<Ec2Client> ec2, AwsErrors errors, Supplier<String> vpc) {
        super(instanceName, peers, namedIdentities(named), new PeerDirectory.Wording<>(AwsProviderFactory.NAME,
                (identity, fromBlock) -> identity.describe(), "in the VPC", "ec2:DescribeNetworkInterfaces",
                "peer_instance_id", AwsPeers.class.getName()));
        this.self = Objects.requireNonNull(self, "self");
        Map<String, String> n = new LinkedHashMap<>();
        named.forEach((a, id) -> n.put(a.getHostAddress(), id));
        this.named = Map.copyOf(n);
        this.localAddress = localAddress == null ? null : localAddress.getHostAddress();
        this.ec2 = ec2;
        this.errors = errors;
        this.vpc = vpc;
    }

    /** The named instances, known without a call; their interfaces come with a look-up ({@link #namedDetail}). */
    private static Map<InetAddress, Identity> namedIdentities(Map<InetAddress, String> named) {
        Map<InetAddress, Identity> out = new LinkedHashMap<>();
        named.forEach((a, id) -> out.put(a, new Identity(id, null, true)));
        return out;
    }

    /** Whether a holder on this instance or network interface is a peer. */
    boolean isPeer(String instanceId, String eni) {
        for (Identity i : known()) {
            if ((instanceId != null && instanceId.equals(i.instanceId())) || (eni != null && eni.equals(i.eni()))) {
                return true;
            }
        }
        return false;
    }

    /** DescribeNetworkInterfaces by the peers' addresses (and this node's, when its VPC is to be learnt). */
    @Override
    protected Map<String, Found<Identity>> lookUp(List<String> wanted) throws ProviderException {
        String ourVpc = vpc.get();
        List<String> values = new ArrayList<>(wanted);
        boolean learnVpc = ourVpc == null && localAddress != null && !wanted.contains(localAddress);
        if (learnVpc) {
            values.add(localAddress);
        }
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().name("addresses.private-ip-address").values(values).build());
        if (ourVpc != null) {
            filters.add(Filter.builder().name("vpc-id").values(ourVpc).build());
        }
        List<NetworkInterface> enis = errors.call("DescribeNetworkInterfaces",
                () -> ec2.get().describeNetworkInterfaces(r -> r.filters(filters))).networkInterfaces();
        if (learnVpc) {
            ourVpc = enis.stream().filter(n -> self.equals(instanceOf(n)) && has(n, localAddress))
                    .map(NetworkInterface::vpcId).findFirst().orElse(null);
        }
        String scope = ourVpc;
        Map<String, Found<Identity>> out = new LinkedHashMap<>();
        for (String a : wanted) {
            List<NetworkInterface> owners = enis.stream().filter(n -> has(n, a))
                    .filter(n -> scope == null || scope.equals(n.vpcId())).toList();
            if (owners.isEmpty()) {
                out.put(a, Found.none("no network interface " + (scope == null ? "" : "in " + scope + " ")
                        + "has this private IP"));
            } else if (owners.size() > 1) {
                out.put(a, Found.none(owners.size() + " network interfaces in different VPCs have this private IP ("
                        + String.join(", ", owners.stream().map(NetworkInterface::vpcId).toList()) + ")"));
            } else if (self.equals(instanceOf(owners.getFirst()))) {
                out.put(a, Found.none("it is an address of this instance, " + self));
            } else {
                NetworkInterface n = owners.getFirst();
                out.put(a, Found.of(new Identity(instanceOf(n), n.networkInterfaceId(), false)));
            }
        }
        return out;
    }

    /**
     * The named instances' network interfaces (DescribeNetworkInterfaces by {@code attachment.instance-id}): the one
     * with the peer's address, else the primary one. The instance is known whatever this call says.
     */
    @Override
    protected boolean detailsNamedPeers() {
        return true;
    }

    @Override
    protected Optional<Map<String, Found<Identity>>> namedDetail(List<String> addresses) {
        return Optional.of(lookUpNamed());
    }

    private Map<String, Found<Identity>> lookUpNamed() {
        List<NetworkInterface> enis;
        try {
            List<Filter> filters = new ArrayList<>();
            filters.add(Filter.builder().name("attachment.instance-id").values(named.values().stream().distinct()
                    .toList()).build());
            String ourVpc = vpc.get();
            if (ourVpc != null) {
                filters.add(Filter.builder().name("vpc-id").values(ourVpc).build());
            }
            enis = errors.call("DescribeNetworkInterfaces",
                    () -> ec2.get().describeNetworkInterfaces(r -> r.filters(filters))).networkInterfaces();
        } catch (ProviderException | RuntimeException e) {
            enis = List.of(); // the instances are known all the same; only their interfaces are not
        }
        Map<String, Found<Identity>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : named.entrySet()) {
            String address = e.getKey();
            String id = e.getValue();
            List<NetworkInterface> own = enis.stream().filter(n -> id.equals(instanceOf(n))).toList();
            String eni = own.stream().filter(n -> has(n, address)).findFirst()
                    .or(() -> own.stream().filter(n -> Integer.valueOf(0).equals(n.attachment().deviceIndex()))
                            .findFirst())
                    .map(NetworkInterface::networkInterfaceId).orElse(null);
            out.put(address, new Found<>(new Identity(id, eni, true), true, null, false));
        }
        return out;
    }

    private static String instanceOf(NetworkInterface n) {
        return n.attachment() == null ? null : n.attachment().instanceId();
    }

    private static boolean has(NetworkInterface n, String ip) {
        return ip.equals(n.privateIpAddress()) || n.privateIpAddresses().stream()
                .map(NetworkInterfacePrivateIpAddress::privateIpAddress).anyMatch(ip::equals);
    }
}
