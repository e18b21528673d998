package io.floatd.provider.hetzner;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.floatd.vrrp.provider.ApiToken;
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
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.http.Header;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
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
 * {@link HcloudApi} on Apache HttpClient 4.5 (one pooled, kept-alive connection, no automatic retries, no redirects;
 * the client digitalocean's {@code HttpDoApi} uses too) and gson, in the shapes of Hetzner's OpenAPI specification
 * (docs.hetzner.cloud; hcloud-go's {@code hcloud/schema}):
 * <ul>
 *   <li>{@code GET /v1/floating_ips/{id}} → {@code {"floating_ip":{"id","ip","type","server",...}}};
 *       {@code GET /v1/floating_ips?page&per_page} → {@code {"floating_ips":[...],"meta":{"pagination":{...}}}};
 *   <li>{@code POST /v1/floating_ips/{id}/actions/assign {"server":N}} and {@code .../unassign} → 201
 *       {@code {"action":{"id","command","status","progress","error",...}}}; {@code GET /v1/floating_ips/actions/{id}};
 *   <li>{@code GET /v1/servers/{id}}, {@code GET /v1/servers?page&per_page} ({@code public_net.ipv4.ip},
 *       {@code private_net[].network}, {@code private_net[].ip}).
 * </ul>
 * An answer from 300 on is an {@link HcloudError} with the body's {@code error.code} and {@code error.message} and
 * the time until {@code RateLimit-Reset}; the token is only in the {@code Authorization} header.
 */
final class HttpHcloudApi implements HcloudApi {
    private final CloseableHttpClient http;
    private final String base;
    private final String target;
    private final ApiToken token;
    private final Duration attemptTimeout;

    private HttpHcloudApi(CloseableHttpClient http, URI base, ApiToken token, Duration attemptTimeout) {
        this.http = http;
        String b = base.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        int port = base.getPort() != -1 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        this.target = base.getScheme() + "://" + base.getHost() + ":" + port;
        this.token = token;
        this.attemptTimeout = attemptTimeout;
    }

    /** @param baseUrl the API's base, {@code /v1} included, as {@code HCLOUD_ENDPOINT} gives it */
    static HttpHcloudApi create(URI baseUrl, ApiToken token, HetznerClientOptions options) {
        Objects.requireNonNull(token, "token");
        Duration timeout = options.attemptTimeout();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        SSLContext tls = options.sslContext();
        if (tls == null) {
            try {
                tls = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no default TLS context", e);
            }
        }
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(
                RegistryBuilder.<ConnectionSocketFactory>create()
                        .register("http", PlainConnectionSocketFactory.getSocketFactory())
                        .register("https", new SSLConnectionSocketFactory(tls)).build());
        pool.setMaxTotal(4);
        pool.setDefaultMaxPerRoute(4);
        pool.setValidateAfterInactivity(2000);
        pool.setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoKeepAlive(true)
                .setSoTimeout(timeoutMs).build());
        CloseableHttpClient http = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(Math.min(timeoutMs, 1000))
                        .setSocketTimeout(timeoutMs).setConnectionRequestTimeout(timeoutMs).build())
                .disableAutomaticRetries() // no request is ever sent twice behind floatd's back
                .disableRedirectHandling()
                .disableCookieManagement()
                .evictIdleConnections(55, TimeUnit.SECONDS)
                .build();
        return new HttpHcloudApi(http, baseUrl, token, timeout);
    }

    @Override
    public FloatingIp floatingIp(long id) throws HcloudError {
        JsonObject o = send("GET", "/floating_ips/" + id, null);
        if (!(o.get("floating_ip") instanceof JsonObject f)) {
            throw unexpected("the answer to GET /v1/floating_ips/" + id + " has no floating_ip");
        }
        return floatingIp(f);
    }

    @Override
    public Page<FloatingIp> floatingIps(int page, int perPage) throws HcloudError {
        JsonObject o = send("GET", "/floating_ips?page=" + page + "&per_page=" + perPage, null);
        return page(o, "floating_ips", HttpHcloudApi::floatingIp);
    }

    private static FloatingIp floatingIp(JsonObject f) throws HcloudError {
        if (!(f.get("id") instanceof JsonPrimitive id && id.isNumber()) || string(f, "ip").isEmpty()) {
            throw unexpected("a floating IP without id or ip");
        }
        Long server = f.get("server") instanceof JsonPrimitive s && s.isNumber() ? s.getAsLong() : null;
        return new FloatingIp(id.getAsLong(), string(f, "ip"), string(f, "type"), server);
    }

    @Override
    public Server server(long id) throws HcloudError {
        JsonObject o = send("GET", "/servers/" + id, null);
        if (!(o.get("server") instanceof JsonObject s)) {
            throw unexpected("the answer to GET /v1/servers/" + id + " has no server");
        }
        return server(s);
    }

    @Override
    public Page<Server> servers(int page, int perPage) throws HcloudError {
        JsonObject o = send("GET", "/servers?page=" + page + "&per_page=" + perPage, null);
        return page(o, "servers", HttpHcloudApi::server);
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
        T read(JsonObject o) throws HcloudError;
    }

    private static <T> Page<T> page(JsonObject o, String key, Reader<T> reader) throws HcloudError {
        List<T> items = new ArrayList<>();
        if (o.get(key) instanceof JsonArray list) {
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
    public Action assign(long floatingIpId, long serverId) throws HcloudError {
        JsonObject request = new JsonObject();
        request.addProperty("server", serverId);
        String path = "/floating_ips/" + floatingIpId + "/actions/assign";
        return action(send("POST", path, request.toString()), "POST /v1" + path);
    }

    @Override
    public Action unassign(long floatingIpId) throws HcloudError {
        String path = "/floating_ips/" + floatingIpId + "/actions/unassign";
        return action(send("POST", path, "{}"), "POST /v1" + path);
    }

    @Override
    public Action action(long actionId) throws HcloudError {
        String path = "/floating_ips/actions/" + actionId;
        return action(send("GET", path, null), "GET /v1" + path);
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            // closing sockets: nothing to do about it
        }
    }

    /** {@code {"action":{"id","command","status","error":{"code","message"}}}} as an {@link Action}. */
    private Action action(JsonObject answer, String what) throws HcloudError {
        if (answer.get("action") instanceof JsonObject a && a.get("id") instanceof JsonPrimitive id && id.isNumber()) {
            String status = string(a, "status");
            JsonObject error = a.get("error") instanceof JsonObject e ? e : new JsonObject();
            return new Action(id.getAsLong(), string(a, "command"), status.isEmpty() ? "unknown" : status,
                    clean(string(error, "code")), clean(string(error, "message")));
        }
        throw unexpected("the answer to " + what + " has no action id");
    }

    /** One request; a 2xx answer read as a JSON object, anything else an {@link HcloudError}. */
    private JsonObject send(String method, String path, String json) throws HcloudError {
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
            retry = status >= 300 ? retryAfter(resp::getFirstHeader) : null;
        } catch (IOException e) {
            throw HcloudError.io(describe(e));
        }
        if (status >= 300) {
            throw error(status, body, retry);
        }
        try {
            if (JsonParser.parseString(body) instanceof JsonObject o) {
                return o;
            }
            throw unexpected("the answer to " + method + " /v1" + path + " is not a JSON object");
        } catch (JsonParseException e) {
            throw unexpected("the answer to " + method + " /v1" + path + " is not JSON");
        }
    }

    private static HcloudError unexpected(String message) {
        return new HcloudError(200, "unexpected_response", message, null);
    }

    /** The body's {@code {"error":{"code","message","details"}}}. */
    private HcloudError error(int status, String body, Duration retryAfter) {
        String code = "";
        String message = "";
        if (body != null && !body.isBlank()) {
            try {
                if (JsonParser.parseString(body) instanceof JsonObject o && o.get("error") instanceof JsonObject e) {
                    code = string(e, "code");
                    message = string(e, "message");
                }
            } catch (JsonParseException notJson) {
                message = "the error body is not JSON";
            }
        }
        return new HcloudError(status, clean(code), clean(message), retryAfter);
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
            return "cannot resolve " + URI.create(base).getHost();
        }
        if (e instanceof SSLException) {
            return "TLS with " + target + " failed: " + clean(e.getMessage());
        }
        return "request to " + target + " failed: " + clean(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /**
     * Hetzner's {@code RateLimit-Reset} (epoch seconds, when the bucket is full again; one request comes back each
     * second), else a {@code Retry-After} in seconds, else null.
     */
    static Duration retryAfter(Function<String, Header> headers) {
        try {
            Header reset = headers.apply("RateLimit-Reset");
            if (reset != null) {
                Duration d = Duration.between(Instant.now(), Instant.ofEpochSecond(Long.parseLong(reset.getValue().strip())));
                // one request is refilled per second: never wait for the whole bucket, nor less than that second
                return d.isNegative() ? Duration.ZERO : d.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : d;
            }
            Header after = headers.apply("Retry-After");
            if (after != null) {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(after.getValue().strip())));
            }
        } catch (NumberFormatException e) {
            // not a number: no advice
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
