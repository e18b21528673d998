package io.floatd.vrrp.provider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * This machine's numeric id from its cloud's metadata service: one plain-text GET, no token (DigitalOcean's
 * {@code /metadata/v1/id}, Hetzner's {@code /hetzner/v1/metadata/instance-id}).
 */
public final class MetadataId {
    private static final Pattern ID = Pattern.compile("[1-9]\\d{0,18}");

    private MetadataId() {
    }

    /**
     * Reads the id at {@code path} of {@code base}.
     *
     * @param what what the id is ({@code droplet}, {@code server}), for messages
     * @param key the {@code floating_ip} keyword that sets it instead ({@code droplet_id})
     * @throws ProviderException (retryable) naming the URL, what went wrong and the keyword
     */
    public static long read(String provider, URI base, String path, Duration timeout, String what, String key)
            throws ProviderException {
        URI uri = BaseUrl.resolve(base, path);
        String failure;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body() == null ? "" : r.body().strip();
            if (r.statusCode() == 200 && ID.matcher(body).matches()) {
                return Long.parseLong(body);
            }
            failure = r.statusCode() == 200 ? "it answered something that is not a " + what + " id"
                    : "HTTP " + r.statusCode();
        } catch (IOException e) {
            failure = io.floatd.vrrp.log.Failures.describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        throw new ProviderException(provider + ": cannot read the " + what + " id from the metadata service at " + uri
                + " (" + failure.replaceAll("\\s+", " ") + "): set " + key + " in floating_ip", true);
    }
}
