package io.floatd.provider.cloudhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.CloudApiError;
import io.floatd.vrrp.provider.CloudClientOptions;
import io.floatd.vrrp.provider.ProviderException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JsonApi against a loopback HTTP server: what a provider gets back for each kind of answer, and what it sends. */
class JsonApiTest {
    private static final String TOKEN = "tok_0123456789abcdef";

    /** An API whose error body is {@code {"code","message","rid"}} and whose wait is {@code Retry-After}. */
    private static final JsonApi.Dialect DIALECT = new JsonApi.Dialect() {
        @Override
        public JsonApi.ErrorBody errorBody(JsonObject o) {
            return new JsonApi.ErrorBody(JsonApi.string(o, "code"), JsonApi.string(o, "message"), JsonApi.string(o, "rid"));
        }

        @Override
        public Duration retryAfter(Function<String, String> header) {
            String v = header.apply("Retry-After");
            return v == null ? null : Duration.ofSeconds(Long.parseLong(v));
        }
    };

    private static final class Options extends CloudClientOptions<Options> {
        private Options(Values values) {
            super(values, Options::new);
        }
    }

    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private JsonApi api;

    @BeforeEach
    void start() throws IOException, ProviderException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        answer("/v9/ok", 200, "{\"a\":1}", null);
        answer("/v9/slow", 429, "{\"code\":\"slow\",\"message\":\"too fast for " + TOKEN + "\",\"rid\":\"r1\"}", "7");
        answer("/v9/list", 200, "[1,2]", null);
        answer("/v9/broken", 500, "{", null);
        server.start();
        api = JsonApi.create(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v9/"), "/v9",
                ApiToken.of("cloud", TOKEN, "the test"), new Options(CloudClientOptions.Values.defaults(
                        Duration.ofMillis(10))).withAttemptTimeout(Duration.ofSeconds(2)), DIALECT);
    }

    private void answer(String path, int status, String body, String retryAfter) {
        server.createContext(path, ex -> {
            authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
            if (retryAfter != null) {
                ex.getResponseHeaders().add("Retry-After", retryAfter);
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
    }

    @AfterEach
    void stop() {
        api.close();
        server.stop(0);
    }

    @Test
    void aTwoHundredIsItsJsonObjectAndTheTokenGoesOnlyInTheAuthorizationHeader() throws CloudApiError {
        assertEquals(1, api.get("/ok").get("a").getAsInt());
        assertEquals(1, api.post("/ok", "{}").get("a").getAsInt());
        assertEquals(List.of("Bearer " + TOKEN, "Bearer " + TOKEN), authorizations);
    }

    @Test
    void anErrorCarriesTheDialectsFieldsAndWaitWithTheTokenScrubbed() {
        CloudApiError e = assertThrows(CloudApiError.class, () -> api.get("/slow"));
        assertEquals(429, e.status());
        assertEquals("r1", e.requestId());
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        assertEquals("429 slow: too fast for [token]", e.describe());
    }

    @Test
    void anAnswerThatIsNotAnObjectOrNotJsonSaysSoWithThePathAsShown() {
        assertEquals("200 unexpected_response: the answer to GET /v9/list is not a JSON object",
                assertThrows(CloudApiError.class, () -> api.get("/list")).describe());
        assertEquals("500: the error body is not JSON",
                assertThrows(CloudApiError.class, () -> api.get("/broken")).describe());
    }

    @Test
    void noAnswerIsStatusZeroSayingWhy() throws IOException, ProviderException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (JsonApi nobody = JsonApi.create(URI.create("http://127.0.0.1:" + port), "", ApiToken.of("cloud", TOKEN,
                "the test"), new Options(CloudClientOptions.Values.defaults(Duration.ofMillis(10))), DIALECT)) {
            CloudApiError e = assertThrows(CloudApiError.class, () -> nobody.get("/v9/ok"));
            assertEquals(0, e.status());
            assertEquals("cannot connect to http://127.0.0.1:" + port + " (connection refused)", e.describe());
        }
    }
}
