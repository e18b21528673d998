package io.floatd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.PromText;
import io.floatd.vrrp.control.ControlAccess;
import io.floatd.vrrp.control.ControlProtocol;
import io.floatd.vrrp.control.ControlSocket;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.runtime.VrrpDaemon;
import io.floatd.vrrp.status.Json;
import io.floatd.vrrp.status.StatusSnapshot;
import io.floatd.vrrp.transport.MemoryWire;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The status endpoint on an ephemeral port in front of two complete daemons on the in-process wire: /status,
 * /metrics (every line parsed), /healthz, and that a stuck VRRP loop does not stop it from answering.
 */
@Timeout(60)
class StatusEndpointTest {
    private static final InetAddress A = ip("192.0.2.1");
    private static final InetAddress B = ip("192.0.2.2");
    /** A track_file whose value 0 leaves the priority as configured. */
    private static final String TRACK_FILE = trackFile();

    private final MemoryWire wire = new MemoryWire();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private volatile String holder;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        http.close();
    }

    private static String trackFile() {
        try {
            Path f = Files.createTempFile("floatd-status-track", ".value");
            Files.writeString(f, "0\n");
            f.toFile().deleteOnExit();
            return f.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(m);
        out.values().removeIf(java.util.Objects::isNull);
        return out;
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String conf(int priority, InetAddress self, InetAddress peer) {
        return """
                vrrp_script chk_ok {
                    script "/bin/true"
                    interval 0.2
                }
                track_file tf {
                    file "%s"
                    weight -5
                }
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
                        203.0.113.10
                    }
                    track_script {
                        chk_ok
                    }
                    track_file {
                        tf
                    }
                }
                """.formatted(TRACK_FILE, priority, self.getHostAddress(), peer.getHostAddress());
    }

    private VrrpDaemon start(String text, String node) throws Exception {
        FloatdConfig config = ConfigParser.parse(text, node + ".conf");
        FloatingIpProviderFactory factory = new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) {
                return new FloatingIpProvider() {
                    @Override
                    public Holder holder() {
                        String h = holder;
                        return h == null ? Holder.nobody() : h.equals(node) ? Holder.self(node) : Holder.peer(h);
                    }

                    @Override
                    public void acquire() {
                        holder = node;
                    }

                    @Override
                    public void release() {
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        DaemonOptions options = new DaemonOptions("recording", false, Duration.ofSeconds(5),
                (source, ifname) -> wire.attach(source), name -> Optional.of(factory), NanoClock.SYSTEM);
        VrrpDaemon d = VrrpDaemon.create(config, options);
        closing.add(d);
        d.start();
        return d;
    }

    private StatusServer serve(VrrpDaemon d) throws IOException {
        StatusServer s = StatusServer.start(HostPort.parse("127.0.0.1:0"), () -> StatusSnapshot.of(d, "test"),
                () -> d.loop().alive());
        closing.add(s);
        return s;
    }

    private HttpResponse<String> get(StatusServer s, String path) throws Exception {
        return send(s, HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    private HttpResponse<String> send(StatusServer s, HttpRequest req) throws Exception {
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(StatusServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.address().getPort() + path);
    }

    private static VrrpState state(VrrpDaemon d) {
        return d.instances().getFirst().runner().state().state();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstInstance(String json) {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(json);
        return (Map<String, Object>) ((List<Object>) doc.get("instances")).getFirst();
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusMetricsAndHealthOfARunningPair() throws Exception {
        VrrpDaemon a = start(conf(150, A, B), "a");
        VrrpDaemon b = start(conf(100, B, A), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP && "a".equals(holder));
        await(() -> a.instances().getFirst().takeovers().getFirst().orchestrator().lastTakeover() != null
                && a.tracking("VI_1").script("chk_ok").stats().runs() >= 1);
        StatusServer sa = serve(a);
        StatusServer sb = serve(b);

        // /status of the Backup
        HttpResponse<String> r = get(sb, "/status");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        Map<String, Object> vi = firstInstance(r.body());
        assertEquals("VI_1", vi.get("name"));
        assertEquals("BACKUP", vi.get("state"));
        assertEquals(Map.of("effective", 100L, "configured", 100L), vi.get("priority"));
        assertEquals("192.0.2.1", ((Map<String, Object>) vi.get("master")).get("address"));
        assertEquals(150L, ((Map<String, Object>) vi.get("master")).get("priority"));
        double advertAgo = ((Number) vi.get("last_advert_ms_ago")).doubleValue();
        assertTrue(advertAgo >= 0 && advertAgo < 1000, "last advert " + advertAgo + " ms ago at advert_int 0.1");
        assertTrue(((Number) vi.get("since_seconds")).doubleValue() >= 0);
        Map<String, Object> counters = (Map<String, Object>) vi.get("counters");
        assertTrue((Long) counters.get("adverts_received") > 0, counters.toString());
        assertTrue((Long) counters.get("transitions") >= 1, counters.toString());
        Map<String, Object> script = (Map<String, Object>) ((List<Object>) vi.get("tracking")).getFirst();
        assertEquals("chk_ok", script.get("script"));
        assertTrue((Long) script.get("runs") >= 1, script.toString());
        assertEquals(0L, script.get("priority_delta"), script.toString());
        Map<String, Object> file = (Map<String, Object>) ((List<Object>) vi.get("tracking")).get(1);
        assertEquals(Map.of("file", "tf", "weight", -5L, "reverse", false, "value", 0L, "priority_delta", 0L),
                withoutNulls(file));
        assertTrue(file.containsKey("fault") && file.get("fault") == null, file.toString());
        assertTrue(vi.containsKey("fault_reason") && vi.get("fault_reason") == null, vi.toString());
        // the holder as last read: the Backup read it at start, before or after the Master took it
        Object backupHolder = ((Map<String, Object>) vi.get("floating_ip")).get("holder");
        assertTrue(List.of("nobody", "peer").contains(backupHolder), String.valueOf(backupHolder));

        // /status of the Master: itself as master, a takeover timeline
        Map<String, Object> m = firstInstance(get(sa, "/status").body());
        assertEquals("MASTER", m.get("state"));
        assertEquals("192.0.2.1", ((Map<String, Object>) m.get("master")).get("address"));
        Map<String, Object> ip = (Map<String, Object>) m.get("floating_ip");
        assertEquals("self", ip.get("holder"));
        Map<String, Object> takeover = (Map<String, Object>) ip.get("last_takeover");
        assertNotNull(takeover, ip.toString());
        List<Object> marks = (List<Object>) takeover.get("marks");
        assertEquals("entered MASTER", ((Map<String, Object>) marks.getFirst()).get("what"));

        // /metrics: every line parses; every family has HELP and TYPE (PromText checks); the named counters exist
        HttpResponse<String> mr = get(sa, "/metrics");
        assertEquals(200, mr.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", mr.headers().firstValue("content-type").orElse(""));
        PromText p = PromText.parse(mr.body());
        for (String family : List.of("floatd_instance_state", "floatd_transitions_total", "floatd_adverts_sent_total",
                "floatd_adverts_received_total", "floatd_packets_dropped_total", "floatd_track_script_runs_total",
                "floatd_track_script_failures_total", "floatd_track_script_duration_seconds", "floatd_provider_calls_total",
                "floatd_provider_retries_total", "floatd_provider_failures_total", "floatd_takeover_duration_seconds",
                "floatd_effective_priority")) {
            assertTrue(p.families.containsKey(family), "no family " + family);
            assertTrue(!p.find(family).isEmpty(), "no sample of " + family + "\n" + mr.body());
        }
        assertEquals(1, p.value("floatd_instance_state", "instance", "VI_1", "state", "MASTER"));
        assertEquals(0, p.value("floatd_instance_state", "instance", "VI_1", "state", "BACKUP"));
        assertTrue(p.value("floatd_adverts_sent_total", "instance", "VI_1") > 0);
        assertTrue(p.value("floatd_track_script_runs_total", "script", "chk_ok") >= 1);
        assertEquals(0, p.value("floatd_packets_dropped_total", "reason", "bad_checksum"));
        assertEquals(150, p.value("floatd_effective_priority", "instance", "VI_1"));
        assertTrue(p.value("floatd_provider_calls_total", "instance", "VI_1") >= 1);
        assertEquals(0, p.value("floatd_track_file_value", "instance", "VI_1", "file", "tf"));
        // the standard process_* families, of this process (the daemons run in the test JVM)
        // the JVM's start (what the client reports) lies between the process's start (/proc, whole seconds
        // here) and now; under load the two are more than a second apart, so the bound is one-sided
        double started = p.value("process_start_time_seconds");
        assertEquals(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0, started, 0.001);
        assertTrue(started >= ProcessHandle.current().info().startInstant().orElseThrow().getEpochSecond()
                && started <= System.currentTimeMillis() / 1000.0, "process_start_time_seconds " + started);
        assertTrue(p.value("process_open_fds") > 0 && p.value("process_open_fds") < p.value("process_max_fds"));
        assertTrue(p.value("process_resident_memory_bytes") > 0 && p.value("process_cpu_seconds_total") > 0);
        assertEquals("counter", p.families.get("process_cpu_seconds_total").type());

        // /healthz, unknown paths, other methods
        HttpResponse<String> h = get(sa, "/healthz");
        assertEquals(200, h.statusCode());
        assertEquals("ok\n", h.body());
        assertEquals(404, get(sa, "/nope").statusCode());
        assertEquals(405, send(sa, HttpRequest.newBuilder(uri(sa, "/status"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build()).statusCode());

        // floatd status, human and --json, against the same endpoint
        String address = "127.0.0.1:" + sb.address().getPort();
        StringWriter out = new StringWriter();
        CommandLine cl = FloatdCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("status", "--address", address));
        String line = out.toString();
        assertTrue(line.matches("(?s)VI_1  BACKUP since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  \\(\\d+\\.\\d s\\)  priority 100/100"
                + "  master 192\\.0\\.2\\.1  ip: (nobody|peer)  last advert \\d+ ms ago\n"), line);
        StringWriter jsonOut = new StringWriter();
        cl = FloatdCommand.commandLine();
        cl.setOut(new PrintWriter(jsonOut, true));
        assertEquals(0, cl.execute("status", "--json", "--address", address));
        assertEquals("BACKUP", firstInstance(jsonOut.toString()).get("state"));

        // the loop stopped: /healthz says so
        a.close();
        assertEquals(503, get(sa, "/healthz").statusCode());
    }

    @Test
    void aStuckLoopDoesNotStopTheEndpoint() throws Exception {
        VrrpDaemon a = start(conf(150, A, B), "a");
        await(() -> state(a) == VrrpState.MASTER);
        StatusServer s = serve(a);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stuck = new CountDownLatch(1);
        a.loop().post(() -> {
            stuck.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            stuck.await();
            long t0 = System.nanoTime();
            assertEquals("MASTER", firstInstance(get(s, "/status").body()).get("state"));
            assertEquals(200, get(s, "/metrics").statusCode());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2000, "the endpoint waited for the loop: " + ms + " ms");
        } finally {
            release.countDown();
        }
    }

    /**
     * Root's floatd handover / resume go through the control socket (as floatd run wires it) and the held state shows
     * in /status, /metrics and floatd status until resumed.
     */
    @Test
    @SuppressWarnings("unchecked")
    void handoverThroughTheControlSocketHoldsTheNodeAsBackupUntilResume(@TempDir Path tmp) throws Exception {
        VrrpDaemon a = start(conf(150, A, B), "a");
        VrrpDaemon b = start(conf(100, B, A), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        StatusServer s = serve(a);
        Path sock = tmp.resolve("run/control.sock");
        ControlSocket control = ControlSocket.open(sock, ControlAccess.ROOT, (request, peer) -> RunCommand.control(a, request));
        closing.add(control);
        control.serve();
        String at = "127.0.0.1:" + s.address().getPort();
        assertEquals(false, firstInstance(get(s, "/status").body()).get("held"));
        assertEquals(0, PromText.parse(get(s, "/metrics").body()).value("floatd_instance_held", "instance", "VI_1"));

        long asked = System.nanoTime();
        assertEquals(0, cli("handover", "VI_1", "--control-socket", sock.toString()));
        await(() -> state(b) == VrrpState.MASTER && state(a) == VrrpState.BACKUP);
        long tookMs = (System.nanoTime() - asked) / 1_000_000;
        // priority 0: the peer waits Skew_Time (61 ms), not Master_Down_Interval (361 ms)
        assertTrue(tookMs < 2000, "handover took " + tookMs + " ms");
        Thread.sleep(1000);
        assertEquals(VrrpState.BACKUP, state(a), "a higher-priority node in maintenance does not preempt");

        Map<String, Object> held = firstInstance(get(s, "/status").body());
        assertEquals(true, held.get("held"), held.toString());
        assertEquals(1, PromText.parse(get(s, "/metrics").body()).value("floatd_instance_held", "instance", "VI_1"));
        StringWriter out = new StringWriter();
        CommandLine cl = FloatdCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("status", "--address", at));
        assertTrue(out.toString().contains("  held: handed over until 'floatd resume VI_1'"), out.toString());

        assertEquals(2, cli("handover", "VI_9", "--control-socket", sock.toString()), "an unknown instance is a usage error");
        assertEquals(0, cli("resume", "--control-socket", sock.toString()));
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        assertEquals(false, firstInstance(get(s, "/status").body()).get("held"));
        assertEquals(0, PromText.parse(get(s, "/metrics").body()).value("floatd_instance_held", "instance", "VI_1"));
        assertEquals(Map.of(ControlProtocol.Status.OK, 2L, ControlProtocol.Status.UNKNOWN_INSTANCE, 1L,
                ControlProtocol.Status.DENIED, 0L, ControlProtocol.Status.BAD_REQUEST, 0L), control.counts());
    }

    /** The old HTTP door is shut: POST /handover changes nothing and says where the door is now. */
    @Test
    void postHandoverOverHttpIs405PointingToFloatdHandover() throws Exception {
        VrrpDaemon a = start(conf(150, A, B), "a");
        await(() -> state(a) == VrrpState.MASTER);
        StatusServer s = serve(a);
        for (String path : List.of("/handover", "/handover?instance=VI_1", "/resume")) {
            HttpResponse<String> r = send(s, HttpRequest.newBuilder(uri(s, path)).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(405, r.statusCode(), path);
            assertEquals("GET, HEAD", r.headers().firstValue("allow").orElse(""));
            assertTrue(r.body().matches("the status endpoint is read-only: use 'floatd (handover|resume) \\[INSTANCE\\]'.*\n"), r.body());
        }
        Thread.sleep(500);
        assertEquals(VrrpState.MASTER, state(a));
        assertEquals(false, firstInstance(get(s, "/status").body()).get("held"));
    }

    private static int cli(String... args) {
        picocli.CommandLine cl = FloatdCommand.commandLine();
        cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        return cl.execute(args);
    }

    /** The endpoint's event loop has no idle tick: with no connection it sleeps in epoll_wait with no timeout. */
    @Test
    void idleEndpointSleepsWithNoTimeoutAndStillServes() throws Exception {
        try (StatusServer s = StatusServer.start(HostPort.parse("127.0.0.1:0"), () -> null, () -> true)) {
            assertTrue(io.floatd.testing.BlockedCall.pollsWithoutTimeout("floatd-status-*"),
                    "Netty's loop selects with no timeout when nothing is scheduled");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.address().getPort() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
    }

    @Test
    void aPortInUseIsOneClearError() throws Exception {
        try (StatusServer first = StatusServer.start(HostPort.parse("127.0.0.1:0"), () -> null, () -> true)) {
            int port = first.address().getPort();
            IOException e = assertThrows(IOException.class,
                    () -> StatusServer.start(HostPort.parse("127.0.0.1:" + port), () -> null, () -> true));
            assertEquals("status endpoint 127.0.0.1:" + port + ": port already in use (--status-address HOST:PORT or off)",
                    e.getMessage());
        }
    }

    /** floatd run binds before its instances start (an address in use stops it first) and serves once they run. */
    @Test
    void boundBeforeServingHoldsThePortAndAnswersOnceServing() throws Exception {
        StatusServer s = StatusServer.bind(HostPort.parse("127.0.0.1:0"), () -> null, () -> true, () -> "",
                StatusServer.Limits.DEFAULT);
        closing.add(s);
        int port = s.address().getPort();
        IOException taken = assertThrows(IOException.class,
                () -> StatusServer.bind(HostPort.parse("127.0.0.1:" + port), () -> null, () -> true, () -> "",
                        StatusServer.Limits.DEFAULT));
        assertTrue(taken.getMessage().contains("port already in use"), taken::getMessage);

        // a request made between bind and serve waits in the backlog, then gets its answer
        var pending = http.sendAsync(HttpRequest.newBuilder(uri(s, "/healthz")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThrows(java.util.concurrent.TimeoutException.class, () -> pending.get(300, java.util.concurrent.TimeUnit.MILLISECONDS));
        s.serve();
        HttpResponse<String> r = pending.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("ok", r.body().strip());
        assertEquals(200, get(s, "/healthz").statusCode());
    }

    @Test
    void closingABoundServerThatNeverServedFreesThePort() throws Exception {
        StatusServer s = StatusServer.bind(HostPort.parse("127.0.0.1:0"), () -> null, () -> true, () -> "",
                StatusServer.Limits.DEFAULT);
        int port = s.address().getPort();
        s.close();
        try (StatusServer again = StatusServer.start(HostPort.parse("127.0.0.1:" + port), () -> null, () -> true)) {
            assertEquals(port, again.address().getPort());
        }
    }
}
