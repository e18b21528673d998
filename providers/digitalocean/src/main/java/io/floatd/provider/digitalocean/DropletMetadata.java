package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/** This droplet's id from the droplet metadata service ({@code GET /metadata/v1/id}, plain text, no token). */
final class DropletMetadata {
    static final URI DEFAULT = URI.create("http://169.254.169.254");
    static final String ENV = "DIGITALOCEAN_METADATA_URL";
    private static final Pattern ID = Pattern.compile("[1-9]\\d{0,18}");

    private DropletMetadata() {
    }

    static long dropletId(URI base, Duration timeout) throws ProviderException {
        String b = base.toString();
        URI uri = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/metadata/v1/id");
        String failure;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body() == null ? "" : r.body().strip();
            if (r.statusCode() == 200 && ID.matcher(body).matches()) {
                return Long.parseLong(body);
            }
            failure = r.statusCode() == 200 ? "it answered something that is not a droplet id"
                    : "HTTP " + r.statusCode();
        } catch (IOException e) {
            failure = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        throw new ProviderException("digitalocean: cannot read the droplet id from the metadata service at " + uri
                + " (" + failure.replaceAll("\\s+", " ") + "): set droplet_id in floating_ip", true);
    }
}
