package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.BaseUrl;
import io.floatd.vrrp.provider.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/** This server's id from Hetzner's metadata service ({@code GET /hetzner/v1/metadata/instance-id}, text, no token). */
final class ServerMetadata {
    static final URI DEFAULT = URI.create("http://169.254.169.254");
    static final String ENV = "HCLOUD_METADATA_URL";
    static final String PATH = "/hetzner/v1/metadata/instance-id";
    private static final Pattern ID = Pattern.compile("[1-9]\\d{0,18}");

    private ServerMetadata() {
    }

    static long serverId(URI base, Duration timeout) throws ProviderException {
        URI uri = BaseUrl.resolve(base, PATH);
        String failure;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body() == null ? "" : r.body().strip();
            if (r.statusCode() == 200 && ID.matcher(body).matches()) {
                return Long.parseLong(body);
            }
            failure = r.statusCode() == 200 ? "it answered something that is not a server id" : "HTTP " + r.statusCode();
        } catch (IOException e) {
            failure = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        throw new ProviderException("hetzner: cannot read the server id from the metadata service at " + uri + " ("
                + failure.replaceAll("\\s+", " ") + "): set server_id in floating_ip", true);
    }
}
