package io.floatd.provider.digitalocean;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.conn.ClientConnectionManager;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.message.BasicHttpEntityEnclosingRequest;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.params.HttpParams;
import org.apache.http.util.EntityUtils;

/**
 * The {@link CloseableHttpClient} handed to digitalocean-api-java. The library builds every URL as
 * {@code https://api.digitalocean.com/v2/...} and knows only {@code /v2/floating_ips}; this client:
 * <ul>
 *   <li>sends each request to the configured base URL instead (scheme, host, port, path prefix: plain http allowed);
 *   <li>with {@code api_paths reserved_ips}, sends {@code /v2/floating_ips/...} to {@code /v2/reserved_ips/...} and
 *       hands the library the {@code reserved_ip} object of the answer under the name it expects, {@code floating_ip}
 *       (the two endpoint families are the same API under two names);
 *   <li>puts the real token in the {@code Authorization} header: the library is given a placeholder, so its debug
 *       log of its request headers never shows the token;
 *   <li>records, per thread, the status, the rate-limit headers and the error body of the last response, which the
 *       library reduces to a multi-line message and drops.
 * </ul>
 */
final class RoutingHttpClient extends CloseableHttpClient {
    static final String PLACEHOLDER_TOKEN = "floatd-token-is-added-by-the-http-client";
    /** The base URL the library builds its requests on; this client sends them to the configured one instead. */
    static final String LIBRARY_BASE = "https://api.digitalocean.com";
    private static final String LIBRARY_PREFIX = "/v2/floating_ips";
    private static final String RESERVED_PREFIX = "/v2/reserved_ips";

    /** The last response seen on a thread. {@code body} is kept only for statuses from 300 on. */
    record Exchange(String method, String path, int status, String retryAfter, String rateLimitReset,
                    String rateLimitRemaining, String body) {
    }

    private final CloseableHttpClient delegate;
    private final HttpHost target;
    private final String basePath;
    private final boolean reservedIps;
    private final ApiToken token;
    private final ThreadLocal<Exchange> last = new ThreadLocal<>();

    RoutingHttpClient(CloseableHttpClient delegate, URI baseUrl, DoSettings.Paths paths, ApiToken token) {
        this.delegate = delegate;
        int port = baseUrl.getPort() != -1 ? baseUrl.getPort() : "https".equals(baseUrl.getScheme()) ? 443 : 80;
        this.target = new HttpHost(baseUrl.getHost(), port, baseUrl.getScheme());
        String p = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.basePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.reservedIps = paths == DoSettings.Paths.RESERVED_IPS;
        this.token = token;
    }

    /** Forgets the last exchange of this thread, before a call. */
    void clearLast() {
        last.remove();
    }

    /** The last exchange of this thread, or null when no response arrived since {@link #clearLast()}. */
    Exchange last() {
        return last.get();
    }

    HttpHost target() {
        return target;
    }

    @Override
    protected CloseableHttpResponse doExecute(HttpHost ignoredTarget, HttpRequest request,
                                              org.apache.http.protocol.HttpContext context) throws IOException {
        String method = request.getRequestLine().getMethod();
        URI original = request instanceof HttpUriRequest u ? u.getURI() : URI.create(request.getRequestLine().getUri());
        String path = original.getRawPath() == null ? "/" : original.getRawPath();
        boolean rename = false;
        if (reservedIps && (path.equals(LIBRARY_PREFIX) || path.startsWith(LIBRARY_PREFIX + "/"))) {
            path = RESERVED_PREFIX + path.substring(LIBRARY_PREFIX.length());
            rename = true;
        }
        String uri = basePath + path + (original.getRawQuery() != null ? "?" + original.getRawQuery() : "");
        HttpRequest out;
        if (request instanceof HttpEntityEnclosingRequest withBody) {
            BasicHttpEntityEnclosingRequest r = new BasicHttpEntityEnclosingRequest(method, uri);
            r.setEntity(withBody.getEntity());
            out = r;
        } else {
            out = new BasicHttpRequest(method, uri);
        }
        for (Header h : request.getAllHeaders()) {
            String name = h.getName().toLowerCase(Locale.ROOT);
            if (!name.equals("authorization") && !name.equals("x-user-agent") && !name.equals("user-agent")) {
                out.addHeader(h);
            }
        }
        out.setHeader("Authorization", "Bearer " + token.value());
        out.setHeader("User-Agent", "floatd");

        CloseableHttpResponse resp = delegate.execute(target, out, context);
        int status = resp.getStatusLine().getStatusCode();
        String body = null;
        HttpEntity entity = resp.getEntity();
        if (status >= 300 && entity != null) {
            body = EntityUtils.toString(entity, StandardCharsets.UTF_8);
            resp.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        } else if (rename && entity != null && status < 300) {
            String json = EntityUtils.toString(entity, StandardCharsets.UTF_8);
            resp.setEntity(new StringEntity(renamed(json), ContentType.APPLICATION_JSON));
        }
        last.set(new Exchange(method, path, status, header(resp, "Retry-After"), header(resp, "RateLimit-Reset"),
                header(resp, "RateLimit-Remaining"), body));
        return resp;
    }

    /** {@code {"reserved_ip": {...}}} as {@code {"floating_ip": {...}}}, the key the library reads. */
    static String renamed(String json) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (e.isJsonObject()) {
                JsonObject o = e.getAsJsonObject();
                rename(o, "reserved_ip", "floating_ip");
                rename(o, "reserved_ips", "floating_ips");
                return o.toString();
            }
        } catch (JsonParseException e) {
            // not JSON: let the library fail on it as it would
        }
        return json;
    }

    private static void rename(JsonObject o, String from, String to) {
        if (o.has(from) && !o.has(to)) {
            o.add(to, o.get(from));
        }
    }

    private static String header(CloseableHttpResponse resp, String name) {
        Header h = resp.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public HttpParams getParams() {
        return delegate.getParams();
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public ClientConnectionManager getConnectionManager() {
        return delegate.getConnectionManager();
    }
}
