package io.floatd.provider.aws;

import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.NetworkInterfacePrivateIpAddress;

/**
 * What the providers that move an address to this instance's network interface share (secondary IPv4, secondary
 * IPv6, route table): the address, our ENI ({@code network_interface}, else the instance's primary one, looked up by
 * DescribeInstances when neither config nor IMDS named it) and its VPC, the hand-over target's ENI, and who holds an
 * address that DescribeNetworkInterfaces lists on an ENI.
 */
abstract sealed class EniProvider extends AwsProvider
        permits SecondaryIpProvider, EniMoveProvider {
    protected final String address;
    protected volatile String eni;
    protected volatile String eniVpc;

    EniProvider(AwsSettings settings, ProviderContext context, String instanceId, String primaryEni,
                String metadataVpc, SharedEc2Client client, AwsErrors errors) {
        super(settings, context, instanceId, metadataVpc, client, errors);
        this.address = settings.privateAddress();
        this.eni = settings.networkInterface() != null ? settings.networkInterface() : primaryEni;
    }

    /** Our ENI's VPC once {@link #describeOwnEni()} has read it, else the metadata service's. */
    @Override
    String vpcId() {
        String v = eniVpc;
        return v != null ? v : super.vpcId();
    }

    /** Our ENI, once known. */
    public String networkInterface() {
        return eni;
    }

    /** Our ENI (found if need be) by DescribeNetworkInterfaces, a fatal error when EC2 does not list it; sets its VPC. */
    protected NetworkInterface describeOwnEni() throws ProviderException {
        ensureEni();
        String ours = eni;
        var resp = errors.call("DescribeNetworkInterfaces",
                () -> ec2().describeNetworkInterfaces(r -> r.networkInterfaceIds(ours)));
        if (resp.networkInterfaces().isEmpty()) {
            throw ProviderException.fatal("aws: network interface " + ours + " not found: check network_interface "
                    + "in floating_ip, and the region");
        }
        NetworkInterface n = resp.networkInterfaces().getFirst();
        eniVpc = n.vpcId();
        return n;
    }

    /** The peer's identity for a hand-over of {@code what}, with its ENI, or a fatal error saying why not. */
    protected AwsPeers.Identity handOverEni(InetAddress peer, String what) throws ProviderException {
        AwsPeers.Identity to = handOverTarget(peer, what);
        if (to.eni() == null) {
            throw ProviderException.fatal("aws: cannot hand " + what + " over to peer " + peer.getHostAddress()
                    + ": the network interface of " + to.instanceId() + " is unknown (ec2:DescribeNetworkInterfaces "
                    + "did not list it)");
        }
        return to;
    }

    /** DescribeNetworkInterfaces filtered by {@code filter} = the address (and our ENI's VPC, once known). */
    protected List<NetworkInterface> interfacesWith(String filter) throws ProviderException {
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().name(filter).values(address).build());
        String vpc = eniVpc;
        if (vpc != null) {
            filters.add(Filter.builder().name("vpc-id").values(vpc).build());
        }
        return errors.call("DescribeNetworkInterfaces",
                () -> ec2().describeNetworkInterfaces(r -> r.filters(filters))).networkInterfaces();
    }

    /** Of the ENIs a read found with the address, ours if it is one, else the first; null when none. */
    protected NetworkInterface holding(List<NetworkInterface> holders) {
        if (holders.isEmpty()) {
            return null;
        }
        return holders.stream().filter(i -> eni.equals(i.networkInterfaceId())).findFirst()
                .orElse(holders.getFirst());
    }

    /**
     * Who {@code n} is: this node when it is our ENI; a peer when it is a peer's ENI, or attached to a peer's
     * instance ({@link AwsPeers}), or has a private IP (other than the address) that is a {@code unicast_peer}.
     */
    protected Holder holderOf(NetworkInterface n) {
        if (eni.equals(n.networkInterfaceId())) {
            return Holder.self(eni);
        }
        String instance = n.attachment() == null ? null : n.attachment().instanceId();
        String owner = instance != null ? instance : n.networkInterfaceId();
        boolean peer = peers.contains(n.privateIpAddress())
                || n.privateIpAddresses().stream().map(NetworkInterfacePrivateIpAddress::privateIpAddress)
                        .filter(ip -> !address.equals(ip)).anyMatch(peers::contains)
                || peerIds.isPeer(instance, n.networkInterfaceId());
        return peer ? Holder.peer(owner) : Holder.other(owner);
    }

    protected void ensureEni() throws ProviderException {
        if (eni != null) {
            return;
        }
        synchronized (this) {
            if (eni != null) {
                return;
            }
            var resp = errors.call("DescribeInstances", () -> ec2().describeInstances(r -> r.instanceIds(instanceId)));
            eni = resp.reservations().stream()
                    .flatMap(r -> r.instances().stream())
                    .filter(i -> instanceId.equals(i.instanceId()))
                    .map(Instance::networkInterfaces)
                    .flatMap(List::stream)
                    .filter(n -> n.attachment() != null && Integer.valueOf(0).equals(n.attachment().deviceIndex()))
                    .map(InstanceNetworkInterface::networkInterfaceId)
                    .findFirst()
                    .orElseThrow(() -> ProviderException.fatal("aws: instance " + instanceId + " has no primary "
                            + "network interface in ec2:DescribeInstances: set network_interface in floating_ip"));
        }
    }
}
