package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
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
import org.apache.http.Header;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
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
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/**
 * {@link DoApi} on Apache HttpClient 4.5 (already on the class path for the AWS SDK's apache-client: one pooled,
 * kept-alive connection, no automatic retries, no redirects) and gson: the requests floatd makes, typed, as DigitalOcean's OpenAPI specification gives them (github.com/digitalocean/openapi,
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
 * An answer from 300 on is a {@link DoApiError} with the error body's {@code id}, {@code message} and
 * {@code request_id} and the rate-limit headers; the token is only in the {@code Authorization} header.
 */
final class HttpDoApi implements DoApi {
    private final CloseableHttpClient http;
    private final URI base;
    private final String target;
    private final ApiToken token;
    private final DoSettings.Paths paths;
    private final Duration attemptTimeout;

    private HttpDoApi(CloseableHttpClient http, URI base, ApiToken token, DoSettings.Paths paths, Duration attemptTimeout) {
        this.http = http;
        this.base = base;
        int port = base.getPort() != -1 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        this.target = base.getScheme() + "://" + base.getHost() + ":" + port;
        this.token = token;
        this.paths = paths;
        this.attemptTimeout = attemptTimeout;
    }

    static HttpDoApi create(URI baseUrl, DoSettings.Paths paths, ApiToken token, DoClientOptions options) {
        Objects.requireNonNull(token, "token");
        Duration timeout = options.attemptTimeout();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        int connectMs = Math.min(timeoutMs, 1000);
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
        CloseableHttpClient http = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout(connectMs)
                        .setSocketTimeout(timeoutMs)
                        .setConnectionRequestTimeout(timeoutMs)
                        .build())
                .disableAutomaticRetries() // no request is ever sent twice behind floatd's back
                .disableRedirectHandling()
                .disableCookieManagement()
                .evictIdleConnections(55, TimeUnit.SECONDS)
                .build();
        String p = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        URI base = URI.create(baseUrl.getScheme() + "://" + baseUrl.getRawAuthority()
                + (p.endsWith("/") ? p.substring(0, p.length() - 1) : p));
        return new HttpDoApi(http, base, token, paths, timeout);
    }

    private String prefix() {
        return "/v2/" + paths.keyword();
    }

    @Override
    public ReservedIp reservedIp(String ip) throws DoApiError {
        String path = prefix() + "/" + ip;
        JsonObject o = send("GET", path, null);
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
    public void droplet(long id) throws DoApiError {
        send("GET", "/v2/droplets/" + id, null);
    }

    @Override
    public DropletPage droplets(String next, int perPage) throws DoApiError {
        JsonObject o = send("GET", next == null ? "/v2/droplets?page=1&per_page=" + perPage : apiPath(next), null);
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
    public Action assign(String ip, long dropletId) throws DoApiError {
        JsonObject request = new JsonObject();
        request.addProperty("type", "assign");
        request.addProperty("droplet_id", dropletId);
        return postAction(ip, request);
    }

    @Override
    public Action unassign(String ip) throws DoApiError {
        JsonObject request = new JsonObject();
        request.addProperty("type", "unassign");
        return postAction(ip, request);
    }

    private Action postAction(String ip, JsonObject request) throws DoApiError {
        String path = prefix() + "/" + ip + "/actions";
        return action(send("POST", path, request.toString()), "POST " + path);
    }

    @Override
    public Action action(String ip, long actionId) throws DoApiError {
        String path = paths == DoSettings.Paths.RESERVED_IPV6 ? "/v2/actions/" + actionId
                : prefix() + "/" + ip + "/actions/" + actionId;
        return action(send("GET", path, null), "GET " + path);
    }

    @Override
    public void firstAction() throws DoApiError {
        send("GET", "/v2/actions?page=1&per_page=1", null);
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

    /** {@code {"action":{"id":N,"status":"..."}}} as an {@link Action}. */
    private static Action action(JsonObject answer, String what) throws DoApiError {
        if (answer.get("action") instanceof JsonObject a && a.get("id") instanceof JsonPrimitive id && id.isNumber()) {
            String status = string(a, "status");
            return new Action(id.getAsLong(), status.isEmpty() ? "unknown" : status);
        }
        throw unexpected("the answer to " + what + " has no action id");
    }

    /** {@code /v2/...?query} of a link the API gave (absolute, on its own host), to be sent to the base URL. */
    private static String apiPath(String link) throws DoApiError {
        try {
            URI u = new URI(link);
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            int v2 = path.indexOf("/v2/");
            return (v2 >= 0 ? path.substring(v2) : path) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (java.net.URISyntaxException e) {
            throw unexpected("links.pages.next is not a URL");
        }
    }

    /** One request; a 2xx answer read as a JSON object, anything else a {@link DoApiError}. */
    private JsonObject send(String method, String path, String json) throws DoApiError {
        HttpRequestBase r;
        if (json == null) {
            r = new HttpGet(base + path);
        } else {
            HttpPost post = new HttpPost(base + path);
            post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
            r = post;
        }
        r.setHeader("Authorization", "Bearer " + token.value());
        r.setHeader("User-Agent", "floatd");
        r.setHeader("Accept", "application/json");
        int status;
        String body;
        Duration retry;
        try (CloseableHttpResponse resp = http.execute(r)) {
            status = resp.getStatusLine().getStatusCode();
            body = resp.getEntity() == null ? "" : EntityUtils.toString(resp.getEntity(), StandardCharsets.UTF_8);
            retry = status >= 300 ? retryAfter(resp) : null;
        } catch (IOException e) {
            throw DoApiError.io(describe(e), null);
        }
        if (status >= 300) {
            throw error(status, body, retry);
        }
        try {
            if (JsonParser.parseString(body) instanceof JsonObject o) {
                return o;
            }
            throw unexpected("the answer to " + method + " " + path + " is not a JSON object");
        } catch (JsonParseException e) {
            throw unexpected("the answer to " + method + " " + path + " is not JSON");
        }
    }

    private static DoApiError unexpected(String message) {
        return new DoApiError(200, "unexpected_response", message, "", null, null);
    }

    /** The API's error body ({@code id}, {@code message}, {@code request_id}) and when to retry. */
    private DoApiError error(int status, String body, Duration retryAfter) {
        String id = "";
        String message = "";
        String requestId = "";
        if (body != null && !body.isBlank()) {
            try {
                if (JsonParser.parseString(body) instanceof JsonObject o) {
                    id = string(o, "id");
                    message = string(o, "message");
                    requestId = string(o, "request_id");
                }
            } catch (JsonParseException notJson) {
                message = "the error body is not JSON";
            }
        }
        return new DoApiError(status, clean(id), clean(message), clean(requestId), retryAfter, null);
    }

    private String describe(IOException e) {
        if (e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException
                || e instanceof InterruptedIOException) {
            return "no answer from " + target + " within " + attemptTimeout.toMillis() + " ms";
        }
        if (e instanceof HttpHostConnectException || e instanceof ConnectException) {
            return "cannot connect to " + target + " (connection refused)";
        }
        if (e instanceof UnknownHostException) {
            return "cannot resolve " + base.getHost();
        }
        if (e instanceof SSLException) {
            return "TLS with " + target + " failed: " + clean(e.getMessage());
        }
        return "request to " + target + " failed: " + clean(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** {@code Retry-After} (seconds), else {@code RateLimit-Reset} (epoch seconds), else null. */
    private static Duration retryAfter(CloseableHttpResponse resp) {
        try {
            String retryAfter = header(resp, "Retry-After");
            if (retryAfter != null) {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.strip())));
            }
        } catch (NumberFormatException e) {
            // an HTTP date: fall through to RateLimit-Reset
        }
        try {
            String reset = header(resp, "RateLimit-Reset");
            if (reset != null) {
                Duration d = Duration.between(Instant.now(), Instant.ofEpochSecond(Long.parseLong(reset.strip())));
                return d.isNegative() ? Duration.ZERO : d;
            }
        } catch (NumberFormatException e) {
            // ignore
        }
        return null;
    }

    private static String header(CloseableHttpResponse resp, String name) {
        Header h = resp.getFirstHeader(name);
        return h == null ? null : h.getValue();
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
