package io.floatd.provider.aws;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** What both AWS providers share: the warm client, the error translation, this node's and the peers' identity. */
abstract sealed class AwsProvider implements FloatingIpProvider permits ElasticIpProvider, SecondaryIpProvider {
    protected final AwsSettings settings;
    protected final ProviderContext context;
    protected final String instanceId;
    protected final AwsErrors errors;
    /** The peers' unicast addresses: in a VPC, their private IPs. */
    protected final Set<String> peers;
    private final SharedEc2Client client;
    private boolean closed;

    AwsProvider(AwsSettings settings, ProviderContext context, String instanceId, SharedEc2Client client,
                AwsErrors errors) {
        this.settings = settings;
        this.context = context;
        this.instanceId = instanceId;
        this.client = client;
        this.errors = errors;
        this.peers = context.peers().stream().map(InetAddress::getHostAddress).collect(Collectors.toUnmodifiableSet());
    }

    protected Ec2Client ec2() {
        return client.ec2();
    }

    /** One cheap read at start: resolves what later calls need and opens the connection. */
    abstract void warmUp() throws ProviderException;

    /** For the start-up log line. */
    abstract String describe();

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
            client.release();
        }
    }
}
