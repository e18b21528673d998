package io.floatd.provider.hetzner;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.floatd.testing.FaultMix;
import io.floatd.vrrp.provider.testkit.ConformanceEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Hetzner Cloud API v1 on plain HTTP, in the shapes of Hetzner's OpenAPI specification (docs.hetzner.cloud;
 * hcloud-go's {@code hcloud/schema}): servers ({@code GET /v1/servers/{id}}, {@code GET /v1/servers} paginated with
 * {@code meta.pagination}), floating IPs ({@code GET /v1/floating_ips/{id}}, the paginated list; an IPv6 one's
 * {@code ip} is its /64), {@code POST /v1/floating_ips/{id}/actions/assign {"server":N}} and {@code .../unassign}
 * (201, an action {@code running} for a set number of polls or milliseconds, then {@code success} or {@code error}
 * with its {@code error.code}), the action at {@code GET /v1/floating_ips/actions/{id}} and
 * {@code GET /v1/actions/{id}}. Errors are {@code {"error":{"code","message","details"}}}: 401 {@code unauthorized}
 * for a wrong token, 404 {@code not_found}, 423 {@code locked} for an action on a floating IP whose action runs, 422
 * {@code floating_ip_assigned} for an assign to the server it is on, 400 {@code invalid_input}; every answer carries
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}. {@link #failNext} answers the next
 * matching request with a given error (409 {@code conflict}, 429 {@code rate_limit_exceeded}, 5xx, ...);
 * {@link #faultMix} gives throttling, 5xx and time-outs at random. It also answers the metadata service's
 * {@code /hetzner/v1/metadata/instance-id} for the server whose private or public IPv4 is the client's address.
 *
 * <p>For other modules' tests (the test-jar): {@link #HetznerTestEndpoint(String, InetSocketAddress)} listens where
 * it is constructed (inside a test namespace in {@code Netns.runInside}).
 */
public final class HetznerTestEndpoint implements ConformanceEndpoint<Long> {
    /** The network id of the servers' private addresses. */
    public static final long NETWORK = 1_000_001L;

    /** One request as it arrived ({@code path} without the query). */
    public record Request(String method, String path, String query, String body, String authorization, int clientPort,
                          String clientAddress, long atEpochNanos) {
        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query) + (body.isEmpty() ? "" : " " + body);
        }
    }

    /** An action that finished, with the wall-clock time it did. */
    public record Completion(long actionId, String command, Long server, String status, long atEpochNanos) {
    }

    private record Fault(Pattern pattern, int status, Map<String, String> headers, String code, String message) {
    }

    private record Server(long id, String name, String publicIpv4, String privateIp, long network) {
    }

    private static final class Fip {
        final long id;
        final String ip;
        final boolean v6;
        Long server;
        Action running;

        Fip(long id, String ip) {
            this.id = id;
            this.v6 = ip.contains(":");
            this.ip = v6 && !ip.contains("/") ? ip + "/64" : ip;
        }
    }

    private static final class Action {
        final long id;
        final String command;
        final Fip fip;
        final Long server;
        int pollsLeft;
        final String outcome;
        String status = "running";

        Action(long id, String command, Fip fip, Long server, int polls, String outcome) {
            this.id = id;
            this.command = command;
            this.fip = fip;
            this.server = server;
            this.pollsLeft = polls;
            this.outcome = outcome;
        }
    }

    private static final Pattern FIP = Pattern.compile("/v1/floating_ips/(\\d+)");
    private static final Pattern FIP_ACTION = Pattern.compile("/v1/floating_ips/(\\d+)/actions/(assign|unassign)");
    private static final Pattern ACTION = Pattern.compile("/v1/(?:floating_ips/)?actions/(\\d+)");
    private static final Pattern SERVER = Pattern.compile("/v1/servers/(\\d+)");

    static {
        // Nagle off in the JDK's HttpServer (see DoTestEndpoint): read once, when the first server is created
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final String token;
    private final Object lock = new Object();
    private final Map<Long, Server> servers = new LinkedHashMap<>();
    private final Map<Long, Fip> fips = new LinkedHashMap<>();
    private final Map<Long, Action> actions = new HashMap<>();
    private final List<Request> log = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<Completion> completions = new ArrayList<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("hcloud-test-actions").daemon(true).factory());
    private final AtomicInteger inFlight = new AtomicInteger();
    private long nextActionId = 5_000_001L;
    private long actionMillis = -1;
    private int actionPolls = 1;
    private String actionOutcome = "success";
    private volatile FaultMix faultMix = FaultMix.none();

    /** Plain HTTP on loopback. */
    public HetznerTestEndpoint(String token) throws IOException {
        this(token, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Plain HTTP on {@code at}, in the network namespace of the calling thread. */
    public HetznerTestEndpoint(String token, InetSocketAddress at) throws IOException {
        this.token = token;
        server = HttpServer.create(at, 16);
        pool = Executors.newFixedThreadPool(16, Thread.ofPlatform().name("hcloud-test-endpoint").daemon(true).factory());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL, {@code /v1} included, as {@code api_url} and {@code HCLOUD_ENDPOINT} take it. */
    public URI uri() {
        return URI.create(root() + "/v1");
    }

    /** The root, as {@code metadata_url} takes it. */
    public URI root() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    // ---- state --------------------------------------------------------------------------------------------------

    /** A server with a public IPv4 and an address in {@link #NETWORK}. */
    public HetznerTestEndpoint server(long id, String name, String publicIpv4, String privateIp) {
        synchronized (lock) {
            servers.put(id, new Server(id, name, publicIpv4, privateIp, NETWORK));
        }
        return this;
    }

    /** A floating IP: an IPv4 address, or an IPv6 network ({@code 2001:db8:1::/64}; an address means its /64). */
    public HetznerTestEndpoint floatingIp(long id, String ip) {
        synchronized (lock) {
            fips.put(id, new Fip(id, ip));
        }
        return this;
    }

    /** Assigns as the console would (not logged); null unassigns. */
    @Override
    public void assign(Long fip, Long server) {
        synchronized (lock) {
            fips.get(fip).server = server;
        }
    }

    @Override
    public Long holder(Long fip) {
        synchronized (lock) {
            return fips.get(fip).server;
        }
    }

    /** Whether an action runs on the floating IP (the API answers 423 locked to another). */
    @Override
    public boolean locked(Long fip) {
        synchronized (lock) {
            return fips.get(fip).running != null;
        }
    }

    /** Actions started from now on stay {@code running} for {@code polls} reads, then end as {@code outcome}. */
    public void actions(int polls, String outcome) {
        synchronized (lock) {
            actionPolls = polls;
            actionOutcome = outcome;
            actionMillis = -1;
        }
    }

    /** Actions started from now on succeed {@code millis} after they started, whoever polls them. */
    public void actionMillis(long millis) {
        synchronized (lock) {
            actionMillis = millis;
            actionOutcome = "success";
        }
    }

    public List<Completion> completions() {
        synchronized (lock) {
            return List.copyOf(completions);
        }
    }

    /** Answers the next request matching "METHOD path" (a regex) with this status, headers and error. */
    public void failNext(String methodAndPath, int status, Map<String, String> headers, String code, String message) {
        synchronized (lock) {
            faults.add(new Fault(Pattern.compile(methodAndPath), status, headers, code, message));
        }
    }

    /**
     * After the queued faults, each API request gets what {@code mix} picks: throttling (429
     * {@code rate_limit_exceeded}, {@code RateLimit-Remaining: 0}, {@code RateLimit-Reset} a second ahead), a 5xx
     * (500 {@code server_error} or 503 {@code unavailable}), or a time-out (the answer comes late, the request still
     * carried out); while the mix says the endpoint is down, the connection is closed without an answer.
     */
    public void faultMix(FaultMix mix) {
        faultMix = mix;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Write requests (a POST of an action, whatever its answer) received so far. */
    public int writes() {
        return count("POST", ".*/actions/.*");
    }

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

    public void resetLog() {
        log.clear();
        synchronized (lock) {
            completions.clear();
        }
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
            if (path.startsWith("/hetzner/v1/metadata")) {
                metadata(ex, path, client);
                return;
            }
            long now = Instant.now().getEpochSecond();
            ex.getResponseHeaders().set("RateLimit-Limit", "3600");
            ex.getResponseHeaders().set("RateLimit-Remaining", "3599");
            ex.getResponseHeaders().set("RateLimit-Reset", String.valueOf(now + 1));
            if (!("Bearer " + token).equals(auth)) {
                // echoes what it was sent, so that a test proves the provider scrubs it
                error(ex, 401, "unauthorized", "Request was made with an invalid or unknown token (" + auth + ")");
                return;
            }
            Fault f = takeFault(method + " " + path);
            if (f != null) {
                f.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                error(ex, f.status(), f.code(), f.message());
                return;
            }
            FaultMix mix = faultMix;
            if (mix.isDown()) {
                return; // no headers sent: the connection is closed
            }
            switch (mix.next()) {
                case NONE -> { }
                case THROTTLE -> {
                    ex.getResponseHeaders().set("RateLimit-Remaining", "0");
                    ex.getResponseHeaders().set("RateLimit-Reset", String.valueOf(now + 1));
                    error(ex, 429, "rate_limit_exceeded", "limit of 3600 requests per hour reached");
                    return;
                }
                case SERVER_ERROR -> {
                    if (mix.coin()) {
                        error(ex, 500, "server_error", "Error while handling your request");
                    } else {
                        error(ex, 503, "unavailable", "A service or product is currently not available");
                    }
                    return;
                }
                case TIMEOUT -> Thread.sleep(mix.timeoutMillis());
            }
            route(ex, method, path, query, body);
        } catch (RuntimeException e) {
            error(ex, 500, "server_error", "test endpoint: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up: nothing to answer
        } finally {
            inFlight.decrementAndGet();
        }
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void metadata(HttpExchange ex, String path, String client) throws IOException {
        String answer = null;
        synchronized (lock) {
            Server s = servers.values().stream().filter(x -> client.equals(x.privateIp()) || client.equals(x.publicIpv4()))
                    .findFirst().orElse(null);
            if (s != null && path.equals("/hetzner/v1/metadata/instance-id")) {
                answer = String.valueOf(s.id());
            }
        }
        byte[] b = (answer != null ? answer : "not found").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(answer != null ? 200 : 404, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
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

    private void route(HttpExchange ex, String method, String path, String query, String body) throws IOException {
        Matcher m;
        synchronized (lock) {
            if (method.equals("GET") && path.equals("/v1/floating_ips")) {
                list(ex, query, "floating_ips", fips.values().stream().map(this::fipJson).toList());
            } else if (method.equals("GET") && path.equals("/v1/servers")) {
                list(ex, query, "servers", servers.values().stream().map(this::serverJson).toList());
            } else if (method.equals("GET") && (m = FIP.matcher(path)).matches()) {
                Fip f = fips.get(Long.parseLong(m.group(1)));
                if (f == null) {
                    notFound(ex, "floating_ip");
                    return;
                }
                json(ex, 200, wrap("floating_ip", fipJson(f)));
            } else if (method.equals("GET") && (m = SERVER.matcher(path)).matches()) {
                Server s = servers.get(Long.parseLong(m.group(1)));
                if (s == null) {
                    notFound(ex, "server");
                    return;
                }
                json(ex, 200, wrap("server", serverJson(s)));
            } else if (method.equals("POST") && (m = FIP_ACTION.matcher(path)).matches()) {
                postAction(ex, Long.parseLong(m.group(1)), m.group(2), body);
            } else if (method.equals("GET") && (m = ACTION.matcher(path)).matches()) {
                Action a = actions.get(Long.parseLong(m.group(1)));
                if (a == null) {
                    notFound(ex, "action");
                    return;
                }
                poll(a);
                json(ex, 200, wrap("action", actionJson(a)));
            } else {
                notFound(ex, "resource");
            }
        }
    }

    /** One page ({@code page}, {@code per_page} at most 50, default 25) and {@code meta.pagination}. */
    private void list(HttpExchange ex, String query, String key, List<JsonObject> all) throws IOException {
        Map<String, String> q = new HashMap<>();
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                q.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        int page = Integer.parseInt(q.getOrDefault("page", "1"));
        int perPage = Math.min(50, Integer.parseInt(q.getOrDefault("per_page", "25")));
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        JsonArray items = new JsonArray();
        all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(items::add);
        JsonObject pagination = new JsonObject();
        pagination.addProperty("page", page);
        pagination.addProperty("per_page", perPage);
        pagination.add("previous_page", page > 1 ? new com.google.gson.JsonPrimitive(page - 1) : JsonNull.INSTANCE);
        pagination.add("next_page", page < last ? new com.google.gson.JsonPrimitive(page + 1) : JsonNull.INSTANCE);
        pagination.addProperty("last_page", last);
        pagination.addProperty("total_entries", all.size());
        JsonObject meta = new JsonObject();
        meta.add("pagination", pagination);
        JsonObject o = new JsonObject();
        o.add(key, items);
        o.add("meta", meta);
        json(ex, 200, o);
    }

    private void postAction(HttpExchange ex, long id, String command, String body) throws IOException {
        Fip f = fips.get(id);
        if (f == null) {
            notFound(ex, "floating_ip");
            return;
        }
        Long target = null;
        if (command.equals("assign")) {
            JsonElement req = body.isBlank() ? null : JsonParser.parseString(body);
            if (!(req instanceof JsonObject o) || !(o.get("server") instanceof com.google.gson.JsonPrimitive s)
                    || !s.isNumber()) {
                error(ex, 400, "invalid_input", "invalid input in field 'server'");
                return;
            }
            target = s.getAsLong();
            if (!servers.containsKey(target)) {
                notFound(ex, "server");
                return;
            }
        }
        if (f.running != null) {
            error(ex, 423, "locked", "floating_ip " + id + " is locked by an action that is still running");
            return;
        }
        if (target != null && target.equals(f.server)) {
            error(ex, 422, "floating_ip_assigned", "The Floating IP is already assigned");
            return;
        }
        Action a = new Action(nextActionId++, command + "_floating_ip", f, target, actionMillis >= 0 ? -1 : actionPolls,
                actionOutcome);
        actions.put(a.id, a);
        f.running = a;
        if (actionMillis >= 0) {
            timer.schedule(() -> {
                synchronized (lock) {
                    finish(a);
                }
            }, actionMillis, TimeUnit.MILLISECONDS);
        } else if (a.pollsLeft == 0) {
            finish(a);
        }
        json(ex, 201, wrap("action", actionJson(a)));
    }

    private void poll(Action a) {
        if (!a.status.equals("running") || a.outcome == null || a.pollsLeft < 0) {
            return;
        }
        if (--a.pollsLeft <= 0) {
            finish(a);
        }
    }

    private void finish(Action a) {
        if (a.outcome == null || !a.status.equals("running")) {
            return; // never done, or done already
        }
        a.status = a.outcome;
        if (a.status.equals("success")) {
            a.fip.server = a.command.startsWith("assign") ? a.server : null;
        }
        a.fip.running = null;
        completions.add(new Completion(a.id, a.command, a.server, a.status, epochNanos()));
    }

    private JsonObject fipJson(Fip f) {
        JsonObject o = new JsonObject();
        o.addProperty("id", f.id);
        o.addProperty("name", "fip-" + f.id);
        o.add("description", JsonNull.INSTANCE);
        o.addProperty("ip", f.ip);
        o.addProperty("type", f.v6 ? "ipv6" : "ipv4");
        o.add("server", f.server == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(f.server));
        JsonArray ptr = new JsonArray();
        if (!f.v6) {
            JsonObject p = new JsonObject();
            p.addProperty("ip", f.ip);
            p.addProperty("dns_ptr", "static." + f.ip + ".clients.your-server.de");
            ptr.add(p);
        }
        o.add("dns_ptr", ptr);
        o.add("home_location", location());
        o.addProperty("blocked", false);
        JsonObject protection = new JsonObject();
        protection.addProperty("delete", false);
        o.add("protection", protection);
        o.add("labels", new JsonObject());
        o.addProperty("created", "2016-01-30T23:50:00+00:00");
        return o;
    }

    private JsonObject serverJson(Server s) {
        JsonObject o = new JsonObject();
        o.addProperty("id", s.id());
        o.addProperty("name", s.name());
        o.addProperty("status", "running");
        o.addProperty("created", "2016-01-30T23:50:00+00:00");
        JsonObject pub = new JsonObject();
        JsonObject v4 = new JsonObject();
        v4.addProperty("id", 40_000L + s.id() % 1000);
        v4.addProperty("ip", s.publicIpv4());
        v4.addProperty("blocked", false);
        v4.addProperty("dns_ptr", "server.example.com");
        pub.add("ipv4", v4);
        pub.add("ipv6", JsonNull.INSTANCE);
        JsonArray held = new JsonArray();
        fips.values().stream().filter(f -> Long.valueOf(s.id()).equals(f.server)).forEach(f -> held.add(f.id));
        pub.add("floating_ips", held);
        pub.add("firewalls", new JsonArray());
        o.add("public_net", pub);
        JsonArray priv = new JsonArray();
        JsonObject n = new JsonObject();
        n.addProperty("network", s.network());
        n.addProperty("ip", s.privateIp());
        n.add("alias_ips", new JsonArray());
        n.addProperty("mac_address", "86:00:ff:2a:7d:" + String.format("%02x", s.id() % 256));
        priv.add(n);
        o.add("private_net", priv);
        JsonObject type = new JsonObject();
        type.addProperty("id", 22);
        type.addProperty("name", "cx22");
        o.add("server_type", type);
        o.add("datacenter", JsonNull.INSTANCE);
        o.add("labels", new JsonObject());
        return o;
    }

    private static JsonObject location() {
        JsonObject l = new JsonObject();
        l.addProperty("id", 1);
        l.addProperty("name", "fsn1");
        l.addProperty("description", "Falkenstein DC Park 1");
        l.addProperty("country", "DE");
        l.addProperty("city", "Falkenstein");
        l.addProperty("latitude", 50.47612);
        l.addProperty("longitude", 12.370071);
        l.addProperty("network_zone", "eu-central");
        return l;
    }

    private static JsonObject actionJson(Action a) {
        JsonObject o = new JsonObject();
        o.addProperty("id", a.id);
        o.addProperty("command", a.command);
        o.addProperty("status", a.status);
        o.addProperty("progress", a.status.equals("running") ? 0 : 100);
        o.addProperty("started", "2016-01-30T23:55:00+00:00");
        o.add("finished", a.status.equals("running") ? JsonNull.INSTANCE
                : new com.google.gson.JsonPrimitive("2016-01-30T23:55:02+00:00"));
        JsonArray resources = new JsonArray();
        if (a.server != null) {
            JsonObject r = new JsonObject();
            r.addProperty("id", a.server);
            r.addProperty("type", "server");
            resources.add(r);
        }
        JsonObject r = new JsonObject();
        r.addProperty("id", a.fip.id);
        r.addProperty("type", "floating_ip");
        resources.add(r);
        o.add("resources", resources);
        if (a.status.equals("error")) {
            JsonObject e = new JsonObject();
            e.addProperty("code", "action_failed");
            e.addProperty("message", "Action failed");
            o.add("error", e);
        } else {
            o.add("error", JsonNull.INSTANCE);
        }
        return o;
    }

    private static JsonObject wrap(String key, JsonObject value) {
        JsonObject o = new JsonObject();
        o.add(key, value);
        return o;
    }

    private static void notFound(HttpExchange ex, String what) throws IOException {
        error(ex, 404, "not_found", what + " not found");
    }

    private static void json(HttpExchange ex, int status, JsonElement body) throws IOException {
        send(ex, status, body.toString());
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        JsonObject e = new JsonObject();
        e.addProperty("code", code);
        e.addProperty("message", message);
        e.add("details", new JsonObject());
        send(ex, status, wrap("error", e).toString());
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        timer.shutdownNow();
    }
}
