package io.floatd.provider.digitalocean;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** The droplet metadata service on 127.0.0.1: {@code GET /metadata/v1/id} answers the droplet id as plain text. */
final class MetadataTestEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger idRequests = new AtomicInteger();

    MetadataTestEndpoint(long dropletId) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/", ex -> {
            try (ex) {
                boolean id = ex.getRequestURI().getPath().equals("/metadata/v1/id");
                if (id) {
                    idRequests.incrementAndGet();
                }
                byte[] b = (id ? String.valueOf(dropletId) : "not found").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                ex.sendResponseHeaders(id ? 200 : 404, b.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int idRequests() {
        return idRequests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
