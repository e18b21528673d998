package io.floatd.provider.aws;

import io.floatd.vrrp.provider.JitWarmUp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * What core's {@link JitWarmUp} exercises for the aws provider: the takeover's two EC2 calls (DescribeAddresses and
 * AssociateAddress; for mode route_table, DescribeRouteTables and ReplaceRoute) through a client of its own, built
 * with the settings of the real one ({@link AwsProviderFactory#configured}), so that the SDK's pipeline
 * (marshalling, SigV4 signing, the Apache HTTP client, XML unmarshalling) is compiled with the classes a takeover
 * uses (a stand-in HTTP client taught the JIT the wrong ones: the first real call then fell back to the
 * interpreter). No credentials are used (fixed fake ones sign the requests), no API call is counted. Where loopback
 * cannot be bound, the HTTP client is an in-memory stand-in and only the SDK's own code is compiled. Once per JVM:
 * the SDK's shared pipeline is the same for both call pairs, so the JVM's first aws provider decides which.
 */
final class Ec2WarmUp implements JitWarmUp.Exercise {
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

    /** mode route_table's calls (issue 16): DescribeRouteTables and ReplaceRoute, answered the same way. */
    private static final String ROUTES = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeRouteTablesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                <requestId>00000000-0000-0000-0000-000000000000</requestId>
                <routeTableSet>
                    <item>
                        <routeTableId>rtb-00000000000000000</routeTableId>
                        <vpcId>vpc-00000000000000000</vpcId>
                        <ownerId>000000000000</ownerId>
                        <routeSet>
                            <item>
                                <destinationCidrBlock>10.0.0.0/16</destinationCidrBlock>
                                <gatewayId>local</gatewayId>
                                <state>active</state>
                                <origin>CreateRouteTable</origin>
                            </item>
                            <item>
                                <destinationCidrBlock>192.0.2.1/32</destinationCidrBlock>
                                <instanceId>i-00000000000000000</instanceId>
                                <networkInterfaceId>eni-00000000000000000</networkInterfaceId>
                                <state>active</state>
                                <origin>CreateRoute</origin>
                            </item>
                        </routeSet>
                        <associationSet/>
                        <tagSet/>
                    </item>
                </routeTableSet>
            </DescribeRouteTablesResponse>
            """;
    private static final String REPLACE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ReplaceRouteResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                <requestId>00000000-0000-0000-0000-000000000000</requestId>
                <return>true</return>
            </ReplaceRouteResponse>
            """;
    private static final StaticCredentialsProvider FAKE = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAWARMUPONLY000000", "warm-up-only-not-a-secret"));

    private final Region region;
    /** Whether the rounds drive mode route_table's calls instead of mode eip's. */
    private final boolean routeTable;

    Ec2WarmUp(Region region, boolean routeTable) {
        this.region = region;
        this.routeTable = routeTable;
    }

    @Override
    public String key() {
        return AwsProviderFactory.NAME;
    }

    /** Drives the two calls {@code rounds} times through the real HTTP client against {@code endpoint}. */
    @Override
    public int run(URI endpoint, Duration callTimeout, int rounds) {
        try (Ec2Client ec2 = AwsProviderFactory.configured(Ec2Client.builder(), callTimeout)
                .region(region)
                .credentialsProvider(FAKE)
                .endpointOverride(endpoint)
                .build()) {
            return rounds(ec2, rounds);
        }
    }

    @Override
    public boolean runInMemory(int rounds) {
        run(rounds, new CannedHttpClient());
        return true;
    }

    /** Drives the two calls {@code rounds} times in memory; returns the rounds done. */
    int run(int rounds, CannedHttpClient http) {
        try (Ec2Client ec2 = Ec2Client.builder()
                .region(region)
                .credentialsProvider(FAKE)
                .httpClient(http)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            return rounds(ec2, rounds);
        }
    }

    private int rounds(Ec2Client ec2, int rounds) {
        if (routeTable) {
            for (int i = 0; i < rounds; i++) {
                ec2.describeRouteTables(r -> r.filters(f -> f.name("route-table-id").values("rtb-00000000000000000")));
                ec2.replaceRoute(r -> r.routeTableId("rtb-00000000000000000").destinationCidrBlock("192.0.2.1/32")
                        .networkInterfaceId("eni-00000000000000000"));
            }
            return rounds;
        }
        for (int i = 0; i < rounds; i++) {
            ec2.describeAddresses(r -> r.allocationIds("eipalloc-00000000000000000"));
            ec2.associateAddress(r -> r.allocationId("eipalloc-00000000000000000")
                    .instanceId("i-00000000000000000").allowReassociation(true));
        }
        return rounds;
    }

    /** EC2's answer to a Query API POST, from memory. */
    @Override
    public JitWarmUp.Reply answer(String method, String path, byte[] body) {
        return new JitWarmUp.Reply(200, "text/xml;charset=UTF-8", answer(new String(body, StandardCharsets.UTF_8)));
    }

    /** The canned answer to a request whose form body is {@code body}. */
    static byte[] answer(String body) {
        String xml = body.contains("Action=AssociateAddress") ? ASSOCIATE
                : body.contains("Action=DescribeRouteTables") ? ROUTES
                : body.contains("Action=ReplaceRoute") ? REPLACE : DESCRIBE;
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /** Answers every request from memory: DescribeAddresses or AssociateAddress, by the request's Action. */
    static final class CannedHttpClient implements SdkHttpClient {
        /** Requests answered (the warm-up's own thread only). */
        int requests;

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            requests++;
            String body = request.contentStreamProvider().map(p -> read(p.newStream())).orElse("");
            byte[] xml = answer(body);
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
