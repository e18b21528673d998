package io.floatd.it;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * EC2's {@code DescribeRouteTables}, and nothing else, for {@code drill.sh}'s route check run by the real AWS CLI
 * ({@code aws --endpoint-url}): the route tables are files in a directory, one per table named by its id, holding the
 * network interface that the table's route to {@link #DEST} targets (no file content: no such route), so that the
 * nodes' notify scripts can move the route the way a keepalived {@code notify_master} running {@code aws ec2
 * replace-route} does. It stands in for the cloud while floatd's own {@code mode route_table} and the route-table
 * calls of {@code Ec2TestEndpoint} are on other branches of issue 16.
 *
 * <p>Shapes validated against EC2's published API model ({@code ec2/2016-11-15/service-2.json} as shipped in
 * botocore, the AWS CLI's model): the request is a form-encoded POST with {@code Action=DescribeRouteTables},
 * {@code Version=2016-11-15} and {@code RouteTableId.N} (shape {@code DescribeRouteTablesRequest}, member
 * {@code RouteTableIds}, locationName {@code RouteTableId}); the answer is {@code DescribeRouteTablesResponse} in the
 * namespace {@code http://ec2.amazonaws.com/doc/2016-11-15/} with {@code requestId} and {@code routeTableSet/item}
 * ({@code RouteTable}: {@code routeTableId}, {@code vpcId}, {@code routeSet/item}), each route ({@code Route}:
 * {@code destinationCidrBlock}, {@code gatewayId} or {@code networkInterfaceId}, {@code state} from
 * {@code RouteState} "active", {@code origin} from {@code RouteOrigin}). An unknown table is EC2's error document
 * ({@code Response/Errors/Error/Code,Message}, {@code RequestID}) with HTTP 400 and code
 * {@code InvalidRouteTableID.NotFound} (EC2 API reference, "Error codes for the Amazon EC2 API").
 */
final class RouteTablesStandIn implements AutoCloseable {
    static final String DEST = "192.168.100.10/32";
    static final String VPC = "vpc-0123456789abcdef0";
    static final String VPC_CIDR = "10.199.0.0/16";
    private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private final HttpServer server;
    private final Path dir;
    final AtomicInteger reads = new AtomicInteger();

    private RouteTablesStandIn(HttpServer server, Path dir) {
        this.server = server;
        this.dir = dir;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** Listens on {@code address} inside {@code ns}; the tables are the files of {@code dir}. */
    static RouteTablesStandIn inside(Netns ns, String address, Path dir) {
        return new RouteTablesStandIn(
                ns.runInside(() -> HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0)), dir);
    }

    URI uri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (!"POST".equals(ex.getRequestMethod()) || !"DescribeRouteTables".equals(form.get("Action"))
                    || !"2016-11-15".equals(form.get("Version"))) {
                error(ex, 400, "InvalidAction", "The action " + form.get("Action") + " is not valid for this web service.");
                return;
            }
            reads.incrementAndGet();
            List<String> ids = new ArrayList<>();
            for (int n = 1; form.containsKey("RouteTableId." + n); n++) {
                ids.add(form.get("RouteTableId." + n));
            }
            StringBuilder items = new StringBuilder();
            for (String id : ids) {
                Path table = dir.resolve(id);
                if (!id.matches("rtb-[0-9a-f]+") || !Files.isRegularFile(table)) {
                    error(ex, 400, "InvalidRouteTableID.NotFound", "The routeTable ID '" + id + "' does not exist");
                    return;
                }
                String eni = Files.readString(table).strip();
                items.append("<item><routeTableId>").append(id).append("</routeTableId><vpcId>").append(VPC)
                        .append("</vpcId><routeSet>")
                        .append("<item><destinationCidrBlock>").append(VPC_CIDR).append("</destinationCidrBlock>")
                        .append("<gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item>");
                if (!eni.isEmpty()) {
                    items.append("<item><destinationCidrBlock>").append(DEST).append("</destinationCidrBlock>")
                            .append("<networkInterfaceId>").append(eni).append("</networkInterfaceId>")
                            .append("<state>active</state><origin>CreateRoute</origin></item>");
                }
                items.append("</routeSet><associationSet/><propagatingVgwSet/><tagSet/></item>");
            }
            send(ex, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeRouteTablesResponse xmlns=\"" + NS
                    + "\"><requestId>" + UUID.randomUUID() + "</requestId><routeTableSet>" + items
                    + "</routeTableSet></DescribeRouteTablesResponse>");
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        send(ex, status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code
                + "</Code><Message>" + message + "</Message></Error></Errors><RequestID>" + UUID.randomUUID()
                + "</RequestID></Response>");
    }

    private static void send(HttpExchange ex, int status, String xml) throws IOException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
