package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.provider.testkit.CloudTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The rig of the token-API cloud-pair tests (DigitalOcean, its reserved IPv6, Hetzner), written once: two floatd
 * nodes ({@link #NODE0}, {@link #NODE1}) and "the cloud" ({@link #CLOUD}) in three network namespaces on one bridged
 * segment, the cloud's fake token in a 0600 file, and the daemons a test started. Registered as a static
 * {@code @RegisterExtension} field: the namespaces and the file are made before the class's tests and removed after
 * them; a test's {@code @AfterEach} calls {@link #stop} with its endpoint.
 */
final class CloudPair implements BeforeAllCallback, AfterAllCallback {
    static final int NODE0 = 0;
    static final int NODE1 = 1;
    static final int CLOUD = 2;

    private final String prefix;
    private final String token;
    private final List<FloatdProcess> daemons = new ArrayList<>();
    private Lan lan;
    private Path tokenFile;

    /** Namespaces named after {@code prefix}; {@code token} is the one the token file holds. */
    CloudPair(String prefix, String token) {
        this.prefix = prefix;
        this.token = token;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Netns.requireRoot();
        lan = Lan.create(prefix, 3);
        tokenFile = Files.createTempFile(prefix + "-token-", "");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tokenFile, token + "\n");
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (lan != null) {
            lan.close();
        }
        if (tokenFile != null) {
            Files.deleteIfExists(tokenFile);
        }
    }

    Lan lan() {
        return lan;
    }

    Netns host(int index) {
        return lan.host(index);
    }

    Path tokenFile() {
        return tokenFile;
    }

    /** The daemons started since the last {@link #stop}, oldest first (a benchmark adds to it and clears it). */
    List<FloatdProcess> daemons() {
        return daemons;
    }

    /** Keeps {@code p} to stop it after the test. */
    FloatdProcess started(FloatdProcess p) {
        daemons.add(p);
        return p;
    }

    /** Stops the daemons, then the test's cloud endpoint (null: none). */
    void stop(AutoCloseable endpoint) throws Exception {
        for (FloatdProcess d : daemons) {
            d.close();
        }
        daemons.clear();
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /**
     * Every API request (not the metadata service's, under {@code metadataPrefix}) carried the token file's token,
     * and no daemon's log has any of {@code secrets} (the token, or parts of it) or a stack trace.
     */
    void assertNoTokenNorStackTrace(List<CloudTestServer.Request> requests, String metadataPrefix, String... secrets) {
        assertTrue(requests.stream().filter(r -> !r.path().startsWith(metadataPrefix))
                .allMatch(r -> r.authorization().equals("Bearer " + token)), "the token file's token is used");
        for (FloatdProcess d : daemons) {
            String log = d.log();
            for (String secret : secrets) {
                assertFalse(log.contains(secret), "the token (or part of it) is in the log of " + d.namespace() + ":\n"
                        + log);
            }
            assertFalse(log.contains("\tat ") || log.contains("Exception"), "a stack trace in the log:\n" + log);
        }
    }

    /**
     * floatd's config for {@code node} (0 or 1) of the pair: VRRPv3, {@code advert_int 0.1}, unicast to the other
     * node, one {@code floating_ip} block of {@code provider} with {@code keys} (name, value, ...) and the takeover
     * settings the clouds' READMEs give ({@code attempt_timeout 10}, {@code recheck_interval 0.5}), then
     * {@code instanceLines} (e.g. a {@code track_file} reference, each line ending in a newline) and the notify
     * script.
     */
    static String floatdConf(String provider, int node, int vrid, int priority, String notify, String instanceLines,
            Object... keys) {
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < keys.length; i += 2) {
            block.append("        ").append(keys[i]).append(' ').append(keys[i + 1]).append('\n');
        }
        return """
                ! floatd %s test: node%d
                global_defs {
                    router_id node%d
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    floating_ip {
                        provider %s
                %s        attempt_timeout 10
                        recheck_interval 0.5
                    }
                %s    notify %s
                }
                """.formatted(provider, node, node, vrid, priority, Lan.address(node), Lan.address(1 - node), provider,
                block, instanceLines, notify);
    }

    /** Waits (bounded) until {@code condition} holds; fails naming {@code what}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within " + timeout + ": " + what);
            }
            FloatdProcess.sleep(20);
        }
    }
}
