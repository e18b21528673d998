package io.floatd.provider.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Compiles the EC2 request path before the first election. A takeover every few days runs the SDK's pipeline
 * (marshalling, SigV4 signing, XML unmarshalling) in the interpreter: measured here, DescribeAddresses plus
 * AssociateAddress took 12.5 ms (median) in a fresh JVM against 2.9 ms once the JIT had compiled them. So, once
 * per JVM and a few seconds after start (the first advert is not delayed), a background thread drives the same two
 * calls {@link #ROUNDS} times through a client of its own whose HTTP client is an in-memory stand-in: nothing leaves
 * the process, no credentials are used (fixed fake ones sign the requests), no API call is counted.
 */
final class JitWarmUp {
    static final int ROUNDS = 300;
    private static final Logger LOG = Logger.getLogger(JitWarmUp.class.getName());
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final String DESCRIBE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeAddressesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                <requestId>00000000-0000-0000-0000-000000000000</requestId>
                <addressesSet>
                    <item>
                        <publicIp>192.0.2.1</publicIp>
                        <allocationId>eipalloc-00000000000000000</allocationId>
                        <domain>vpc</domain>
                        <instanceId>i-00000000000000000</instanceId>
                        <associationId>eipassoc-00000000000000000</associationId>
                        <networkInterfaceId>eni-00000000000000000</networkInterfaceId>
                        <privateIpAddress>10.0.0.1</privateIpAddress>
                    </item>
                </addressesSet>
            </DescribeAddressesResponse>
            """;
    private static final String ASSOCIATE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <AssociateAddressResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                <requestId>00000000-0000-0000-0000-000000000000</requestId>
                <return>true</return>
                <associationId>eipassoc-00000000000000001</associationId>
            </AssociateAddressResponse>
            """;

    private JitWarmUp() {
    }

    /** Starts the warm-up in the background after {@code delay}, once per JVM. */
    static void startOnce(Region region, Duration delay) {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().name("aws-jit-warm-up").daemon(true).start(() -> {
            try {
                Thread.sleep(delay);
                long t0 = System.nanoTime();
                int n = run(region, ROUNDS, new CannedHttpClient());
                LOG.log(Level.FINE, "aws: request path compiled: {0} rounds in {1} ms",
                        new Object[] {n, (System.nanoTime() - t0) / 1_000_000});
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // an optimisation only: the first takeover is then merely slower
                LOG.log(Level.FINE, "aws: JIT warm-up stopped: {0}", e.toString());
            }
        });
    }

    /** Drives DescribeAddresses and AssociateAddress {@code rounds} times in memory; returns the rounds done. */
    static int run(Region region, int rounds, CannedHttpClient http) {
        try (Ec2Client ec2 = Ec2Client.builder()
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAWARMUPONLY000000", "warm-up-only-not-a-secret")))
                .httpClient(http)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            for (int i = 0; i < rounds; i++) {
                ec2.describeAddresses(r -> r.allocationIds("eipalloc-00000000000000000"));
                ec2.associateAddress(r -> r.allocationId("eipalloc-00000000000000000")
                        .instanceId("i-00000000000000000").allowReassociation(true));
            }
        }
        return rounds;
    }

    /** Answers every request from memory: DescribeAddresses or AssociateAddress, by the request's Action. */
    static final class CannedHttpClient implements SdkHttpClient {
        /** Requests answered (the warm-up's own thread only). */
        int requests;

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            requests++;
            String body = request.contentStreamProvider().map(p -> read(p.newStream())).orElse("");
            byte[] xml = (body.contains("Action=AssociateAddress") ? ASSOCIATE : DESCRIBE).getBytes(StandardCharsets.UTF_8);
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200)
                                    .putHeader("Content-Type", "text/xml;charset=UTF-8")
                                    .putHeader("Content-Length", String.valueOf(xml.length))
                                    .build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(xml)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        private static String read(InputStream in) {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String clientName() {
            return "floatd-warm-up";
        }

        @Override
        public void close() {
        }
    }
}
