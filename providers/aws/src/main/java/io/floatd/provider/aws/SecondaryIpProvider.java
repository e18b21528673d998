package io.floatd.provider.aws;

import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;

/**
 * {@code mode secondary_ip}: a VPC private IP assigned as a secondary address of this instance's ENI
 * ({@code network_interface}, else the instance's primary ENI). Configuring the address inside the guest OS is not
 * this provider's job (on Amazon Linux, ec2-net-utils does it; elsewhere a notify script or linux-l2).
 *
 * <ul>
 *   <li>{@link #holder()}: DescribeNetworkInterfaces filtered by {@code addresses.private-ip-address} (and the
 *       VPC of our ENI).</li>
 *   <li>{@link #acquire()}: that read, then AssignPrivateIpAddresses(our ENI, ip, AllowReassignment) unless it
 *       is on our ENI already; {@link #acquire(Holder)} after the orchestrator's read: the assign only.</li>
 *   <li>{@link #release()}: that read, then UnassignPrivateIpAddresses(our ENI, ip) only if it is on our ENI.</li>
 *   <li>{@link #handOver}: AssignPrivateIpAddresses(the peer's ENI, ip, AllowReassignment).</li>
 * </ul>
 *
 * <p>The holder is the PEER when its ENI is a peer's, or attached to a peer's instance ({@link AwsPeers}), or has a
 * private IP that is a {@code unicast_peer}.
 */
public final class SecondaryIpProvider extends EniProvider {
    private static final Logger LOG = Logger.getLogger(SecondaryIpProvider.class.getName());

    SecondaryIpProvider(AwsSettings settings, ProviderContext context, String instanceId, String primaryEni,
                        String metadataVpc, SharedEc2Client client, AwsErrors errors) {
        super(settings, context, instanceId, primaryEni, metadataVpc, client, errors);
    }

    /** Finds our ENI (DescribeInstances, when neither config nor IMDS named it) and its VPC. */
    @Override
    void warmUp() throws ProviderException {
        describeOwnEni();
    }

    @Override
    String describe() {
        return "secondary private IP " + address + " on " + (eni == null ? "the primary interface" : eni)
                + " (mode secondary_ip)";
    }

    @Override
    public Holder holder() throws ProviderException {
        ensureEni();
        return classify(read());
    }

    @Override
    public synchronized void acquire() throws ProviderException {
        ensureEni();
        Holder holder = classify(read());
        if (holder.isSelf()) {
            return;
        }
        assign(holder);
    }

    /** With the holder just read by the caller: AssignPrivateIpAddresses at once (AllowReassignment). */
    @Override
    public synchronized void acquire(Holder seen) throws ProviderException {
        if (seen == null || seen.isSelf() || eni == null) {
            acquire();
            return;
        }
        assign(seen);
    }

    private void assign(Holder holder) throws ProviderException {
        String ours = eni;
        errors.call("AssignPrivateIpAddresses", () -> ec2().assignPrivateIpAddresses(r -> r
                .networkInterfaceId(ours).privateIpAddresses(address).allowReassignment(true)));
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: {1} assigned to {2}, was {3}",
                new Object[] {context.instanceName(), address, ours, holder});
    }

    /**
     * AssignPrivateIpAddresses to the peer's ENI (the one with its {@code unicast_peer} address, or a named
     * instance's primary one), at once: the caller has just read the address on this node.
     */
    @Override
    public synchronized void handOver(InetAddress peer) throws ProviderException {
        AwsPeers.Identity to = handOverEni(peer, "private IP " + address);
        String theirs = to.eni();
        errors.call("AssignPrivateIpAddresses", () -> ec2().assignPrivateIpAddresses(r -> r
                .networkInterfaceId(theirs).privateIpAddresses(address).allowReassignment(true)));
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: private IP {1} handed over to peer {2} ({3})",
                new Object[] {context.instanceName(), address, peer.getHostAddress(),
                        to.instanceId() == null ? theirs : to.instanceId() + ", " + theirs});
    }

    @Override
    public synchronized void release() throws ProviderException {
        ensureEni();
        if (!classify(read()).isSelf()) {
            return;
        }
        String ours = eni;
        // InvalidParameterValue here: it was reassigned away in between, so it is no longer ours to remove
        var done = errors.callTolerating("UnassignPrivateIpAddresses", "InvalidParameterValue",
                () -> ec2().unassignPrivateIpAddresses(r -> r.networkInterfaceId(ours).privateIpAddresses(address)));
        if (done.isEmpty() && classify(read()).isSelf()) {
            throw ProviderException.fatal("aws: ec2:UnassignPrivateIpAddresses refused to remove " + address
                    + " from " + ours + " (InvalidParameterValue): is it the interface's primary IP?");
        }
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: {1} unassigned from {2}",
                new Object[] {context.instanceName(), address, ours});
    }

    private List<NetworkInterface> read() throws ProviderException {
        return interfacesWith("addresses.private-ip-address");
    }

    Holder classify(List<NetworkInterface> holders) {
        NetworkInterface n = holding(holders);
        return n == null ? Holder.nobody() : holderOf(n);
    }
}
