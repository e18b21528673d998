package io.floatd.provider.hetzner;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import io.floatd.vrrp.provider.testkit.CloudTestServer;
import io.floatd.vrrp.provider.testkit.ConformanceEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@link #faultMix} gives throttling, 5xx and time-outs at random (the server, the request log, the token check and
 * the faults are {@link CloudTestServer}'s). It also answers the metadata service's
 * {@code /hetzner/v1/metadata/instance-id} for the server whose private or public IPv4 is the client's address.
 *
 * <p>For other modules' tests (the test-jar): {@link #HetznerTestEndpoint(String, InetSocketAddress)} listens where
 * it is constructed (inside a test namespace in {@code Netns.runInside}).
 */
public final class HetznerTestEndpoint extends CloudTestServer implements ConformanceEndpoint<Long> {
    /** The network id of the servers' private addresses. */
    public static final long NETWORK = 1_000_001L;

    /** An action that finished, with the wall-clock time it did. */
    public record Completion(long actionId, String command, Long server, String status, long atEpochNanos) {
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

    private final class Action extends TestAction {
        final String command;
        final Fip fip;
        final Long server;

        Action(long id, String command, Fip fip, Long server) {
            super(id);
            this.command = command;
            this.fip = fip;
            this.server = server;
        }

        @Override
        protected void ended() {
            if (status().equals("success")) {
                fip.server = command.startsWith("assign") ? server : null;
            }
            fip.running = null;
            completions.add(new Completion(id, command, server, status(), epochNanos()));
        }
    }

    /**
     * Hetzner's rate limits (3,600 an hour, reset a second ahead), 401, 429 without Retry-After, 500 and 503; its
     * actions {@code running}, then {@code success} (or {@code error}).
     */
    private static final Dialect DIALECT = new Dialect(3600, 1,
            "Request was made with an invalid or unknown token (%s)", "rate_limit_exceeded",
            "limit of 3600 requests per hour reached", false,
            List.of("server_error", "Error while handling your request"),
            List.of("unavailable", "A service or product is currently not available"), "running", "success");

    private static final Pattern FIP = Pattern.compile("/v1/floating_ips/(\\d+)");
    private static final Pattern FIP_ACTION = Pattern.compile("/v1/floating_ips/(\\d+)/actions/(assign|unassign)");
    private static final Pattern ACTION = Pattern.compile("/v1/(?:floating_ips/)?actions/(\\d+)");
    private static final Pattern SERVER = Pattern.compile("/v1/servers/(\\d+)");

    private final Map<Long, Server> servers = new LinkedHashMap<>();
    private final Map<Long, Fip> fips = new LinkedHashMap<>();
    private final Map<Long, Action> actions = new HashMap<>();
    private final List<Completion> completions = new ArrayList<>();
    private long nextActionId = 5_000_001L;

    /** Plain HTTP on loopback. */
    public HetznerTestEndpoint(String token) throws IOException {
        this(token, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Plain HTTP on {@code at}, in the network namespace of the calling thread. */
    public HetznerTestEndpoint(String token, InetSocketAddress at) throws IOException {
        super("hcloud-test", token, DIALECT, at, null);
    }

    /**
     * The base URL, {@code /v1} included, as {@code api_url} and {@code HCLOUD_ENDPOINT} take it; {@link #root()} as
     * {@code metadata_url} takes it.
     */
    public URI uri() {
        return URI.create(root() + "/v1");
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

    public List<Completion> completions() {
        synchronized (lock) {
            return List.copyOf(completions);
        }
    }

    /** Write requests (a POST of an action, whatever its answer) received so far. */
    public int writes() {
        return count("POST", ".*/actions/.*");
    }

    @Override
    public void resetLog() {
        super.resetLog();
        synchronized (lock) {
            completions.clear();
        }
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    @Override
    protected boolean servedWithoutToken(HttpExchange ex, String method, String path, String client)
            throws IOException {
        if (!path.startsWith("/hetzner/v1/metadata")) {
            return false;
        }
        String answer = null;
        synchronized (lock) {
            Server s = servers.values().stream().filter(x -> client.equals(x.privateIp()) || client.equals(x.publicIpv4()))
                    .findFirst().orElse(null);
            if (s != null && path.equals("/hetzner/v1/metadata/instance-id")) {
                answer = String.valueOf(s.id());
            }
        }
        send(ex, answer != null ? 200 : 404, "text/plain", answer != null ? answer : "not found");
        return true;
    }

    @Override
    protected void route(HttpExchange ex, String method, String path, String query, String body) throws IOException {
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
        Map<String, String> q = queryParams(query);
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
        Action a = new Action(nextActionId++, command + "_floating_ip", f, target);
        actions.put(a.id, a);
        f.running = a;
        start(a);
        json(ex, 201, wrap("action", actionJson(a)));
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
        o.addProperty("status", a.status());
        o.addProperty("progress", a.running() ? 0 : 100);
        o.addProperty("started", "2016-01-30T23:55:00+00:00");
        o.add("finished", a.running() ? JsonNull.INSTANCE
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
        if (a.status().equals("error")) {
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

    private void notFound(HttpExchange ex, String what) throws IOException {
        error(ex, 404, "not_found", what + " not found");
    }

    private static void json(HttpExchange ex, int status, JsonElement body) throws IOException {
        send(ex, status, body.toString());
    }

    @Override
    protected void error(HttpExchange ex, int status, String code, String message) throws IOException {
        JsonObject e = new JsonObject();
        e.addProperty("code", code);
        e.addProperty("message", message);
        e.add("details", new JsonObject());
        send(ex, status, wrap("error", e).toString());
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "application/json", body);
    }
}
