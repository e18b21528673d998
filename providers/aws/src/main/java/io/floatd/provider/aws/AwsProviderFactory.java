package io.floatd.provider.aws;

import io.floatd.vrrp.provider.CloudProviderFactory;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

/**
 * {@code provider aws}: builds an {@link ElasticIpProvider} ({@code mode eip}, the default), a
 * {@link SecondaryIpProvider} or {@link SecondaryIpv6Provider} ({@code mode secondary_ip}) or a
 * {@link RouteTableProvider} ({@code mode route_table}).
 *
 * <p>{@link #create} does the slow things once, before any election: it reads the instance id, region and ENI
 * (config first, IMDSv2 next), resolves the credentials, builds the {@link Ec2Client} (SDK retries off, one attempt
 * limited to the orchestrator's {@code attempt_timeout}, else
 * {@link AwsClientOptions#attemptTimeout()}) and makes one cheap read of the IP, which opens the
 * connection, then finds the peers' instances ({@link AwsPeers}). A refused permission or a wrong address fails
 * here, at start; a network hiccup is logged and left to the first real call, and a peer not found is a warning.
 */
public final class AwsProviderFactory extends CloudProviderFactory {
    public static final String NAME = "aws";
    private static final Logger LOG = Logger.getLogger(AwsProviderFactory.class.getName());
    /** How much later than the attempt timeout a silent socket gives up (see {@link #configured}). */
    private static final Duration SOCKET_BACKSTOP = Duration.ofSeconds(1);

    private final AwsClientOptions options;
    /** One client per region and call timeout: instances that agree on both share its connections. */
    private final Map<ClientKey, SharedEc2Client> clients = new HashMap<>();

    private record ClientKey(Region region, Duration attemptTimeout) {
    }

    /** The production factory, found by {@link java.util.ServiceLoader}. */
    public AwsProviderFactory() {
        this(AwsClientOptions.defaults());
    }

    /**
     * A factory with explicit endpoints or credentials (tests, LocalStack, VPC endpoints); {@code peer_instance_id}
     * and {@code route_table} take lists.
     */
    public AwsProviderFactory(AwsClientOptions options) {
        super(NAME, AwsSettings.LIST_KEYS);
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The block typed by its keyword table in the parse's check; {@link #create} reads it. */
    @Override
    public AwsSettings typedSettings(ProviderContext context) throws ProviderException {
        return AwsSettings.parse(context);
    }

    @Override
    public FloatingIpProvider create(ProviderContext context) throws ProviderException {
        AwsSettings settings = AwsSettings.typedOrParsed(context);
        String instanceId;
        Region region;
        String primaryEni = null;
        String vpc = null;
        try (InstanceMetadata imds = new InstanceMetadata(options.imdsEndpoint())) {
            instanceId = settings.instanceId();
            if (instanceId == null) {
                instanceId = imds.get("instance-id").orElseThrow(() -> new ProviderException(
                        "aws: cannot read the instance id from the instance metadata service (" + imds.failure()
                                + "): set instance_id in floating_ip, or allow IMDSv2 access", true));
            }
            region = region(settings, imds);
            boolean eniFromImds = settings.mode() != AwsSettings.Mode.EIP && settings.networkInterface() == null;
            // the VPC (which scopes the peers' look-up) only from a metadata service already in use: with instance_id
            // and region set, IMDS may be off, and waiting for it would delay the start
            boolean imdsInUse = settings.instanceId() == null || settings.region() == null || eniFromImds;
            Optional<String> mac = imdsInUse ? imds.get("mac") : Optional.empty();
            if (eniFromImds) {
                primaryEni = mac.flatMap(m -> imds.get("network/interfaces/macs/" + m + "/interface-id")).orElse(null);
            }
            vpc = mac.flatMap(m -> imds.get("network/interfaces/macs/" + m + "/vpc-id")).orElse(null);
        }
        // the orchestrator's attempt_timeout, when it sets one, is also the SDK's: with a shorter SDK limit a slow
        // AssociateAddress the orchestrator would still wait for is abandoned and sent a second time
        Duration timeout = context.attemptTimeout() != null ? context.attemptTimeout() : options.attemptTimeout();
        SharedEc2Client client = client(new ClientKey(region, timeout));
        AwsErrors errors = new AwsErrors(instanceId, timeout, client::secrets);
        AwsProvider provider;
        try {
            provider = switch (settings.mode()) {
                case EIP -> new ElasticIpProvider(settings, context, instanceId, vpc, client, errors);
                case SECONDARY_IP -> settings.ipv6()
                        ? new SecondaryIpv6Provider(settings, context, instanceId, primaryEni, vpc, client, errors)
                        : new SecondaryIpProvider(settings, context, instanceId, primaryEni, vpc, client, errors);
                case ROUTE_TABLE -> new RouteTableProvider(settings, context, instanceId, primaryEni, vpc, client, errors);
            };
        } catch (RuntimeException e) {
            client.release();
            throw e;
        }
        // a failed first read closes the provider, which releases the client
        boolean reachable = firstRead(context.instanceName(), provider, provider::warmUp);
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: {1} in {2} for {3}",
                new Object[] {context.instanceName(), provider.describe(), region.id(), instanceId});
        provider.startPeers(reachable);
        return provider;
    }

    /** The takeover's EC2 calls in {@code created}'s region, mode route_table's when that is its mode. */
    @Override
    public Optional<JitWarmUp.Exercise> jitWarmUp(FloatingIpProvider created) {
        return created instanceof AwsProvider p
                ? Optional.of(new Ec2WarmUp(p.ec2().serviceClientConfiguration().region(),
                        p.settings().mode() == AwsSettings.Mode.ROUTE_TABLE))
                : Optional.empty();
    }

    private Region region(AwsSettings settings, InstanceMetadata imds) throws ProviderException {
        if (settings.region() != null) {
            return Region.of(settings.region());
        }
        Optional<String> fromImds = imds.get("placement/region");
        if (fromImds.isPresent()) {
            return Region.of(fromImds.get());
        }
        // the SDK's chain without its metadata leg, which was just tried
        try {
            return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                    .getRegion();
        } catch (SdkException e) {
            throw ProviderException.fatal("aws: no region: the instance metadata service did not answer ("
                    + imds.failure() + ") and AWS_REGION is not set; set region in floating_ip");
        }
    }

    /**
     * The HTTP client and the call settings of every EC2 client floatd makes, the JIT warm-up's included (so the
     * code it compiles is the code a takeover runs): one attempt per call (the orchestrator retries), {@code
     * timeout} per attempt. The socket's read timeout is only a backstop, a second later than the attempt timeout:
     * were both equal, which one fires first would depend on thread scheduling, and so would the line the user reads.
     */
    static Ec2ClientBuilder configured(Ec2ClientBuilder b, Duration timeout) {
        return b.httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(timeout.compareTo(Duration.ofSeconds(1)) < 0 ? timeout : Duration.ofSeconds(1))
                        .socketTimeout(timeout.plus(SOCKET_BACKSTOP))
                        .connectionAcquisitionTimeout(timeout)
                        .maxConnections(8)
                        .tcpKeepAlive(true)
                        .connectionMaxIdleTime(Duration.ofSeconds(50)))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(timeout)
                        .apiCallTimeout(timeout));
    }

    private synchronized SharedEc2Client client(ClientKey key) throws ProviderException {
        Region region = key.region();
        SharedEc2Client shared = clients.get(key);
        if (shared != null) {
            return shared.retain();
        }
        AwsCredentialsProvider credentials = options.credentials() != null
                ? options.credentials()
                : DefaultCredentialsProvider.builder().build();
        AwsCredentials resolved;
        try {
            resolved = credentials.resolveCredentials();
        } catch (SdkException e) {
            throw new ProviderException("aws: no AWS credentials found (instance role, environment or profile): "
                    + "attach an instance role with the EC2 permissions floatd needs", true);
        }
        Duration timeout = key.attemptTimeout();
        Ec2ClientBuilder b = configured(Ec2Client.builder(), timeout)
                .region(region)
                .credentialsProvider(credentials);
        if (options.ec2Endpoint() != null) {
            b.endpointOverride(options.ec2Endpoint());
        }
        SharedEc2Client created = new SharedEc2Client(b.build(), resolved, this, () -> clients.remove(key));
        clients.put(key, created);
        return created.retain();
    }
}
