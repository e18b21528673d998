package io.floatd.provider.digitalocean;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.myjeeva.digitalocean.exception.DigitalOceanException;
import com.myjeeva.digitalocean.exception.RequestUnsuccessfulException;
import com.myjeeva.digitalocean.impl.DigitalOceanClient;
import com.myjeeva.digitalocean.pojo.Droplet;
import com.myjeeva.digitalocean.pojo.FloatingIP;
import com.myjeeva.digitalocean.pojo.Network;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.config.Registry;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.conn.HttpHostConnectException;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/**
 * {@link DoApi} on digitalocean-api-java ({@link DigitalOceanClient}) over one pooled, kept-alive Apache HttpClient,
 * routed by {@link RoutingHttpClient}. The library's own exceptions are turned into {@link DoApiError}s from what
 * the routing client saw (status, error body, rate-limit headers), not from the library's multi-line messages.
 *
 * <p>A reserved IPv6 ({@link DoSettings.Paths#RESERVED_IPV6}) is beyond the library (2.17 knows floating IPs only):
 * its three calls go through the same routed, pooled client and are read with gson, as DigitalOcean's OpenAPI
 * specification gives them (github.com/digitalocean/openapi, {@code specification/resources/reserved_ipv6/}):
 * {@code GET /v2/reserved_ipv6/{ip}} answers the reserved IPv6 ({@code ip}, {@code region_slug},
 * {@code reserved_at}, {@code droplet}: a droplet object or null), under the key {@code reserved_ipv6} as the API
 * and its Go client godo have it, or as the bare object the specification's schema shows (both are read);
 * {@code POST /v2/reserved_ipv6/{ip}/actions} with {@code {"type":"assign","droplet_id":N}} or
 * {@code {"type":"unassign"}} answers 201 {@code {"action":{...}}}; the action is then read with
 * {@code GET /v2/actions/{id}} ({@code get_action}).
 */
final class LibraryDoApi implements DoApi {
    private final DigitalOceanClient client;
    private final RoutingHttpClient http;
    private final ApiToken token;
    private final DoSettings.Paths paths;
    private final Duration attemptTimeout;

    private LibraryDoApi(DigitalOceanClient client, RoutingHttpClient http, ApiToken token, DoSettings.Paths paths,
                         Duration attemptTimeout) {
        this.client = client;
        this.http = http;
        this.token = token;
        this.paths = paths;
        this.attemptTimeout = attemptTimeout;
    }

    static LibraryDoApi create(URI baseUrl, DoSettings.Paths paths, ApiToken token, DoClientOptions options) {
        Objects.requireNonNull(token, "token");
        Duration timeout = options.attemptTimeout();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        int connectMs = (int) Math.min(timeoutMs, 1000);
        SSLContext tls = options.sslContext();
        if (tls == null) {
            try {
                tls = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no default TLS context", e);
            }
        }
        Registry<ConnectionSocketFactory> sockets = RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory())
                .register("https", new SSLConnectionSocketFactory(tls))
                .build();
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(sockets);
        pool.setMaxTotal(4);
        pool.setDefaultMaxPerRoute(4);
        // a pooled connection idle for 2 s is checked (locally, no round trip) before it is reused
        pool.setValidateAfterInactivity(2000);
        pool.setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoKeepAlive(true)
                .setSoTimeout(timeoutMs).build());
        RoutingHttpClient http = new RoutingHttpClient(HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout(connectMs)
                        .setSocketTimeout(timeoutMs)
                        .setConnectionRequestTimeout(timeoutMs)
                        .build())
                .disableAutomaticRetries() // a POST is never sent twice behind floatd's back
                .disableRedirectHandling()
                .disableCookieManagement()
                .evictIdleConnections(55, TimeUnit.SECONDS)
                .build(), baseUrl, paths, token);
        DigitalOceanClient client = new DigitalOceanClient("v2", RoutingHttpClient.PLACEHOLDER_TOKEN, http);
        return new LibraryDoApi(client, http, token, paths, timeout);
    }

    @FunctionalInterface
    private interface LibraryCall<T> {
        T run() throws DigitalOceanException, RequestUnsuccessfulException;
    }

    @Override
    public ReservedIp reservedIp(String ip) throws DoApiError {
        if (paths == DoSettings.Paths.RESERVED_IPV6) {
            return reservedIpv6(ip);
        }
        FloatingIP f = call(() -> client.getFloatingIPInfo(ip));
        Droplet d = f.getDroplet();
        if (d == null || d.getId() == null) {
            return new ReservedIp(f.getIp(), null, null, List.of(), f.isLocked());
        }
        List<String> v4 = d.getNetworks() == null || d.getNetworks().getVersion4Networks() == null ? List.of()
                : d.getNetworks().getVersion4Networks().stream().map(Network::getIpAddress).filter(Objects::nonNull)
                        .toList();
        return new ReservedIp(f.getIp(), d.getId().longValue(), d.getName(), v4, f.isLocked());
    }

    @Override
    public void droplet(long id) throws DoApiError {
        int dropletId = intId(id, "droplet id");
        call(() -> client.getDropletInfo(dropletId));
    }

    /**
     * The library's droplet list keeps ids as 32-bit integers and drops {@code vpc_uuid}: this one request is sent
     * through the same routed, pooled client and read with gson.
     */
    @Override
    public DropletPage droplets(String next, int perPage) throws DoApiError {
        String path = next == null ? "/v2/droplets?page=1&per_page=" + perPage : apiPath(next);
        JsonObject o = getJson(path);
        List<ListedDroplet> droplets = new ArrayList<>();
        JsonElement list = o.get("droplets");
        if (list != null && list.isJsonArray()) {
            for (JsonElement e : list.getAsJsonArray()) {
                if (e.isJsonObject()) {
                    droplets.add(droplet(e.getAsJsonObject()));
                }
            }
        }
        String nextPage = null;
        JsonElement links = o.get("links");
        if (links != null && links.isJsonObject() && links.getAsJsonObject().get("pages") instanceof JsonObject pages) {
            String n = string(pages, "next");
            nextPage = n.isEmpty() ? null : n;
        }
        int total = 0;
        if (o.get("meta") instanceof JsonObject meta && meta.get("total") instanceof JsonPrimitive t && t.isNumber()) {
            total = t.getAsInt();
        }
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

    private ReservedIp reservedIpv6(String ip) throws DoApiError {
        JsonObject o = getJson("/v2/reserved_ipv6/" + ip);
        JsonObject r = o.get("reserved_ipv6") instanceof JsonObject wrapped ? wrapped : o;
        if (!(r.get("ip") instanceof JsonPrimitive)) {
            throw new DoApiError(200, "unexpected_response", "the answer to GET /v2/reserved_ipv6/" + ip
                    + " has no reserved IPv6", "", null, null);
        }
        if (!(r.get("droplet") instanceof JsonObject d)) {
            return new ReservedIp(string(r, "ip"), null, null, List.of(), false);
        }
        if (!(d.get("id") instanceof JsonPrimitive id && id.isNumber())) {
            throw new DoApiError(200, "unexpected_response", "the droplet of reserved IPv6 " + ip + " has no id", "",
                    null, null);
        }
        ListedDroplet listed = droplet(d);
        return new ReservedIp(string(r, "ip"), id.getAsLong(), listed.name(),
                listed.v4().stream().map(Ipv4::ip).toList(), false);
    }

    /** {@code /v2/...?query} of a link the API gave (absolute, on its own host): the router adds the base URL. */
    private static String apiPath(String link) throws DoApiError {
        try {
            URI u = new URI(link);
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            int v2 = path.indexOf("/v2/");
            return (v2 >= 0 ? path.substring(v2) : path) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (java.net.URISyntaxException e) {
            throw new DoApiError(200, "unexpected_response", "links.pages.next is not a URL", "", null, null);
        }
    }

    /** One GET through the routed client, its answer read as a JSON object. */
    private JsonObject getJson(String path) throws DoApiError {
        http.clearLast();
        try (CloseableHttpResponse resp = http.execute(new HttpGet(RoutingHttpClient.LIBRARY_BASE + path))) {
            int status = resp.getStatusLine().getStatusCode();
            if (status >= 300) {
                throw translate(new IllegalStateException("HTTP " + status));
            }
            String body = resp.getEntity() == null ? "" : EntityUtils.toString(resp.getEntity(), StandardCharsets.UTF_8);
            if (JsonParser.parseString(body) instanceof JsonObject o) {
                return o;
            }
            throw new DoApiError(status, "unexpected_response", "the answer to GET " + path + " is not a JSON object",
                    "", null, null);
        } catch (JsonParseException e) {
            throw new DoApiError(200, "unexpected_response", "the answer to GET " + path + " is not JSON", "", null, null);
        } catch (IOException e) {
            throw translate(new IllegalStateException(e));
        }
    }

    /** One POST of a JSON body through the routed client, its answer read as a JSON object. */
    private JsonObject postJson(String path, JsonObject request) throws DoApiError {
        http.clearLast();
        HttpPost post = new HttpPost(RoutingHttpClient.LIBRARY_BASE + path);
        post.setEntity(new StringEntity(request.toString(), ContentType.APPLICATION_JSON));
        try (CloseableHttpResponse resp = http.execute(post)) {
            int status = resp.getStatusLine().getStatusCode();
            if (status >= 300) {
                throw translate(new IllegalStateException("HTTP " + status));
            }
            String body = resp.getEntity() == null ? "" : EntityUtils.toString(resp.getEntity(), StandardCharsets.UTF_8);
            if (JsonParser.parseString(body) instanceof JsonObject o) {
                return o;
            }
            throw new DoApiError(status, "unexpected_response", "the answer to POST " + path + " is not a JSON object",
                    "", null, null);
        } catch (JsonParseException e) {
            throw new DoApiError(200, "unexpected_response", "the answer to POST " + path + " is not JSON", "", null,
                    null);
        } catch (IOException e) {
            throw translate(new IllegalStateException(e));
        }
    }

    /** {@code {"action":{"id":N,"status":"..."}}} as an {@link Action}. */
    private static Action action(JsonObject answer, String what) throws DoApiError {
        if (answer.get("action") instanceof JsonObject a && a.get("id") instanceof JsonPrimitive id && id.isNumber()) {
            String status = string(a, "status");
            return new Action(id.getAsLong(), status.isEmpty() ? "unknown" : status);
        }
        throw new DoApiError(200, "unexpected_response", "the answer to " + what + " has no action id", "", null, null);
    }

    private Action ipv6Action(String ip, JsonObject request) throws DoApiError {
        String path = "/v2/reserved_ipv6/" + ip + "/actions";
        return action(postJson(path, request), "POST " + path);
    }

    @Override
    public void firstAction() throws DoApiError {
        getJson("/v2/actions?page=1&per_page=1");
    }

    @Override
    public Action assign(String ip, long dropletId) throws DoApiError {
        if (paths == DoSettings.Paths.RESERVED_IPV6) {
            JsonObject request = new JsonObject();
            request.addProperty("type", "assign");
            request.addProperty("droplet_id", dropletId);
            return ipv6Action(ip, request);
        }
        int id = intId(dropletId, "droplet id");
        return action(call(() -> client.assignFloatingIP(id, ip)));
    }

    @Override
    public Action unassign(String ip) throws DoApiError {
        if (paths == DoSettings.Paths.RESERVED_IPV6) {
            JsonObject request = new JsonObject();
            request.addProperty("type", "unassign");
            return ipv6Action(ip, request);
        }
        return action(call(() -> client.unassignFloatingIP(ip)));
    }

    @Override
    public Action action(String ip, long actionId) throws DoApiError {
        if (paths == DoSettings.Paths.RESERVED_IPV6) {
            return action(getJson("/v2/actions/" + actionId), "GET /v2/actions/" + actionId);
        }
        int id = intId(actionId, "action id");
        return action(call(() -> client.getFloatingIPActionInfo(ip, id)));
    }

    @Override
    public String paths() {
        return paths.keyword();
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            // closing sockets: nothing to do about it
        }
    }

    private static Action action(com.myjeeva.digitalocean.pojo.Action a) throws DoApiError {
        if (a.getId() == null) {
            throw new DoApiError(200, "unexpected_response", "the action in the answer has no id", "", null, null);
        }
        return new Action(a.getId().longValue(), a.getStatus() == null ? "unknown" : a.getStatus().toString());
    }

    /** digitalocean-api-java 2.17 keeps droplet and action ids as {@code Integer}. */
    private static int intId(long id, String what) throws DoApiError {
        if (id > Integer.MAX_VALUE || id < 0) {
            throw new DoApiError(0, "", what + " " + id + " is beyond what digitalocean-api-java 2.17 can send "
                    + "(a 32-bit integer)", "", null, null);
        }
        return (int) id;
    }

    private <T> T call(LibraryCall<T> op) throws DoApiError {
        http.clearLast();
        T result;
        try {
            result = op.run();
        } catch (DigitalOceanException | RequestUnsuccessfulException | RuntimeException e) {
            throw translate(e);
        }
        if (result == null) {
            throw translate(new IllegalStateException("empty answer"));
        }
        return result;
    }

    private DoApiError translate(Exception e) {
        RoutingHttpClient.Exchange x = http.last();
        if (x != null && x.status() >= 300) {
            String id = "";
            String message = "";
            String requestId = "";
            if (x.body() != null && !x.body().isBlank()) {
                try {
                    JsonElement el = JsonParser.parseString(x.body());
                    if (el.isJsonObject()) {
                        JsonObject o = el.getAsJsonObject();
                        id = string(o, "id");
                        message = string(o, "message");
                        requestId = string(o, "request_id");
                    }
                } catch (JsonParseException notJson) {
                    message = "the error body is not JSON";
                }
            }
            return new DoApiError(x.status(), clean(id), clean(message), clean(requestId), retryAfter(x), null);
        }
        if (x != null) {
            return new DoApiError(x.status(), "unexpected_response", "the answer to " + x.method() + " " + x.path()
                    + " could not be read (" + e.getClass().getSimpleName() + ")", "", null, null);
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof IOException io) {
            return DoApiError.io(describe(io), null);
        }
        return DoApiError.io(clean(e.getClass().getSimpleName() + ": " + e.getMessage()), null);
    }

    private String describe(IOException e) {
        String target = http.target().toURI();
        if (e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException
                || e instanceof InterruptedIOException) {
            return "no answer from " + target + " within " + attemptTimeout.toMillis() + " ms";
        }
        if (e instanceof HttpHostConnectException || e instanceof ConnectException) {
            return "cannot connect to " + target + " (connection refused)";
        }
        if (e instanceof UnknownHostException) {
            return "cannot resolve " + http.target().getHostName();
        }
        if (e instanceof SSLException) {
            return "TLS with " + target + " failed: " + clean(e.getMessage());
        }
        return "request to " + target + " failed: " + clean(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** {@code Retry-After} (seconds), else {@code RateLimit-Reset} (epoch seconds), else null. */
    private static Duration retryAfter(RoutingHttpClient.Exchange x) {
        try {
            if (x.retryAfter() != null) {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(x.retryAfter().strip())));
            }
        } catch (NumberFormatException e) {
            // an HTTP date: fall through to RateLimit-Reset
        }
        try {
            if (x.rateLimitReset() != null) {
                long reset = Long.parseLong(x.rateLimitReset().strip());
                Duration d = Duration.between(Instant.now(), Instant.ofEpochSecond(reset));
                return d.isNegative() ? Duration.ZERO : d;
            }
        } catch (NumberFormatException e) {
            // ignore
        }
        return null;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    /** One line, at most 300 characters, without the token. */
    private String clean(String s) {
        if (s == null) {
            return "";
        }
        String one = token.scrub(s).replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 297) + "..." : one;
    }
}
