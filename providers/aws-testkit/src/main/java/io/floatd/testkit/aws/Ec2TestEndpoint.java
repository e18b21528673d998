package io.floatd.testkit.aws;

import com.sun.net.httpserver.HttpServer;
import io.floatd.testkit.aws.Ec2Store.Addr;
import io.floatd.testkit.aws.Ec2Store.Eni;
import io.floatd.testkit.aws.Ec2Store.RouteEntry;
import io.floatd.testkit.aws.Ec2Store.Subnet;
import io.floatd.testkit.aws.Ec2Store.Table;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * DescribeSubnets, the {@code ipv6-addresses.ipv6-address} filter; changes in {@link #ipv6Changes()}): see
 * {@link Ec2Ipv6Actions} for the EC2 API Reference pages they were checked against.
 *
 * <p>Route tables and their routes to network interfaces (DescribeRouteTables, CreateRoute, ReplaceRoute, DeleteRoute,
 * DescribeNetworkInterfaceAttribute {@code sourceDestCheck}; changes in {@link #routeChanges()}): see
 * {@link Ec2RouteActions}.
 *
 * <p>This class is the kit's API: what a test sets up, injects and reads. The rest of the package serves the
 * requests: {@link Ec2Exchange} (HTTP, faults, dispatch), {@link Ec2Query} (the Query API's formats and error
 * document), one class per group of actions ({@link Ec2AddressActions}, {@link Ec2InterfaceActions},
 * {@link Ec2Ipv6Actions}, {@link Ec2RouteActions}) over {@link Ec2Store}, what the fake EC2 holds.
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

    private final HttpServer server;
    private final ExecutorService pool;
    private final Ec2Store store = new Ec2Store();
    private final Object lock = store.lock;
    private final Ec2Faults faults = new Ec2Faults();
    private final Ec2RouteActions routes = new Ec2RouteActions(store);
    private final Ec2Exchange exchange = new Ec2Exchange(store, faults, routes);

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
        server.createContext("/", exchange);
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
            store.enis.put(eniId, new Eni(eniId, instanceId, vpc, deviceIndex, primaryIp));
        }
        return this;
    }

    /** Deletes an ENI (the instance it was attached to may have been replaced). */
    public Ec2TestEndpoint removeEni(String eniId) {
        synchronized (lock) {
            store.enis.remove(eniId);
        }
        return this;
    }

    public Ec2TestEndpoint secondaryIp(String eniId, String ip) {
        synchronized (lock) {
            store.enis.get(eniId).secondary.add(ip);
        }
        return this;
    }

    public Ec2TestEndpoint elasticIp(String allocationId, String publicIp) {
        synchronized (lock) {
            store.addresses.put(allocationId, new Addr(allocationId, publicIp));
        }
        return this;
    }

    /** Associates as another party would (not logged, not counted); returns the association id. */
    public String associate(String allocationId, String eniId, String privateIp) {
        synchronized (lock) {
            Eni eni = store.enis.get(eniId);
            String id = store.nextAssociationId();
            store.addresses.get(allocationId).association =
                    new Association(id, eni.instanceId, eni.id, privateIp == null ? eni.primaryIp : privateIp);
            return id;
        }
    }

    /** The current association of an Elastic IP, or null. */
    public Association address(String allocationId) {
        synchronized (lock) {
            return store.addresses.get(allocationId).association;
        }
    }

    /** The ENI that has {@code ip} now, or null. */
    public String eniWith(String ip) {
        synchronized (lock) {
            return store.enis.values().stream().filter(e -> e.has(ip)).map(e -> e.id).findFirst().orElse(null);
        }
    }

    // ---- faults and log ---------------------------------------------------------------------------------------

    /** The next {@code n} requests, of any action, get {@code fault}. */
    public void failNext(int n, Fault fault) {
        synchronized (lock) {
            faults.failNext(n, fault);
        }
    }

    /** The next {@code n} requests of {@code action} get {@code fault}. */
    public void failNext(String action, int n, Fault fault) {
        synchronized (lock) {
            faults.failNext(action, n, fault);
        }
    }

    /** Each request after the queued ones gets {@code fault} with probability {@code p} (seeded, repeatable). */
    public void failFraction(double p, Fault fault, long seed) {
        synchronized (lock) {
            faults.failFraction(p, fault, seed);
        }
    }

    /**
     * After the queued faults, each request gets what {@code source} picks for it (null: none), e.g. throttling
     * ({@link Fault#throttle()}, as EC2 throttles), a 5xx, a time-out ({@link Fault#slow}: the answer comes late,
     * after the client has given up, and the request is still carried out, as a slow EC2 would) or, while the
     * endpoint is down, {@link Fault#drop()}.
     */
    public void faults(Supplier<Fault> source) {
        faults.source(source);
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
            store.observer = o;
        }
        return this;
    }

    /** Requests being handled now (a time-out's answer still on its way). */
    public int inFlight() {
        return exchange.inFlight();
    }

    /** Write requests ({@link #WRITES}) received so far, whatever their answer. */
    public int writes() {
        synchronized (store.log) {
            return (int) store.log.stream().filter(r -> WRITES.contains(r.action())).count();
        }
    }

    public void clearFaults() {
        faults.clear(lock);
    }

    public int calls(String action) {
        synchronized (lock) {
            AtomicInteger n = store.calls.get(action);
            return n == null ? 0 : n.get();
        }
    }

    public List<Request> requests() {
        synchronized (store.log) {
            return List.copyOf(store.log);
        }
    }

    /** The actions received, in order. */
    public List<String> actions() {
        return requests().stream().map(Request::action).toList();
    }

    public void resetLog() {
        synchronized (lock) {
            store.log.clear();
            store.calls.clear();
        }
    }

    /** The association changes made through the API so far (not {@link #associate}'s), oldest first. */
    public List<Change> changes() {
        synchronized (lock) {
            return List.copyOf(store.changes);
        }
    }

    /** The wall clock as epoch nanoseconds (microsecond resolution on Linux). */
    public static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ---- IPv6 secondary addresses and subnets (issue 16) -------------------------------------------------------

    /**
     * A change of an IPv6 address made through the API: assigned to {@code eniId} ({@code assigned}) or unassigned
     * from it; {@code atEpochNanos} is when the request that made it arrived.
     */
    public record Ipv6Change(String address, String eniId, boolean assigned, long atEpochNanos) {
    }

    /**
     * Runs {@code r} (under the endpoint's lock, before the answer is sent) right after the next UnassignIpv6Addresses
     * is carried out: another party acting between a move's two writes.
     */
    public void afterNextIpv6Unassign(Runnable r) {
        synchronized (lock) {
            store.afterNextIpv6Unassign = r;
        }
    }

    /** A subnet with its IPv4 CIDR and its IPv6 CIDR blocks (none: an IPv4-only subnet). */
    public Ec2TestEndpoint subnet(String subnetId, String vpcId, String cidrBlock, String... ipv6Cidrs) {
        synchronized (lock) {
            store.subnets.put(subnetId, new Subnet(subnetId, vpcId, cidrBlock, List.of(ipv6Cidrs)));
        }
        return this;
    }

    /** Puts an ENI in another subnet than {@link #DEFAULT_SUBNET}. */
    public Ec2TestEndpoint eniSubnet(String eniId, String subnetId) {
        synchronized (lock) {
            store.enis.get(eniId).subnetId = subnetId;
        }
        return this;
    }

    /** Assigns an IPv6 address as another party would (not logged, not counted), taking it off any other ENI. */
    public Ec2TestEndpoint ipv6Address(String eniId, String address) {
        synchronized (lock) {
            store.enis.values().forEach(e -> e.ipv6.remove(address));
            store.enis.get(eniId).ipv6.add(address);
        }
        return this;
    }

    /** Unassigns an IPv6 address from every ENI, as another party would. */
    public Ec2TestEndpoint dropIpv6Address(String address) {
        synchronized (lock) {
            store.enis.values().forEach(e -> e.ipv6.remove(address));
        }
        return this;
    }

    /** The ENI that has the IPv6 {@code address} now, or null. */
    public String eniWithIpv6(String address) {
        synchronized (lock) {
            return store.enis.values().stream().filter(e -> e.ipv6.contains(address)).map(e -> e.id).findFirst().orElse(null);
        }
    }

    /** The IPv6 changes made through the API so far (not {@link #ipv6Address}'s), oldest first. */
    public List<Ipv6Change> ipv6Changes() {
        synchronized (lock) {
            return List.copyOf(store.ipv6Changes);
        }
    }

    // ---- Route tables (issue 16, mode route_table) --------------------------------------------------------------

    /**
     * A change of a route made through the API ({@code action} CreateRoute, ReplaceRoute or DeleteRoute): in
     * {@code table}, the route to {@code destination} now targets {@code eniId} (null: deleted); {@code atEpochNanos}
     * is when the request that made it arrived.
     */
    public record RouteChange(String table, String destination, String eniId, String action, long atEpochNanos) {
    }

    /** A route table in {@code vpc}, with its local route to {@code vpcCidr}. */
    public Ec2TestEndpoint routeTable(String tableId, String vpc, String vpcCidr) {
        synchronized (lock) {
            List<RouteEntry> routes = new ArrayList<>();
            routes.add(new RouteEntry(vpcCidr, "local", null, "CreateRouteTable"));
            store.routeTables.put(tableId, new Table(tableId, vpc, routes));
        }
        return this;
    }

    /** Points (or adds) the route to {@code destination} in {@code tableId} at {@code eniId}, as another party would. */
    public Ec2TestEndpoint route(String tableId, String destination, String eniId) {
        synchronized (lock) {
            Table t = store.routeTables.get(tableId);
            RouteEntry r = Ec2Store.findRoute(t, destination);
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
            store.routeTables.remove(tableId);
        }
        return this;
    }

    /** Deletes the route to {@code destination} from {@code tableId}, as another party would. */
    public Ec2TestEndpoint dropRoute(String tableId, String destination) {
        synchronized (lock) {
            store.routeTables.get(tableId).routes().removeIf(r -> r.destination.equals(destination));
        }
        return this;
    }

    /** The ENI the route to {@code destination} in {@code tableId} targets, or null (no route). */
    public String routeTarget(String tableId, String destination) {
        synchronized (lock) {
            RouteEntry r = Ec2Store.findRoute(store.routeTables.get(tableId), destination);
            return r == null ? null : r.eniId;
        }
    }

    /** Sets an ENI's source/destination check, as ModifyNetworkInterfaceAttribute would. */
    public Ec2TestEndpoint sourceDestCheck(String eniId, boolean on) {
        synchronized (lock) {
            store.enis.get(eniId).sourceDestCheck = on;
        }
        return this;
    }

    /** The route changes made through the API so far (not {@link #route}'s), oldest first. */
    public List<RouteChange> routeChanges() {
        synchronized (lock) {
            return List.copyOf(store.routeChanges);
        }
    }

    /** The next {@code n} route writes (CreateRoute, ReplaceRoute, DeleteRoute) to {@code tableId} get {@code fault}. */
    public void failRouteWrites(String tableId, int n, Fault.Error fault) {
        synchronized (lock) {
            routes.failWrites(tableId, n, fault);
        }
    }

    /**
     * From now on, each route write (without DryRun) waits, before it is carried out, until {@code n} of them have
     * arrived or 5 s have passed: writes sent in parallel all arrive and go on at once, writes sent one after
     * the other wait out the 5 s each, and {@link #maxRouteWritesInFlight()} tells the two apart without a clock.
     */
    public void gatherRouteWrites(int n) {
        synchronized (lock) {
            routes.gatherWrites(n);
        }
    }

    /** The most route writes in flight at once since {@link #gatherRouteWrites}. */
    public int maxRouteWritesInFlight() {
        synchronized (lock) {
            return routes.maxWritesInFlight();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
