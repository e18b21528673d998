package io.floatd.provider.aws;

import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.AssociateAddressRequest;
import software.amazon.awssdk.services.ec2.model.AssociateAddressResponse;
import software.amazon.awssdk.services.ec2.model.DescribeAddressesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeAddressesResponse;

/**
 * {@code mode eip}: an Elastic IP associated with this instance (or with {@code network_interface} /
 * {@code private_ip}).
 *
 * <ul>
 *   <li>{@link #holder()}: one DescribeAddresses.</li>
 *   <li>{@link #acquire()}: DescribeAddresses, then AssociateAddress with AllowReassociation unless this node
 *       already holds it (then nothing is written); {@link #acquire(Holder)} after the orchestrator's own
 *       DescribeAddresses: AssociateAddress only.</li>
 *   <li>{@link #release()}: DescribeAddresses, then DisassociateAddress by this node's own association id, only
 *       when the address is still associated with this node.</li>
 *   <li>{@link #handOver}: AssociateAddress (AllowReassociation) with the peer's instance, or with its network
 *       interface when this node's settings name one ({@code network_interface}).</li>
 * </ul>
 *
 * <p>The holder is the PEER when it is on a peer's instance or network interface ({@link AwsPeers}), or on a
 * private IP that is a {@code unicast_peer}.
 */
public final class ElasticIpProvider extends AwsProvider {
    private static final Logger LOG = Logger.getLogger(ElasticIpProvider.class.getName());

    private volatile String allocationId;
    private volatile String ownAssociationId;

    ElasticIpProvider(AwsSettings settings, ProviderContext context, String instanceId, String metadataVpc,
                      SharedEc2Client client, AwsErrors errors) {
        super(settings, context, instanceId, metadataVpc, client, errors);
        this.allocationId = settings.allocationId();
    }

    /**
     * DescribeAddresses, then AssociateAddress with DryRun: EC2 checks the permission and the parameters and
     * changes nothing (DryRunOperation), so a missing {@code ec2:AssociateAddress} or a wrong instance id is found at
     * start, not at the first failover, and the write path's code is loaded before it is needed.
     */
    @Override
    void warmUp() throws ProviderException {
        read();
        var applied = errors.callTolerating("AssociateAddress", "DryRunOperation",
                associating(associateRequest().dryRun(true).build()));
        if (applied.isPresent()) {
            LOG.log(Level.WARNING, "VRRP_Instance({0}) aws: the EC2 endpoint ignored DryRun and associated {1}: "
                    + "it is not EC2", new Object[] {context.instanceName(), settings.eipName()});
        }
    }

    @Override
    String describe() {
        return "Elastic IP " + settings.eipName() + " (mode eip)";
    }

    @Override
    public Holder holder() throws ProviderException {
        return classify(read());
    }

    @Override
    public synchronized void acquire() throws ProviderException {
        Address current = read();
        Holder holder = classify(current);
        if (holder.isSelf()) {
            ownAssociationId = current.associationId();
            return;
        }
        associate(holder);
    }

    /**
     * With the holder just read by the caller: AssociateAddress at once. AllowReassociation makes it right whoever
     * holds the address by now, and a no-op if it is this node's already.
     */
    @Override
    public synchronized void acquire(Holder seen) throws ProviderException {
        if (seen == null || seen.isSelf() || allocationId == null) {
            acquire();
            return;
        }
        associate(seen);
    }

    private void associate(Holder holder) throws ProviderException {
        AssociateAddressRequest req = associateRequest().build();
        AssociateAddressResponse resp = errors.call("AssociateAddress", associating(req));
        ownAssociationId = resp.associationId();
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: Elastic IP {1} associated with {2} ({3}), was {4}",
                new Object[] {context.instanceName(), settings.eipName(), target(), resp.associationId(), holder});
    }

    @Override
    public synchronized void release() throws ProviderException {
        Address current = read();
        if (!classify(current).isSelf()) {
            ownAssociationId = null;
            return;
        }
        // the association now in place is ours (it points at this node); remove that one and no other
        String association = current.associationId();
        // InvalidAssociationID.NotFound: the peer re-associated in between, so ours is gone, as release wants
        var done = errors.callTolerating("DisassociateAddress", "InvalidAssociationID.NotFound",
                () -> ec2().disassociateAddress(r -> r.associationId(association)));
        ownAssociationId = null;
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: Elastic IP {1} {2} ({3})", new Object[] {context.instanceName(),
                settings.eipName(), done.isPresent() ? "disassociated" : "already moved on", association});
    }

    /**
     * The one place AssociateAddress is sent from: the start-up DryRun passes here too, so the call site's lambda
     * is made at start and not on the first takeover (a lambda is spun on its first use: milliseconds).
     */
    private AwsErrors.Call<AssociateAddressResponse> associating(AssociateAddressRequest req) {
        return () -> ec2().associateAddress(req);
    }

    private AssociateAddressRequest.Builder associateRequest() {
        AssociateAddressRequest.Builder req = AssociateAddressRequest.builder()
                .allocationId(allocationId)
                .allowReassociation(true);
        if (settings.networkInterface() != null) {
            req.networkInterfaceId(settings.networkInterface());
        } else {
            req.instanceId(instanceId);
        }
        if (settings.privateIp() != null) {
            req.privateIpAddress(settings.privateIp());
        }
        return req;
    }

    /**
     * AssociateAddress with the peer's identity, at once: the caller has just read the address on this node.
     * AllowReassociation moves it whatever holds it by now.
     */
    @Override
    public synchronized void handOver(InetAddress peer) throws ProviderException {
        AwsPeers.Identity to = handOverTarget(peer, "Elastic IP " + settings.eipName());
        if (allocationId == null) {
            read(); // the start-up read, which learns the allocation id, did not get through
        }
        AssociateAddressRequest.Builder req = AssociateAddressRequest.builder()
                .allocationId(allocationId)
                .allowReassociation(true);
        String target;
        if ((settings.networkInterface() != null || to.instanceId() == null) && to.eni() != null) {
            req.networkInterfaceId(to.eni());
            target = to.eni();
        } else {
            req.instanceId(to.instanceId());
            target = to.instanceId();
        }
        errors.call("AssociateAddress", associating(req.build()));
        ownAssociationId = null;
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: Elastic IP {1} handed over to peer {2} ({3})",
                new Object[] {context.instanceName(), settings.eipName(), peer.getHostAddress(), target});
    }

    /** The association id this node made or found as its own, or null. */
    public String ownAssociationId() {
        return ownAssociationId;
    }

    private String target() {
        if (settings.networkInterface() != null) {
            return settings.networkInterface() + (settings.privateIp() != null ? "/" + settings.privateIp() : "");
        }
        return instanceId + (settings.privateIp() != null ? "/" + settings.privateIp() : "");
    }

    private Address read() throws ProviderException {
        DescribeAddressesRequest.Builder req = DescribeAddressesRequest.builder();
        String alloc = allocationId;
        if (alloc != null) {
            req.allocationIds(alloc);
        } else {
            req.publicIps(settings.publicIp());
        }
        DescribeAddressesResponse resp = errors.call("DescribeAddresses", () -> ec2().describeAddresses(req.build()));
        if (resp.addresses().isEmpty()) {
            throw ProviderException.fatal("aws: ec2:DescribeAddresses found no Elastic IP " + settings.eipName()
                    + ": check address in floating_ip (the Elastic IP must be in this account and region)");
        }
        Address a = resp.addresses().getFirst();
        if (alloc == null) {
            if (a.allocationId() == null || a.allocationId().isEmpty()) {
                throw ProviderException.fatal("aws: " + settings.eipName() + " has no allocation id: only VPC "
                        + "Elastic IPs can be moved");
            }
            allocationId = a.allocationId();
        }
        return a;
    }

    Holder classify(Address a) {
        if (a.associationId() == null && a.instanceId() == null && a.networkInterfaceId() == null) {
            return Holder.nobody();
        }
        String who = a.instanceId() != null && !a.instanceId().isEmpty() ? a.instanceId() : a.networkInterfaceId();
        boolean mine = instanceId.equals(a.instanceId())
                || (settings.networkInterface() != null && settings.networkInterface().equals(a.networkInterfaceId()));
        if (mine && settings.networkInterface() != null) {
            mine = settings.networkInterface().equals(a.networkInterfaceId());
        }
        if (mine && settings.privateIp() != null) {
            mine = settings.privateIp().equals(a.privateIpAddress());
        }
        if (mine) {
            return Holder.self(who);
        }
        if ((a.privateIpAddress() != null && peers.contains(a.privateIpAddress()))
                || peerIds.isPeer(a.instanceId(), a.networkInterfaceId())) {
            return Holder.peer(who);
        }
        return Holder.other(who == null ? "" : who);
    }
}
