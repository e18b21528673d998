package io.floatd.provider.aws;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** What both AWS providers share: the warm client, the error translation, this node's and the peers' identity. */
abstract sealed class AwsProvider implements FloatingIpProvider
        permits ElasticIpProvider, EniProvider {
    protected final AwsSettings settings;
    protected final ProviderContext context;
    protected final String instanceId;
    protected final AwsErrors errors;
    /** The peers' unicast addresses: in a VPC, their private IPs. */
    protected final Set<String> peers;
    /** The peers' instances and network interfaces. */
    protected final AwsPeers peerIds;
    private final String metadataVpc;
    private final SharedEc2Client client;
    private boolean closed;

    /** @param metadataVpc this node's VPC as the instance metadata service gave it, or null */
    AwsProvider(AwsSettings settings, ProviderContext context, String instanceId, String metadataVpc,
                SharedEc2Client client, AwsErrors errors) {
        this.settings = settings;
        this.context = context;
        this.instanceId = instanceId;
        this.metadataVpc = metadataVpc;
        this.client = client;
        this.errors = errors;
        this.peers = context.peers().stream().map(InetAddress::getHostAddress).collect(Collectors.toUnmodifiableSet());
        this.peerIds = new AwsPeers(context.instanceName(), instanceId, context.peers(), settings.peerInstanceIds(),
                context.localAddress(), this::ec2, errors, this::vpcId);
    }

    protected Ec2Client ec2() {
        return client.ec2();
    }

    /** One cheap read at start: resolves what later calls need and opens the connection. */
    abstract void warmUp() throws ProviderException;

    /** For the start-up log line. */
    abstract String describe();

    /** This node's VPC, or null while not known. */
    String vpcId() {
        return metadataVpc;
    }

    /** The peers' look-up at start, after {@link #warmUp()}; {@code reachable}: whether EC2 answered it. */
    void startPeers(boolean reachable) {
        peerIds.start(reachable);
    }

    /** The peers' identities (tests). */
    AwsPeers peerIds() {
        return peerIds;
    }

    @Override
    public boolean handsOver() {
        return true;
    }

    @Override
    public void refreshPeers() {
        peerIds.refresh();
    }

    /** The identity of the peer at {@code peer} for a hand-over of {@code what}, or a fatal error saying why not. */
    protected AwsPeers.Identity handOverTarget(InetAddress peer, String what) throws ProviderException {
        return peerIds.handOverTarget(peer, what, "instance");
    }

    public AwsSettings settings() {
        return settings;
    }

    public String instanceId() {
        return instanceId;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            peerIds.close();
            client.release();
        }
    }
}
