package io.floatd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.PromText;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.status.StatusSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the status endpoint refuses, over raw sockets (a browser, a rebinding page, a typo, a flood): foreign Host
 * and Origin, a change asked over HTTP, a malformed query string, connections beyond the cap, idle and trickling
 * connections.
 */
@Timeout(120)
class StatusEndpointBoundariesTest {
    private static final StatusSnapshot EMPTY =
            new StatusSnapshot("test", Instant.parse("2026-12-07T00:00:00Z"), true, List.of(), new EnumMap<>(DropReason.class));

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger("floatd");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getLevel() + " " + new SimpleFormatter().formatMessage(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        log.addHandler(capture);
    }

    @AfterEach
    void close() throws Exception {
        log.removeHandler(capture);
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private StatusServer serve(String address) throws IOException {
        StatusServer s = StatusServer.start(HostPort.parse(address), () -> EMPTY, () -> true);
        closing.add(s);
        return s;
    }

    private StatusServer serve(StatusServer.Limits limits) throws IOException {
        StatusServer s = StatusServer.start(HostPort.parse("127.0.0.1:0"), () -> EMPTY, () -> true, () -> "", limits);
        closing.add(s);
        return s;
    }

    /** One response: the status line, the headers, the body (by Content-Length); "" when closed without one. */
    private record Response(int status, String head, String body) {
    }

    private static Response exchange(InetSocketAddress to, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return read(s.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes(); // every refusal closes the connection; requests here say Connection: close
        String text = new String(all, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Response(0, text, "");
        }
        return new Response(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), text.substring(end + 4));
    }

    private static String get(String path, String host, String... headers) {
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        if (host != null) {
            sb.append("Host: ").append(host).append("\r\n");
        }
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("Connection: close\r\n\r\n").toString();
    }

    private static String own(StatusServer s) {
        return "127.0.0.1:" + s.address().getPort();
    }

    /** A page on another site posting a form to the endpoint: the browser adds its Origin. */
    @Test
    void aBrowserStylePostWithAForeignOriginAndAFormBodyIsRefused() throws Exception {
        StatusServer s = serve("127.0.0.1:0");
        String body = "instance=VI_1";
        Response r = exchange(s.address(), "POST /handover HTTP/1.1\r\nHost: " + own(s) + "\r\nOrigin: http://evil.example\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertEquals(403, r.status(), r.head());
        assertEquals("Origin 'http://evil.example' is not this endpoint's (http://" + own(s) + ")\n", r.body());
        assertEquals(403, exchange(s.address(), get("/status", own(s), "Origin: http://evil.example")).status(),
                "reading is refused too: a page must not read the status");
        assertEquals(403, exchange(s.address(), get("/healthz", own(s), "Origin: null")).status(), "a sandboxed page");
        assertEquals(403, exchange(s.address(), get("/healthz", own(s), "Origin: http://127.0.0.1:1")).status(), "another port");
        assertEquals(403, exchange(s.address(), get("/healthz", own(s), "Origin: https://" + own(s))).status(), "another scheme");
        assertTrue(logged.stream().anyMatch(l -> l.startsWith("WARNING status endpoint: refused a request from 127.0.0.1:")
                && l.contains(": 403 Origin 'http://evil.example' is not this endpoint's")), logged.toString());
        String metrics = exchange(s.address(), get("/metrics", own(s))).body();
        assertEquals(5, PromText.parse(metrics).value("floatd_status_requests_refused_total", "reason", "foreign_origin"));
    }

    /** DNS rebinding: the attacker's name now resolves to 127.0.0.1, and the browser sends that name as Host. */
    @Test
    void aRebindingHostIsRefused() throws Exception {
        StatusServer s = serve("127.0.0.1:0");
        int port = s.address().getPort();
        for (String host : List.of("attacker.example:" + port, "attacker.example", "127.0.0.1.attacker.example:" + port,
                "127.0.0.1:1", "127.0.0.2:" + port, "[::1]:" + port, "localhost:" + port + "@evil", "")) {
            Response r = exchange(s.address(), get("/status", host));
            assertEquals(421, r.status(), host + ": " + r.head());
            assertTrue(r.body().startsWith("Host '") && r.body().endsWith("' is not this endpoint (" + own(s) + ")\n")
                    && r.body().lines().count() == 1, r.body());
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains(": 421 Host 'attacker.example:" + port + "' is not this endpoint")),
                logged.toString());
    }

    /** As browsers and tools send them: the address, with or without the port, and localhost on loopback. */
    @Test
    void theEndpointsOwnHostAndOriginAreServed() throws Exception {
        StatusServer s = serve("127.0.0.1:0");
        int port = s.address().getPort();
        for (String host : List.of(own(s), "127.0.0.1", "localhost:" + port, "localhost", "LocalHost:" + port)) {
            Response r = exchange(s.address(), get("/healthz", host));
            assertEquals(200, r.status(), host + ": " + r.head());
            assertEquals("ok\n", r.body());
        }
        for (String origin : List.of("http://" + own(s), "http://localhost:" + port)) {
            assertEquals(200, exchange(s.address(), get("/status", own(s), "Origin: " + origin)).status(), origin);
        }
        Response oldClient = exchange(s.address(), "GET /healthz HTTP/1.0\r\n\r\n");
        assertEquals(200, oldClient.status(), "HTTP/1.0 without Host: not a browser");
        assertEquals(400, exchange(s.address(), "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n").status(),
                "HTTP/1.1 requires Host (RFC 9112 §3.2)");
    }

    @Test
    void anIpv6EndpointKnowsItsBracketedAddress() throws Exception {
        StatusServer s = serve("[::1]:0");
        int port = s.address().getPort();
        assertEquals(200, exchange(s.address(), get("/healthz", "[::1]:" + port)).status());
        assertEquals(200, exchange(s.address(), get("/healthz", "[0:0:0:0:0:0:0:1]:" + port)).status());
        assertEquals(200, exchange(s.address(), get("/healthz", "localhost:" + port)).status());
        assertEquals(200, exchange(s.address(), get("/healthz", "[::1]:" + port, "Origin: http://[::1]:" + port)).status());
        assertEquals(421, exchange(s.address(), get("/healthz", "127.0.0.1:" + port)).status());
        assertEquals(421, exchange(s.address(), get("/healthz", "::1")).status(), "an IPv6 Host needs its brackets");
    }

    /** A typo in a query string: an answer and a log line, never a connection closed in silence. */
    @Test
    void aMalformedQueryStringIs400WithAOneLineReasonAndALogLine() throws Exception {
        StatusServer s = serve("127.0.0.1:0");
        for (String request : List.of(get("/status?instance=%zz", own(s)),
                "POST /handover?instance=%zz HTTP/1.1\r\nHost: " + own(s) + "\r\nContent-Length: 0\r\n\r\n")) {
            Response r = exchange(s.address(), request);
            assertEquals(400, r.status(), request + r.head());
            assertTrue(r.body().startsWith("malformed query string in '/") && r.body().endsWith("\n")
                    && r.body().lines().count() == 1, r.body());
        }
        assertTrue(logged.stream().anyMatch(l -> l.matches("WARNING status endpoint: refused a request from 127\\.0\\.0\\.1:\\d+: 400"
                + " malformed query string in '/status\\?instance=%zz': .*")), logged.toString());
        assertEquals(200, exchange(s.address(), get("/healthz", own(s))).status(), "and the endpoint goes on");
    }

    /**
     * The cap: beyond it each new connection closes the oldest, so a flood holds at most the cap, one log line names the
     * cap however long the flood, and a fresh /healthz is answered during the flood and after it.
     */
    @Test
    void theConnectionCapHoldsAFloodToTheCapWithOneLogLineAndHealthzStillAnswers() throws Exception {
        StatusServer s = serve(new StatusServer.Limits(16, Duration.ofSeconds(2), Duration.ofSeconds(2)));
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 2000; i++) {
                Socket c = new Socket();
                c.connect(s.address(), 5000);
                flood.add(c);
                if (i % 100 == 0) {
                    assertTrue(s.openConnections() <= 16, "open: " + s.openConnections());
                }
            }
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (s.openConnections() < 16 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(16, s.openConnections(), "the cap, however many connected");

            Response during = exchange(s.address(), get("/healthz", own(s)));
            assertEquals(200, during.status(), "a health check during the flood");
            assertEquals("ok\n", during.body());
            List<String> capLines = logged.stream().filter(l -> l.contains("connection cap reached")).toList();
            assertEquals(1, capLines.size(), capLines.toString());
            assertTrue(capLines.getFirst().matches("WARNING status endpoint 127\\.0\\.0\\.1:\\d+: connection cap reached \\(16 open\\):"
                    + " closing the oldest connection for each new one \\(idle ones are cut after 2 s, unfinished requests"
                    + " after 2 s\\); 1 closed so far"), capLines.getFirst());

            // the oldest were closed at once, the newest when idle too long: every flood connection ends
            for (Socket c : flood) {
                c.setSoTimeout(5000);
                assertEquals(-1, c.getInputStream().read());
            }
            // the client sees the end of its stream before the server's close has been counted: wait for the count
            long closedBy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (s.openConnections() > 0 && System.nanoTime() < closedBy) {
                Thread.sleep(10);
            }
            assertEquals(0, s.openConnections());
            Response after = exchange(s.address(), get("/healthz", own(s)));
            assertEquals(200, after.status());
            PromText p = PromText.parse(exchange(s.address(), get("/metrics", own(s))).body());
            double overCap = p.value("floatd_status_connections_closed_total", "reason", "over_cap");
            double idleCut = p.value("floatd_status_connections_closed_total", "reason", "idle_timeout");
            assertEquals(2000, overCap + idleCut, "every flood connection: the oldest closed for a newer one, the rest when idle");
            assertTrue(overCap >= 2000 - 16 && idleCut >= 15, overCap + " + " + idleCut);
            assertEquals(16, p.value("floatd_status_connections_max"));
        } finally {
            for (Socket c : flood) {
                c.close();
            }
        }
    }

    /** One header line every 100 ms keeps bytes coming, but the request is not complete in time: cut. */
    @Test
    void aSlowHeaderTrickleIsCutByTheRequestTimeout() throws Exception {
        StatusServer s = serve(new StatusServer.Limits(16, Duration.ofSeconds(30), Duration.ofSeconds(1)));
        try (Socket c = new Socket()) {
            c.connect(s.address(), 5000);
            c.setSoTimeout(100);
            OutputStream out = c.getOutputStream();
            InputStream in = c.getInputStream();
            long t0 = System.nanoTime();
            out.write(("GET /healthz HTTP/1.1\r\nHost: " + own(s) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            long cutAfterMs = -1;
            for (int i = 0; i < 50 && cutAfterMs < 0; i++) {
                try {
                    out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    if (in.read() == -1) {
                        cutAfterMs = (System.nanoTime() - t0) / 1_000_000;
                    }
                } catch (SocketTimeoutException e) {
                    // still open: trickle on
                } catch (IOException e) {
                    cutAfterMs = (System.nanoTime() - t0) / 1_000_000; // reset
                }
            }
            assertTrue(cutAfterMs >= 900 && cutAfterMs < 3000, "cut after " + cutAfterMs + " ms (request timeout 1 s)");
        }
        PromText p = PromText.parse(exchange(s.address(), get("/metrics", own(s))).body());
        assertEquals(1, p.value("floatd_status_connections_closed_total", "reason", "request_timeout"));
    }

    /** Keep-alive still works under the timeouts: several requests on one connection, each answered. */
    @Test
    void aKeepAliveClientIsServedRequestAfterRequest() throws Exception {
        StatusServer s = serve(new StatusServer.Limits(16, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        try (Socket c = new Socket()) {
            c.connect(s.address(), 5000);
            c.setSoTimeout(5000);
            for (int i = 0; i < 3; i++) {
                c.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: " + own(s) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[4096];
                int n = c.getInputStream().read(buf);
                String resp = new String(buf, 0, n, StandardCharsets.US_ASCII);
                assertTrue(resp.startsWith("HTTP/1.1 200 OK") && resp.endsWith("ok\n"), resp);
                Thread.sleep(1200); // longer than the request timeout: between requests only the idle timeout counts
            }
        }
    }
}
