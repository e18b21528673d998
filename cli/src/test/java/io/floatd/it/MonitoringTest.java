package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.testing.PromText;
import io.floatd.vrrp.status.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring a floatd pair ships with, against real daemons in namespaces ({@code pm*}) scraped over HTTP: their
 * /metrics passes {@code promtool check metrics}; the process_* families agree with what /proc says of the daemon's
 * pid from outside; floatd_state_since_timestamp_seconds is when the state was entered; a refused reload shows until
 * one succeeds; and every metric the alert rules (packaging/prometheus) and the Grafana dashboard (packaging/grafana)
 * name is a family of that real output, so neither can drift from what floatd exports. The dashboard's expressions
 * also pass promtool's PromQL parser.
 */
@Timeout(120)
class MonitoringTest {
    private static final String VIP = Lan.SUBNET_PREFIX + "100";
    private static final int PORT = 19798;
    private static final Duration START = Duration.ofSeconds(15);
    private static final Path PACKAGING = repoRoot().resolve("packaging");
    private static final Path RULES = PACKAGING.resolve("prometheus/floatd.rules.yml");
    private static final Path DASHBOARD = PACKAGING.resolve("grafana/floatd-dashboard.json");
    /** A metric name in PromQL: floatd's own families and the standard process_* ones. */
    private static final Pattern METRIC = Pattern.compile("\\b(?:floatd|process)_[a-z0-9_]+\\b");

    private static Lan lan;
    private final List<FloatdProcess> daemons = new ArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("pm", 2);
    }

    @AfterAll
    static void deleteLan() {
        if (lan != null) {
            lan.close();
        }
    }

    @AfterEach
    void stop() {
        daemons.forEach(FloatdProcess::close);
        daemons.clear();
        for (int n = 0; n < 2; n++) {
            lan.host(n).tryExec("ip", "addr", "del", VIP + "/24", "dev", Lan.IFNAME);
        }
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("packaging/prometheus"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no packaging/prometheus above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    private static String config(int self, int priority, String notify) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        %s/24
                    }
                    floating_ip {
                        provider linux-l2
                    }
                    notify %s
                    notify_master /bin/false
                }
                """.formatted(priority, Lan.address(self), Lan.address(1 - self), VIP, notify);
    }

    private FloatdProcess start(int node, int priority) {
        FloatdProcess p = FloatdProcess.start(lan.host(node), n -> config(node, priority, n),
                "--status-address", "127.0.0.1:" + PORT);
        daemons.add(p);
        return p;
    }

    /** GET /metrics from inside the node's namespace, as a Prometheus on the node would scrape it. */
    private static String scrape(int node) {
        return lan.host(node).exec("curl", "-sS", "--fail", "--max-time", "5", "http://127.0.0.1:" + PORT + "/metrics");
    }

    private static void awaitHealthy(int node) {
        long end = System.nanoTime() + START.toNanos();
        while (!lan.host(node).tryExec("curl", "-sS", "--fail", "--max-time", "2", "http://127.0.0.1:" + PORT + "/healthz")
                .output().contains("ok")) {
            assertTrue(System.nanoTime() < end, "no /healthz ok from node " + node);
            FloatdProcess.sleep(50);
        }
    }

    private record Run(int exit, String output) {
    }

    private Run run(Path stdin, String... command) throws IOException, InterruptedException {
        Path out = tmp.resolve("out-" + System.nanoTime());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Run(p.exitValue(), Files.readString(out));
    }

    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return Path.of(dir, "promtool").toString();
            }
        }
        throw new AssertionError("promtool is not on PATH: bin/test installs it from Debian's prometheus package");
    }

    /** The soft limit and the open descriptors of {@code pid}, and its VmRSS in bytes, read from /proc from outside. */
    private static double[] procOf(long pid) throws IOException {
        Path dir = Path.of("/proc", Long.toString(pid));
        String limits = Files.readAllLines(dir.resolve("limits")).stream().filter(l -> l.startsWith("Max open files"))
                .findFirst().orElseThrow();
        double max = Double.parseDouble(limits.substring("Max open files".length()).strip().split("\\s+")[0]);
        double fds;
        try (Stream<Path> s = Files.list(dir.resolve("fd"))) {
            fds = s.count();
        }
        String rss = Files.readAllLines(dir.resolve("status")).stream().filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow();
        return new double[] {max, fds, Double.parseDouble(rss.substring(6).strip().split("\\s+")[0]) * 1024};
    }

    private static Set<String> metricNames(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> dashboardExpressions() throws IOException {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(DASHBOARD));
        List<String> out = new ArrayList<>();
        for (Object panel : (List<Object>) doc.get("panels")) {
            for (Object target : (List<Object>) ((Map<String, Object>) panel).get("targets")) {
                out.add((String) ((Map<String, Object>) target).get("expr"));
            }
        }
        return out;
    }

    @Test
    void aRealPairsMetricsPassPromtoolAgreeWithProcAndNameEveryMetricOfTheRulesAndTheDashboard() throws Exception {
        FloatdProcess master = start(0, 150);
        master.awaitState("MASTER", START);
        FloatdProcess backup = start(1, 100);
        backup.awaitState("BACKUP", START);
        awaitHealthy(0);
        awaitHealthy(1);
        FloatdProcess.sleep(300); // a few adverts heard by the Backup

        String masterText = scrape(0);
        String backupText = scrape(1);
        long scrapedAt = System.currentTimeMillis();
        for (String text : List.of(masterText, backupText)) {
            Path file = Files.writeString(tmp.resolve("metrics-" + System.nanoTime() + ".txt"), text);
            Run check = run(file, promtool(), "check", "metrics");
            assertEquals(0, check.exit(), "promtool check metrics:\n" + check.output() + "\n" + text);
            assertEquals("", check.output().strip(), "promtool's lint found problems:\n" + check.output());
        }
        PromText m = PromText.parse(masterText);
        PromText b = PromText.parse(backupText);

        // process_*: what /proc says of the daemon's pid, read from outside it
        double[] proc = procOf(master.pid());
        assertEquals(proc[0], m.value("process_max_fds"), "the soft limit floatd runs with (it raises it at start)");
        assertEquals(proc[1], m.value("process_open_fds"), 8, "open descriptors, give or take a connection");
        assertEquals(proc[2], m.value("process_resident_memory_bytes"), proc[2] * 0.25);
        long started = ProcessHandle.of(master.pid()).orElseThrow().info().startInstant().orElseThrow().toEpochMilli();
        assertEquals(started / 1000.0, m.value("process_start_time_seconds"), 1.0);
        assertTrue(m.value("process_cpu_seconds_total") > 0.1, "a JVM that started and elected spent CPU");
        assertTrue(m.value("process_virtual_memory_bytes") > m.value("process_resident_memory_bytes"));

        // the state's start as an epoch timestamp: when the log says it was entered (the line is written a little
        // later, on a loaded machine up to a few hundred ms); the deprecated age agrees
        double masterSince = m.value("floatd_state_since_timestamp_seconds", "instance", "VI_1");
        assertEquals(master.loggedAt("Entering MASTER STATE") / 1e9, masterSince, 0.5, masterText);
        assertTrue(masterSince * 1e9 <= master.loggedAt("Entering MASTER STATE") + 1e6, "entered before it was logged");
        assertEquals(backup.loggedAt("Entering BACKUP STATE") / 1e9,
                b.value("floatd_state_since_timestamp_seconds", "instance", "VI_1"), 0.5);
        assertEquals(scrapedAt / 1000.0, masterSince + m.value("floatd_state_since_seconds", "instance", "VI_1"), 2.0);

        // what the rules join and alert on
        assertEquals(1, m.value("floatd_instance_info", "instance", "VI_1", "vrid", "51", "interface", "eth0", "version", "3"));
        assertEquals(1, m.value("floatd_floating_ip_held", "instance", "VI_1"));
        assertEquals(0, b.value("floatd_floating_ip_held", "instance", "VI_1"));
        assertEquals(0, m.value("floatd_provider_breaker_open", "instance", "VI_1"));
        assertTrue(b.value("floatd_last_advert_age_seconds", "instance", "VI_1") < 1, "the Backup hears the Master");
        assertTrue(m.value("floatd_notify_script_failures_total") >= 1, "notify_master /bin/false failed:\n" + masterText);
        assertEquals(0, b.value("floatd_notify_script_failures_total"), "the Backup ran only its notify script, which succeeds");
        assertEquals(1, m.value("floatd_config_last_reload_successful"));

        // every metric the rules and the dashboard name is a family of the real output
        Set<String> exported = new TreeSet<>(m.families.keySet());
        Set<String> used = new TreeSet<>(metricNames(Files.readString(RULES)));
        List<String> expressions = dashboardExpressions();
        expressions.forEach(e -> used.addAll(metricNames(e)));
        used.addAll(metricNames(Files.readString(DASHBOARD)));
        assertTrue(used.size() >= 20, "the rules and the dashboard name " + used);
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(exported);
        assertEquals(Set.of(), unknown, "named by the rules or the dashboard but not exported by floatd");

        // the dashboard's PromQL parses: each expression as a recording rule, with Grafana's variables filled in
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            String expr = expressions.get(i).replace("$__rate_interval", "1m").replace("$job", ".*");
            rules.append("      - record: dashboard:expr").append(i).append('\n')
                    .append("        expr: \"").append(expr.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append("\"\n");
        }
        Path file = Files.writeString(tmp.resolve("dashboard.rules.yml"), rules);
        Run check = run(null, promtool(), "check", "rules", file.toString());
        assertEquals(0, check.exit(), check.output() + "\n" + rules);
        assertTrue(check.output().contains("SUCCESS: " + expressions.size() + " rules found"), check.output());
    }

    @Test
    void aRefusedReloadShowsInTheReloadMetricsUntilOneSucceeds() throws Exception {
        FloatdProcess node = start(0, 150);
        node.awaitState("MASTER", START);
        awaitHealthy(0);
        PromText before = PromText.parse(scrape(0));
        assertEquals(1, before.value("floatd_config_last_reload_successful"), "the start loaded the configuration");
        assertEquals(0, before.value("floatd_config_reloads_total", "result", "failure"));
        assertEquals(0, before.value("floatd_config_reloads_total", "result", "success"));
        double loaded = before.value("floatd_config_last_reload_success_timestamp_seconds");
        long pidStart = ProcessHandle.of(node.pid()).orElseThrow().info().startInstant().orElseThrow().getEpochSecond();
        assertEquals(pidStart, loaded, 10, "the start is the first successful load");

        Path conf = node.dir().resolve("floatd.conf");
        String good = Files.readString(conf);
        Files.writeString(conf, good.replace("virtual_router_id 51", "virtual_router_id 300"));
        Netns.run("kill", "-HUP", Long.toString(node.pid()));
        node.awaitLog("Reload failed: configuration unchanged", Duration.ofSeconds(10));
        PromText failed = PromText.parse(scrape(0));
        assertEquals(0, failed.value("floatd_config_last_reload_successful"));
        assertEquals(1, failed.value("floatd_config_reloads_total", "result", "failure"));
        assertEquals(loaded, failed.value("floatd_config_last_reload_success_timestamp_seconds"));

        Files.writeString(conf, good);
        long asked = System.currentTimeMillis();
        Netns.run("kill", "-HUP", Long.toString(node.pid()));
        node.awaitLog("Reload done", Duration.ofSeconds(10));
        PromText fixed = PromText.parse(scrape(0));
        assertEquals(1, fixed.value("floatd_config_last_reload_successful"));
        assertEquals(1, fixed.value("floatd_config_reloads_total", "result", "success"));
        assertEquals(1, fixed.value("floatd_config_reloads_total", "result", "failure"));
        assertTrue(fixed.value("floatd_config_last_reload_success_timestamp_seconds") >= asked / 1000.0 - 0.01,
                "the success time moved to the reload");
    }
}
