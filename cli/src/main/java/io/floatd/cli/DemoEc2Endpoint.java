package io.floatd.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The demo's embedded cloud: a minimal EC2 Query API endpoint on 127.0.0.1 (ephemeral port) that the real
 * {@code aws} provider talks to through the AWS SDK. It knows one Elastic IP and a few instances (each with one
 * private IP), and answers DescribeAddresses, AssociateAddress (with DryRun), DisassociateAddress and
 * DescribeNetworkInterfaces (how the provider finds its peers' instances) with EC2's XML shapes, EC2's error document
 * and status codes. Every call received is reported to {@code events}.
 * It stands in for EC2 in {@code floatd demo} only; the provider's own tests use a fuller endpoint.
 */
final class DemoEc2Endpoint implements AutoCloseable {
    static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    /** One instance of the demo: its id, its primary private IP and the demo's name for it. */
    record Instance(String id, String privateIp, String name) {
    }

    private record Association(String id, Instance instance) {
    }

    private static final class Ec2Error extends Exception {
        final String code;
        final int status;

        Ec2Error(String code, int status, String message) {
            super(message, null, false, false);
            this.code = code;
            this.status = status;
        }
    }

    private final String publicIp;
    private final String allocationId;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final Consumer<String> events;
    private final HttpServer server;
    private final ExecutorService pool;
    private Association association;
    private int associationSeq;
    private int moves;

    DemoEc2Endpoint(String publicIp, String allocationId, Consumer<String> events, Instance... instances)
            throws IOException {
        this.publicIp = publicIp;
        this.allocationId = allocationId;
        this.events = events;
        for (Instance i : instances) {
            this.instances.put(i.id(), i);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        pool = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("demo-ec2").daemon(true).factory());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The demo name of the instance the Elastic IP is associated with, or null. */
    synchronized String holder() {
        return association == null ? null : association.instance().name();
    }

    /** How many times AssociateAddress moved the Elastic IP to another instance. */
    synchronized int moves() {
        return moves;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 400, error("InvalidRequest", "EC2 takes POST"));
                return;
            }
            Map<String, String> p = form(new String(body, StandardCharsets.UTF_8));
            String action = p.getOrDefault("Action", "");
            String xml;
            try {
                if (!"2016-11-15".equals(p.get("Version"))) {
                    throw new Ec2Error("InvalidParameterValue", 400, "Version must be 2016-11-15");
                }
                synchronized (this) {
                    xml = switch (action) {
                        case "DescribeAddresses" -> describeAddresses(p);
                        case "AssociateAddress" -> associateAddress(p);
                        case "DisassociateAddress" -> disassociateAddress(p);
                        case "DescribeNetworkInterfaces" -> describeNetworkInterfaces(p);
                        default -> throw new Ec2Error("InvalidAction", 400,
                                "The action " + action + " is not valid for this web service.");
                    };
                }
            } catch (Ec2Error e) {
                if (!"DryRunOperation".equals(e.code)) {
                    events.accept(action + " -> " + e.code);
                }
                send(ex, e.status, error(e.code, e.getMessage()));
                return;
            }
            send(ex, 200, xml);
        } catch (IOException e) {
            // the client gave up: nothing to answer
        }
    }

    private String describeAddresses(Map<String, String> p) throws Ec2Error {
        String alloc = p.get("AllocationId.1");
        String ip = p.get("PublicIp.1");
        if (alloc != null && !alloc.equals(allocationId)) {
            throw new Ec2Error("InvalidAllocationID.NotFound", 400, "The allocation ID '" + alloc + "' does not exist");
        }
        if (ip != null && !ip.equals(publicIp)) {
            throw new Ec2Error("InvalidAddress.NotFound", 400, "Address '" + ip + "' not found.");
        }
        StringBuilder item = new StringBuilder("<item><publicIp>").append(publicIp).append("</publicIp>")
                .append("<allocationId>").append(allocationId).append("</allocationId><domain>vpc</domain>");
        Association as = association;
        if (as != null) {
            item.append("<instanceId>").append(as.instance().id()).append("</instanceId>")
                    .append("<associationId>").append(as.id()).append("</associationId>")
                    .append("<networkInterfaceId>").append(eni(as.instance())).append("</networkInterfaceId>")
                    .append("<networkInterfaceOwnerId>123456789012</networkInterfaceOwnerId>")
                    .append("<privateIpAddress>").append(as.instance().privateIp()).append("</privateIpAddress>");
        }
        item.append("<publicIpv4Pool>amazon</publicIpv4Pool><networkBorderGroup>eu-west-1</networkBorderGroup></item>");
        events.accept("DescribeAddresses " + publicIp + ": " + (as == null ? "not associated"
                : "on " + as.instance().id() + " (" + as.instance().name() + ")"));
        return response("DescribeAddresses", "<addressesSet>" + item + "</addressesSet>");
    }

    private String associateAddress(Map<String, String> p) throws Ec2Error {
        String alloc = p.get("AllocationId");
        if (alloc == null) {
            throw new Ec2Error("MissingParameter", 400, "Either public IP or allocation id must be specified");
        }
        if (!alloc.equals(allocationId)) {
            throw new Ec2Error("InvalidAllocationID.NotFound", 400, "The allocation ID '" + alloc + "' does not exist");
        }
        String id = p.get("InstanceId");
        Instance target = id == null ? null : instances.get(id);
        if (target == null) {
            throw new Ec2Error("InvalidInstanceID.NotFound", 400, "The instance ID '" + id + "' does not exist");
        }
        if (association != null && !"true".equals(p.get("AllowReassociation"))) {
            throw new Ec2Error("Resource.AlreadyAssociated", 400, "resource " + allocationId
                    + " is already associated with associationId " + association.id());
        }
        if ("true".equals(p.get("DryRun"))) {
            events.accept("AssociateAddress " + publicIp + " -> " + target.id() + " (" + target.name()
                    + ", DryRun: permission check at start)");
            throw new Ec2Error("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set.");
        }
        if (association == null || association.instance() != target) {
            moves++;
        }
        association = new Association(String.format("eipassoc-%017x", ++associationSeq), target);
        events.accept("AssociateAddress " + publicIp + " -> " + target.id() + " (" + target.name() + ")");
        return response("AssociateAddress", "<return>true</return><associationId>" + association.id()
                + "</associationId>");
    }

    private String disassociateAddress(Map<String, String> p) throws Ec2Error {
        String id = p.get("AssociationId");
        if (association == null || !association.id().equals(id)) {
            throw new Ec2Error("InvalidAssociationID.NotFound", 400, "The association ID '" + id + "' does not exist");
        }
        events.accept("DisassociateAddress " + publicIp + " from " + association.instance().id() + " ("
                + association.instance().name() + ")");
        association = null;
        return response("DisassociateAddress", "<return>true</return>");
    }

    /** Each instance's one interface whose private IP is in the {@code addresses.private-ip-address} filter. */
    private String describeNetworkInterfaces(Map<String, String> p) {
        java.util.List<String> ips = new java.util.ArrayList<>();
        for (int f = 1; p.containsKey("Filter." + f + ".Name"); f++) {
            if ("addresses.private-ip-address".equals(p.get("Filter." + f + ".Name"))) {
                for (int v = 1; p.containsKey("Filter." + f + ".Value." + v); v++) {
                    ips.add(p.get("Filter." + f + ".Value." + v));
                }
            }
        }
        StringBuilder items = new StringBuilder();
        java.util.List<String> found = new java.util.ArrayList<>();
        for (Instance i : instances.values()) {
            if (!ips.contains(i.privateIp())) {
                continue;
            }
            found.add(i.id() + " (" + i.name() + ")");
            items.append("<item><networkInterfaceId>").append(eni(i)).append("</networkInterfaceId>")
                    .append("<subnetId>subnet-0d3e00000000000a1</subnetId><vpcId>vpc-0d3e00000000000a1</vpcId>")
                    .append("<availabilityZone>eu-west-1a</availabilityZone><ownerId>123456789012</ownerId>")
                    .append("<status>in-use</status><privateIpAddress>").append(i.privateIp()).append("</privateIpAddress>")
                    .append("<attachment><attachmentId>eni-attach-").append(i.id().substring(2)).append("</attachmentId>")
                    .append("<instanceId>").append(i.id()).append("</instanceId><deviceIndex>0</deviceIndex>")
                    .append("<status>attached</status></attachment><privateIpAddressesSet><item><privateIpAddress>")
                    .append(i.privateIp()).append("</privateIpAddress><primary>true</primary></item>")
                    .append("</privateIpAddressesSet></item>");
        }
        events.accept("DescribeNetworkInterfaces " + String.join(", ", ips) + ": " + String.join(", ", found));
        return response("DescribeNetworkInterfaces", "<networkInterfaceSet>" + items + "</networkInterfaceSet>");
    }

    private static String eni(Instance i) {
        return "eni-" + i.id().substring(2);
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

    private static String response(String action, String inner) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NS + "\">"
                + "<requestId>" + UUID.randomUUID() + "</requestId>" + inner + "</" + action + "Response>";
    }

    private static String error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>"
                + message.replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error></Errors><RequestID>"
                + UUID.randomUUID() + "</RequestID></Response>";
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
