package io.floatd.testkit.aws;

import io.floatd.testkit.aws.Ec2TestEndpoint.Answered;
import io.floatd.testkit.aws.Ec2TestEndpoint.Association;
import io.floatd.testkit.aws.Ec2TestEndpoint.Change;
import io.floatd.testkit.aws.Ec2TestEndpoint.Ipv6Change;
import io.floatd.testkit.aws.Ec2TestEndpoint.Request;
import io.floatd.testkit.aws.Ec2TestEndpoint.RouteChange;
import io.floatd.vrrp.provider.Ipv6Text;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What the fake EC2 holds: its Elastic IPs, network interfaces, subnets and route tables, the changes made through
 * the API, and the log of requests. Everything here is read and written under {@link #lock}, the endpoint's one lock
 * (the request log is also a synchronized list, read under its own monitor).
 */
final class Ec2Store {
    final Object lock = new Object();
    final Map<String, Addr> addresses = new LinkedHashMap<>();
    final Map<String, Eni> enis = new LinkedHashMap<>();
    final Map<String, Subnet> subnets = new LinkedHashMap<>();
    final Map<String, Table> routeTables = new LinkedHashMap<>();
    final Map<String, AtomicInteger> calls = new HashMap<>();
    final List<Request> log = Collections.synchronizedList(new ArrayList<>());
    final List<Change> changes = new ArrayList<>();
    final List<Ipv6Change> ipv6Changes = new ArrayList<>();
    final List<RouteChange> routeChanges = new ArrayList<>();
    Consumer<Answered> observer = a -> { };
    /** Runs right after the next UnassignIpv6Addresses is carried out (see the endpoint's afterNextIpv6Unassign). */
    Runnable afterNextIpv6Unassign;
    private int associationSeq;

    /** An Elastic IP and its association (null: none). */
    static final class Addr {
        final String allocationId;
        final String publicIp;
        Association association;

        Addr(String allocationId, String publicIp) {
            this.allocationId = allocationId;
            this.publicIp = publicIp;
        }
    }

    /** A network interface: its instance (null: detached), its private IPv4 and IPv6 addresses. */
    static final class Eni {
        final String id;
        final String instanceId;
        final String vpcId;
        final int deviceIndex;
        final String primaryIp;
        final List<String> secondary = new ArrayList<>();
        /** IPv6 addresses, in RFC 5952 form, as EC2 lists them (issue 16). */
        final List<String> ipv6 = new ArrayList<>();
        String subnetId = Ec2TestEndpoint.DEFAULT_SUBNET;
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

    record Subnet(String id, String vpcId, String cidrBlock, List<String> ipv6Cidrs) {
    }

    /** A route: to a gateway ({@code local}: the VPC's own range) or to a network interface. */
    static final class RouteEntry {
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

    record Table(String id, String vpcId, List<RouteEntry> routes) {
    }

    String nextAssociationId() {
        return String.format("eipassoc-%017x", ++associationSeq);
    }

    /** Turns an unknown id into EC2's error for it. */
    @FunctionalInterface
    interface NotFound {
        Ec2Error of(String id);
    }

    /**
     * What a Describe call's {@code ids} name, in their order ({@code notFound}'s error for an unknown one), or
     * everything in {@code all} when it names none.
     */
    static <T> List<T> named(Map<String, T> all, List<String> ids, NotFound notFound) throws Ec2Error {
        List<T> found = new ArrayList<>();
        for (String id : ids) {
            T t = all.get(id);
            if (t == null) {
                throw notFound.of(id);
            }
            found.add(t);
        }
        if (ids.isEmpty()) {
            found.addAll(all.values());
        }
        return found;
    }

    Eni requireEni(String id) throws Ec2Error {
        Eni eni = id == null ? null : enis.get(id);
        if (eni == null) {
            throw new Ec2Error("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + id + "' does not exist");
        }
        return eni;
    }

    Table requireTable(String id) throws Ec2Error {
        Table t = id == null ? null : routeTables.get(id);
        if (t == null) {
            throw tableNotFound(id);
        }
        return t;
    }

    static Ec2Error tableNotFound(String id) {
        return new Ec2Error("InvalidRouteTableID.NotFound", "The routeTable ID '" + id + "' does not exist");
    }

    /** The route to {@code destination} in {@code t} (IPv6 destinations compared in RFC 5952 form), or null. */
    static RouteEntry findRoute(Table t, String destination) {
        boolean v6 = destination.contains(":");
        String want = v6 ? canonicalCidr(destination) : destination;
        return t.routes().stream().filter(r -> (v6 ? canonicalCidr(r.destination) : r.destination).equals(want))
                .findFirst().orElse(null);
    }

    private static String canonicalCidr(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 || !cidr.contains(":") ? cidr : canonicalIpv6(cidr.substring(0, slash)) + cidr.substring(slash);
    }

    /** EC2 keeps and answers addresses in RFC 5952 form, whatever form they were sent in. */
    static String canonicalIpv6(String raw) {
        return Ipv6Text.canonical(raw).orElse(raw);
    }
}
