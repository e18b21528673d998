package io.floatd.vrrp.provider.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.floatd.testing.FaultMix;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * What the JDK {@link HttpServer} test endpoints of the token-API clouds (DigitalOcean, Hetzner) share, JDK only: the
 * server on an address (plain HTTP or TLS) and its pool, the log of every request (with its client port, so the same
 * port is the same kept-alive connection, and its wall-clock arrival), the bearer-token check, the queued faults
 * ({@link #failNext}) and the random ones with the outages ({@link #faultMix}), the requests in hand, the timer that
 * ends asynchronous actions, and the answers' bytes. The cloud's wording of its rate limits, 401, 429 and 5xx is a
 * {@link Dialect}; a subclass speaks the rest of its API: its routes, its error body and the metadata service it
 * answers without a token.
 */
public abstract class CloudTestServer implements AutoCloseable {
    /** One request as it arrived; {@code path} without the query, which is {@code query} (empty when none). */
    public record Request(String method, String path, String query, String body, String authorization, int clientPort,
                          String clientAddress, long atEpochNanos) {
        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query) + (body.isEmpty() ? "" : " " + body);
        }
    }

    /**
     * How a cloud words what every endpoint answers alike. Every API answer carries {@code RateLimit-Limit}
     * {@code rateLimit}, {@code RateLimit-Remaining} one less and {@code RateLimit-Reset} {@code resetSeconds} ahead;
     * a throttled one (429 {@code throttleCode}) has {@code RateLimit-Remaining: 0}, the reset a second ahead and,
     * when {@code retryAfter}, {@code Retry-After: 1}.
     *
     * @param unauthorized the 401's message, {@code %s} the Authorization header it was sent (echoed, so that a test
     *     proves the provider scrubs it)
     * @param error500 code and message of a 500
     * @param error503 code and message of a 503
     * @param actionRunning an action's status while it runs ({@code in-progress}, {@code running})
     * @param actionDone a successful action's status ({@code completed}, {@code success})
     */
    public record Dialect(int rateLimit, long resetSeconds, String unauthorized, String throttleCode,
            String throttleMessage, boolean retryAfter, List<String> error500, List<String> error503,
            String actionRunning, String actionDone) {
    }

    /**
     * An assign or unassign as the clouds run it, asynchronously: running for the polls set by {@link #actions} or the
     * milliseconds set by {@link #actionMillis} when it started, then ended with the outcome set then (null: never).
     */
    protected abstract class TestAction {
        public final long id;
        private String status;
        private int pollsLeft;
        private final String outcome;

        /** Started now (under {@link #lock}). */
        protected TestAction(long id) {
            this.id = id;
            this.status = dialect.actionRunning();
            this.pollsLeft = actionMillis >= 0 ? -1 : actionPolls;
            this.outcome = actionOutcome;
        }

        public String status() {
            return status;
        }

        public boolean running() {
            return status.equals(dialect.actionRunning());
        }

        /** Its effect once ended (status set; under the lock, once): the register changed if it succeeded, the IP free. */
        protected abstract void ended();
    }

    /** A canned error for the next request whose "METHOD path" matches {@code pattern}. */
    private record Fault(Pattern pattern, int status, Map<String, String> headers, String code, String message) {
    }

    static {
        // the JDK's HttpServer leaves Nagle on by default: a response's separate header and body writes then wait for
        // the client's delayed ACK (tens of ms) on a kept-alive connection, which the real APIs do not. Read once,
        // when the first HttpServer is created; the providers' surefire sets it too.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Guards the subclass's state; {@link #later} runs under it. */
    protected final Object lock = new Object();
    private final HttpServer server;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final boolean tls;
    private final String token;
    private final Dialect dialect;
    private final List<Request> log = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile FaultMix faultMix = FaultMix.none();
    private long actionMillis = -1;
    private int actionPolls = 1;
    private String actionOutcome;

    /**
     * Listens on {@code at} (port 0: any), in the network namespace of the calling thread (construct it in
     * {@code Netns.runInside} to serve a test namespace's address); TLS with {@code serverTls} when not null.
     *
     * @param name the threads' name ({@code name-endpoint}, {@code name-actions})
     * @param token the bearer token the API accepts
     */
    protected CloudTestServer(String name, String token, Dialect dialect, InetSocketAddress at, SSLContext serverTls)
            throws IOException {
        this.token = token;
        this.dialect = dialect;
        this.actionOutcome = dialect.actionDone();
        if (serverTls != null) {
            HttpsServer s = HttpsServer.create(at, 16);
            s.setHttpsConfigurator(new HttpsConfigurator(serverTls));
            server = s;
        } else {
            server = HttpServer.create(at, 16);
        }
        tls = serverTls != null;
        // enough threads for the time-outs of a fault mix, which hold theirs while the client has moved on
        pool = Executors.newFixedThreadPool(16, Thread.ofPlatform().name(name + "-endpoint").daemon(true).factory());
        timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name + "-actions").daemon(true).factory());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://host:port} (or https), no path. */
    public URI root() {
        InetSocketAddress a = server.getAddress();
        return URI.create((tls ? "https" : "http") + "://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    // ---- faults -------------------------------------------------------------------------------------------------

    /** Answers the next request matching "METHOD path" (a regex) with this status, headers and error. */
    public void failNext(String methodAndPath, int status, Map<String, String> headers, String code, String message) {
        synchronized (lock) {
            faults.add(new Fault(Pattern.compile(methodAndPath), status, headers, code, message));
        }
    }

    /**
     * After the queued faults ({@link #failNext}), each API request (not the metadata service's) gets what {@code mix}
     * picks for it: throttling, a 5xx (as the {@link Dialect} words them), or a time-out (the answer comes
     * {@link FaultMix#timeoutMillis()} late, after the client has given up; the request is still carried out, as a
     * slow API would); while the mix says the endpoint is down, the connection is closed without an answer.
     */
    public void faultMix(FaultMix mix) {
        faultMix = mix;
    }

    /** Requests being handled now (a time-out's answer still on its way). */
    public int inFlight() {
        return inFlight.get();
    }

    // ---- the log ------------------------------------------------------------------------------------------------

    public List<Request> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public List<String> calls() {
        return requests().stream().map(r -> r.method() + " " + r.path()).toList();
    }

    public int count(String method, String pathRegex) {
        return (int) requests().stream().filter(r -> r.method().equals(method) && r.path().matches(pathRegex)).count();
    }

    /** Forgets the requests (a subclass forgets what it derived from them too). */
    public void resetLog() {
        log.clear();
    }

    // ---- actions ------------------------------------------------------------------------------------------------

    /** Actions started from now on stay running for {@code polls} reads, then end as {@code outcome} (null: never). */
    public void actions(int polls, String outcome) {
        synchronized (lock) {
            actionPolls = polls;
            actionOutcome = outcome;
            actionMillis = -1;
        }
    }

    /**
     * Actions started from now on run for {@code millis}, then succeed (whoever polls them, and when); a negative value
     * goes back to {@link #actions}' poll counting.
     */
    public void actionMillis(long millis) {
        synchronized (lock) {
            actionMillis = millis;
            actionOutcome = dialect.actionDone();
        }
    }

    /** Starts {@code a}'s clock (under the lock): it ends {@link #actionMillis} from now, or now if no poll is to see it. */
    protected final void start(TestAction a) {
        if (actionMillis >= 0) {
            later(actionMillis, () -> end(a));
        } else if (a.pollsLeft == 0) {
            end(a);
        }
    }

    /** A read of {@code a} (under the lock): one poll fewer to go. */
    protected final void poll(TestAction a) {
        if (!a.running() || a.outcome == null || a.pollsLeft < 0) {
            return;
        }
        if (--a.pollsLeft <= 0) {
            end(a);
        }
    }

    private void end(TestAction a) {
        if (a.outcome == null || !a.running()) {
            return; // never done, or done already
        }
        a.status = a.outcome;
        a.ended();
    }

    // ---- for the subclass ---------------------------------------------------------------------------------------

    /** Runs {@code underLock} in {@code millis} on the actions' timer, holding {@link #lock}. */
    private void later(long millis, Runnable underLock) {
        timer.schedule(() -> {
            synchronized (lock) {
                underLock.run();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Answers a request that needs no token (the metadata service) and says so; false for an API request. */
    protected abstract boolean servedWithoutToken(HttpExchange ex, String method, String path, String client)
            throws IOException;

    /** An error answer in the cloud's error body. */
    protected abstract void error(HttpExchange ex, int status, String code, String message) throws IOException;

    /** The API itself, after the token and the faults. */
    protected abstract void route(HttpExchange ex, String method, String path, String query, String body)
            throws IOException;

    /** {@code a=1&b=2} as a map (a name without a value maps to the empty string). */
    protected static Map<String, String> queryParams(String query) {
        Map<String, String> q = new HashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (!pair.isEmpty()) {
                q.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return q;
    }

    /** The answer, {@code body} in UTF-8 ({@code -1}: no body when empty). */
    protected static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    /** The wall clock in nanoseconds (comparable across processes). */
    public static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String client = ex.getRemoteAddress().getAddress().getHostAddress();
            log.add(new Request(method, path, query, body, auth == null ? "" : auth, ex.getRemoteAddress().getPort(),
                    client, epochNanos()));
            if (servedWithoutToken(ex, method, path, client)) {
                return;
            }
            long now = Instant.now().getEpochSecond();
            ex.getResponseHeaders().set("RateLimit-Limit", String.valueOf(dialect.rateLimit()));
            ex.getResponseHeaders().set("RateLimit-Remaining", String.valueOf(dialect.rateLimit() - 1));
            ex.getResponseHeaders().set("RateLimit-Reset", String.valueOf(now + dialect.resetSeconds()));
            if (!("Bearer " + token).equals(auth)) {
                error(ex, 401, "unauthorized", String.format(dialect.unauthorized(), auth));
                return;
            }
            if (!faulted(ex, method + " " + path, now)) {
                route(ex, method, path, query, body);
            }
        } catch (RuntimeException e) {
            error(ex, 500, "server_error", "test endpoint: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (a time-out): nothing to answer
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Whether a queued fault, the mix or an outage answered the request (a time-out only delays it). */
    private boolean faulted(HttpExchange ex, String request, long now) throws IOException, InterruptedException {
        Fault f = takeFault(request);
        if (f != null) {
            f.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            error(ex, f.status(), f.code(), f.message());
            return true;
        }
        FaultMix mix = faultMix;
        if (mix.isDown()) {
            return true; // closing an exchange that has sent no headers closes the connection: the client sees EOF
        }
        switch (mix.next()) {
            case NONE -> { }
            case THROTTLE -> {
                ex.getResponseHeaders().set("RateLimit-Remaining", "0");
                ex.getResponseHeaders().set("RateLimit-Reset", String.valueOf(now + 1));
                if (dialect.retryAfter()) {
                    ex.getResponseHeaders().set("Retry-After", "1");
                }
                error(ex, 429, dialect.throttleCode(), dialect.throttleMessage());
                return true;
            }
            case SERVER_ERROR -> {
                boolean internal = mix.coin();
                List<String> e = internal ? dialect.error500() : dialect.error503();
                error(ex, internal ? 500 : 503, e.get(0), e.get(1));
                return true;
            }
            case TIMEOUT -> Thread.sleep(mix.timeoutMillis());
        }
        return false;
    }

    private Fault takeFault(String request) {
        synchronized (lock) {
            for (var it = faults.iterator(); it.hasNext(); ) {
                Fault f = it.next();
                if (f.pattern().matcher(request).matches()) {
                    it.remove();
                    return f;
                }
            }
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        timer.shutdownNow();
    }
}
