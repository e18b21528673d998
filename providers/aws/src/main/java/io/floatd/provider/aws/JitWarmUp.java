package io.floatd.provider.aws;

import io.floatd.vrrp.provider.WarmUpResponder;
import io.floatd.vrrp.provider.WarmUpThread;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * (marshalling, SigV4 signing, the Apache HTTP client, XML unmarshalling) in the interpreter: measured here,
 * DescribeAddresses plus AssociateAddress took 12.5 ms (median) in a fresh JVM against 2.9 ms once the JIT had
 * compiled them. So, once per JVM and a few seconds after start (the first advert is not delayed), a background
 * thread drives the same two calls {@link #ROUNDS} times through a client of its own, built with the settings of
 * the real one ({@link AwsProviderFactory#configured}), against a responder on 127.0.0.1 that answers from memory
 * and lives only for the warm-up: the HTTP client's socket path is compiled too, with the classes a takeover uses
 * (a stand-in HTTP client taught the JIT the wrong ones: the first real call then fell back to the interpreter).
 * Nothing leaves the host, no credentials are used (fixed fake ones sign the requests), no API call is counted.
 * Where loopback cannot be bound, the HTTP client is an in-memory stand-in and only the SDK's own code is compiled.
 */
final class JitWarmUp {
    /**
     * Measured through loopback in one JVM with the daemon's JIT flags (C1 only): a round took 9.6 ms over the first
     * 250 (interpreter), 2.3 ms over the next 250 and 1.7 ms around 1500; 300 rounds left the path slow.
     */
    static final int ROUNDS = 1500;
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
    /** Whether the rounds drive mode route_table's calls instead of mode eip's (the first provider's mode decides). */
    private static volatile boolean routes;

    private JitWarmUp() {
    }

    /**
     * As {@link #startOnce(Region)}, with mode route_table's calls when {@code routeTable} (the JVM's first aws
     * provider decides: the SDK's shared pipeline is the same for both, only the calls' own marshalling differs).
     */
    static void startOnce(Region region, boolean routeTable) {
        if (!STARTED.get()) {
            routes = routeTable;
        }
        startOnce(region);
    }

    /** Starts the warm-up in the background, once per JVM, with {@link WarmUpThread}'s start delay. */
    static void startOnce(Region region) {
        WarmUpThread.startOnce(STARTED, "aws", ROUNDS, n -> {
            try (WarmUpResponder responder = WarmUpResponder.start(JitWarmUp::reply)) {
                run(region, n, responder.uri(), WarmUpThread.CALL_TIMEOUT);
                return "through loopback";
            } catch (IOException e) {
                run(region, n, new CannedHttpClient());
                return "in memory (loopback: " + e.getMessage() + ")";
            }
        });
    }

    /** Drives the two calls {@code rounds} times through the real HTTP client against {@code endpoint}. */
    static int run(Region region, int rounds, URI endpoint, Duration timeout) {
        return run(region, rounds, endpoint, timeout, routes);
    }

    /** As above; {@code routeTable}: DescribeRouteTables and ReplaceRoute instead. */
    static int run(Region region, int rounds, URI endpoint, Duration timeout, boolean routeTable) {
        try (Ec2Client ec2 = AwsProviderFactory.configured(Ec2Client.builder(), timeout)
                .region(region)
                .credentialsProvider(FAKE)
                .endpointOverride(endpoint)
                .build()) {
            return rounds(ec2, rounds, routeTable);
        }
    }

    /** Drives DescribeAddresses and AssociateAddress {@code rounds} times in memory; returns the rounds done. */
    static int run(Region region, int rounds, CannedHttpClient http) {
        try (Ec2Client ec2 = Ec2Client.builder()
                .region(region)
                .credentialsProvider(FAKE)
                .httpClient(http)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            return rounds(ec2, rounds, routes);
        }
    }

    private static final StaticCredentialsProvider FAKE = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAWARMUPONLY000000", "warm-up-only-not-a-secret"));

    private static int rounds(Ec2Client ec2, int rounds, boolean routeTable) {
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
    static WarmUpResponder.Reply reply(String method, String path, byte[] body) {
        return new WarmUpResponder.Reply(200, "text/xml;charset=UTF-8", answer(new String(body, StandardCharsets.UTF_8)));
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
