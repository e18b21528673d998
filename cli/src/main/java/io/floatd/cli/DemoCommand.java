package io.floatd.cli;

import io.floatd.vrrp.config.ConfigException;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.NanoClock;
import io.floatd.vrrp.runtime.Transition;
import io.floatd.vrrp.runtime.VrrpDaemon;
import io.floatd.vrrp.timer.MasterDownTimer;
import io.floatd.vrrp.transport.MemoryWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code floatd demo}: two floatd nodes in this process, on an in-process wire, electing a Master that moves an
 * IP through an embedded cloud stand-in; then a crash of the Master, its return, and a planned handover,
 * printed as a timeline with measured times. Needs no root, no network and no cloud account.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show an election, a failover and a handover between two nodes in one process.")
final class DemoCommand implements Callable<Integer> {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

    @CommandLine.Option(names = "--verbose", description = "Also print the daemons' own log lines.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private final long t0 = System.nanoTime();
    private final MemoryWire wire = new MemoryWire();
    private DemoCloud cloud;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (verbose) {
            LogSetup.install(false, System.err);
        } else {
            java.util.logging.LogManager.getLogManager().reset();
        }
        cloud = new DemoCloud(e -> event("cloud", e));
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        out.println("floatd demo: nodes lb1 (priority 150) and lb2 (priority 100), VRRPv3, advert_int 0.1 s,");
        out.println("moving " + DemoCloud.IP + " through an embedded cloud API (15 ms per call). Times since start.");
        out.println();

        VrrpDaemon first = start("lb1", 150, a, b);
        VrrpDaemon lb2 = start("lb2", 100, b, a);
        await("lb1 elected and holding the IP", () -> "lb1".equals(cloud.holder()) && master(first));
        long mdi = MasterDownTimer.masterDownIntervalNanos(3, 100, 10);

        pause(500);
        out.println();
        event("demo", "kill -9 lb1 (a crash: no priority-0 advert, nothing released)");
        long killed = System.nanoTime();
        first.close();
        await("lb2 takes over", () -> master(lb2));
        long elected = System.nanoTime();
        await("the IP moves to lb2", () -> "lb2".equals(cloud.holder()));
        long moved = System.nanoTime();
        event("demo", String.format("failover: lb2 MASTER %.0f ms after the kill (Master_Down_Interval %.0f ms), IP moved %.0f ms after that",
                ms(elected - killed), ms(mdi), ms(moved - elected)));

        pause(500);
        out.println();
        event("demo", "lb1 restarts; it has the higher priority and preempts");
        VrrpDaemon lb1 = start("lb1", 150, a, b);
        await("lb1 takes mastership back", () -> master(lb1) && "lb1".equals(cloud.holder()));

        pause(500);
        out.println();
        event("demo", "planned handover: lb1 stops gracefully (priority-0 advert, IP released)");
        long stopAt = System.nanoTime();
        lb1.shutdown();
        await("lb2 takes over within Skew_Time", () -> master(lb2) && "lb2".equals(cloud.holder()));
        event("demo", String.format("handover: lb2 MASTER and holding the IP %.0f ms after the stop (Skew_Time %.0f ms)",
                ms(System.nanoTime() - stopAt), ms(MasterDownTimer.skewTimeNanos(3, 100, 10))));
        lb2.shutdown();
        out.println();
        out.printf("summary: 1 election, 1 failover, 1 preemption, 1 handover; the IP moved %d times.%n", cloud.moves());
        out.flush();
        return FloatdCommand.EXIT_OK;
    }

    private VrrpDaemon start(String name, int priority, InetAddress self, InetAddress peer)
            throws IOException, ProviderException, ConfigException {
        String conf = template().replace("@NAME@", name).replace("@PRIORITY@", Integer.toString(priority))
                .replace("@SELF@", self.getHostAddress()).replace("@PEER@", peer.getHostAddress());
        FloatdConfig config = ConfigParser.parse(conf, "demo-" + name + ".conf");
        DaemonOptions options = new DaemonOptions("demo-cloud", false, Duration.ofSeconds(5),
                (source, ifname) -> wire.attach(source), n -> Optional.of(cloud.factory(name)), NanoClock.SYSTEM);
        VrrpDaemon d = VrrpDaemon.create(config, options);
        d.instances().forEach(i -> i.runner().addListener(t -> transition(name, t)));
        d.start();
        return d;
    }

    private void transition(String node, Transition t) {
        event(node, t.from() + " -> " + t.to() + " (" + t.reason() + ")");
    }

    private static boolean master(VrrpDaemon d) {
        return d.instances().getFirst().runner().state().state() == VrrpState.MASTER;
    }

    private synchronized void event(String who, String what) {
        out.printf("%8.1f ms  %-5s  %s%n", ms(System.nanoTime() - t0), who, what);
        out.flush();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
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
