package io.floatd.provider.hetzner;

import static io.floatd.provider.cloudhttp.JsonApi.string;
import static io.floatd.vrrp.provider.CloudApiError.unexpected;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.floatd.provider.cloudhttp.JsonApi;
import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.CloudApiError;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@link HcloudApi} on cloud-http's {@link JsonApi} (Apache HttpClient and gson; digitalocean's {@code HttpDoApi}
 * uses it too), in the shapes of Hetzner's OpenAPI specification
 * (docs.hetzner.cloud; hcloud-go's {@code hcloud/schema}):
 * <ul>
 *   <li>{@code GET /v1/floating_ips/{id}} → {@code {"floating_ip":{"id","ip","type","server",...}}};
 *       {@code GET /v1/floating_ips?page&per_page} → {@code {"floating_ips":[...],"meta":{"pagination":{...}}}};
 *   <li>{@code POST /v1/floating_ips/{id}/actions/assign {"server":N}} and {@code .../unassign} → 201
 *       {@code {"action":{"id","command","status","progress","error",...}}}; {@code GET /v1/floating_ips/actions/{id}};
 *   <li>{@code GET /v1/servers/{id}}, {@code GET /v1/servers?page&per_page} ({@code public_net.ipv4.ip},
 *       {@code private_net[].network}, {@code private_net[].ip}).
 * </ul>
 * An answer from 300 on is a {@link CloudApiError} with the body's {@code error.code} and {@code error.message} and
 * the time until {@code RateLimit-Reset}; the token is only in the {@code Authorization} header.
 */
final class HttpHcloudApi implements HcloudApi {
    /** Hetzner's error body, {@code {"error":{"code","message","details"}}}, and rate-limit headers. */
    private static final JsonApi.Dialect DIALECT = new JsonApi.Dialect() {
        @Override
        public JsonApi.ErrorBody errorBody(JsonObject o) {
            return o.get("error") instanceof JsonObject e
                    ? new JsonApi.ErrorBody(string(e, "code"), string(e, "message"), "") : JsonApi.ErrorBody.NONE;
        }

        @Override
        public Duration retryAfter(Function<String, String> header) {
            return HttpHcloudApi.retryAfter(header);
        }
    };

    private final JsonApi api;

    private HttpHcloudApi(JsonApi api) {
        this.api = api;
    }

    /** @param baseUrl the API's base, {@code /v1} included, as {@code HCLOUD_ENDPOINT} gives it */
    static HttpHcloudApi create(URI baseUrl, ApiToken token, HetznerClientOptions options) {
        return new HttpHcloudApi(JsonApi.create(baseUrl, "/v1", token, options, DIALECT));
    }

    @Override
    public FloatingIp floatingIp(long id) throws CloudApiError {
        return one("floating_ips", "floating_ip", id, HttpHcloudApi::floatingIp);
    }

    @Override
    public Page<FloatingIp> floatingIps(int page, int perPage) throws CloudApiError {
        return page("floating_ips", page, perPage, HttpHcloudApi::floatingIp);
    }

    private static FloatingIp floatingIp(JsonObject f) throws CloudApiError {
        if (!(f.get("id") instanceof JsonPrimitive id && id.isNumber()) || string(f, "ip").isEmpty()) {
            throw unexpected("a floating IP without id or ip");
        }
        Long server = f.get("server") instanceof JsonPrimitive s && s.isNumber() ? s.getAsLong() : null;
        return new FloatingIp(id.getAsLong(), string(f, "ip"), string(f, "type"), server);
    }

    @Override
    public Server server(long id) throws CloudApiError {
        return one("servers", "server", id, HttpHcloudApi::server);
    }

    @Override
    public Page<Server> servers(int page, int perPage) throws CloudApiError {
        return page("servers", page, perPage, HttpHcloudApi::server);
    }

    private static Server server(JsonObject s) {
        long id = s.get("id") instanceof JsonPrimitive p && p.isNumber() ? p.getAsLong() : -1;
        String v4 = s.get("public_net") instanceof JsonObject pub && pub.get("ipv4") instanceof JsonObject ipv4
                ? string(ipv4, "ip") : "";
        List<PrivateNet> nets = new ArrayList<>();
        if (s.get("private_net") instanceof JsonArray list) {
            for (JsonElement e : list) {
                if (e instanceof JsonObject n && !string(n, "ip").isEmpty()) {
                    long network = n.get("network") instanceof JsonPrimitive p && p.isNumber() ? p.getAsLong() : -1;
                    nets.add(new PrivateNet(network, string(n, "ip")));
                }
            }
        }
        return new Server(id, string(s, "name"), v4.isEmpty() ? null : v4, nets);
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(JsonObject o) throws CloudApiError;
    }

    /** {@code GET /v1/COLLECTION/ID}: the object under {@code key}, read. */
    private <T> T one(String collection, String key, long id, Reader<T> reader) throws CloudApiError {
        String path = "/" + collection + "/" + id;
        if (!(api.get(path).get(key) instanceof JsonObject o)) {
            throw unexpected("the answer to GET /v1" + path + " has no " + key);
        }
        return reader.read(o);
    }

    /** {@code GET /v1/COLLECTION?page&per_page}: the page's objects under {@code collection}, read, and the next page. */
    private <T> Page<T> page(String collection, int page, int perPage, Reader<T> reader) throws CloudApiError {
        JsonObject o = api.get("/" + collection + "?page=" + page + "&per_page=" + perPage);
        List<T> items = new ArrayList<>();
        if (o.get(collection) instanceof JsonArray list) {
            for (JsonElement e : list) {
                if (e instanceof JsonObject item) {
                    items.add(reader.read(item));
                }
            }
        }
        Integer next = o.get("meta") instanceof JsonObject meta && meta.get("pagination") instanceof JsonObject p
                && p.get("next_page") instanceof JsonPrimitive n && n.isNumber() ? n.getAsInt() : null;
        return new Page<>(items, next);
    }

    @Override
    public Action assign(long floatingIpId, long serverId) throws CloudApiError {
        JsonObject request = new JsonObject();
        request.addProperty("server", serverId);
        String path = "/floating_ips/" + floatingIpId + "/actions/assign";
        return action(api.post(path, request.toString()), "POST /v1" + path);
    }

    @Override
    public Action unassign(long floatingIpId) throws CloudApiError {
        String path = "/floating_ips/" + floatingIpId + "/actions/unassign";
        return action(api.post(path, "{}"), "POST /v1" + path);
    }

    @Override
    public Action action(long actionId) throws CloudApiError {
        String path = "/floating_ips/actions/" + actionId;
        return action(api.get(path), "GET /v1" + path);
    }

    @Override
    public void close() {
        api.close();
    }

    /** {@code {"action":{"id","command","status","error":{"code","message"}}}} as an {@link Action}. */
    private Action action(JsonObject answer, String what) throws CloudApiError {
        if (answer.get("action") instanceof JsonObject a && a.get("id") instanceof JsonPrimitive id && id.isNumber()) {
            String status = string(a, "status");
            JsonObject error = a.get("error") instanceof JsonObject e ? e : new JsonObject();
            return new Action(id.getAsLong(), string(a, "command"), status.isEmpty() ? "unknown" : status,
                    api.clean(string(error, "code")), api.clean(string(error, "message")));
        }
        throw unexpected("the answer to " + what + " has no action id");
    }

    /**
     * Hetzner's {@code RateLimit-Reset} (epoch seconds, when the bucket is full again; one request comes back each
     * second), else a {@code Retry-After} in seconds, else null.
     */
    static Duration retryAfter(Function<String, String> headers) {
        try {
            String reset = headers.apply("RateLimit-Reset");
            if (reset != null) {
                Duration d = Duration.between(Instant.now(), Instant.ofEpochSecond(Long.parseLong(reset.strip())));
                // one request is refilled per second: never wait for the whole bucket, nor less than that second
                return d.isNegative() ? Duration.ZERO : d.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : d;
            }
            String after = headers.apply("Retry-After");
            if (after != null) {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(after.strip())));
            }
        } catch (NumberFormatException e) {
            // not a number: no advice
        }
        return null;
    }
}
