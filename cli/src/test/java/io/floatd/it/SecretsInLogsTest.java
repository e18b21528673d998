package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.config.ConfigParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never reach logs. Two real daemons on a test LAN with recognisable secrets: VRRPv2 passwords (the two
 * nodes' differ, so every advert is an auth_failed drop), a DigitalOcean token in a {@code token_file}, and an AWS
 * secret key in the environment. Both providers talk to a fake API in each namespace that answers 401 to everything,
 * so takeovers and start-up reads fail and log. One node runs with {@code --debug --log-format json}, the other with
 * {@code --debug}. Everything they print, and what {@code floatd check} / {@code check --dump} print, is searched
 * for each secret and for a 12-character piece of it; so are the cli module's surefire reports from earlier classes.
 */
@Timeout(150)
class SecretsInLogsTest {
    private static final String PASS0 = "Pw0-Qz7K";             // 8 bytes: all of it goes on the wire
    private static final String PASS1 = "Pw1-Vx4M";
    private static final String DO_TOKEN = "dop_v1_5ec7e7f1a7d0e5ec7e75ec7e7f1a7d0e5ec7e75ec7e7f1a7d0e5ec7e75ec7e7f1a7d";
    private static final String AWS_KEY_ID = "AKIAFLOATDTESTKEY001";
    private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiFloatdSecret";
    private static final Map<String, String> SECRETS = new LinkedHashMap<>();

    static {
        SECRETS.put("node0 auth_pass", PASS0);
        SECRETS.put("node1 auth_pass", PASS1);
        SECRETS.put("DigitalOcean token", DO_TOKEN);
        SECRETS.put("AWS secret key", AWS_SECRET);
    }

    private static final int API_PORT = 18089;
    /**
     * DigitalOcean: 500 with its JSON error for /v2/... (a transient failure: the daemon keeps running), 401 under
     * /deny/ (a refused token: the daemon exits 3); EC2 (everything else): 500 InternalError with its XML error.
     */
    private static final String FAKE_API = """
            import http.server
            class H(http.server.BaseHTTPRequestHandler):
                def answer(self):
                    n = int(self.headers.get('Content-Length') or 0)
                    if n: self.rfile.read(n)
                    code = 500
                    if self.path.startswith('/deny/'):
                        code = 401
                    if '/v2/' in self.path:
                        body, ctype = b'{"id":"server_error","message":"Server was unable to give you a response."}', 'application/json'
                        if code == 401:
                            body = b'{"id":"Unauthorized","message":"Unable to authenticate you"}'
                    else:
                        body, ctype = (b'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InternalError</Code>'
                                       b'<Message>An internal error has occurred</Message></Error>'
                                       b'</Errors><RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>'), 'text/xml'
                    self.send_response(code)
                    self.send_header('Content-Type', ctype)
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                do_GET = do_POST = do_PUT = do_DELETE = answer
                def log_message(self, *a): pass
            http.server.HTTPServer(('127.0.0.1', %d), H).serve_forever()
            """.formatted(API_PORT);

    private static Lan lan;
    private final List<Process> daemons = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void createLan() {
        Netns.requireRoot();
        lan = Lan.create("sc", 2);
        for (int node = 0; node < 2; node++) {
            lan.host(node).exec("ip", "link", "set", "lo", "up");
            lan.host(node).spawn(List.of("python3", "-c", FAKE_API), null);
        }
    }

    @AfterAll
    static void deleteLan() {
        if (lan != null) {
            lan.close();
        }
    }

    @AfterEach
    void stopDaemons() {
        for (Process p : daemons) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        daemons.clear();
    }

    @Test
    void daemonsWithWrongPasswordsAndFailingProvidersLogNoSecret() throws Exception {
        Path conf0 = config(0, 150, PASS0, "");
        Path conf1 = config(1, 100, PASS1, "");
        Path log0 = dir.resolve("node0.log");
        Path log1 = dir.resolve("node1.log");
        start(0, conf0, log0, "--debug", "--log-format", "json");
        start(1, conf1, log1, "--debug");

        // auth_failed drops on both sides, and each provider's failure logged on at least one node
        awaitLog(log0, l -> l.contains("auth_failed"), "an auth_failed drop");
        awaitLog(log1, l -> l.contains("auth_failed"), "an auth_failed drop");
        awaitLog(log0, l -> failed(l, "VI_DO") && failed(l, "VI_AWS"), "both providers failing");
        awaitLog(log1, l -> failed(l, "VI_DO"), "the DigitalOcean provider failing");

        stopDaemons(); // a graceful stop is not needed: everything is already in the logs
        assertNoSecret("node0 log (--debug --log-format json)", Files.readString(log0));
        assertNoSecret("node1 log (--debug)", Files.readString(log1));
    }

    @Test
    void checkAndDumpPrintNoSecret() throws Exception {
        for (int node = 0; node < 2; node++) {
            Path conf = config(node, 100, node == 0 ? PASS0 : PASS1, "");
            Netns.Result check = run(lan.host(node), "check", "-f", conf.toString());
            assertEquals(0, check.exitCode(), check.output());
            assertNoSecret("floatd check", check.output());
            // what 'check --dump' prints, made in-process (see checkDumpPrintsTheMaskedConfig)
            String dump = ConfigParser.parse(conf).dump();
            assertTrue(dump.contains("VI_DO") && dump.contains("auth_pass"), dump);
            assertNoSecret("the --dump text", dump);
        }
    }

    @Test
    void aRefusedTokenAtStartIsReportedWithoutTheToken() throws Exception {
        Path conf = config(0, 100, PASS0, "/deny");
        Netns.Result run = run(lan.host(0), "run", "-f", conf.toString(), "--status-address", "off", "--control-socket", "off",
                "--debug");
        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.output().contains("the API token was refused"), tail(run.output()));
        assertNoSecret("floatd run refusing to start (--debug)", run.output());
    }

    /**
     * Known bug (found while writing this test): {@code floatd check --dump} prints nothing and exits 0. CheckCommand
     * writes the dump with {@code print} (no newline, so picocli's autoflush writer does not flush) and the JVM exits
     * before the writer is flushed.
     */
    @Test
    void checkDumpPrintsTheMaskedConfig() throws Exception {
        Path conf = config(0, 100, PASS0, "");
        Netns.Result dump = run(lan.host(0), "check", "--dump", "-f", conf.toString());
        assertEquals(0, dump.exitCode(), dump.output());
        assertTrue(dump.output().contains("VI_DO"), "empty dump: '" + dump.output() + "'");
        assertNoSecret("floatd check --dump", dump.output());
    }

    /**
     * Known leak (found while writing this test): a malformed {@code auth_pass} line is reported with its values, so
     * {@code floatd check}, and {@code floatd run} when it refuses the file, print the password:
     * {@code floatd.conf:N: vrrp_instance VI_DO: 'auth_pass' takes one value, but got 2: Pw0-Qz7K extra}.
     */
    @Test
    void aMalformedAuthPassIsNotEchoed() throws Exception {
        Path conf = config(0, 100, PASS0 + " extra", "");
        // keepalived reads the first word and runs: a warning, which --strict refuses; neither word may be echoed
        Netns.Result check = run(lan.host(0), "check", "--strict", "-f", conf.toString());
        assertNotEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("auth_pass"), check.output());
        assertNoSecret("floatd check of a malformed auth_pass", check.output());
    }

    /**
     * What the cli module's earlier test classes in this run left in their surefire reports (their output, including
     * the daemons' logs some of them print on failure). This class's own report is written after it ends, so it is
     * covered only in a later run. Skipped when there is no report directory yet.
     */
    @Test
    void surefireReportsOfThisModuleHoldNoSecret() throws IOException {
        Path reports = Path.of("target", "surefire-reports");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(reports), "no " + reports.toAbsolutePath());
        try (var files = Files.list(reports)) {
            // not this class's own: a run with the disabled tests enabled reports what they found
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().contains(SecretsInLogsTest.class.getSimpleName())).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                if (!text.isBlank()) {
                    assertNoSecret("surefire report " + f.getFileName(), text);
                }
            }
        }
    }

    private static boolean failed(String log, String instance) {
        return log.contains("VRRP_Instance(" + instance + ") takeover failed")
                || log.contains("VRRP_Instance(" + instance + ") cannot read the floating IP holder at start");
    }

    private static void assertNoSecret(String where, String output) {
        assertFalse(output.isBlank(), where + " is empty: nothing was checked");
        for (Map.Entry<String, String> s : SECRETS.entrySet()) {
            String secret = s.getValue();
            List<String> pieces = new ArrayList<>(List.of(secret));
            if (secret.length() > 12) {
                pieces.add(secret.substring(0, 12));
                pieces.add(secret.substring(secret.length() - 12));
            }
            for (String piece : pieces) {
                int at = output.indexOf(piece);
                if (at >= 0) {
                    int from = output.lastIndexOf('\n', at) + 1;
                    int to = output.indexOf('\n', at);
                    // the line is shown with the secret masked, so a failure does not put it in the reports
                    fail("the " + s.getKey() + " (or a 12-character piece of it) appears in " + where + ":\n"
                            + output.substring(from, to < 0 ? output.length() : to).replace(piece, "<" + s.getKey() + ">"));
                }
            }
        }
    }

    private Path config(int node, int priority, String password, String apiPrefix) throws IOException {
        Path nodeDir = Files.createDirectories(dir.resolve("node" + node));
        Path token = nodeDir.resolve("do-token");
        Files.writeString(token, DO_TOKEN + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        int peer = 1 - node;
        String api = "http://127.0.0.1:" + API_PORT + apiPrefix;
        Path conf = nodeDir.resolve("floatd.conf");
        Files.writeString(conf, """
                global_defs {
                    router_id node%1$d
                }
                vrrp_instance VI_DO {
                    state BACKUP
                    interface eth0
                    virtual_router_id 61
                    priority %2$d
                    advert_int 1
                    version 2
                    unicast_src_ip %3$s
                    unicast_peer {
                        %4$s
                    }
                    authentication {
                        auth_type PASS
                        auth_pass %5$s
                    }
                    floating_ip {
                        provider digitalocean
                        address 203.0.113.61
                        droplet_id 1234567%1$d
                        token_file %6$s
                        api_url %7$s
                        metadata_url %7$s
                    }
                }
                vrrp_instance VI_AWS {
                    state BACKUP
                    interface eth0
                    virtual_router_id 62
                    priority %2$d
                    advert_int 0.2
                    version 3
                    unicast_src_ip %3$s
                    unicast_peer {
                        %4$s
                    }
                    floating_ip {
                        provider aws
                        mode eip
                        address 198.51.100.62
                        allocation_id eipalloc-0123456789abcdef0
                        instance_id i-0123456789abcdef%1$d
                        region eu-west-1
                    }
                }
                """.formatted(node, priority, Lan.address(node), Lan.address(peer), password, token, api));
        return conf;
    }

    /** The AWS credentials and endpoint go in the environment, as on a host without an instance profile. */
    private static List<String> env() {
        String api = "http://127.0.0.1:" + API_PORT;
        return List.of("env", "-u", "JOURNAL_STREAM", "AWS_ACCESS_KEY_ID=" + AWS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY=" + AWS_SECRET, "AWS_REGION=eu-west-1", "AWS_ENDPOINT_URL=" + api,
                "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + api, "AWS_MAX_ATTEMPTS=1");
    }

    private void start(int node, Path conf, Path log, String... extra) {
        // a control socket of its own, beside its log (two daemons share the host's /run/floatd)
        List<String> args = new ArrayList<>(List.of("run", "-f", conf.toString(), "--status-address", "off",
                "--control-socket", log.resolveSibling("control-" + node + ".sock").toString()));
        args.addAll(List.of(extra));
        List<String> cmd = new ArrayList<>(env());
        cmd.addAll(FloatdProcess.command(args.toArray(String[]::new)));
        daemons.add(lan.host(node).spawn(cmd, log));
    }

    private static Netns.Result run(Netns ns, String... args) {
        List<String> cmd = new ArrayList<>(env());
        cmd.addAll(FloatdProcess.command(args));
        return ns.tryExec(cmd.toArray(String[]::new));
    }

    private void awaitLog(Path log, Predicate<String> done, String what) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String text = "";
        while (System.nanoTime() < end) {
            text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (done.test(text)) {
                return;
            }
            for (Process p : daemons) {
                if (!p.isAlive()) {
                    fail("a daemon exited " + p.exitValue() + " before " + what + ":\n" + tail(text));
                }
            }
            FloatdProcess.sleep(100);
        }
        fail(log.getFileName() + " shows no " + what + " within 60 s:\n" + tail(text));
    }

    /** The last lines, without the JDK's certificate dump that --debug starts with. */
    private static String tail(String log) {
        List<String> lines = log.lines().filter(l -> !l.contains("jdk.event.security")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
