package io.floatd.provider.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * How the factory builds its clients. The defaults are right for production: the SDK's endpoint resolution
 * ({@code AWS_ENDPOINT_URL_EC2}, {@code AWS_ENDPOINT_URL}, profile {@code endpoint_url}, then the regional endpoint),
 * the metadata service endpoint the SDK finds ({@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, else the link-local one),
 * and the SDK's default credentials chain (the instance role on EC2).
 *
 * @param ec2Endpoint the EC2 endpoint to use instead of the SDK's resolution, or null
 * @param imdsEndpoint the metadata service endpoint to use instead of the SDK's, or null
 * @param credentials the credentials, or null for the SDK's default chain
 * @param attemptTimeout the limit of one EC2 call (the SDK does not retry: floatd's orchestrator does)
 */
public record AwsClientOptions(URI ec2Endpoint, URI imdsEndpoint, AwsCredentialsProvider credentials,
                               Duration attemptTimeout) {
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

    public AwsClientOptions {
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("attemptTimeout must be positive");
        }
    }

    public static AwsClientOptions defaults() {
        return new AwsClientOptions(null, null, null, DEFAULT_ATTEMPT_TIMEOUT);
    }

    public AwsClientOptions withEc2Endpoint(URI endpoint) {
        return new AwsClientOptions(endpoint, imdsEndpoint, credentials, attemptTimeout);
    }

    public AwsClientOptions withImdsEndpoint(URI endpoint) {
        return new AwsClientOptions(ec2Endpoint, endpoint, credentials, attemptTimeout);
    }

    public AwsClientOptions withCredentials(AwsCredentialsProvider provider) {
        return new AwsClientOptions(ec2Endpoint, imdsEndpoint, provider, attemptTimeout);
    }

    public AwsClientOptions withAttemptTimeout(Duration timeout) {
        return new AwsClientOptions(ec2Endpoint, imdsEndpoint, credentials, timeout);
    }
}
