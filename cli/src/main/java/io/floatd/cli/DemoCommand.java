package io.floatd.cli;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.vrrp.config.ConfigException;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.runtime.VrrpDaemon;
import io.floatd.vrrp.timer.MasterDownTimer;
import io.floatd.vrrp.transport.MemoryWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code floatd demo}: two floatd nodes in this process, on an in-process wire, electing a Master that moves an
 * Elastic IP with the real {@code aws} provider (the AWS SDK, AssociateAddress / DisassociateAddress) against an
 * embedded EC2 Query API endpoint on 127.0.0.1 (the project's fake EC2, {@link Ec2TestEndpoint}); then a crash of
 * the Master, its return and preemption, and a planned handover and resume, printed as a timeline with measured
 * times. Needs no root, no network beyond loopback and no cloud account. The provider is found as {@code floatd run}
 * finds it (ServiceLoader) and pointed at the endpoint as a user would point it at LocalStack: through the SDK's own
 * system settings ({@code aws.endpointUrlEc2}, {@code aws.accessKeyId}, {@code aws.secretAccessKey}), set for the
 * demo's run only.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show an election, a failover and a handover between two nodes in one process.")
final class DemoCommand implements Callable<Integer> {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
    static final String IP = "203.0.113.10";
    private static final String ALLOCATION = "eipalloc-0d3e000000000001a";
    private static final Node LB1 = new Node("i-0b1000000000000a1", "192.0.2.1", "lb1");
    private static final Node LB2 = new Node("i-0b1000000000000a2", "192.0.2.2", "lb2");
    /** The SDK's settings that point the provider at the embedded endpoint with static demo credentials. */
    private static final String ENDPOINT_PROPERTY = "aws.endpointUrlEc2";
    private static final Map<String, String> CREDENTIALS = Map.of("aws.accessKeyId", "AKIADEMO0FLOATD0DEMO",
            "aws.secretAccessKey", "floatd-demo-not-a-secret");

    /** One instance of the demo: its id, its primary private IP and the demo's name for it. */
    private record Node(String id, String privateIp, String name) {
        String eni() {
            return "eni-" + id.substring(2);
        }
    }

    @CommandLine.Option(names = "--verbose", description = "Also print the daemons' own log lines.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    /** The demo's one clock: the daemons' and the printed timeline's, so the times shown are theirs. */
    private final NanoClock clock = NanoClock.SYSTEM;
    private final long t0 = clock.nanoTime();
    private final MemoryWire wire = new MemoryWire();
    private Ec2TestEndpoint ec2;
    /** The instance the Elastic IP was last associated with, for the DisassociateAddress line. */
    private Node associated;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (verbose) {
            LogSetup.install(false, System.err);
        } else {
            java.util.logging.LogManager.getLogManager().reset();
        }
        try (Ec2TestEndpoint endpoint = new Ec2TestEndpoint()) {
            ec2 = endpoint.instance(LB1.id(), LB1.eni(), LB1.privateIp()).instance(LB2.id(), LB2.eni(), LB2.privateIp())
                    .elasticIp(ALLOCATION, IP).observe(this::cloud);
            Map<String, String> settings = new LinkedHashMap<>(CREDENTIALS);
            settings.put(ENDPOINT_PROPERTY, ec2.uri().toString());
            Map<String, String> before = new LinkedHashMap<>();
            settings.forEach((k, v) -> before.put(k, System.setProperty(k, v)));
            try {
                return demo();
            } finally {
                before.forEach((k, v) -> {
                    if (v == null) {
                        System.clearProperty(k);
                    } else {
                        System.setProperty(k, v);
                    }
                });
            }
        }
    }

    private int demo() throws Exception {
        intro();
        event("demo", "starting lb1 and lb2 (each loads the AWS SDK and checks the EC2 permissions at start)");
        VrrpDaemon first = start(LB1, 150, LB2);
        VrrpDaemon lb2 = start(LB2, 100, LB1);
        await("lb1 elected and holding the IP", () -> "lb1".equals(holder()) && master(first));
        failover(first, lb2);
        VrrpDaemon lb1 = preemption();
        handover(lb1, lb2);
        resume(lb1);
        pause(100); // let lb1's takeover finish its book-keeping (it schedules the recheck) before the end
        lb1.close();
        lb2.close();
        out.println();
        out.printf("summary: 1 election, 1 failover, 2 preemptions, 1 handover; the IP moved %d times, "
                + "each by an AssociateAddress call.%n", moves());
        out.flush();
        return FloatdCommand.EXIT_OK;
    }

    private void intro() {
        out.println("floatd demo: nodes lb1 (priority 150, " + LB1.id() + ") and lb2 (priority 100, " + LB2.id()
                + "), VRRPv3,");
        out.println("advert_int 0.1 s, on an in-process wire. Both move the Elastic IP " + IP + " with the aws provider");
        out.println("(AWS SDK, region eu-west-1, static demo credentials) through an embedded EC2 API endpoint on "
                + ec2.uri().getAuthority() + ".");
        out.println("Times since start; \"cloud\" lines are the EC2 API calls the endpoint received.");
        out.println();
    }

    /** A crash of the Master (no priority-0 advert, nothing released) and lb2's takeover. */
    private void failover(VrrpDaemon first, VrrpDaemon lb2) throws InterruptedException {
        long mdi = MasterDownTimer.masterDownIntervalNanos(3, 100, 10);
        pause(500);
        out.println();
        event("demo", "kill -9 lb1 (a crash: no priority-0 advert, nothing released)");
        long killed = clock.nanoTime();
        first.close();
        await("lb2 takes over", () -> master(lb2));
        long elected = clock.nanoTime();
        await("the IP moves to lb2", () -> "lb2".equals(holder()));
        long moved = clock.nanoTime();
        event("demo", String.format("failover: lb2 MASTER %.0f ms after the kill (Master_Down_Interval %.0f ms), "
                + "IP associated with lb2 %.0f ms after that", ms(elected - killed), ms(mdi), ms(moved - elected)));
    }

    /** lb1 comes back with the higher priority and takes mastership back. */
    private VrrpDaemon preemption() throws Exception {
        pause(500);
        out.println();
        event("demo", "lb1 restarts; it has the higher priority and preempts");
        long restarted = clock.nanoTime();
        VrrpDaemon lb1 = start(LB1, 150, LB2);
        await("lb1 takes mastership back", () -> master(lb1) && "lb1".equals(holder()));
        event("demo", String.format("preemption: lb1 MASTER and holding the IP %.0f ms after its start",
                ms(clock.nanoTime() - restarted)));
        return lb1;
    }

    private void handover(VrrpDaemon lb1, VrrpDaemon lb2) throws InterruptedException {
        pause(500);
        out.println();
        event("demo", "planned handover: floatd handover VI_1 on lb1 (priority-0 advert; lb1 stays Backup until resume)");
        long handoverAt = clock.nanoTime();
        lb1.handover("VI_1");
        await("lb2 takes over within Skew_Time", () -> master(lb2) && "lb2".equals(holder()));
        event("demo", String.format("handover: lb2 MASTER and holding the IP %.0f ms after the handover (Skew_Time %.0f ms)",
                ms(clock.nanoTime() - handoverAt), ms(MasterDownTimer.skewTimeNanos(3, 100, 10))));
    }

    private void resume(VrrpDaemon lb1) throws InterruptedException {
        pause(500);
        out.println();
        event("demo", "maintenance done: floatd resume VI_1 on lb1; it takes part again and preempts");
        long resumeAt = clock.nanoTime();
        lb1.resume("VI_1");
        await("lb1 takes mastership back after resume", () -> master(lb1) && "lb1".equals(holder()));
        event("demo", String.format("resume: lb1 MASTER and holding the IP %.0f ms after the resume",
                ms(clock.nanoTime() - resumeAt)));
    }

    private VrrpDaemon start(Node self, int priority, Node peer)
            throws IOException, ProviderException, ConfigException {
        String name = self.name();
        String conf = template().replace("@NAME@", name).replace("@PRIORITY@", Integer.toString(priority))
                .replace("@SELF@", self.privateIp()).replace("@PEER@", peer.privateIp())
                .replace("@INSTANCE@", self.id());
        FloatdConfig config = ConfigParser.parse(conf, "demo-" + name + ".conf");
        DaemonOptions options = new DaemonOptions(null, false, Duration.ofSeconds(5),
                (source, ifname) -> wire.attach(source), DaemonOptions.ProviderLookup.serviceLoader(), clock);
        VrrpDaemon d = VrrpDaemon.create(config, options);
        d.instances().forEach(i -> i.runner().addListener(t -> transition(name, t)));
        d.start();
        return d;
    }

    /** The demo name of the instance the Elastic IP is associated with, or null. */
    private String holder() {
        Ec2TestEndpoint.Association a = ec2.address(ALLOCATION);
        return a == null ? null : node(a.instanceId()).name();
    }

    /** How many times AssociateAddress moved the Elastic IP to another instance. */
    private int moves() {
        int moves = 0;
        String on = null;
        for (Ec2TestEndpoint.Change c : ec2.changes()) {
            if (c.instanceId() != null && !c.instanceId().equals(on)) {
                moves++;
            }
            on = c.instanceId();
        }
        return moves;
    }

    private static Node node(String instanceId) {
        return LB1.id().equals(instanceId) ? LB1 : LB2.id().equals(instanceId) ? LB2
                : new Node(String.valueOf(instanceId), "", "?");
    }

    /** One "cloud" line per EC2 call the endpoint carried out or refused, read while it holds its state. */
    private void cloud(Ec2TestEndpoint.Answered a) {
        String action = a.request().action();
        Map<String, String> p = a.request().params();
        if ("DryRunOperation".equals(a.errorCode())) {
            Node target = node(p.get("InstanceId"));
            event("cloud", "AssociateAddress " + IP + " -> " + target.id() + " (" + target.name()
                    + ", DryRun: permission check at start)");
            return;
        }
        if (a.errorCode() != null) {
            event("cloud", action + " -> " + a.errorCode());
            return;
        }
        switch (action) {
            case "DescribeAddresses" -> {
                Ec2TestEndpoint.Association as = ec2.address(ALLOCATION);
                event("cloud", "DescribeAddresses " + IP + ": " + (as == null ? "not associated"
                        : "on " + as.instanceId() + " (" + node(as.instanceId()).name() + ")"));
            }
            case "AssociateAddress" -> {
                associated = node(ec2.address(ALLOCATION).instanceId());
                event("cloud", "AssociateAddress " + IP + " -> " + associated.id() + " (" + associated.name() + ")");
            }
            case "DisassociateAddress" -> {
                Node from = associated == null ? node(null) : associated;
                associated = null;
                event("cloud", "DisassociateAddress " + IP + " from " + from.id() + " (" + from.name() + ")");
            }
            case "DescribeNetworkInterfaces" -> {
                List<String> ips = new ArrayList<>();
                for (int f = 1; p.containsKey("Filter." + f + ".Name"); f++) {
                    if ("addresses.private-ip-address".equals(p.get("Filter." + f + ".Name"))) {
                        for (int v = 1; p.containsKey("Filter." + f + ".Value." + v); v++) {
                            ips.add(p.get("Filter." + f + ".Value." + v));
                        }
                    }
                }
                List<String> found = new ArrayList<>();
                for (Node n : List.of(LB1, LB2)) {
                    if (ips.contains(n.privateIp())) {
                        found.add(n.id() + " (" + n.name() + ")");
                    }
                }
                event("cloud", "DescribeNetworkInterfaces " + String.join(", ", ips) + ": " + String.join(", ", found));
            }
            default -> event("cloud", action);
        }
    }

    private void transition(String node, Transition t) {
        event(node, t.from() + " -> " + t.to() + " (" + t.reason() + ")");
    }

    private static boolean master(VrrpDaemon d) {
        return d.instances().getFirst().runner().state().state() == VrrpState.MASTER;
    }

    private synchronized void event(String who, String what) {
        out.printf("%9s ms  %-5s  %s%n", String.format("+%.1f", ms(clock.nanoTime() - t0)), who, what);
        out.flush();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = clock.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (clock.nanoTime() > end) {
                throw new IllegalStateException("demo step did not happen within " + STEP_TIMEOUT + ": " + what);
            }
            Thread.sleep(1);
        }
    }

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String template() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo-node.conf")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
