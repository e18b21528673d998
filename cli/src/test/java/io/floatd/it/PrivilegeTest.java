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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who may take the IP away, against two real daemons: an unprivileged user ({@code setpriv --reuid nobody}) running
 * {@code floatd handover}, or a raw client on a control socket made reachable by mistake, is refused and the Master
 * stays Master; root's {@code floatd handover} / {@code resume} move the IP and back, and the held state shows in
 * /status, /metrics, {@code floatd status} and both state files; the HTTP endpoint no longer takes a POST.
 */
@Timeout(120)
class PrivilegeTest {
    private static final int NODE0 = 0;
    private static final int NODE1 = 1;
    private static final String VIP = Lan.SUBNET_PREFIX + "100";
    private static final String STATUS = "127.0.0.1:19798";
    private static final Duration START = Duration.ofSeconds(15);
    private static final Duration STEP = Duration.ofSeconds(5);

    private static Lan lan;
    /** The client's classes, where nobody can read them (the build's are under root's home). */
    private static Path nobodyClasspath;
    private final List<FloatdProcess> daemons = new ArrayList<>();

    @BeforeAll
    static void createLan() throws IOException {
        Netns.requireRoot();
        lan = Lan.create("pv", 2);
        nobodyClasspath = readableCopyOfTheClientClasspath();
    }

    @AfterAll
    static void deleteLan() throws IOException {
        if (lan != null) {
            lan.close();
        }
        if (nobodyClasspath != null) {
            try (Stream<Path> files = Files.walk(nobodyClasspath)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @AfterEach
    void stopEverything() {
        daemons.forEach(FloatdProcess::close);
        daemons.clear();
        for (int node : new int[] {NODE0, NODE1}) {
            lan.host(node).tryExec("ip", "addr", "del", VIP + "/24", "dev", Lan.IFNAME);
        }
    }

    /** The rule of item 1: nobody on the host can make the Master resign. */
    @Test
    void anUnprivilegedUserIsRefusedAndTheMasterStaysMaster() throws Exception {
        FloatdProcess node0 = start(NODE0, 150);
        node0.awaitState("MASTER", START);
        FloatdProcess node1 = start(NODE1, 100);
        node1.awaitState("BACKUP", START);
        int notified = node0.notifications().size();

        // the real command, as nobody: the socket's directory (0700 root) keeps it out
        Netns.Result r = asNobody(NODE0, javaClient("handover", "VI_1", "--control-socket", node0.controlSocket().toString()));
        assertEquals(5, r.exitCode(), r.output());
        assertTrue(r.output().contains("floatd: permission denied: " + node0.controlSocket() + ": only root, or a member of"
                + " the group named by 'floatd run --control-group', may hand over or resume"), r.output());

        // a socket made reachable by mistake: SO_PEERCRED still refuses, with a log line and a counter
        Files.setPosixFilePermissions(node0.dir(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(node0.controlSocket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        Netns.Result raw = asNobody(NODE0, List.of("perl", "-MIO::Socket::UNIX", "-e",
                "$SIG{PIPE} = 'IGNORE'; my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die \"connect: $!\\n\"; print $s \"handover\\n\"; print scalar <$s>;",
                node0.controlSocket().toString()));
        assertEquals("denied permission denied: uid 65534 may not control floatd (allowed: root)\n", raw.output());
        Netns.Result cmd = asNobody(NODE0, javaClient("handover", "--control-socket", node0.controlSocket().toString()));
        assertEquals(5, cmd.exitCode(), cmd.output());
        assertTrue(cmd.output().contains("floatd: permission denied: uid 65534 may not control floatd (allowed: root)"), cmd.output());
        node0.awaitLog("refused pid", STEP);
        assertTrue(node0.log().matches("(?s).*control socket \\S+: refused pid \\d+ uid 65534 gid 65534: not root \\(1 refused so far\\).*"),
                node0.log());
        assertTrue(node0.log().contains("(2 refused so far)"), node0.log());
        assertEquals(2, metrics(NODE0).value("floatd_control_requests_total", "result", "denied"));

        // and the HTTP endpoint takes no order
        Netns.Result post = lan.host(NODE0).tryExec("curl", "-s", "-X", "POST", "http://" + STATUS + "/handover");
        assertEquals("the status endpoint is read-only: use 'floatd handover [INSTANCE]' (the control socket, root only)\n",
                post.output());

        Thread.sleep(1000);
        assertEquals("MASTER", instance(NODE0).get("state"));
        assertEquals(false, instance(NODE0).get("held"));
        assertEquals("BACKUP", instance(NODE1).get("state"));
        assertEquals(notified, node0.notifications().size(), "no transition: " + node0.notifications());
        assertTrue(hasVip(NODE0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void rootsHandoverAndResumeWorkEndToEndAndTheHeldStateShowsEverywhere() throws Exception {
        FloatdProcess node0 = start(NODE0, 150);
        node0.awaitState("MASTER", START);
        FloatdProcess node1 = start(NODE1, 100);
        node1.awaitState("BACKUP", START);
        String sock = node0.controlSocket().toString();

        Netns.Result r = floatd(NODE0, "handover", "VI_1", "--control-socket", sock);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("floatd: handover: VI_1\n", r.output());
        node1.awaitState("MASTER", STEP);
        node0.awaitState("BACKUP", STEP);
        assertTrue(awaitVip(NODE1), "the VIP moved");

        assertEquals(true, instance(NODE0).get("held"));
        assertEquals(false, instance(NODE1).get("held"));
        assertEquals(1, metrics(NODE0).value("floatd_instance_held", "instance", "VI_1"));
        Netns.Result human = floatd(NODE0, "status", "--address", STATUS);
        assertTrue(human.output().matches("(?s)VI_1  BACKUP .*  held: handed over until 'floatd resume VI_1'\n"), human.output());
        assertTrue(Files.readString(node0.dir().resolve("floatd.state")).matches("VI_1 BACKUP 150 \\S+Z held\n"),
                Files.readString(node0.dir().resolve("floatd.state")));
        assertEquals("BACKUP\nheld\n", Files.readString(node0.dir().resolve("VI_1.state")));
        node0.awaitLog("VRRP_Instance(VI_1) held: handed over, staying Backup until floatd resume", STEP);
        assertTrue(node0.log().matches("(?s).*control socket: handover VI_1 by pid \\d+ uid 0 gid 0: ok handover: VI_1.*"), node0.log());

        assertEquals(2, floatd(NODE0, "handover", "VI_9", "--control-socket", sock).exitCode(), "no such instance");
        assertEquals(4, floatd(NODE0, "resume", "--control-socket", node0.dir().resolve("nope.sock").toString()).exitCode(),
                "no daemon there");

        Netns.Result resumed = floatd(NODE0, "resume", "--control-socket", sock);
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertEquals("floatd: resume: VI_1\n", resumed.output());
        node0.awaitState("MASTER", STEP);
        node1.awaitState("BACKUP", STEP);
        assertEquals(false, instance(NODE0).get("held"));
        assertEquals(0, metrics(NODE0).value("floatd_instance_held", "instance", "VI_1"));
        assertTrue(Files.readString(node0.dir().resolve("floatd.state")).matches("VI_1 MASTER 150 \\S+Z\n"));
        assertEquals("MASTER\n", Files.readString(node0.dir().resolve("VI_1.state")));
        assertTrue(awaitVip(NODE0));
    }

    private FloatdProcess start(int node, int priority) {
        FloatdProcess p = FloatdProcess.start(lan.host(node), script -> config(node, priority, script),
                "--status-address", STATUS);
        daemons.add(p);
        return p;
    }

    private static String config(int node, int priority, String notifyScript) {
        int peer = node == NODE0 ? NODE1 : NODE0;
        Path dir = Path.of(notifyScript).getParent();
        return """
                global_defs {
                    router_id node%d
                    state_file %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 53
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        %s/24 dev eth0
                    }
                    notify %s
                    state_file %s
                }
                """.formatted(node, dir.resolve("floatd.state"), priority, Lan.address(node), Lan.address(peer), VIP,
                notifyScript, dir.resolve("VI_1.state"));
    }

    private static Netns.Result floatd(int node, String... args) {
        return lan.host(node).tryExec(FloatdProcess.command(args).toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> instance(int node) {
        Netns.Result r = floatd(node, "status", "--json", "--address", STATUS);
        assertEquals(0, r.exitCode(), r.output());
        String json = r.output().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in: " + r.output()));
        Map<String, Object> doc = (Map<String, Object>) Json.parse(json);
        return (Map<String, Object>) ((List<Object>) doc.get("instances")).getFirst();
    }

    private static PromText metrics(int node) {
        return PromText.parse(lan.host(node).exec("curl", "-s", "http://" + STATUS + "/metrics"));
    }

    private static boolean hasVip(int node) {
        return lan.host(node).exec("ip", "-4", "addr", "show", "dev", Lan.IFNAME).contains(" " + VIP + "/");
    }

    private static boolean awaitVip(int node) throws InterruptedException {
        long end = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < end) {
            if (hasVip(node)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** {@code setpriv --reuid nobody --regid nogroup --clear-groups COMMAND} inside the node's namespace. */
    private static Netns.Result asNobody(int node, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"));
        cmd.addAll(command);
        return lan.host(node).tryExec(cmd.toArray(String[]::new));
    }

    /** {@code floatd ARGS} on a JVM that reads only {@link #nobodyClasspath}. */
    private static List<String> javaClient(String... args) throws IOException {
        String cp;
        try (Stream<Path> entries = Files.list(nobodyClasspath)) {
            cp = String.join(":", entries.sorted().map(Path::toString).toList());
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", cp, "io.floatd.cli.FloatdCommand"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The test's class path (the build's, under root's home) copied where nobody can read it, in its order. */
    private static Path readableCopyOfTheClientClasspath() throws IOException {
        Path dir = Files.createTempDirectory("floatd-nobody-cp-");
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path from = Path.of(entry);
            String name = String.format("%03d-%s", n++, from.getFileName());
            if (Files.isDirectory(from)) {
                copyTree(from, dir.resolve(name));
            } else if (Files.isRegularFile(from)) {
                Files.copy(from, dir.resolve(name));
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return dir;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }
}
