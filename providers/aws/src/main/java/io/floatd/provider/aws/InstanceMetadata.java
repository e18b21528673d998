package io.floatd.provider.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.imds.Ec2MetadataClient;

/**
 * IMDSv2 look-ups made once at start (the token dance is the SDK's). The endpoint is the given one, else what the
 * SDK finds ({@code AWS_EC2_METADATA_SERVICE_ENDPOINT} / {@code aws.ec2MetadataServiceEndpoint}, else
 * 169.254.169.254). After one failure to reach it, later look-ups are not tried.
 */
final class InstanceMetadata implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(InstanceMetadata.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final URI endpoint;
    private Ec2MetadataClient client;
    private String unreachable;

    InstanceMetadata(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** The value at {@code /latest/meta-data/PATH}, or empty with {@link #failure()} telling why. */
    Optional<String> get(String path) {
        if (unreachable != null) {
            return Optional.empty();
        }
        try {
            String value = client().get("/latest/meta-data/" + path).asString().strip();
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        } catch (SdkException | IllegalStateException | java.io.UncheckedIOException e) {
            unreachable = oneLine(e);
            LOG.log(Level.FINE, "aws: instance metadata {0} not read: {1}", new Object[] {path, unreachable});
            return Optional.empty();
        }
    }

    /** Why the last look-up failed, or null. */
    String failure() {
        return unreachable;
    }

    private Ec2MetadataClient client() {
        if (client == null) {
            Ec2MetadataClient.Builder b = Ec2MetadataClient.builder()
                    .httpClient(ApacheHttpClient.builder().connectionTimeout(TIMEOUT).socketTimeout(TIMEOUT))
                    .retryPolicy(r -> r.numRetries(1))
                    .tokenTtl(Duration.ofMinutes(10));
            if (endpoint != null) {
                b.endpoint(endpoint);
            }
            client = b.build();
        }
        return client;
    }

    private static String oneLine(Throwable e) {
        String m = io.floatd.vrrp.log.Failures.describe(e);
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
