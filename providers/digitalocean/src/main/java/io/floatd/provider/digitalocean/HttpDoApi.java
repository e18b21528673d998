package io.floatd.provider.digitalocean;

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
 * {@link DoApi} on cloud-http's {@link JsonApi} (Apache HttpClient and gson): the requests floatd makes, typed, as
 * DigitalOcean's OpenAPI specification gives them (github.com/digitalocean/openapi,
 * {@code specification/resources/reserved_ips/}, {@code reserved_ipv6/}, {@code droplets/}, {@code actions/}):
 * <ul>
 *   <li>{@code GET /v2/reserved_ips/{ip}} → {@code {"reserved_ip":{"ip","droplet","locked",...}}} (the old
 *       {@code /v2/floating_ips} answers {@code floating_ip}); {@code GET /v2/reserved_ipv6/{ip}} →
 *       {@code {"reserved_ipv6":{"ip","droplet",...}}}, or the bare object the specification's schema shows;
 *   <li>{@code POST /v2/reserved_ips/{ip}/actions} (or {@code reserved_ipv6}) with {@code {"type":"assign",
 *       "droplet_id":N}} or {@code {"type":"unassign"}} → 201 {@code {"action":{"id","status",...}}};
 *   <li>the action: {@code GET /v2/reserved_ips/{ip}/actions/{id}}, for IPv6 {@code GET /v2/actions/{id}};
 *   <li>{@code GET /v2/droplets/{id}}, {@code GET /v2/droplets?page=1&per_page=N} and the pages after it,
 *       {@code GET /v2/actions?page=1&per_page=1}.
 * </ul>
 * An answer from 300 on is a {@link CloudApiError} with the error body's {@code id}, {@code message} and
 * {@code request_id} and the rate-limit headers; the token is only in the {@code Authorization} header.
 */
final class HttpDoApi implements DoApi {
    /** DigitalOcean's error body and rate-limit headers. */
    private static final JsonApi.Dialect DIALECT = new JsonApi.Dialect() {
        @Override
        public JsonApi.ErrorBody errorBody(JsonObject o) {
            return new JsonApi.ErrorBody(string(o, "id"), string(o, "message"), string(o, "request_id"));
        }

        @Override
        public Duration retryAfter(Function<String, String> header) {
            return HttpDoApi.retryAfter(header);
        }
    };

    private final JsonApi api;
    private final DoSettings.Paths paths;

    private HttpDoApi(JsonApi api, DoSettings.Paths paths) {
        this.api = api;
        this.paths = paths;
    }

    static HttpDoApi create(URI baseUrl, DoSettings.Paths paths, ApiToken token, DoClientOptions options) {
        return new HttpDoApi(JsonApi.create(baseUrl, "", token, options, DIALECT), paths);
    }

    private String prefix() {
        return "/v2/" + paths.keyword();
    }

    @Override
    public ReservedIp reservedIp(String ip) throws CloudApiError {
        String path = prefix() + "/" + ip;
        JsonObject o = api.get(path);
        String key = switch (paths) {
            case RESERVED_IPS -> "reserved_ip";
            case FLOATING_IPS -> "floating_ip";
            case RESERVED_IPV6 -> "reserved_ipv6";
        };
        // a reserved IPv6 may come as the bare object, as the specification's schema shows it
        JsonObject r = o.get(key) instanceof JsonObject wrapped ? wrapped
                : paths == DoSettings.Paths.RESERVED_IPV6 ? o : null;
        if (r == null || !(r.get("ip") instanceof JsonPrimitive)) {
            throw unexpected("the answer to GET " + path + " has no " + key.replace('_', ' '));
        }
        boolean locked = r.get("locked") instanceof JsonPrimitive l && l.isBoolean() && l.getAsBoolean();
        if (!(r.get("droplet") instanceof JsonObject d)) {
            return new ReservedIp(string(r, "ip"), null, null, List.of(), locked);
        }
        if (!(d.get("id") instanceof JsonPrimitive id && id.isNumber())) {
            throw unexpected("the droplet of " + key.replace('_', ' ') + " " + ip + " has no id");
        }
        ListedDroplet listed = droplet(d);
        return new ReservedIp(string(r, "ip"), id.getAsLong(), listed.name(), listed.v4().stream().map(Ipv4::ip).toList(),
                locked);
    }

    @Override
    public void droplet(long id) throws CloudApiError {
        api.get("/v2/droplets/" + id);
    }

    @Override
    public DropletPage droplets(String next, int perPage) throws CloudApiError {
        JsonObject o = api.get(next == null ? "/v2/droplets?page=1&per_page=" + perPage : apiPath(next));
        List<ListedDroplet> droplets = new ArrayList<>();
        if (o.get("droplets") instanceof JsonArray list) {
            for (JsonElement e : list) {
                if (e instanceof JsonObject d) {
                    droplets.add(droplet(d));
                }
            }
        }
        String nextPage = null;
        if (o.get("links") instanceof JsonObject links && links.get("pages") instanceof JsonObject pages) {
            String n = string(pages, "next");
            nextPage = n.isEmpty() ? null : n;
        }
        int total = o.get("meta") instanceof JsonObject meta && meta.get("total") instanceof JsonPrimitive t && t.isNumber()
                ? t.getAsInt() : 0;
        return new DropletPage(droplets, nextPage, total);
    }

    private static ListedDroplet droplet(JsonObject d) {
        long id = d.get("id") instanceof JsonPrimitive p && p.isNumber() ? p.getAsLong() : -1;
        String vpc = string(d, "vpc_uuid");
        List<Ipv4> v4 = new ArrayList<>();
        if (d.get("networks") instanceof JsonObject networks && networks.get("v4") instanceof JsonArray list) {
            for (JsonElement n : list) {
                if (n instanceof JsonObject net && !string(net, "ip_address").isEmpty()) {
                    v4.add(new Ipv4(string(net, "ip_address"), string(net, "type")));
                }
            }
        }
        return new ListedDroplet(id, string(d, "name"), vpc.isEmpty() ? null : vpc, v4);
    }

    @Override
    public Action assign(String ip, long dropletId) throws CloudApiError {
        JsonObject request = new JsonObject();
        request.addProperty("type", "assign");
        request.addProperty("droplet_id", dropletId);
        return postAction(ip, request);
    }

    @Override
    public Action unassign(String ip) throws CloudApiError {
        JsonObject request = new JsonObject();
        request.addProperty("type", "unassign");
        return postAction(ip, request);
    }

    private Action postAction(String ip, JsonObject request) throws CloudApiError {
        String path = prefix() + "/" + ip + "/actions";
        return action(api.post(path, request.toString()), "POST " + path);
    }

    @Override
    public Action action(String ip, long actionId) throws CloudApiError {
        String path = paths == DoSettings.Paths.RESERVED_IPV6 ? "/v2/actions/" + actionId
                : prefix() + "/" + ip + "/actions/" + actionId;
        return action(api.get(path), "GET " + path);
    }

    @Override
    public void firstAction() throws CloudApiError {
        api.get("/v2/actions?page=1&per_page=1");
    }

    @Override
    public String paths() {
        return paths.keyword();
    }

    @Override
    public void close() {
        api.close();
    }

    /** {@code {"action":{"id":N,"status":"..."}}} as an {@link Action}. */
    private static Action action(JsonObject answer, String what) throws CloudApiError {
        if (answer.get("action") instanceof JsonObject a && a.get("id") instanceof JsonPrimitive id && id.isNumber()) {
            String status = string(a, "status");
            return new Action(id.getAsLong(), status.isEmpty() ? "unknown" : status);
        }
        throw unexpected("the answer to " + what + " has no action id");
    }

    /** {@code /v2/...?query} of a link the API gave (absolute, on its own host), to be sent to the base URL. */
    private static String apiPath(String link) throws CloudApiError {
        try {
            URI u = new URI(link);
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            int v2 = path.indexOf("/v2/");
            return (v2 >= 0 ? path.substring(v2) : path) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (java.net.URISyntaxException e) {
            throw unexpected("links.pages.next is not a URL");
        }
    }

    /** {@code Retry-After} (seconds), else {@code RateLimit-Reset} (epoch seconds), else null. */
    private static Duration retryAfter(Function<String, String> header) {
        try {
            String retryAfter = header.apply("Retry-After");
            if (retryAfter != null) {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.strip())));
            }
        } catch (NumberFormatException e) {
            // an HTTP date: fall through to RateLimit-Reset
        }
        try {
            String reset = header.apply("RateLimit-Reset");
            if (reset != null) {
                Duration d = Duration.between(Instant.now(), Instant.ofEpochSecond(Long.parseLong(reset.strip())));
                return d.isNegative() ? Duration.ZERO : d;
            }
        } catch (NumberFormatException e) {
            // ignore
        }
        return null;
    }
}
