package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AllocateAddressResponse;
import software.amazon.awssdk.services.ec2.model.InstanceType;

/**
 * The eip provider against LocalStack's EC2 emulation, on a loopback-mapped container port. Skipped (reported
 * as such by JUnit) when no Docker engine is available.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalStackTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer("localstack/localstack:4.4").withServices("ec2");

    @Test
    void acquireAndReleaseAnElasticIp() throws Exception {
        StaticCredentialsProvider creds = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        String instanceId;
        String allocationId;
        try (Ec2Client admin = Ec2Client.builder().endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion())).credentialsProvider(creds).build()) {
            String image = admin.describeImages().images().getFirst().imageId(); // one of LocalStack's stock AMIs
            instanceId = admin.runInstances(r -> r.imageId(image).instanceType(InstanceType.T3_MICRO)
                    .minCount(1).maxCount(1)).instances().getFirst().instanceId();
            AllocateAddressResponse eip = admin.allocateAddress(r -> r.domain("vpc"));
            allocationId = eip.allocationId();
        }
        AwsClientOptions options = new AwsClientOptions(LOCALSTACK.getEndpoint(), AwsFixture.NO_IMDS, creds,
                AwsClientOptions.DEFAULT_ATTEMPT_TIMEOUT);
        Map<String, String> settings = Map.of("provider", "aws", "address", allocationId,
                "instance_id", instanceId, "region", LOCALSTACK.getRegion());
        try (FloatingIpProvider p = new AwsProviderFactory(options).create(AwsFixture.context(settings))) {
            assertEquals(Holder.Kind.NOBODY, p.holder().kind());
            p.acquire();
            assertEquals(Holder.self(instanceId), p.holder());
            p.release();
            assertEquals(Holder.Kind.NOBODY, p.holder().kind());
        }
    }
}
