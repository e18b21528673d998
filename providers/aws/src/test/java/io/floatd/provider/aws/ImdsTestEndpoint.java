package io.floatd.provider.aws;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * IMDSv2 on 127.0.0.1 (or on a given address, e.g. inside a network namespace for {@code bench/footprint.sh}): {@code PUT /latest/api/token} with {@code X-aws-ec2-metadata-token-ttl-seconds} gives a token;
 * {@code GET /latest/meta-data/...} needs {@code X-aws-ec2-metadata-token} (401 without a valid one, 404 for an
 * unknown path).
 *
 * <p>Public, and shipped in this module's test-jar, for the CLI's benchmarks that run a real floatd daemon against it.
 */
public final class ImdsTestEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool;
    private final Map<String, String> metadata = new ConcurrentHashMap<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final String token = UUID.randomUUID().toString();

    ImdsTestEndpoint() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** On {@code bind} (binds the socket in the calling thread's network namespace). */
    public ImdsTestEndpoint(InetSocketAddress bind) throws IOException {
        server = HttpServer.create(bind, 16);
        pool = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("imds-test-endpoint").daemon(true).factory());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** An instance with its id, region, and primary interface (mac → interface-id, vpc-id). */
    public ImdsTestEndpoint instance(String instanceId, String region, String mac, String eniId) {
        put("instance-id", instanceId);
        if (region != null) {
            put("placement/region", region);
        }
        put("mac", mac);
        put("network/interfaces/macs/" + mac + "/interface-id", eniId);
        put("network/interfaces/macs/" + mac + "/vpc-id", Ec2TestEndpoint.VPC);
        return this;
    }

    ImdsTestEndpoint put(String path, String value) {
        metadata.put("/latest/meta-data/" + path, value);
        return this;
    }

    ImdsTestEndpoint remove(String path) {
        metadata.remove("/latest/meta-data/" + path);
        return this;
    }

    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isLoopbackAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + a.getPort());
    }

    /** "METHOD path status" for each request. */
    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            int status;
            String body = "";
            if ("PUT".equals(ex.getRequestMethod()) && path.equals("/latest/api/token")) {
                String ttl = ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
                if (ttl == null || !ttl.matches("\\d+") || Integer.parseInt(ttl) < 1 || Integer.parseInt(ttl) > 21600) {
                    status = 400;
                } else {
                    status = 200;
                    body = token;
                    ex.getResponseHeaders().set("X-aws-ec2-metadata-token-ttl-seconds", ttl);
                }
            } else if ("GET".equals(ex.getRequestMethod())) {
                if (!token.equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
                    status = 401;
                } else if (metadata.containsKey(path)) {
                    status = 200;
                    body = metadata.get(path);
                } else {
                    status = 404;
                }
            } else {
                status = 405;
            }
            log.add(ex.getRequestMethod() + " " + path + " " + status);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
