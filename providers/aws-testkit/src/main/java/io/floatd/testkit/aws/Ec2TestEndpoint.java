package io.floatd.testkit.aws;

import io.floatd.vrrp.provider.Ipv6Text;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A small EC2 on 127.0.0.1 (or, for tests across network namespaces, on a namespace's address: bind it from a
 * thread inside the namespace) that speaks the Query API the way the SDK sends it (form-encoded POST, {@code Action},
 * {@code Version}, indexed parameters such as {@code AllocationId.1} or {@code Filter.1.Value.1}) and answers with
 * EC2's XML shapes and EC2's error document and status codes. It keeps Elastic IPs, instances and their ENIs, and
 * can be told to fail the next calls (throttle, 5xx, slow, dropped connection). Every request is logged with the
 * wall-clock time it arrived, and every change of an Elastic IP's association is kept in {@link #changes()}.
 *
 * <p>The one fake EC2 of the project (module {@code floatd-aws-testkit}): the aws provider's tests and the CLI's
 * end-to-end tests run real providers and real floatd daemons against it, and {@code floatd demo} moves its Elastic
 * IP on it ({@link #observe} reports each call to the demo's timeline).
 *
 * <p>IPv6 addresses of ENIs, subnets and their IPv6 CIDR blocks (AssignIpv6Addresses, UnassignIpv6Addresses,
 * DescribeSubnets, the {@code ipv6-addresses.ipv6-address} filter; changes in {@link #ipv6Changes()}): see the
 * section "IPv6 secondary addresses and subnets" below for the EC2 API Reference pages they were checked against.
 *
 * <p>Route tables and their routes to network interfaces (DescribeRouteTables, CreateRoute, ReplaceRoute, DeleteRoute,
 * DescribeNetworkInterfaceAttribute {@code sourceDestCheck}; changes in {@link #routeChanges()}): see the section
 * "Route tables" below.
 */
public final class Ec2TestEndpoint implements AutoCloseable {
    static {
        // the JDK server writes headers and body separately: without TCP_NODELAY, Nagle's algorithm and delayed ACKs
        // add milliseconds per call that EC2 would not (read once, when the server classes load)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    public static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    public static final String VPC = "vpc-0a1b2c3d4e5f60718";
    public static final String OTHER_VPC = "vpc-0ffffffffffffffff";
    /** The subnet of every ENI unless {@link #eniSubnet} says otherwise. */
    public static final String DEFAULT_SUBNET = "subnet-0123456789abcdef0";
    private static final long MAX_SLOW_MS = 10_000;

    /** What the endpoint does to a request instead of (or before) answering it. */
    public sealed interface Fault {
        record Error(String code, int status, String message) implements Fault {
        }

        record Slow(long millis) implements Fault {
        }

        record Drop() implements Fault {
        }

        public static Fault throttle() {
            return new Error("RequestLimitExceeded", 503, "Request limit exceeded.");
        }

        public static Fault internalError() {
            return new Error("InternalError", 500, "An internal error has occurred");
        }

        public static Fault unavailable() {
            return new Error("Unavailable", 503, "The server is overloaded and can't handle the request.");
        }

        public static Fault error(String code, String message) {
            return new Error(code, 400, message);
        }

        public static Fault slow(long millis) {
            return new Slow(millis);
        }

        public static Fault drop() {
            return new Drop();
        }

        /**
         * What EC2 answers a caller whose IAM policy lacks {@code ec2:ACTION}: HTTP 403, {@code UnauthorizedOperation},
         * "You are not authorized to perform this operation." followed by an encoded authorization message.
         */
        public static Fault unauthorized() {
            return new Error("UnauthorizedOperation", 403, "You are not authorized to perform this operation. "
                    + "Encoded authorization failure message: AbCdEf0123456789");
        }
    }

    /**
     * One request as received: its action, all its form parameters, its Authorization header, the client's
     * address and port (the same port means the same kept-alive connection), and when it arrived (wall clock, epoch
     * nanoseconds, comparable with {@code date +%s%N} in a script and with log time stamps).
     */
    public record Request(String action, Map<String, String> params, String authorization, int clientPort,
            String clientAddress, long atEpochNanos) {
        @Override
        public String toString() {
            Map<String, String> shown = new TreeMap<>(params);
            shown.remove("Action");
            shown.remove("Version");
            return action + " " + shown;
        }
    }

    /** An association of an Elastic IP, as {@link #address} shows it. */
    public record Association(String associationId, String instanceId, String networkInterfaceId, String privateIp) {
    }

    /**
     * A change of an Elastic IP's association made through the API: {@code instanceId} is the new holder, or null
     * for a disassociation; {@code atEpochNanos} is when the request that made it arrived.
     */
    public record Change(String allocationId, String instanceId, String associationId, long atEpochNanos) {
    }

    private static final class Addr {
        final String allocationId;
        final String publicIp;
        Association association;

        Addr(String allocationId, String publicIp) {
            this.allocationId = allocationId;
            this.publicIp = publicIp;
        }
    }

    private static final class Eni {
        final String id;
        final String instanceId;
        final String vpcId;
        final int deviceIndex;
        final String primaryIp;
        final List<String> secondary = new ArrayList<>();
        /** IPv6 addresses, in RFC 5952 form, as EC2 lists them (issue 16). */
        final List<String> ipv6 = new ArrayList<>();
        String subnetId = DEFAULT_SUBNET;
        /** EC2's default for a new interface: on (issue 16, mode route_table wants it off). */
        boolean sourceDestCheck = true;

        Eni(String id, String instanceId, String vpcId, int deviceIndex, String primaryIp) {
            this.id = id;
            this.instanceId = instanceId;
            this.vpcId = vpcId;
            this.deviceIndex = deviceIndex;
            this.primaryIp = primaryIp;
        }

        boolean has(String ip) {
            return primaryIp.equals(ip) || secondary.contains(ip);
        }
    }

    private static final class Ec2Error extends Exception {
        final String code;
        final int status;

        Ec2Error(String code, String message) {
            this(code, 400, message);
        }

        Ec2Error(String code, int status, String message) {
            super(message, null, false, false);
            this.code = code;
            this.status = status;
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final Object lock = new Object();
    private final Map<String, Addr> addresses = new LinkedHashMap<>();
    private final Map<String, Eni> enis = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> calls = new HashMap<>();
    private final List<Request> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Change> changes = new ArrayList<>();
    private final Deque<Fault> nextFaults = new ArrayDeque<>();
    private final Map<String, Deque<Fault>> nextActionFaults = new HashMap<>();
    private Fault fractionFault;
    private double fraction;
    private Random random = new Random(1);
    /** Picks each request's fault after the queued ones (null: none); see {@link #faults}. */
    private volatile Supplier<Fault> faultSource = () -> null;
    private Consumer<Answered> observer = a -> { };
    private final AtomicInteger inFlight = new AtomicInteger();
    private int associationSeq;

    /** The actions that change something: what "no write" means. */
    public static final java.util.Set<String> WRITES = java.util.Set.of("AssociateAddress", "DisassociateAddress",
            "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses", "AssignIpv6Addresses", "UnassignIpv6Addresses",
            "CreateRoute", "ReplaceRoute", "DeleteRoute");

    /** On 127.0.0.1, an ephemeral port. */
    public Ec2TestEndpoint() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** On {@code bind} (binds the socket in the calling thread's network namespace). */
    public Ec2TestEndpoint(InetSocketAddress bind) throws IOException {
        server = HttpServer.create(bind, 64);
        // enough threads for the time-outs of a fault mix, which hold theirs while the client has moved on
        pool = Executors.newFixedThreadPool(16, Thread.ofPlatform().name("ec2-test-endpoint").daemon(true).factory());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isLoopbackAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + a.getPort());
    }

    // ---- state ------------------------------------------------------------------------------------------------

    /** An instance in {@link #VPC} with its primary ENI (device index 0). */
    public Ec2TestEndpoint instance(String instanceId, String eniId, String primaryIp) {
        return eni(eniId, instanceId, 0, primaryIp, VPC);
    }

    public Ec2TestEndpoint eni(String eniId, String instanceId, int deviceIndex, String primaryIp, String vpc) {
        synchronized (lock) {
            enis.put(eniId, new Eni(eniId, instanceId, vpc, deviceIndex, primaryIp));
        }
        return this;
    }

    /** Deletes an ENI (the instance it was attached to may have been replaced). */
    public Ec2TestEndpoint removeEni(String eniId) {
        synchronized (lock) {
            enis.remove(eniId);
        }
        return this;
    }

    public Ec2TestEndpoint secondaryIp(String eniId, String ip) {
        synchronized (lock) {
            enis.get(eniId).secondary.add(ip);
        }
        return this;
    }

    public Ec2TestEndpoint elasticIp(String allocationId, String publicIp) {
        synchronized (lock) {
            addresses.put(allocationId, new Addr(allocationId, publicIp));
        }
        return this;
    }

    /** Associates as another party would (not logged, not counted); returns the association id. */
    public String associate(String allocationId, String eniId, String privateIp) {
        synchronized (lock) {
            Eni eni = enis.get(eniId);
            String id = nextAssociationId();
            addresses.get(allocationId).association =
                    new Association(id, eni.instanceId, eni.id, privateIp == null ? eni.primaryIp : privateIp);
            return id;
        }
    }

    /** The current association of an Elastic IP, or null. */
    public Association address(String allocationId) {
        synchronized (lock) {
            return addresses.get(allocationId).association;
        }
    }

    /** The ENI that has {@code ip} now, or null. */
    public String eniWith(String ip) {
        synchronized (lock) {
            return enis.values().stream().filter(e -> e.has(ip)).map(e -> e.id).findFirst().orElse(null);
        }
    }

    // ---- faults and log ---------------------------------------------------------------------------------------

    /** The next {@code n} requests, of any action, get {@code fault}. */
    public void failNext(int n, Fault fault) {
        synchronized (lock) {
            for (int i = 0; i < n; i++) {
                nextFaults.add(fault);
            }
        }
    }

    /** The next {@code n} requests of {@code action} get {@code fault}. */
    public void failNext(String action, int n, Fault fault) {
        synchronized (lock) {
            for (int i = 0; i < n; i++) {
                nextActionFaults.computeIfAbsent(action, a -> new ArrayDeque<>()).add(fault);
            }
        }
    }

    /** Each request after the queued ones gets {@code fault} with probability {@code p} (seeded, repeatable). */
    public void failFraction(double p, Fault fault, long seed) {
        synchronized (lock) {
            fraction = p;
            fractionFault = fault;
            random = new Random(seed);
        }
    }

    /**
     * After the queued faults, each request gets what {@code source} picks for it (null: none), e.g. throttling
     * ({@link Fault#throttle()}, as EC2 throttles), a 5xx, a time-out ({@link Fault#slow}: the answer comes late,
     * after the client has given up, and the request is still carried out, as a slow EC2 would) or, while the
     * endpoint is down, {@link Fault#drop()}.
     */
    public void faults(Supplier<Fault> source) {
        faultSource = source;
    }

    /** An answered request: its error code (EC2's {@code Code}), or null when it succeeded. */
    public record Answered(Request request, String errorCode) {
    }

    /**
     * Tells {@code o} of each request the endpoint carried out or refused (not of injected faults), while it holds the
     * endpoint's state: {@code o} may read it (e.g. {@link #address}) as the answer saw it.
     */
    public Ec2TestEndpoint observe(Consumer<Answered> o) {
        synchronized (lock) {
            observer = o;
        }
        return this;
    }

    /** Requests being handled now (a time-out's answer still on its way). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Write requests ({@link #WRITES}) received so far, whatever their answer. */
    public int writes() {
        synchronized (log) {
            return (int) log.stream().filter(r -> WRITES.contains(r.action())).count();
        }
    }

    public void clearFaults() {
        faultSource = () -> null;
        synchronized (lock) {
            nextFaults.clear();
            nextActionFaults.clear();
            fractionFault = null;
            fraction = 0;
        }
    }

    public int calls(String action) {
        synchronized (lock) {
            AtomicInteger n = calls.get(action);
            return n == null ? 0 : n.get();
        }
    }

    public List<Request> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** The actions received, in order. */
    public List<String> actions() {
        return requests().stream().map(Request::action).toList();
    }

    public void resetLog() {
        synchronized (lock) {
            log.clear();
            calls.clear();
        }
    }

    /** The association changes made through the API so far (not {@link #associate}'s), oldest first. */
    public List<Change> changes() {
        synchronized (lock) {
            return List.copyOf(changes);
        }
    }

    /** The wall clock as epoch nanoseconds (microsecond resolution on Linux). */
    public static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ---- HTTP -------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        long receivedAt = epochNanos();
        inFlight.incrementAndGet();
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 400, error("InvalidRequest", "EC2 takes POST"));
                return;
            }
            Map<String, String> params = form(new String(body, StandardCharsets.UTF_8));
            String action = params.getOrDefault("Action", "");
            Fault fault;
            Request request = new Request(action, params, ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRemoteAddress().getPort(), ex.getRemoteAddress().getAddress().getHostAddress(), receivedAt);
            synchronized (lock) {
                calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
                log.add(request);
                fault = nextFault(action);
            }
            if (fault instanceof Fault.Drop) {
                return; // closing an exchange that has sent no headers closes the connection: the client sees EOF
            }
            if (fault instanceof Fault.Slow(long millis)) {
                Thread.sleep(Math.min(millis, MAX_SLOW_MS));
            }
            if (fault instanceof Fault.Error(String code, int status, String message)) {
                send(ex, status, error(code, message));
                return;
            }
            if (!"2016-11-15".equals(params.get("Version"))) {
                send(ex, 400, error("InvalidParameterValue", "Version must be 2016-11-15"));
                return;
            }
            String xml;
            try {
                synchronized (lock) {
                    try {
                        xml = dispatch(action, params, receivedAt);
                    } catch (Ec2Error e) {
                        observer.accept(new Answered(request, e.code));
                        throw e;
                    }
                    observer.accept(new Answered(request, null));
                }
            } catch (Ec2Error e) {
                send(ex, e.status, error(e.code, e.getMessage()));
                return;
            }
            send(ex, 200, xml);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private Fault nextFault(String action) {
        Deque<Fault> perAction = nextActionFaults.get(action);
        if (perAction != null && !perAction.isEmpty()) {
            return perAction.poll();
        }
        if (!nextFaults.isEmpty()) {
            return nextFaults.poll();
        }
        if (fractionFault != null && random.nextDouble() < fraction) {
            return fractionFault;
        }
        return faultSource.get();
    }

    private static void send(HttpExchange ex, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
        ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /** {@code Prefix.1}, {@code Prefix.2}, ... in order. */
    private static List<String> list(Map<String, String> p, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 1; p.containsKey(prefix + "." + i); i++) {
            out.add(p.get(prefix + "." + i));
        }
        return out;
    }

    /** {@code Filter.N.Name} to its {@code Filter.N.Value.M} values. */
    private static Map<String, List<String>> filters(Map<String, String> p) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 1; p.containsKey("Filter." + i + ".Name"); i++) {
            out.put(p.get("Filter." + i + ".Name"), list(p, "Filter." + i + ".Value"));
        }
        return out;
    }

    // ---- actions ----------------------------------------------------------------------------------------------

    private String dispatch(String action, Map<String, String> p, long at) throws Ec2Error {
        return switch (action) {
            case "DescribeAddresses" -> describeAddresses(p);
            case "AssociateAddress" -> associateAddress(p, at);
            case "DisassociateAddress" -> disassociateAddress(p, at);
            case "DescribeNetworkInterfaces" -> describeNetworkInterfaces(p);
            case "AssignPrivateIpAddresses" -> assignPrivateIpAddresses(p);
            case "UnassignPrivateIpAddresses" -> unassignPrivateIpAddresses(p);
            case "DescribeInstances" -> describeInstances(p);
            case "AssignIpv6Addresses" -> assignIpv6Addresses(p, at);
            case "UnassignIpv6Addresses" -> unassignIpv6Addresses(p, at);
            case "DescribeSubnets" -> describeSubnets(p);
            case "DescribeRouteTables" -> describeRouteTables(p);
            case "CreateRoute" -> routeWrite(p, at, "CreateRoute");
            case "ReplaceRoute" -> routeWrite(p, at, "ReplaceRoute");
            case "DeleteRoute" -> routeWrite(p, at, "DeleteRoute");
            case "DescribeNetworkInterfaceAttribute" -> describeNetworkInterfaceAttribute(p);
            default -> throw new Ec2Error("InvalidAction", "The action " + action + " is not valid for this web service.");
        };
    }

    private String describeAddresses(Map<String, String> p) throws Ec2Error {
        List<Addr> found = new ArrayList<>();
        List<String> allocs = list(p, "AllocationId");
        List<String> ips = list(p, "PublicIp");
        for (String a : allocs) {
            Addr addr = addresses.get(a);
            if (addr == null) {
                throw new Ec2Error("InvalidAllocationID.NotFound", "The allocation ID '" + a + "' does not exist");
            }
            found.add(addr);
        }
        for (String ip : ips) {
            Addr addr = addresses.values().stream().filter(x -> x.publicIp.equals(ip)).findFirst()
                    .orElseThrow(() -> new Ec2Error("InvalidAddress.NotFound", "Address '" + ip + "' not found."));
            found.add(addr);
        }
        if (allocs.isEmpty() && ips.isEmpty()) {
            found.addAll(addresses.values());
        }
        StringBuilder items = new StringBuilder();
        for (Addr a : found) {
            items.append("<item><publicIp>").append(a.publicIp).append("</publicIp>")
                    .append("<allocationId>").append(a.allocationId).append("</allocationId>")
                    .append("<domain>vpc</domain>");
            Association as = a.association;
            if (as != null) {
                if (as.instanceId() != null) {
                    items.append("<instanceId>").append(as.instanceId()).append("</instanceId>");
                }
                items.append("<associationId>").append(as.associationId()).append("</associationId>")
                        .append("<networkInterfaceId>").append(as.networkInterfaceId()).append("</networkInterfaceId>")
                        .append("<networkInterfaceOwnerId>123456789012</networkInterfaceOwnerId>")
                        .append("<privateIpAddress>").append(as.privateIp()).append("</privateIpAddress>");
            }
            items.append("<publicIpv4Pool>amazon</publicIpv4Pool><networkBorderGroup>eu-west-1</networkBorderGroup>")
                    .append("</item>");
        }
        return response("DescribeAddresses", "<addressesSet>" + items + "</addressesSet>");
    }

    private String associateAddress(Map<String, String> p, long at) throws Ec2Error {
        Addr addr;
        if (p.containsKey("AllocationId")) {
            addr = addresses.get(p.get("AllocationId"));
            if (addr == null) {
                throw new Ec2Error("InvalidAllocationID.NotFound",
                        "The allocation ID '" + p.get("AllocationId") + "' does not exist");
            }
        } else {
            throw new Ec2Error("MissingParameter", "Either public IP or allocation id must be specified");
        }
        Eni eni;
        if (p.containsKey("NetworkInterfaceId")) {
            eni = enis.get(p.get("NetworkInterfaceId"));
            if (eni == null) {
                throw new Ec2Error("InvalidNetworkInterfaceID.NotFound",
                        "The networkInterface ID '" + p.get("NetworkInterfaceId") + "' does not exist");
            }
        } else if (p.containsKey("InstanceId")) {
            String id = p.get("InstanceId");
            eni = enis.values().stream().filter(e -> id.equals(e.instanceId) && e.deviceIndex == 0).findFirst()
                    .orElseThrow(() -> new Ec2Error("InvalidInstanceID.NotFound",
                            "The instance ID '" + id + "' does not exist"));
        } else {
            throw new Ec2Error("MissingParameter", "Either instance id or network interface id must be specified");
        }
        String privateIp = p.getOrDefault("PrivateIpAddress", eni.primaryIp);
        if (!eni.has(privateIp)) {
            throw new Ec2Error("InvalidParameterValue", "The specified private IP address " + privateIp
                    + " is not assigned to " + eni.id);
        }
        if (addr.association != null && !"true".equals(p.get("AllowReassociation"))) {
            throw new Ec2Error("Resource.AlreadyAssociated", "resource " + addr.allocationId
                    + " is already associated with associationId " + addr.association.associationId());
        }
        dryRun(p);
        String id = nextAssociationId();
        addr.association = new Association(id, eni.instanceId, eni.id, privateIp);
        changes.add(new Change(addr.allocationId, eni.instanceId, id, at));
        return response("AssociateAddress", "<return>true</return><associationId>" + id + "</associationId>");
    }

    private String disassociateAddress(Map<String, String> p, long at) throws Ec2Error {
        String id = p.get("AssociationId");
        Addr addr = addresses.values().stream()
                .filter(a -> a.association != null && a.association.associationId().equals(id)).findFirst()
                .orElseThrow(() -> new Ec2Error("InvalidAssociationID.NotFound",
                        "The association ID '" + id + "' does not exist"));
        addr.association = null;
        changes.add(new Change(addr.allocationId, null, id, at));
        return response("DisassociateAddress", "<return>true</return>");
    }

    private String describeNetworkInterfaces(Map<String, String> p) throws Ec2Error {
        List<Eni> found = new ArrayList<>();
        List<String> ids = list(p, "NetworkInterfaceId");
        for (String id : ids) {
            Eni e = enis.get(id);
            if (e == null) {
                throw new Ec2Error("InvalidNetworkInterfaceID.NotFound",
                        "The networkInterface ID '" + id + "' does not exist");
            }
            found.add(e);
        }
        if (ids.isEmpty()) {
            found.addAll(enis.values());
        }
        for (Map.Entry<String, List<String>> f : filters(p).entrySet()) {
            List<String> values = f.getValue();
            switch (f.getKey()) {
                case "addresses.private-ip-address" ->
                        found.removeIf(e -> values.stream().noneMatch(e::has));
                case "private-ip-address" -> found.removeIf(e -> !values.contains(e.primaryIp));
                case "vpc-id" -> found.removeIf(e -> !values.contains(e.vpcId));
                case "attachment.instance-id" -> found.removeIf(e -> !values.contains(e.instanceId));
                case "ipv6-addresses.ipv6-address" -> found.removeIf(e -> values.stream().noneMatch(e.ipv6::contains));
                default -> throw new Ec2Error("InvalidParameterValue", "The filter '" + f.getKey() + "' is invalid");
            }
        }
        StringBuilder items = new StringBuilder();
        for (Eni e : found) {
            items.append("<item>").append(eniXml(e, true)).append("</item>");
        }
        return response("DescribeNetworkInterfaces", "<networkInterfaceSet>" + items + "</networkInterfaceSet>");
    }

    private static String eniXml(Eni e, boolean full) {
        StringBuilder x = new StringBuilder();
        x.append("<networkInterfaceId>").append(e.id).append("</networkInterfaceId>")
                .append("<subnetId>").append(e.subnetId).append("</subnetId>")
                .append("<vpcId>").append(e.vpcId).append("</vpcId>");
        if (full) {
            x.append("<availabilityZone>eu-west-1a</availabilityZone><description/>")
                    .append("<ownerId>123456789012</ownerId><requesterManaged>false</requesterManaged>")
                    .append("<status>in-use</status>");
        }
        x.append("<macAddress>02:00:00:00:00:").append(String.format("%02x", Math.abs(e.id.hashCode()) % 256))
                .append("</macAddress>")
                .append("<privateIpAddress>").append(e.primaryIp).append("</privateIpAddress>")
                .append("<sourceDestCheck>").append(e.sourceDestCheck).append("</sourceDestCheck><groupSet/>");
        if (e.instanceId != null) {
            x.append("<attachment><attachmentId>eni-attach-").append(e.id.substring(4)).append("</attachmentId>");
            if (full) {
                x.append("<instanceId>").append(e.instanceId).append("</instanceId>")
                        .append("<instanceOwnerId>123456789012</instanceOwnerId>");
            }
            x.append("<deviceIndex>").append(e.deviceIndex).append("</deviceIndex>")
                    .append("<status>attached</status><attachTime>2025-01-01T00:00:00.000Z</attachTime>")
                    .append("<deleteOnTermination>true</deleteOnTermination></attachment>");
        }
        if (full) {
            x.append("<tagSet/>");
        }
        x.append("<privateIpAddressesSet>")
                .append("<item><privateIpAddress>").append(e.primaryIp).append("</privateIpAddress>")
                .append("<primary>true</primary></item>");
        for (String ip : e.secondary) {
            x.append("<item><privateIpAddress>").append(ip).append("</privateIpAddress>")
                    .append("<primary>false</primary></item>");
        }
        x.append("</privateIpAddressesSet>");
        x.append(ipv6Xml(e));
        if (full) {
            x.append("<interfaceType>interface</interfaceType>");
        }
        return x.toString();
    }

    private String assignPrivateIpAddresses(Map<String, String> p) throws Ec2Error {
        Eni eni = requireEni(p.get("NetworkInterfaceId"));
        List<String> ips = list(p, "PrivateIpAddress");
        if (ips.isEmpty()) {
            throw new Ec2Error("MissingParameter", "PrivateIpAddress or SecondaryPrivateIpAddressCount is required");
        }
        for (String ip : ips) {
            for (Eni other : enis.values()) {
                if (other != eni && other.primaryIp.equals(ip)) {
                    throw new Ec2Error("InvalidParameterValue", "Address " + ip + " is the primary address of "
                            + other.id);
                }
                if (other != eni && other.secondary.contains(ip) && !"true".equals(p.get("AllowReassignment"))) {
                    throw new Ec2Error("InvalidParameterValue", "Address " + ip + " is in use.");
                }
            }
        }
        StringBuilder items = new StringBuilder();
        for (String ip : ips) {
            enis.values().forEach(other -> other.secondary.remove(ip));
            if (!eni.has(ip)) {
                eni.secondary.add(ip);
            }
            items.append("<item><privateIpAddress>").append(ip).append("</privateIpAddress></item>");
        }
        return response("AssignPrivateIpAddresses", "<networkInterfaceId>" + eni.id + "</networkInterfaceId>"
                + "<assignedPrivateIpAddressesSet>" + items + "</assignedPrivateIpAddressesSet><return>true</return>");
    }

    private String unassignPrivateIpAddresses(Map<String, String> p) throws Ec2Error {
        Eni eni = requireEni(p.get("NetworkInterfaceId"));
        List<String> ips = list(p, "PrivateIpAddress");
        if (!eni.secondary.containsAll(ips)) {
            throw new Ec2Error("InvalidParameterValue",
                    "Some of the specified addresses are not assigned to interface " + eni.id);
        }
        eni.secondary.removeAll(ips);
        return response("UnassignPrivateIpAddresses", "<return>true</return>");
    }

    private String describeInstances(Map<String, String> p) throws Ec2Error {
        StringBuilder reservations = new StringBuilder();
        for (String id : list(p, "InstanceId")) {
            List<Eni> own = enis.values().stream().filter(e -> id.equals(e.instanceId)).toList();
            if (own.isEmpty()) {
                throw new Ec2Error("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
            Eni primary = own.stream().filter(e -> e.deviceIndex == 0).findFirst().orElse(own.getFirst());
            StringBuilder nis = new StringBuilder();
            for (Eni e : own) {
                nis.append("<item>").append(eniXml(e, false)).append("</item>");
            }
            reservations.append("<item><reservationId>r-0123456789abcdef0</reservationId>")
                    .append("<ownerId>123456789012</ownerId><groupSet/><instancesSet><item>")
                    .append("<instanceId>").append(id).append("</instanceId>")
                    .append("<imageId>ami-0123456789abcdef0</imageId>")
                    .append("<instanceState><code>16</code><name>running</name></instanceState>")
                    .append("<privateIpAddress>").append(primary.primaryIp).append("</privateIpAddress>")
                    .append("<vpcId>").append(primary.vpcId).append("</vpcId>")
                    .append("<networkInterfaceSet>").append(nis).append("</networkInterfaceSet>")
                    .append("</item></instancesSet></item>");
        }
        return response("DescribeInstances", "<reservationSet>" + reservations + "</reservationSet>");
    }

    /** After the checks, before any change: what EC2 answers to a permitted DryRun. */
    private static void dryRun(Map<String, String> p) throws Ec2Error {
        if ("true".equals(p.get("DryRun"))) {
            throw new Ec2Error("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set.");
        }
    }

    private Eni requireEni(String id) throws Ec2Error {
        Eni eni = id == null ? null : enis.get(id);
        if (eni == null) {
            throw new Ec2Error("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + id + "' does not exist");
        }
        return eni;
    }

    private String nextAssociationId() {
        return String.format("eipassoc-%017x", ++associationSeq);
    }

    private static String response(String action, String inner) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NS + "\">"
                + "<requestId>" + UUID.randomUUID() + "</requestId>" + inner + "</" + action + "Response>";
    }

    private static String error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>"
                + message.replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error></Errors><RequestID>"
                + UUID.randomUUID() + "</RequestID></Response>";
    }

    // ---- IPv6 secondary addresses and subnets (issue 16) -------------------------------------------------------
    //
    // Validated against the EC2 API Reference (API version 2016-11-15): AssignIpv6Addresses (NetworkInterfaceId,
    // Ipv6Addresses.N or Ipv6AddressCount; answers assignedIpv6Addresses, "the new IPv6 addresses assigned to the
    // network interface. Existing IPv6 addresses that were assigned to the network interface before the request are
    // not included", and networkInterfaceId), UnassignIpv6Addresses (NetworkInterfaceId, Ipv6Addresses.N; answers
    // unassignedIpv6Addresses and networkInterfaceId), neither of which takes DryRun; DescribeNetworkInterfaces'
    // filter ipv6-addresses.ipv6-address and the ipv6AddressesSet (items of ipv6Address, isPrimaryIpv6) of a
    // NetworkInterface; DescribeSubnets (SubnetId.N; subnetSet items with ipv6CidrBlockAssociationSet of
    // ipv6CidrBlock, associationId, ipv6CidrBlockState/state); "Error codes for the Amazon EC2 API":
    // InvalidNetworkInterfaceID.NotFound, InvalidSubnetID.NotFound, InvalidIPAddress.InUse ("The specified IP address
    // is already in use"), InvalidParameterValue, MissingParameter, UnauthorizedOperation (403, Fault.unauthorized),
    // RequestLimitExceeded (Fault.throttle). The element names are the ones the AWS SDK for Java 2.x reads. Which
    // code EC2 gives an address outside the subnet's IPv6 CIDR, or an unassign of an address the interface does not
    // have, is not written down per action: both are the general InvalidParameterValue here, with a message in the
    // style of the IPv4 actions' (the provider does not depend on either message).

    /**
     * A change of an IPv6 address made through the API: assigned to {@code eniId} ({@code assigned}) or unassigned
     * from it; {@code atEpochNanos} is when the request that made it arrived.
     */
    public record Ipv6Change(String address, String eniId, boolean assigned, long atEpochNanos) {
    }

    private record Subnet(String id, String vpcId, String cidrBlock, List<String> ipv6Cidrs) {
    }

    private final Map<String, Subnet> subnets = new LinkedHashMap<>();
    private Runnable afterNextIpv6Unassign;

    /**
     * Runs {@code r} (under the endpoint's lock, before the answer is sent) right after the next UnassignIpv6Addresses
     * is carried out: another party acting between a move's two writes.
     */
    public void afterNextIpv6Unassign(Runnable r) {
        synchronized (lock) {
            afterNextIpv6Unassign = r;
        }
    }
    private final List<Ipv6Change> ipv6Changes = new ArrayList<>();

    /** A subnet with its IPv4 CIDR and its IPv6 CIDR blocks (none: an IPv4-only subnet). */
    public Ec2TestEndpoint subnet(String subnetId, String vpcId, String cidrBlock, String... ipv6Cidrs) {
        synchronized (lock) {
            subnets.put(subnetId, new Subnet(subnetId, vpcId, cidrBlock, List.of(ipv6Cidrs)));
        }
        return this;
    }

    /** Puts an ENI in another subnet than {@link #DEFAULT_SUBNET}. */
    public Ec2TestEndpoint eniSubnet(String eniId, String subnetId) {
        synchronized (lock) {
            enis.get(eniId).subnetId = subnetId;
        }
        return this;
    }

    /** Assigns an IPv6 address as another party would (not logged, not counted), taking it off any other ENI. */
    public Ec2TestEndpoint ipv6Address(String eniId, String address) {
        synchronized (lock) {
            enis.values().forEach(e -> e.ipv6.remove(address));
            enis.get(eniId).ipv6.add(address);
        }
        return this;
    }

    /** Unassigns an IPv6 address from every ENI, as another party would. */
    public Ec2TestEndpoint dropIpv6Address(String address) {
        synchronized (lock) {
            enis.values().forEach(e -> e.ipv6.remove(address));
        }
        return this;
    }

    /** The ENI that has the IPv6 {@code address} now, or null. */
    public String eniWithIpv6(String address) {
        synchronized (lock) {
            return enis.values().stream().filter(e -> e.ipv6.contains(address)).map(e -> e.id).findFirst().orElse(null);
        }
    }

    /** The IPv6 changes made through the API so far (not {@link #ipv6Address}'s), oldest first. */
    public List<Ipv6Change> ipv6Changes() {
        synchronized (lock) {
            return List.copyOf(ipv6Changes);
        }
    }

    private static String ipv6Xml(Eni e) {
        StringBuilder x = new StringBuilder("<ipv6AddressesSet>");
        for (String a : e.ipv6) {
            x.append("<item><ipv6Address>").append(a).append("</ipv6Address><isPrimaryIpv6>false</isPrimaryIpv6></item>");
        }
        return x.append("</ipv6AddressesSet>").toString();
    }

    private String assignIpv6Addresses(Map<String, String> p, long at) throws Ec2Error {
        Eni eni = requireEni(p.get("NetworkInterfaceId"));
        List<String> wanted = list(p, "Ipv6Addresses");
        if (wanted.isEmpty()) {
            throw new Ec2Error("MissingParameter", "Either ipv6AddressCount or ipv6Addresses must be specified");
        }
        Subnet subnet = subnets.get(eni.subnetId);
        for (String raw : wanted) {
            String a = canonicalIpv6(raw);
            if (subnet == null || subnet.ipv6Cidrs().stream().noneMatch(c -> Ipv6Text.inCidr(a, c))) {
                throw new Ec2Error("InvalidParameterValue", "Address " + raw + " is not in subnet " + eni.subnetId
                        + "'s IPv6 CIDR block range");
            }
            for (Eni other : enis.values()) {
                if (other != eni && other.ipv6.contains(a)) {
                    throw new Ec2Error("InvalidIPAddress.InUse", "Address " + raw + " is in use.");
                }
            }
        }
        StringBuilder items = new StringBuilder();
        for (String raw : wanted) {
            String a = canonicalIpv6(raw);
            if (!eni.ipv6.contains(a)) {
                eni.ipv6.add(a);
                ipv6Changes.add(new Ipv6Change(a, eni.id, true, at));
                items.append("<item>").append(a).append("</item>");
            }
        }
        return response("AssignIpv6Addresses", "<assignedIpv6Addresses>" + items + "</assignedIpv6Addresses>"
                + "<networkInterfaceId>" + eni.id + "</networkInterfaceId>");
    }

    private String unassignIpv6Addresses(Map<String, String> p, long at) throws Ec2Error {
        Eni eni = requireEni(p.get("NetworkInterfaceId"));
        List<String> wanted = list(p, "Ipv6Addresses").stream().map(Ec2TestEndpoint::canonicalIpv6).toList();
        if (!eni.ipv6.containsAll(wanted)) {
            throw new Ec2Error("InvalidParameterValue",
                    "Some of the specified addresses are not assigned to interface " + eni.id);
        }
        StringBuilder items = new StringBuilder();
        for (String a : wanted) {
            eni.ipv6.remove(a);
            ipv6Changes.add(new Ipv6Change(a, eni.id, false, at));
            items.append("<item>").append(a).append("</item>");
        }
        Runnable hook = afterNextIpv6Unassign;
        afterNextIpv6Unassign = null;
        if (hook != null) {
            hook.run();
        }
        return response("UnassignIpv6Addresses", "<networkInterfaceId>" + eni.id + "</networkInterfaceId>"
                + "<unassignedIpv6Addresses>" + items + "</unassignedIpv6Addresses>");
    }

    private String describeSubnets(Map<String, String> p) throws Ec2Error {
        List<Subnet> found = new ArrayList<>();
        List<String> ids = list(p, "SubnetId");
        for (String id : ids) {
            Subnet sn = subnets.get(id);
            if (sn == null) {
                throw new Ec2Error("InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist");
            }
            found.add(sn);
        }
        if (ids.isEmpty()) {
            found.addAll(subnets.values());
        }
        StringBuilder items = new StringBuilder();
        for (Subnet sn : found) {
            items.append("<item><subnetId>").append(sn.id()).append("</subnetId>")
                    .append("<subnetArn>arn:aws:ec2:eu-west-1:123456789012:subnet/").append(sn.id()).append("</subnetArn>")
                    .append("<state>available</state><ownerId>123456789012</ownerId>")
                    .append("<vpcId>").append(sn.vpcId()).append("</vpcId>")
                    .append("<cidrBlock>").append(sn.cidrBlock()).append("</cidrBlock>")
                    .append("<ipv6CidrBlockAssociationSet>");
            int n = 0;
            for (String c : sn.ipv6Cidrs()) {
                items.append("<item><ipv6CidrBlock>").append(c).append("</ipv6CidrBlock>")
                        .append("<associationId>subnet-cidr-assoc-").append(String.format("%017x", ++n))
                        .append("</associationId><ipv6CidrBlockState><state>associated</state></ipv6CidrBlockState>")
                        .append("<ipSource>amazon</ipSource><ipv6AddressAttribute>public</ipv6AddressAttribute></item>");
            }
            items.append("</ipv6CidrBlockAssociationSet>")
                    .append("<availableIpAddressCount>250</availableIpAddressCount>")
                    .append("<availabilityZone>eu-west-1a</availabilityZone><availabilityZoneId>euw1-az1</availabilityZoneId>")
                    .append("<defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch>")
                    .append("<assignIpv6AddressOnCreation>false</assignIpv6AddressOnCreation>")
                    .append("<ipv6Native>false</ipv6Native><tagSet/></item>");
        }
        return response("DescribeSubnets", "<subnetSet>" + items + "</subnetSet>");
    }

    /** EC2 keeps and answers addresses in RFC 5952 form, whatever form they were sent in. */
    private static String canonicalIpv6(String raw) {
        return Ipv6Text.canonical(raw).orElse(raw);
    }

    // ---- Route tables (issue 16, mode route_table) --------------------------------------------------------------
    //
    // Validated against the EC2 API Reference (API version 2016-11-15): DescribeRouteTables (RouteTableId.N, Filter.N
    // with route-table-id; answers routeTableSet, items of routeTableId, vpcId, ownerId, routeSet, associationSet,
    // propagatingVgwSet, tagSet; a Route has destinationCidrBlock or destinationIpv6CidrBlock, gatewayId ("local" for
    // the VPC's own range) or networkInterfaceId with instanceId and instanceOwnerId when the interface is attached,
    // state "active" or "blackhole" (the target is gone), origin CreateRouteTable | CreateRoute); CreateRoute,
    // ReplaceRoute (RouteTableId, DestinationCidrBlock or DestinationIpv6CidrBlock, NetworkInterfaceId, DryRun;
    // answer return true), DeleteRoute (RouteTableId, the destination, DryRun; answer return true);
    // DescribeNetworkInterfaceAttribute (NetworkInterfaceId, Attribute=sourceDestCheck; answers networkInterfaceId and
    // sourceDestCheck/value). "Error codes for the Amazon EC2 API": InvalidRouteTableID.NotFound ("The specified route
    // table does not exist"), InvalidRoute.NotFound ("the specified route does not exist in the specified route
    // table": ReplaceRoute and DeleteRoute), RouteAlreadyExists (CreateRoute: "A route for the specified CIDR block
    // already exists in this route table"), InvalidNetworkInterfaceID.NotFound, DryRunOperation (412, "Request would
    // have succeeded, but DryRun flag is set"), UnauthorizedOperation (403, Fault.unauthorized), MissingParameter.

    /**
     * A change of a route made through the API ({@code action} CreateRoute, ReplaceRoute or DeleteRoute): in
     * {@code table}, the route to {@code destination} now targets {@code eniId} (null: deleted); {@code atEpochNanos}
     * is when the request that made it arrived.
     */
    public record RouteChange(String table, String destination, String eniId, String action, long atEpochNanos) {
    }

    private static final class RouteEntry {
        final String destination;
        final boolean ipv6;
        final String gatewayId;
        String eniId;
        final String origin;

        RouteEntry(String destination, String gatewayId, String eniId, String origin) {
            this.destination = destination;
            this.ipv6 = destination.contains(":");
            this.gatewayId = gatewayId;
            this.eniId = eniId;
            this.origin = origin;
        }
    }

    private record Table(String id, String vpcId, List<RouteEntry> routes) {
    }

    private final Map<String, Table> routeTables = new LinkedHashMap<>();
    private final List<RouteChange> routeChanges = new ArrayList<>();
    private final Map<String, Deque<Fault>> routeTableFaults = new HashMap<>();
    private int routeWritesArrived;
    private int routeWritesInFlight;
    private int maxRouteWritesInFlight;
    private int routeWritesToGather;

    /** A route table in {@code vpc}, with its local route to {@code vpcCidr}. */
    public Ec2TestEndpoint routeTable(String tableId, String vpc, String vpcCidr) {
        synchronized (lock) {
            List<RouteEntry> routes = new ArrayList<>();
            routes.add(new RouteEntry(vpcCidr, "local", null, "CreateRouteTable"));
            routeTables.put(tableId, new Table(tableId, vpc, routes));
        }
        return this;
    }

    /** Points (or adds) the route to {@code destination} in {@code tableId} at {@code eniId}, as another party would. */
    public Ec2TestEndpoint route(String tableId, String destination, String eniId) {
        synchronized (lock) {
            Table t = routeTables.get(tableId);
            RouteEntry r = findRoute(t, destination);
            if (r == null) {
                t.routes().add(new RouteEntry(destination, null, eniId, "CreateRoute"));
            } else {
                r.eniId = eniId;
            }
        }
        return this;
    }

    /** Deletes a route table, as another party would. */
    public Ec2TestEndpoint removeRouteTable(String tableId) {
        synchronized (lock) {
            routeTables.remove(tableId);
        }
        return this;
    }

    /** Deletes the route to {@code destination} from {@code tableId}, as another party would. */
    public Ec2TestEndpoint dropRoute(String tableId, String destination) {
        synchronized (lock) {
            routeTables.get(tableId).routes().removeIf(r -> r.destination.equals(destination));
        }
        return this;
    }

    /** The ENI the route to {@code destination} in {@code tableId} targets, or null (no route). */
    public String routeTarget(String tableId, String destination) {
        synchronized (lock) {
            RouteEntry r = findRoute(routeTables.get(tableId), destination);
            return r == null ? null : r.eniId;
        }
    }

    /** Sets an ENI's source/destination check, as ModifyNetworkInterfaceAttribute would. */
    public Ec2TestEndpoint sourceDestCheck(String eniId, boolean on) {
        synchronized (lock) {
            enis.get(eniId).sourceDestCheck = on;
        }
        return this;
    }

    /** The route changes made through the API so far (not {@link #route}'s), oldest first. */
    public List<RouteChange> routeChanges() {
        synchronized (lock) {
            return List.copyOf(routeChanges);
        }
    }

    /** The next {@code n} route writes (CreateRoute, ReplaceRoute, DeleteRoute) to {@code tableId} get {@code fault}. */
    public void failRouteWrites(String tableId, int n, Fault.Error fault) {
        synchronized (lock) {
            for (int i = 0; i < n; i++) {
                routeTableFaults.computeIfAbsent(tableId, t -> new ArrayDeque<>()).add(fault);
            }
        }
    }

    /**
     * From now on, each route write (without DryRun) waits, before it is carried out, until {@code n} of them have
     * arrived or 5 s have passed: writes sent in parallel all arrive and go on at once, writes sent one after
     * the other wait out the 5 s each, and {@link #maxRouteWritesInFlight()} tells the two apart without a clock.
     */
    public void gatherRouteWrites(int n) {
        synchronized (lock) {
            routeWritesToGather = n;
            routeWritesArrived = 0;
            maxRouteWritesInFlight = 0;
        }
    }

    /** The most route writes in flight at once since {@link #gatherRouteWrites}. */
    public int maxRouteWritesInFlight() {
        synchronized (lock) {
            return maxRouteWritesInFlight;
        }
    }

    private RouteEntry findRoute(Table t, String destination) {
        boolean v6 = destination.contains(":");
        String want = v6 ? canonicalCidr(destination) : destination;
        return t.routes().stream().filter(r -> (v6 ? canonicalCidr(r.destination) : r.destination).equals(want))
                .findFirst().orElse(null);
    }

    private static String canonicalCidr(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 || !cidr.contains(":") ? cidr : canonicalIpv6(cidr.substring(0, slash)) + cidr.substring(slash);
    }

    private Table requireTable(String id) throws Ec2Error {
        Table t = id == null ? null : routeTables.get(id);
        if (t == null) {
            throw new Ec2Error("InvalidRouteTableID.NotFound", "The routeTable ID '" + id + "' does not exist");
        }
        return t;
    }

    private String describeRouteTables(Map<String, String> p) throws Ec2Error {
        List<Table> found = new ArrayList<>();
        List<String> ids = list(p, "RouteTableId");
        for (String id : ids) {
            found.add(requireTable(id));
        }
        if (ids.isEmpty()) {
            found.addAll(routeTables.values());
        }
        for (Map.Entry<String, List<String>> f : filters(p).entrySet()) {
            List<String> values = f.getValue();
            switch (f.getKey()) {
                case "route-table-id" -> found.removeIf(t -> !values.contains(t.id()));
                case "vpc-id" -> found.removeIf(t -> !values.contains(t.vpcId()));
                default -> throw new Ec2Error("InvalidParameterValue", "The filter '" + f.getKey() + "' is invalid");
            }
        }
        StringBuilder items = new StringBuilder();
        for (Table t : found) {
            items.append("<item><routeTableId>").append(t.id()).append("</routeTableId>")
                    .append("<vpcId>").append(t.vpcId()).append("</vpcId>")
                    .append("<ownerId>123456789012</ownerId><routeSet>");
            for (RouteEntry r : t.routes()) {
                items.append("<item>").append(r.ipv6 ? "<destinationIpv6CidrBlock>" : "<destinationCidrBlock>")
                        .append(r.destination)
                        .append(r.ipv6 ? "</destinationIpv6CidrBlock>" : "</destinationCidrBlock>");
                String state = "active";
                if (r.gatewayId != null) {
                    items.append("<gatewayId>").append(r.gatewayId).append("</gatewayId>");
                } else {
                    Eni e = enis.get(r.eniId);
                    if (e == null) {
                        state = "blackhole";
                    } else if (e.instanceId != null) {
                        items.append("<instanceId>").append(e.instanceId).append("</instanceId>")
                                .append("<instanceOwnerId>123456789012</instanceOwnerId>");
                    }
                    items.append("<networkInterfaceId>").append(r.eniId).append("</networkInterfaceId>");
                }
                items.append("<state>").append(state).append("</state><origin>").append(r.origin).append("</origin></item>");
            }
            items.append("</routeSet><associationSet/><propagatingVgwSet/><tagSet/></item>");
        }
        return response("DescribeRouteTables", "<routeTableSet>" + items + "</routeTableSet>");
    }

    /** CreateRoute, ReplaceRoute or DeleteRoute. Called under the lock, which it gives up while gathering. */
    private String routeWrite(Map<String, String> p, long at, String action) throws Ec2Error {
        Table t = requireTable(p.get("RouteTableId"));
        String v4 = p.get("DestinationCidrBlock");
        String v6 = p.get("DestinationIpv6CidrBlock");
        if ((v4 == null) == (v6 == null)) {
            throw new Ec2Error("MissingParameter", "The request must contain exactly one of the parameters: "
                    + "destinationCidrBlock, destinationIpv6CidrBlock");
        }
        String destination = v4 != null ? v4 : v6;
        String eniId = p.get("NetworkInterfaceId");
        if (!action.equals("DeleteRoute")) {
            if (eniId == null) {
                throw new Ec2Error("MissingParameter", "The request must contain the parameter networkInterfaceId");
            }
            requireEni(eniId);
        }
        dryRun(p);
        Deque<Fault> faults = routeTableFaults.get(t.id());
        if (faults != null && !faults.isEmpty() && faults.poll() instanceof Fault.Error(String code, int status, String m)) {
            throw new Ec2Error(code, status, m);
        }
        gather();
        RouteEntry r = findRoute(t, destination);
        switch (action) {
            case "CreateRoute" -> {
                if (r != null) {
                    throw new Ec2Error("RouteAlreadyExists", "The route identified by " + destination
                            + " already exists.");
                }
                t.routes().add(new RouteEntry(destination, null, eniId, "CreateRoute"));
            }
            case "ReplaceRoute" -> {
                if (r == null || r.gatewayId != null && r.gatewayId.equals("local")) {
                    throw new Ec2Error("InvalidRoute.NotFound", "no route with destination-cidr-block "
                            + destination + " in route table " + t.id());
                }
                r.eniId = eniId;
            }
            default -> {
                if (r == null) {
                    throw new Ec2Error("InvalidRoute.NotFound", "no route with destination-cidr-block "
                            + destination + " in route table " + t.id());
                }
                t.routes().remove(r);
            }
        }
        routeChanges.add(new RouteChange(t.id(), destination, action.equals("DeleteRoute") ? null : eniId, action, at));
        return response(action, "<return>true</return>");
    }

    /**
     * {@link #gatherRouteWrites}: waits until enough route writes have arrived (or 5 s). Runs under the endpoint's
     * lock, which {@code wait} gives up meanwhile, so the other writes come in.
     */
    private void gather() {
        if (routeWritesToGather <= 0) {
            return;
        }
        routeWritesArrived++;
        routeWritesInFlight++;
        maxRouteWritesInFlight = Math.max(maxRouteWritesInFlight, routeWritesInFlight);
        lock.notifyAll();
        long deadline = System.nanoTime() + 5_000_000_000L;
        try {
            while (routeWritesArrived < routeWritesToGather) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            routeWritesInFlight--;
        }
    }

    private String describeNetworkInterfaceAttribute(Map<String, String> p) throws Ec2Error {
        Eni eni = requireEni(p.get("NetworkInterfaceId"));
        String attribute = p.get("Attribute");
        if (attribute == null) {
            throw new Ec2Error("MissingParameter", "The request must contain the parameter attribute");
        }
        dryRun(p);
        if (!attribute.equals("sourceDestCheck")) {
            throw new Ec2Error("InvalidParameterValue", "Value (" + attribute + ") for parameter attribute is "
                    + "not supported by this endpoint");
        }
        return response("DescribeNetworkInterfaceAttribute", "<networkInterfaceId>" + eni.id + "</networkInterfaceId>"
                + "<sourceDestCheck><value>" + eni.sourceDestCheck + "</value></sourceDestCheck>");
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
