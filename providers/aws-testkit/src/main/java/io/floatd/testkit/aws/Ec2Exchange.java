package io.floatd.testkit.aws;

import static io.floatd.testkit.aws.Ec2Query.error;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.floatd.testkit.aws.Ec2TestEndpoint.Answered;
import io.floatd.testkit.aws.Ec2TestEndpoint.Fault;
import io.floatd.testkit.aws.Ec2TestEndpoint.Request;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request to the fake EC2, from the HTTP exchange to the answer: the form is read, the request logged and
 * counted, its fault (if any) applied, then the action carried out under the store's lock and answered with its
 * document or EC2's error document.
 */
final class Ec2Exchange implements HttpHandler {
    private static final long MAX_SLOW_MS = 10_000;

    private final Ec2Store store;
    private final Ec2Faults faults;
    private final Ec2AddressActions addresses;
    private final Ec2InterfaceActions interfaces;
    private final Ec2Ipv6Actions ipv6;
    private final Ec2RouteActions routes;
    private final AtomicInteger inFlight = new AtomicInteger();

    Ec2Exchange(Ec2Store store, Ec2Faults faults, Ec2RouteActions routes) {
        this.store = store;
        this.faults = faults;
        this.addresses = new Ec2AddressActions(store);
        this.interfaces = new Ec2InterfaceActions(store);
        this.ipv6 = new Ec2Ipv6Actions(store);
        this.routes = routes;
    }

    /** Requests being handled now. */
    int inFlight() {
        return inFlight.get();
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        long receivedAt = Ec2TestEndpoint.epochNanos();
        inFlight.incrementAndGet();
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 400, error("InvalidRequest", "EC2 takes POST"));
                return;
            }
            Map<String, String> params = Ec2Query.form(new String(body, StandardCharsets.UTF_8));
            String action = params.getOrDefault("Action", "");
            Fault fault;
            Request request = new Request(action, params, ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRemoteAddress().getPort(), ex.getRemoteAddress().getAddress().getHostAddress(), receivedAt);
            synchronized (store.lock) {
                store.calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
                store.log.add(request);
                fault = faults.next(action);
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
            answer(ex, request, receivedAt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Carries the request out under the lock, tells the observer, and sends the document or the error. */
    private void answer(HttpExchange ex, Request request, long receivedAt) throws IOException {
        String xml;
        try {
            synchronized (store.lock) {
                try {
                    xml = dispatch(request.action(), request.params(), receivedAt);
                } catch (Ec2Error e) {
                    store.observer.accept(new Answered(request, e.code));
                    throw e;
                }
                store.observer.accept(new Answered(request, null));
            }
        } catch (Ec2Error e) {
            send(ex, e.status, error(e.code, e.getMessage()));
            return;
        }
        send(ex, 200, xml);
    }

    private String dispatch(String action, Map<String, String> p, long at) throws Ec2Error {
        return switch (action) {
            case "DescribeAddresses" -> addresses.describeAddresses(p);
            case "AssociateAddress" -> addresses.associateAddress(p, at);
            case "DisassociateAddress" -> addresses.disassociateAddress(p, at);
            case "DescribeNetworkInterfaces" -> interfaces.describeNetworkInterfaces(p);
            case "AssignPrivateIpAddresses" -> interfaces.assignPrivateIpAddresses(p);
            case "UnassignPrivateIpAddresses" -> interfaces.unassignPrivateIpAddresses(p);
            case "DescribeInstances" -> interfaces.describeInstances(p);
            case "AssignIpv6Addresses" -> ipv6.assignIpv6Addresses(p, at);
            case "UnassignIpv6Addresses" -> ipv6.unassignIpv6Addresses(p, at);
            case "DescribeSubnets" -> ipv6.describeSubnets(p);
            case "DescribeRouteTables" -> routes.describeRouteTables(p);
            case "CreateRoute" -> routes.routeWrite(p, at, "CreateRoute");
            case "ReplaceRoute" -> routes.routeWrite(p, at, "ReplaceRoute");
            case "DeleteRoute" -> routes.routeWrite(p, at, "DeleteRoute");
            case "DescribeNetworkInterfaceAttribute" -> interfaces.describeNetworkInterfaceAttribute(p);
            default -> throw new Ec2Error("InvalidAction", "The action " + action + " is not valid for this web service.");
        };
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
}
