package io.floatd.provider.aws;

import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterfaceAttribute;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;

/**
 * {@code mode route_table}: an overlay IP, an address outside the VPC's CIDR, that one or more VPC route tables route
 * to the Master's network interface ({@code network_interface}, else the instance's primary ENI). The route is a
 * {@code /32} (IPv6: {@code /128}); moving it between instances works across subnets and availability zones, which a
 * secondary IP cannot (the approach of Pacemaker's {@code aws-vpc-move-ip}). The address must also be local on the
 * Master for the service to accept its packets: a linux-l2 {@code floating_ip} block beside this one, with the
 * address in {@code virtual_ipaddress}, puts it there.
 *
 * <ul>
 *   <li>{@link #holder()}: DescribeRouteTables filtered by {@code route-table-id}, one per table, in parallel (so
 *       the connections the writes need stay open); in each table, the route whose destination is the overlay IP,
 *       and the ENI it targets. Over all tables ({@link RouteMove#holder}): this node only when every table routes
 *       here.</li>
 *   <li>{@link #acquire()}: that read, then, in every table where the route is not ours, ReplaceRoute (CreateRoute
 *       where it is missing) to our ENI: all tables at once, in parallel; nothing is written where it is ours already.
 *       A table whose write fails does not hold back the others; the failure is thrown after all have answered, and
 *       the orchestrator's next attempt reads again and writes only the tables still not ours. {@link
 *       #acquire(Holder)} after the orchestrator's read: the writes only. A re-check that finds a table routing
 *       elsewhere (or missing the route) while this node is Master is repaired the same way.</li>
 *   <li>{@link #release()} ({@code release yes}): that read, then DeleteRoute only in the tables whose route still
 *       targets our ENI.</li>
 *   <li>{@link #handOver}: ReplaceRoute in every table to the peer's ENI.</li>
 * </ul>
 *
 * <p>At start ({@link #warmUp()}): our ENI and its VPC; DescribeRouteTables by id (an unknown table is a fatal error
 * naming it: {@code InvalidRouteTableID.NotFound}); an overlay IP inside a table's {@code local} route (the VPC's
 * CIDR) is a fatal error; CreateRoute and ReplaceRoute with DryRun in each table (a missing permission is found here);
 * and DescribeNetworkInterfaceAttribute {@code sourceDestCheck}: when it is on, EC2 drops the packets of an address
 * that is not the interface's own, which is a warning naming the command that turns it off.
 *
 * <p>EC2 API reference (2016-11-15): DescribeRouteTables ({@code RouteTableId.N}, {@code Filter.N} with
 * {@code route-table-id}; {@code routeTableSet} of {@code RouteTable}, whose {@code routeSet} items are {@code Route}:
 * {@code destinationCidrBlock} / {@code destinationIpv6CidrBlock}, {@code networkInterfaceId}, {@code instanceId},
 * {@code gatewayId}, ..., {@code state} active | blackhole), CreateRoute and ReplaceRoute ({@code RouteTableId},
 * {@code DestinationCidrBlock} or {@code DestinationIpv6CidrBlock}, {@code NetworkInterfaceId}, {@code DryRun}),
 * DeleteRoute, DescribeNetworkInterfaceAttribute ({@code Attribute=sourceDestCheck}, answer
 * {@code sourceDestCheck/value}); error codes {@code InvalidRouteTableID.NotFound}, {@code InvalidRoute.NotFound},
 * {@code RouteAlreadyExists}, {@code DryRunOperation}, {@code UnauthorizedOperation}.
 */
public final class RouteTableProvider extends EniMoveProvider<RouteTableProvider.Read> {
    private static final Logger LOG = Logger.getLogger(RouteTableProvider.class.getName());

    private final String destination;
    private final boolean ipv6;
    private final List<String> tables;
    private final ExecutorService writers;

    /** One read of all the configured tables: each table's route, and the tables EC2 did not list. */
    record Read(List<RouteMove.TableRoute> routes, List<String> unknown) implements Reading {
        /** As {@link RouteMove#holder}; a table EC2 no longer lists is not this node's (the acquire then names it). */
        @Override
        public Holder holder() {
            Holder h = RouteMove.holder(routes);
            return h.isSelf() && !unknown.isEmpty() ? Holder.nobody() : h;
        }
    }

    RouteTableProvider(AwsSettings settings, ProviderContext context, String instanceId, String primaryEni,
                       String metadataVpc, SharedEc2Client client, AwsErrors errors) {
        super(settings, context, instanceId, primaryEni, metadataVpc, client, errors);
        this.destination = settings.destinationCidr();
        this.ipv6 = Ipv6Text.looksLikeIpv6(address);
        this.tables = settings.routeTables();
        this.writers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("aws-route-", 0).factory());
    }

    @Override
    void warmUp() throws ProviderException {
        describeOwnEni();
        String ours = eni;
        // by id: an unknown table is EC2's InvalidRouteTableID.NotFound, naming it
        List<RouteTable> found = errors.call("DescribeRouteTables",
                () -> ec2().describeRouteTables(r -> r.routeTableIds(tables))).routeTables();
        for (String t : tables) {
            RouteTable rt = found.stream().filter(x -> t.equals(x.routeTableId())).findFirst()
                    .orElseThrow(() -> ProviderException.fatal("aws: route table " + t + " not found: check "
                            + "route_table in floating_ip, and the region"));
            checkTable(rt, ours);
        }
        for (String t : tables) {
            dryRun("CreateRoute", t, ours);
            dryRun("ReplaceRoute", t, ours);
        }
        checkSourceDestCheck(ours);
        last = classify(found);
    }

    private void checkTable(RouteTable rt, String ours) throws ProviderException {
        String vpc = eniVpc;
        if (vpc != null && rt.vpcId() != null && !vpc.equals(rt.vpcId())) {
            throw ProviderException.fatal("aws: route table " + rt.routeTableId() + " is in " + rt.vpcId() + ", but "
                    + ours + " is in " + vpc + ": a route targets an interface of its own VPC");
        }
        for (Route r : rt.routes()) {
            String cidr = ipv6 ? r.destinationIpv6CidrBlock() : r.destinationCidrBlock();
            if ("local".equals(r.gatewayId()) && cidr != null && inCidr(address, cidr)) {
                throw ProviderException.fatal("aws: floating_ip address " + address + " is inside " + cidr + ", the "
                        + "VPC's own range (the local route of " + rt.routeTableId() + "): an overlay IP must be "
                        + "outside the VPC's CIDR");
            }
        }
    }

    /** A write with DryRun: EC2 checks the permission and changes nothing (DryRunOperation). */
    private void dryRun(String action, String table, String ours) throws ProviderException {
        // EC2 may check that the route exists (or not) before the DryRun flag: both answers prove the permission
        Set<String> fine = Set.of("DryRunOperation", "RouteAlreadyExists", "InvalidRoute.NotFound");
        var applied = errors.callTolerating(action, fine, () -> action.equals("CreateRoute")
                ? ec2().createRoute(r -> r.dryRun(true).routeTableId(table).networkInterfaceId(ours)
                        .destinationCidrBlock(ipv6 ? null : destination).destinationIpv6CidrBlock(ipv6 ? destination : null))
                : ec2().replaceRoute(r -> r.dryRun(true).routeTableId(table).networkInterfaceId(ours)
                        .destinationCidrBlock(ipv6 ? null : destination).destinationIpv6CidrBlock(ipv6 ? destination : null)));
        if (applied.isPresent()) {
            LOG.log(Level.WARNING, "VRRP_Instance({0}) aws: the EC2 endpoint ignored DryRun on {1} in {2}: it is not "
                    + "EC2", new Object[] {context.instanceName(), action, table});
        }
    }

    /** Source/destination checking on our ENI drops the overlay IP's packets: a warning with the command. */
    private void checkSourceDestCheck(String ours) throws ProviderException {
        var resp = errors.callTolerating("DescribeNetworkInterfaceAttribute", "UnauthorizedOperation",
                () -> ec2().describeNetworkInterfaceAttribute(r -> r.networkInterfaceId(ours)
                        .attribute(NetworkInterfaceAttribute.SOURCE_DEST_CHECK)));
        if (resp.isEmpty()) {
            LOG.log(Level.WARNING, "VRRP_Instance({0}) aws: cannot check the source/destination check of {1} "
                    + "(ec2:DescribeNetworkInterfaceAttribute denied: UnauthorizedOperation)",
                    new Object[] {context.instanceName(), ours});
            return;
        }
        var check = resp.get().sourceDestCheck();
        if (check == null || !Boolean.FALSE.equals(check.value())) {
            LOG.log(Level.WARNING, "VRRP_Instance({0}) aws: source/destination check is on for {1}: EC2 drops the "
                    + "packets of overlay IP {2} at this interface; turn it off with: aws ec2 "
                    + "modify-network-interface-attribute --network-interface-id {1} --no-source-dest-check",
                    new Object[] {context.instanceName(), ours, address});
        }
    }

    @Override
    String describe() {
        return "overlay IP " + destination + " in " + String.join(", ", tables) + " to "
                + (eni == null ? "the primary interface" : eni) + " (mode route_table)";
    }

    @Override
    public synchronized void release() throws ProviderException {
        ensureEni();
        Read r = read();
        List<RouteMove.Step> steps = RouteMove.release(r.routes(), eni);
        run(steps, eni, r, null);
    }

    @Override
    String what() {
        return "overlay IP " + address;
    }

    /** Sends what {@link RouteMove} decides to bring every table's route to {@code target}, all tables at once. */
    @Override
    void write(Read r, String target, InetAddress peer) throws ProviderException {
        run(RouteMove.moveTo(r.routes(), target), target, r, peer);
    }

    private void run(List<RouteMove.Step> steps, String target, Read r, InetAddress peer) throws ProviderException {
        List<RouteMove.Step> writes = steps.stream().filter(s -> s.write() != RouteMove.Write.NONE).toList();
        Map<String, ProviderException> failed = new LinkedHashMap<>();
        if (!writes.isEmpty()) {
            last = null;
            List<Future<?>> others = new ArrayList<>();
            for (RouteMove.Step s : writes.subList(1, writes.size())) {
                others.add(writers.submit(() -> {
                    send(s, target, r, peer);
                    return null;
                }));
            }
            try {
                send(writes.getFirst(), target, r, peer);
            } catch (ProviderException e) {
                failed.put(writes.getFirst().table(), e);
            }
            for (int i = 0; i < others.size(); i++) {
                String table = writes.get(i + 1).table();
                try {
                    others.get(i).get();
                } catch (ExecutionException e) {
                    failed.put(table, e.getCause() instanceof ProviderException pe ? pe
                            : ProviderException.retryable("aws: route to " + destination + " in " + table + ": "
                                    + e.getCause(), e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.put(table, ProviderException.retryable("aws: interrupted while writing " + table, e));
                }
            }
        }
        if (!r.unknown().isEmpty()) {
            failed.put(String.join(", ", r.unknown()), ProviderException.fatal("aws: route table "
                    + String.join(", ", r.unknown()) + " not found by ec2:DescribeRouteTables: check route_table in "
                    + "floating_ip (the other tables were written)"));
        }
        if (failed.isEmpty()) {
            return;
        }
        boolean retryable = failed.values().stream().allMatch(ProviderException::retryable);
        StringBuilder m = new StringBuilder();
        for (var e : failed.entrySet()) {
            m.append(m.isEmpty() ? "" : "; ").append(e.getKey()).append(": ")
                    .append(e.getValue().getMessage().replaceFirst("^aws: ", ""));
        }
        int done = writes.size() - (int) writes.stream().filter(s -> failed.containsKey(s.table())).count();
        String text = m + " (" + done + " of " + writes.size() + " route writes done)";
        throw new ProviderException(text.startsWith("aws: ") ? text : "aws: " + text, retryable);
    }

    /** One table's write; a refusal because the table changed in between becomes the other write. */
    private void send(RouteMove.Step step, String target, Read r, InetAddress peer) throws ProviderException {
        RouteMove.Write w = step.write();
        String table = step.table();
        try {
            call(w, table, target);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (w == RouteMove.Write.DELETE && "InvalidRoute.NotFound".equals(code)) {
                return; // gone already: not ours to remove any more
            }
            RouteMove.Write instead = RouteMove.afterRefusal(w, code);
            if (instead == RouteMove.Write.NONE) {
                throw errors.translate(action(w), e);
            }
            try {
                call(instead, table, target);
                w = instead;
            } catch (SdkException again) {
                throw errors.translate(action(instead), again);
            }
        } catch (SdkException e) {
            throw errors.translate(action(w), e);
        }
        Holder was = r.routes().stream().filter(t -> t.table().equals(table)).map(RouteMove.TableRoute::holder)
                .findFirst().orElse(Holder.nobody());
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: route {1} in {2}: {3}", new Object[] {context.instanceName(),
                destination, table, w == RouteMove.Write.DELETE ? "deleted (was " + target + ")"
                        : (w == RouteMove.Write.CREATE ? "created" : "replaced") + " to " + target
                                + (peer == null ? "" : ", peer " + peer.getHostAddress()) + ", was " + was});
    }

    private void call(RouteMove.Write w, String table, String target) {
        String v4 = ipv6 ? null : destination;
        String v6 = ipv6 ? destination : null;
        switch (w) {
            case CREATE -> ec2().createRoute(r -> r.routeTableId(table).networkInterfaceId(target)
                    .destinationCidrBlock(v4).destinationIpv6CidrBlock(v6));
            case REPLACE -> ec2().replaceRoute(r -> r.routeTableId(table).networkInterfaceId(target)
                    .destinationCidrBlock(v4).destinationIpv6CidrBlock(v6));
            case DELETE -> ec2().deleteRoute(r -> r.routeTableId(table)
                    .destinationCidrBlock(v4).destinationIpv6CidrBlock(v6));
            case NONE -> {
            }
        }
    }

    private static String action(RouteMove.Write w) {
        return switch (w) {
            case CREATE -> "CreateRoute";
            case REPLACE -> "ReplaceRoute";
            case DELETE -> "DeleteRoute";
            case NONE -> "none";
        };
    }

    /**
     * One DescribeRouteTables per table, all at once: as many connections as tables stay open (the orchestrator's
     * warm reads keep them so), and each table's write then goes out on one of them; a connection opened at the
     * takeover would cost EC2's TLS handshake on that table's write.
     */
    @Override
    Read read() throws ProviderException {
        List<Future<List<RouteTable>>> others = new ArrayList<>();
        for (String t : tables.subList(1, tables.size())) {
            others.add(writers.submit(() -> describe(t)));
        }
        List<RouteTable> found = new ArrayList<>();
        ProviderException failure = null;
        try {
            found.addAll(describe(tables.getFirst()));
        } catch (ProviderException e) {
            failure = e;
        }
        for (Future<List<RouteTable>> f : others) {
            try {
                found.addAll(f.get());
            } catch (ExecutionException e) {
                if (failure == null || failure.retryable()) {
                    failure = e.getCause() instanceof ProviderException pe ? pe
                            : ProviderException.retryable("aws: ec2:DescribeRouteTables failed (" + e.getCause() + ")",
                                    e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = ProviderException.retryable("aws: interrupted while reading the route tables", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        Read r = classify(found);
        last = r;
        return r;
    }

    private List<RouteTable> describe(String table) throws ProviderException {
        Filter byId = Filter.builder().name("route-table-id").values(table).build();
        return errors.call("DescribeRouteTables", () -> ec2().describeRouteTables(r -> r.filters(byId))).routeTables();
    }

    /** Each configured table's route to the overlay IP, and who it targets. */
    Read classify(List<RouteTable> found) {
        List<RouteMove.TableRoute> routes = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String t : tables) {
            RouteTable rt = found.stream().filter(x -> t.equals(x.routeTableId())).findFirst().orElse(null);
            if (rt == null) {
                unknown.add(t);
                continue;
            }
            Route route = rt.routes().stream().filter(this::isOverlay).findFirst().orElse(null);
            routes.add(route == null ? RouteMove.TableRoute.missing(t)
                    : new RouteMove.TableRoute(t, true, route.networkInterfaceId(), holderOf(route)));
        }
        return new Read(List.copyOf(routes), List.copyOf(unknown));
    }

    private boolean isOverlay(Route r) {
        if (ipv6) {
            String d = r.destinationIpv6CidrBlock();
            if (d == null || !d.endsWith("/128")) {
                return false;
            }
            return Ipv6Text.canonical(d.substring(0, d.length() - 4)).map(address::equals).orElse(false);
        }
        return destination.equals(r.destinationCidrBlock());
    }

    private Holder holderOf(Route r) {
        String target = r.networkInterfaceId();
        if (target != null && target.equals(eni)) {
            return Holder.self(eni);
        }
        if (target != null) {
            String owner = r.instanceId() != null ? r.instanceId() : target;
            return peerIds.isPeer(r.instanceId(), target) ? Holder.peer(owner) : Holder.other(owner);
        }
        for (String other : new String[] {r.instanceId(), r.gatewayId(), r.natGatewayId(), r.transitGatewayId(),
                r.vpcPeeringConnectionId(), r.egressOnlyInternetGatewayId(), r.localGatewayId(), r.carrierGatewayId()}) {
            if (other != null) {
                return Holder.other(other);
            }
        }
        return Holder.other(r.stateAsString() == null ? "unknown target" : r.stateAsString());
    }

    /** Whether {@code ip} is inside {@code cidr} (same family). */
    static boolean inCidr(String ip, String cidr) {
        if (Ipv6Text.looksLikeIpv6(ip)) {
            return Ipv6Text.looksLikeIpv6(cidr) && Ipv6Text.inCidr(ip, cidr);
        }
        int slash = cidr.indexOf('/');
        if (slash < 0 || Ipv6Text.looksLikeIpv6(cidr)) {
            return false;
        }
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        return (v4(ip) & mask) == (v4(cidr.substring(0, slash)) & mask);
    }

    private static long v4(String ip) {
        long v = 0;
        for (String part : ip.split("\\.")) {
            v = (v << 8) | Integer.parseInt(part);
        }
        return v;
    }

    @Override
    public synchronized void close() {
        writers.shutdownNow();
        super.close();
    }
}
