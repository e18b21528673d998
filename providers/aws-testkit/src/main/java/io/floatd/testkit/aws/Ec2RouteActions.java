package io.floatd.testkit.aws;

import static io.floatd.testkit.aws.Ec2Query.dryRun;
import static io.floatd.testkit.aws.Ec2Query.filters;
import static io.floatd.testkit.aws.Ec2Query.list;
import static io.floatd.testkit.aws.Ec2Query.response;

import io.floatd.testkit.aws.Ec2Store.Eni;
import io.floatd.testkit.aws.Ec2Store.RouteEntry;
import io.floatd.testkit.aws.Ec2Store.Table;
import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import io.floatd.testkit.aws.Ec2TestEndpoint.RouteChange;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Route tables and their routes to network interfaces (issue 16, mode route_table): DescribeRouteTables,
 * CreateRoute, ReplaceRoute, DeleteRoute; with the faults told to a table's writes and the gathering of parallel
 * writes ({@link Ec2TestEndpoint#gatherRouteWrites}). Called under the store's lock.
 *
 * <p>Validated against the EC2 API Reference (API version 2016-11-15): DescribeRouteTables (RouteTableId.N, Filter.N
 * with route-table-id; answers routeTableSet, items of routeTableId, vpcId, ownerId, routeSet, associationSet,
 * propagatingVgwSet, tagSet; a Route has destinationCidrBlock or destinationIpv6CidrBlock, gatewayId ("local" for
 * the VPC's own range) or networkInterfaceId with instanceId and instanceOwnerId when the interface is attached,
 * state "active" or "blackhole" (the target is gone), origin CreateRouteTable | CreateRoute); CreateRoute,
 * ReplaceRoute (RouteTableId, DestinationCidrBlock or DestinationIpv6CidrBlock, NetworkInterfaceId, DryRun;
 * answer return true), DeleteRoute (RouteTableId, the destination, DryRun; answer return true);
 * DescribeNetworkInterfaceAttribute (NetworkInterfaceId, Attribute=sourceDestCheck; answers networkInterfaceId and
 * sourceDestCheck/value). "Error codes for the Amazon EC2 API": InvalidRouteTableID.NotFound ("The specified route
 * table does not exist"), InvalidRoute.NotFound ("the specified route does not exist in the specified route
 * table": ReplaceRoute and DeleteRoute), RouteAlreadyExists (CreateRoute: "A route for the specified CIDR block
 * already exists in this route table"), InvalidNetworkInterfaceID.NotFound, DryRunOperation (412, "Request would
 * have succeeded, but DryRun flag is set"), UnauthorizedOperation (403, Fault.unauthorized), MissingParameter.
 */
final class Ec2RouteActions {
    private final Ec2Store s;
    private final Map<String, Deque<Fault>> tableFaults = new HashMap<>();
    private int writesArrived;
    private int writesInFlight;
    private int maxWritesInFlight;
    private int writesToGather;

    Ec2RouteActions(Ec2Store store) {
        this.s = store;
    }

    void failWrites(String tableId, int n, Fault.Error fault) {
        for (int i = 0; i < n; i++) {
            tableFaults.computeIfAbsent(tableId, t -> new ArrayDeque<>()).add(fault);
        }
    }

    void gatherWrites(int n) {
        writesToGather = n;
        writesArrived = 0;
        maxWritesInFlight = 0;
    }

    int maxWritesInFlight() {
        return maxWritesInFlight;
    }

    String describeRouteTables(Map<String, String> p) throws Ec2Error {
        List<Table> found = Ec2Store.named(s.routeTables, list(p, "RouteTableId"), Ec2Store::tableNotFound);
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
                items.append(routeXml(r));
            }
            items.append("</routeSet><associationSet/><propagatingVgwSet/><tagSet/></item>");
        }
        return response("DescribeRouteTables", "<routeTableSet>" + items + "</routeTableSet>");
    }

    /** One route of a routeSet: blackhole when its network interface is gone. */
    private String routeXml(RouteEntry r) {
        StringBuilder items = new StringBuilder();
        items.append("<item>").append(r.ipv6 ? "<destinationIpv6CidrBlock>" : "<destinationCidrBlock>")
                .append(r.destination)
                .append(r.ipv6 ? "</destinationIpv6CidrBlock>" : "</destinationCidrBlock>");
        String state = "active";
        if (r.gatewayId != null) {
            items.append("<gatewayId>").append(r.gatewayId).append("</gatewayId>");
        } else {
            Eni e = s.enis.get(r.eniId);
            if (e == null) {
                state = "blackhole";
            } else if (e.instanceId != null) {
                items.append("<instanceId>").append(e.instanceId).append("</instanceId>")
                        .append("<instanceOwnerId>123456789012</instanceOwnerId>");
            }
            items.append("<networkInterfaceId>").append(r.eniId).append("</networkInterfaceId>");
        }
        items.append("<state>").append(state).append("</state><origin>").append(r.origin).append("</origin></item>");
        return items.toString();
    }

    /** CreateRoute, ReplaceRoute or DeleteRoute. Called under the lock, which it gives up while gathering. */
    String routeWrite(Map<String, String> p, long at, String action) throws Ec2Error {
        Table t = s.requireTable(p.get("RouteTableId"));
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
            s.requireEni(eniId);
        }
        dryRun(p);
        Deque<Fault> faults = tableFaults.get(t.id());
        if (faults != null && !faults.isEmpty() && faults.poll() instanceof Fault.Error(String code, int status, String m)) {
            throw new Ec2Error(code, status, m);
        }
        gather();
        apply(t, destination, eniId, action);
        s.routeChanges.add(new RouteChange(t.id(), destination, action.equals("DeleteRoute") ? null : eniId, action, at));
        return response(action, "<return>true</return>");
    }

    private static void apply(Table t, String destination, String eniId, String action) throws Ec2Error {
        RouteEntry r = Ec2Store.findRoute(t, destination);
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
    }

    /**
     * {@link Ec2TestEndpoint#gatherRouteWrites}: waits until enough route writes have arrived (or 5 s). Runs under
     * the endpoint's lock, which {@code wait} gives up meanwhile, so the other writes come in.
     */
    private void gather() {
        if (writesToGather <= 0) {
            return;
        }
        writesArrived++;
        writesInFlight++;
        maxWritesInFlight = Math.max(maxWritesInFlight, writesInFlight);
        s.lock.notifyAll();
        long deadline = System.nanoTime() + 5_000_000_000L;
        try {
            while (writesArrived < writesToGather) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                s.lock.wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writesInFlight--;
        }
    }
}
