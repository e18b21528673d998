package io.floatd.provider.digitalocean;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import io.floatd.vrrp.provider.ApiToken;
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
import javax.net.ssl.SSLContext;

/**
 * A small DigitalOcean API v2 on 127.0.0.1, over plain HTTP or TLS. It keeps droplets and reserved IPs, answers
 * {@code GET /v2/droplets} (paginated: {@code page}, {@code per_page}, {@code links.pages}, {@code meta.total}),
 * {@code /v2/reserved_ips} and {@code /v2/floating_ips} with the API's JSON shapes (OpenAPI: droplet, reserved_ip,
 * reserved_ip action, action, error), runs assign and unassign as asynchronous actions (the IP locked and the action
 * {@code in-progress} for a set number of polls, then {@code completed} or {@code errored}, or never done), refuses an
 * action on a locked IP with 422, checks the bearer token (401), and can be told to answer the next matching requests
 * with a given status, headers and error body (429 with rate-limit headers, 5xx, 422). The server, the request log,
 * the token check, the faults and the actions' clock are {@link CloudTestServer}'s.
 *
 * <p>Also usable from other modules' tests (the module's test-jar): {@link #DoTestEndpoint(String, InetSocketAddress)}
 * listens on any address, e.g. inside a test network namespace when constructed in {@code Netns.runInside}; with
 * {@link #actionMillis} an action completes a fixed time after it started, whether or not anybody polls it (the
 * completions are logged); and it answers the droplet metadata service's {@code /metadata/v1/id} and
 * {@code /metadata/v1/{reserved,floating}_ip/ipv4/active} (no token) for the droplet whose private or public IPv4 is
 * the client's source address, as 169.254.169.254 answers each droplet.
 *
 * <p>Reserved IPv6 addresses (issue 16; {@link #reservedIp} with an IPv6 text) are served as DigitalOcean's OpenAPI
 * specification describes them (github.com/digitalocean/openapi, {@code specification/resources/reserved_ipv6/}):
 * {@code GET /v2/reserved_ipv6/{ip}} answers {@code {"reserved_ipv6":{"ip","reserved_at","region_slug","droplet"}}}
 * (no {@code locked}; the key as the API and godo have it; {@link #ipv6Bare} answers the bare object the
 * specification's schema shows), {@code POST /v2/reserved_ipv6/{ip}/actions} starts an {@code assign} or
 * {@code unassign} (201, {@code resource_type} {@code reserved_ipv6}), and the action is read at
 * {@code GET /v2/actions/{id}} only ({@code /v2/reserved_ipv6/{ip}/actions/{id}} is not an endpoint: 404);
 * {@code GET /v2/actions} lists the actions, newest first. An address is found by its RFC 5952 text only, as it is
 * the resource's id.
 */
public final class DoTestEndpoint extends CloudTestServer implements ConformanceEndpoint<String> {
    static final String NOT_FOUND = "The resource you were accessing could not be found.";
    /** The VPC of the droplets made by {@link #droplet(long, String, String, String)}. */
    public static final String VPC = "5a4981aa-9653-4bd1-bef5-d6bff52042e4";

    private static final class Droplet {
        final long id;
        final String name;
        final String publicIp;
        final String privateIp;
        final String vpc;

        Droplet(long id, String name, String publicIp, String privateIp, String vpc) {
            this.id = id;
            this.name = name;
            this.publicIp = publicIp;
            this.privateIp = privateIp;
            this.vpc = vpc;
        }
    }

    private static final class Rip {
        final String ip;
        /** A reserved IPv6, served at /v2/reserved_ipv6 only. */
        final boolean v6;
        Long droplet;
        boolean locked;

        Rip(String ip) {
            this.ip = ip;
            this.v6 = ip.indexOf(':') >= 0;
        }
    }

    /** An assign request as it arrived (whatever its answer): the address, the droplet, the wall-clock time. */
    public record Assign(String ip, long droplet, long atEpochNanos) {
    }

    /** An action that finished, with the wall-clock time it did. */
    public record Completion(long actionId, String type, Long droplet, String status, long atEpochNanos) {
    }

    private final class Action extends TestAction {
        final String ip;
        final String family;
        final String type;
        final Long droplet;

        Action(long id, String ip, String family, String type, Long droplet) {
            super(id);
            this.ip = ip;
            this.family = family;
            this.type = type;
            this.droplet = droplet;
        }

        @Override
        protected void ended() {
            Rip r = ips.get(ip);
            if (status().equals("completed")) {
                r.droplet = type.equals("assign") ? droplet : null;
            }
            r.locked = false;
            completions.add(new Completion(id, type, droplet, status(), epochNanos()));
        }
    }

    /**
     * DigitalOcean's rate limits (5,000 an hour, reset a minute ahead), 401, 429 with Retry-After, 500 and 503; its
     * actions {@code in-progress}, then {@code completed} (or {@code errored}).
     */
    private static final Dialect DIALECT = new Dialect(5000, 60, "Unable to authenticate you (%s).",
            "too_many_requests", "API Rate limit exceeded.", true, List.of("server_error", "Server Error"),
            List.of("service_unavailable", "Service Unavailable"), "in-progress", "completed");

    private static final Pattern IP_PATH = Pattern.compile("/v2/(reserved_ips|floating_ips)/([0-9.]+)");
    private static final Pattern IP_ACTIONS = Pattern.compile("/v2/(reserved_ips|floating_ips)/([0-9.]+)/actions");
    private static final Pattern IP_ACTION = Pattern.compile("/v2/(reserved_ips|floating_ips)/([0-9.]+)/actions/(\\d+)");
    private static final Pattern ACTION = Pattern.compile("/v2/actions/(\\d+)");
    private static final Pattern V6_PATH = Pattern.compile("/v2/(reserved_ipv6)/([0-9a-fA-F:.]+)");
    private static final Pattern V6_ACTIONS = Pattern.compile("/v2/(reserved_ipv6)/([0-9a-fA-F:.]+)/actions");
    private static final Pattern DROPLET = Pattern.compile("/v2/droplets/(\\d+)");

    private final Map<Long, Droplet> droplets = new LinkedHashMap<>();
    private final Map<String, Rip> ips = new LinkedHashMap<>();
    private final Map<Long, Action> actions = new HashMap<>();
    private final List<Completion> completions = new ArrayList<>();
    private long nextActionId = 2_000_000_001L;
    private int staleReads;
    private boolean ipv6Bare;

    /** Plain HTTP. */
    DoTestEndpoint(String token) throws IOException {
        this(token, (SSLContext) null);
    }

    /** TLS with the given server context when not null. */
    DoTestEndpoint(String token, SSLContext serverTls) throws IOException {
        this(token, serverTls, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /**
     * Plain HTTP on {@code at} (port 0: any). The listening socket belongs to the network namespace of the calling
     * thread: construct it in {@code Netns.runInside} to serve a test namespace's address.
     */
    public DoTestEndpoint(String token, InetSocketAddress at) throws IOException {
        this(token, null, at);
    }

    private DoTestEndpoint(String token, SSLContext serverTls, InetSocketAddress at) throws IOException {
        super("do-test", token, DIALECT, at, serverTls);
    }

    /**
     * Compiles this class's request handling (and the JDK HTTP server's) in the calling JVM before a benchmark
     * measures through it, as the real API answers warm: {@code rounds} of read, assign and action poll from the
     * floatd client against a scratch endpoint on loopback. Returns the milliseconds it took.
     */
    public static long warmUp(int rounds) throws Exception {
        return warmUp(rounds, false);
    }

    /** {@link #warmUp(int)} through the reserved IPv6 endpoints when {@code ipv6}. */
    public static long warmUp(int rounds, boolean ipv6) throws Exception {
        long t0 = System.nanoTime();
        String token = "dop_v1_bench_warm_up";
        String ip = ipv6 ? "2001:db8:ff::100" : "192.0.2.100";
        DoTestEndpoint scratch = new DoTestEndpoint(token,
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
        try (DoApi api = HttpDoApi.create(scratch.uri(), ipv6 ? DoSettings.Paths.RESERVED_IPV6
                : DoSettings.Paths.RESERVED_IPS, ApiToken.of(DigitalOceanProviderFactory.NAME, token, "the bench"), DoClientOptions.defaults())) {
            scratch.droplet(1, "warm-0", "192.0.2.30", "10.0.0.30").droplet(2, "warm-1", "192.0.2.31", "10.0.0.31")
                    .reservedIp(ip);
            scratch.actions(0, "completed");
            for (int i = 0; i < rounds; i++) {
                api.reservedIp(ip);
                DoApi.Action a = api.assign(ip, 1 + i % 2);
                api.action(ip, a.id());
            }
        } finally {
            scratch.close();
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    public URI uri() {
        return root();
    }

    // ---- state --------------------------------------------------------------------------------------------------

    /** A droplet in {@link #VPC}. */
    public DoTestEndpoint droplet(long id, String name, String publicIp, String privateIp) {
        return droplet(id, name, publicIp, privateIp, VPC);
    }

    /** A droplet in the VPC {@code vpc} (its private IPv4 is unique there only). */
    public DoTestEndpoint droplet(long id, String name, String publicIp, String privateIp, String vpc) {
        synchronized (lock) {
            droplets.put(id, new Droplet(id, name, publicIp, privateIp, vpc));
        }
        return this;
    }

    /** Destroys a droplet (a reserved IP assigned to it is then unassigned). */
    public DoTestEndpoint removeDroplet(long id) {
        synchronized (lock) {
            droplets.remove(id);
            ips.values().stream().filter(r -> Long.valueOf(id).equals(r.droplet)).forEach(r -> r.droplet = null);
        }
        return this;
    }

    public DoTestEndpoint reservedIp(String ip) {
        synchronized (lock) {
            ips.put(ip, new Rip(ip));
        }
        return this;
    }

    /** Assigns as the control panel would (not logged); null unassigns. */
    @Override
    public void assign(String ip, Long droplet) {
        synchronized (lock) {
            ips.get(ip).droplet = droplet;
        }
    }

    @Override
    public Long holder(String ip) {
        synchronized (lock) {
            return ips.get(ip).droplet;
        }
    }

    @Override
    public boolean locked(String ip) {
        synchronized (lock) {
            return ips.get(ip).locked;
        }
    }

    /** The actions finished so far, oldest first. */
    public List<Completion> completions() {
        synchronized (lock) {
            return List.copyOf(completions);
        }
    }

    /** The next {@code n} reads of a reserved IP show it unassigned, whatever it is (a read racing a change). */
    public void staleReads(int n) {
        synchronized (lock) {
            staleReads = n;
        }
    }

    /** Whether {@code GET /v2/reserved_ipv6/{ip}} answers the bare object (the specification's schema) or wrapped. */
    public void ipv6Bare(boolean bare) {
        synchronized (lock) {
            ipv6Bare = bare;
        }
    }

    /** The assign requests received so far (to any reserved IP), oldest first, with their arrival times. */
    public List<Assign> assigns() {
        List<Assign> out = new ArrayList<>();
        for (Request r : requests()) {
            if (r.method().equals("POST") && r.path().endsWith("/actions") && r.body().contains("\"assign\"")) {
                JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
                String ip = r.path().substring(r.path().indexOf('/', "/v2/".length()) + 1,
                        r.path().length() - "/actions".length());
                out.add(new Assign(ip, o.get("droplet_id").getAsLong(), r.atEpochNanos()));
            }
        }
        return out;
    }

    /** Write requests (a POST of an action, whatever its answer) received so far. */
    public int writes() {
        return count("POST", ".*/actions");
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
        if (!path.startsWith("/metadata/")) {
            return false;
        }
        String answer = null;
        synchronized (lock) {
            Droplet d = droplets.values().stream()
                    .filter(x -> client.equals(x.privateIp) || client.equals(x.publicIp)).findFirst().orElse(null);
            if (d != null && method.equals("GET")) {
                if (path.equals("/metadata/v1/id")) {
                    answer = String.valueOf(d.id);
                } else if (path.equals("/metadata/v1/reserved_ip/ipv4/active")
                        || path.equals("/metadata/v1/floating_ip/ipv4/active")) {
                    answer = String.valueOf(ips.values().stream()
                            .anyMatch(r -> !r.v6 && Long.valueOf(d.id).equals(r.droplet)));
                }
            }
        }
        send(ex, answer != null ? 200 : 404, "text/plain; charset=utf-8", answer != null ? answer : "not found");
        return true;
    }

    @Override
    protected void route(HttpExchange ex, String method, String path, String query, String body) throws IOException {
        Matcher m;
        synchronized (lock) {
            if (method.equals("GET") && path.equals("/v2/droplets")) {
                listDroplets(ex, query);
            } else if (method.equals("GET") && (m = DROPLET.matcher(path)).matches()) {
                Droplet d = droplets.get(Long.parseLong(m.group(1)));
                if (d == null) {
                    error(ex, 404, "not_found", NOT_FOUND);
                    return;
                }
                JsonObject o = new JsonObject();
                o.add("droplet", dropletJson(d));
                json(ex, 200, o);
            } else if (method.equals("GET") && ((m = IP_PATH.matcher(path)).matches()
                    || (m = V6_PATH.matcher(path)).matches())) {
                Rip r = ips.get(m.group(2));
                if (r == null || r.v6 != m.group(1).equals("reserved_ipv6")) {
                    error(ex, 404, "not_found", NOT_FOUND);
                    return;
                }
                if (r.v6 && ipv6Bare) {
                    json(ex, 200, ripJson(r));
                    return;
                }
                JsonObject o = new JsonObject();
                o.add(singular(m.group(1)), ripJson(r));
                json(ex, 200, o);
            } else if (method.equals("POST") && ((m = IP_ACTIONS.matcher(path)).matches()
                    || (m = V6_ACTIONS.matcher(path)).matches())) {
                postAction(ex, m.group(1), m.group(2), JsonParser.parseString(body).getAsJsonObject());
            } else if (method.equals("GET") && (m = IP_ACTION.matcher(path)).matches()) {
                Action a = actions.get(Long.parseLong(m.group(3)));
                if (a == null || !a.ip.equals(m.group(2)) || a.family.equals("reserved_ipv6")) {
                    error(ex, 404, "not_found", NOT_FOUND);
                    return;
                }
                poll(a);
                json(ex, 200, actionJson(a, m.group(1)));
            } else if (method.equals("GET") && (m = ACTION.matcher(path)).matches()) {
                Action a = actions.get(Long.parseLong(m.group(1)));
                if (a == null) {
                    error(ex, 404, "not_found", NOT_FOUND);
                    return;
                }
                poll(a);
                json(ex, 200, actionJson(a, a.family));
            } else if (method.equals("GET") && path.equals("/v2/actions")) {
                listActions(ex);
            } else {
                error(ex, 404, "not_found", NOT_FOUND);
            }
        }
    }

    /**
     * {@code GET /v2/droplets?page=P&per_page=N} (OpenAPI droplets_list: per_page 1 to 200, default 20; page from
     * 1): {@code droplets}, {@code links.pages} with {@code first}/{@code prev} after the first page and
     * {@code next}/{@code last} before the last one (absolute URLs on api.digitalocean.com, as the API gives them),
     * {@code meta.total}.
     */
    private void listDroplets(HttpExchange ex, String query) throws IOException {
        Map<String, String> q = queryParams(query);
        int page;
        int perPage;
        try {
            page = Integer.parseInt(q.getOrDefault("page", "1"));
            perPage = Integer.parseInt(q.getOrDefault("per_page", "20"));
        } catch (NumberFormatException e) {
            error(ex, 400, "bad_request", "page and per_page must be integers");
            return;
        }
        if (page < 1 || perPage < 1 || perPage > 200) {
            error(ex, 400, "bad_request", "per_page must be between 1 and 200, page at least 1");
            return;
        }
        List<Droplet> all = List.copyOf(droplets.values());
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        JsonArray list = new JsonArray();
        for (int i = (page - 1) * perPage; i < Math.min(all.size(), page * perPage); i++) {
            list.add(dropletJson(all.get(i)));
        }
        String base = "https://api.digitalocean.com/v2/droplets?page=";
        String per = "&per_page=" + perPage;
        JsonObject pages = new JsonObject();
        if (page > 1) {
            pages.addProperty("first", base + 1 + per);
            pages.addProperty("prev", base + (page - 1) + per);
        }
        if (page < last) {
            pages.addProperty("last", base + last + per);
            pages.addProperty("next", base + (page + 1) + per);
        }
        JsonObject links = new JsonObject();
        links.add("pages", pages);
        JsonObject meta = new JsonObject();
        meta.addProperty("total", all.size());
        JsonObject o = new JsonObject();
        o.add("droplets", list);
        o.add("links", links);
        o.add("meta", meta);
        json(ex, 200, o);
    }

    /** {@code GET /v2/actions} (list_all_actions): the actions, newest first, on one page. */
    private void listActions(HttpExchange ex) throws IOException {
        JsonArray list = new JsonArray();
        actions.values().stream().sorted((x, y) -> Long.compare(y.id, x.id))
                .forEach(a -> list.add(actionJson(a, a.family).get("action")));
        JsonObject meta = new JsonObject();
        meta.addProperty("total", list.size());
        JsonObject o = new JsonObject();
        o.add("actions", list);
        o.add("links", new JsonObject());
        o.add("meta", meta);
        json(ex, 200, o);
    }

    private void postAction(HttpExchange ex, String family, String ip, JsonObject req) throws IOException {
        Rip r = ips.get(ip);
        if (r == null || r.v6 != family.equals("reserved_ipv6")) {
            error(ex, 404, "not_found", NOT_FOUND);
            return;
        }
        String type = req.has("type") ? req.get("type").getAsString() : "";
        Long droplet = null;
        if (type.equals("assign")) {
            if (!req.has("droplet_id") || req.get("droplet_id").isJsonNull()) {
                error(ex, 422, "unprocessable_entity", "droplet_id is required");
                return;
            }
            droplet = req.get("droplet_id").getAsLong();
            if (!droplets.containsKey(droplet)) {
                error(ex, 404, "not_found", NOT_FOUND);
                return;
            }
        } else if (!type.equals("unassign")) {
            error(ex, 422, "unprocessable_entity", "type is not a valid reserved IP action");
            return;
        }
        String what = r.v6 ? "The reserved IPv6" : "The reserved IP";
        if (r.locked) {
            error(ex, 422, "unprocessable_entity", what + " has a pending event.");
            return;
        }
        if (type.equals("assign") && droplet.equals(r.droplet)) {
            error(ex, 422, "unprocessable_entity", what + " is already assigned to that Droplet.");
            return;
        }
        if (type.equals("unassign") && r.droplet == null) {
            error(ex, 422, "unprocessable_entity", what + " is not assigned.");
            return;
        }
        Action a = new Action(nextActionId++, ip, family, type, droplet);
        actions.put(a.id, a);
        r.locked = true;
        start(a);
        json(ex, 201, actionJson(a, family));
    }

    private static String singular(String family) {
        return switch (family) {
            case "reserved_ips" -> "reserved_ip";
            case "reserved_ipv6" -> "reserved_ipv6";
            default -> "floating_ip";
        };
    }

    private JsonObject ripJson(Rip r) {
        JsonObject o = new JsonObject();
        o.addProperty("ip", r.ip);
        boolean stale = staleReads > 0;
        if (stale) {
            staleReads--;
        }
        Droplet d = r.droplet == null || stale ? null : droplets.get(r.droplet);
        if (r.v6) {
            // reserved_ipv6.yml: ip, reserved_at, region_slug, droplet (null when unassigned); no locked
            o.addProperty("reserved_at", "2024-11-20T11:08:30Z");
            o.addProperty("region_slug", "nyc3");
            o.add("droplet", d == null ? JsonNull.INSTANCE : dropletJson(d));
            return o;
        }
        o.add("droplet", d == null ? JsonNull.INSTANCE : dropletJson(d));
        o.add("region", region());
        o.addProperty("locked", r.locked);
        o.addProperty("project_id", "746c6152-2fa2-11ed-92d3-27aaa54e4988");
        return o;
    }

    private static JsonObject dropletJson(Droplet d) {
        JsonObject o = new JsonObject();
        o.addProperty("id", d.id);
        o.addProperty("name", d.name);
        o.addProperty("memory", 1024);
        o.addProperty("vcpus", 1);
        o.addProperty("disk", 25);
        o.addProperty("locked", false);
        o.addProperty("status", "active");
        o.addProperty("created_at", "2024-05-01T12:00:00Z");
        o.add("features", strings("monitoring", "private_networking"));
        o.add("backup_ids", new JsonArray());
        o.add("snapshot_ids", new JsonArray());
        o.add("volume_ids", new JsonArray());
        o.addProperty("size_slug", "s-1vcpu-1gb");
        JsonObject networks = new JsonObject();
        JsonArray v4 = new JsonArray();
        v4.add(network(d.privateIp, "255.255.240.0", "10.110.0.1", "private"));
        v4.add(network(d.publicIp, "255.255.240.0", "192.0.2.1", "public"));
        networks.add("v4", v4);
        networks.add("v6", new JsonArray());
        o.add("networks", networks);
        o.add("region", region());
        o.add("tags", strings("floatd"));
        o.addProperty("vpc_uuid", d.vpc);
        return o;
    }

    private static JsonObject network(String ip, String mask, String gw, String type) {
        JsonObject n = new JsonObject();
        n.addProperty("ip_address", ip);
        n.addProperty("netmask", mask);
        n.addProperty("gateway", gw);
        n.addProperty("type", type);
        return n;
    }

    private static JsonObject region() {
        JsonObject r = new JsonObject();
        r.addProperty("name", "New York 3");
        r.addProperty("slug", "nyc3");
        r.add("features", strings("private_networking", "backups", "ipv6", "metadata"));
        r.addProperty("available", true);
        r.add("sizes", strings("s-1vcpu-1gb", "s-1vcpu-2gb"));
        return r;
    }

    private static JsonArray strings(String... values) {
        JsonArray a = new JsonArray();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonObject actionJson(Action a, String family) {
        JsonObject o = new JsonObject();
        o.addProperty("id", a.id);
        o.addProperty("status", a.status());
        o.addProperty("type", a.type + "_ip");
        o.addProperty("started_at", "2024-05-01T12:00:00Z");
        o.add("completed_at", a.running() ? JsonNull.INSTANCE
                : new com.google.gson.JsonPrimitive("2024-05-01T12:00:02Z"));
        long resource = 0;
        if (a.family.equals("reserved_ipv6")) {
            resource = 758604968L + (a.ip.hashCode() & 0xffffL);
        } else {
            for (String part : a.ip.split("\\.")) {
                resource = resource * 256 + Integer.parseInt(part);
            }
        }
        o.addProperty("resource_id", resource);
        o.addProperty("resource_type", singular(family));
        // reserved_ipv6_action.yml's example: "region": null beside region_slug
        o.add("region", a.family.equals("reserved_ipv6") ? JsonNull.INSTANCE : region());
        o.addProperty("region_slug", "nyc3");
        JsonObject w = new JsonObject();
        w.add("action", o);
        return w;
    }

    private static void json(HttpExchange ex, int status, JsonElement body) throws IOException {
        send(ex, status, body.toString());
    }

    @Override
    protected void error(HttpExchange ex, int status, String id, String message) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("message", message);
        o.addProperty("request_id", "4d9d8375-3c56-4925-a3e7-eb137fed17e9");
        send(ex, status, o.toString());
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", body);
    }
}
