package io.floatd.provider.cloudhttp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.CloudApiError;
import io.floatd.vrrp.provider.CloudClientOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
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
 * A cloud's JSON REST API with a bearer token, on Apache HttpClient 4.5 (already on the class path for the AWS SDK's
 * apache-client: one pooled, kept-alive connection, no automatic retries, no redirects) and gson. A 2xx answer is
 * read as a JSON object; an answer from 300 on is a {@link CloudApiError} with what the error body says (its shape is
 * the provider's {@link Dialect}) and the rate-limit headers' advice; no answer is a {@link CloudApiError} of status 0
 * saying why in one line. The token is only in the {@code Authorization} header, and scrubbed from every text kept.
 */
public final class JsonApi implements AutoCloseable {

    /** What an API's answers look like beyond JSON: its error body and its rate-limit headers. */
    public interface Dialect {
        /** The code, message and request id of an error body that is a JSON object. */
        ErrorBody errorBody(JsonObject body);

        /** How long a refused request asks to wait, from its headers (a header's value, or null), or null. */
        Duration retryAfter(Function<String, String> header);
    }

    /** What an error body says; empty strings where it says nothing. */
    public record ErrorBody(String code, String message, String requestId) {
        public static final ErrorBody NONE = new ErrorBody("", "", "");
    }

    private final CloseableHttpClient http;
    private final URI base;
    private final String target;
    private final String shown;
    private final ApiToken token;
    private final Duration attemptTimeout;
    private final Dialect dialect;

    private JsonApi(CloseableHttpClient http, URI base, String shown, ApiToken token, Duration attemptTimeout,
            Dialect dialect) {
        this.http = http;
        this.base = base;
        int port = base.getPort() != -1 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        this.target = base.getScheme() + "://" + base.getHost() + ":" + port;
        this.shown = shown;
        this.token = token;
        this.attemptTimeout = attemptTimeout;
        this.dialect = dialect;
    }

    /**
     * @param baseUrl the API's base URL, to which the paths are appended
     * @param shown what stands before a path in messages ({@code /v1} where the base URL ends with it, else empty)
     * @param options the TLS context and the limit of one request ({@link CloudClientOptions#attemptTimeout()})
     */
    public static JsonApi create(URI baseUrl, String shown, ApiToken token, CloudClientOptions<?> options,
            Dialect dialect) {
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
        return new JsonApi(http, base, shown, token, timeout, dialect);
    }

    /** {@code GET} of {@code path} (below the base URL). */
    public JsonObject get(String path) throws CloudApiError {
        return send("GET", path, null);
    }

    /** {@code POST} of {@code json} to {@code path}. */
    public JsonObject post(String path, String json) throws CloudApiError {
        return send("POST", path, Objects.requireNonNull(json, "json"));
    }

    /** One request; a 2xx answer read as a JSON object, anything else a {@link CloudApiError}. */
    private JsonObject send(String method, String path, String json) throws CloudApiError {
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
            retry = status >= 300 ? dialect.retryAfter(name -> {
                Header h = resp.getFirstHeader(name);
                return h == null ? null : h.getValue();
            }) : null;
        } catch (IOException e) {
            throw CloudApiError.io(describe(e));
        }
        if (status >= 300) {
            throw error(status, body, retry);
        }
        try {
            if (JsonParser.parseString(body) instanceof JsonObject o) {
                return o;
            }
            throw CloudApiError.unexpected("the answer to " + method + " " + shown + path + " is not a JSON object");
        } catch (JsonParseException e) {
            throw CloudApiError.unexpected("the answer to " + method + " " + shown + path + " is not JSON");
        }
    }

    /** The error body as the dialect reads it, and when to retry. */
    private CloudApiError error(int status, String body, Duration retryAfter) {
        ErrorBody b = ErrorBody.NONE;
        if (body != null && !body.isBlank()) {
            try {
                if (JsonParser.parseString(body) instanceof JsonObject o) {
                    b = dialect.errorBody(o);
                }
            } catch (JsonParseException notJson) {
                b = new ErrorBody("", "the error body is not JSON", "");
            }
        }
        return new CloudApiError(status, clean(b.code()), clean(b.message()), clean(b.requestId()), retryAfter);
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
            return "TLS with " + target + " failed: " + clean(io.floatd.vrrp.log.Failures.describe(e));
        }
        return "request to " + target + " failed: " + clean(io.floatd.vrrp.log.Failures.describe(e));
    }

    /** A member of {@code o} as text: empty when absent or null, a nested value as its JSON. */
    public static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    /** One line, at most 300 characters, without the token. */
    public String clean(String s) {
        if (s == null) {
            return "";
        }
        String one = token.scrub(s).replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 297) + "..." : one;
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            // closing sockets: nothing to do about it
        }
    }
}
