package io.floatd.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Size rules for the main code of every module (issue 18): no file over {@value #MAX_FILE_LINES} lines and no method
 * or constructor over {@value #MAX_METHOD_LINES} lines. A method's length is the lines of its body, from the line of
 * its opening brace to the line of its closing brace. Methods are found by the JDK's own parser (javac's tree API,
 * parse only), so strings, comments, lambdas and nested classes cannot fool the count.
 */
class ArchitectureRulesTest {
    static final int MAX_FILE_LINES = 600;
    static final int MAX_METHOD_LINES = 60;

    private static Path root;
    private static List<Path> mainFiles;

    @BeforeAll
    static void findMainSources() throws IOException {
        root = projectRoot();
        mainFiles = mainSources(root);
    }

    @Test
    void noMainFileIsLongerThan600Lines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (Path f : mainFiles) {
            long lines;
            try (var s = Files.lines(f, StandardCharsets.UTF_8)) {
                lines = s.count();
            }
            if (lines > MAX_FILE_LINES) {
                tooLong.add(root.relativize(f) + ": " + lines + " lines (at most " + MAX_FILE_LINES + ")");
            }
        }
        assertEquals(List.of(), tooLong);
    }

    @Test
    void noMainMethodIsLongerThan60Lines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (MethodSize m : methodSizes(mainFiles)) {
            if (m.lines() > MAX_METHOD_LINES) {
                tooLong.add(m + " (at most " + MAX_METHOD_LINES + ")");
            }
        }
        assertEquals(List.of(), tooLong);
    }

    /**
     * The clock reads main code may make outside the injected {@code NanoClock}, file by file, each with why. Every
     * decision of the protocol core and the takeover reads the injected clock (tests drive it); what is left is a
     * wall-clock value written out, a timeout handed to a blocking call (poll, a socket, a process wait, a sleep) on a
     * thread that waits in real time anyway, entropy for a seed, or a duration that is only logged or shown.
     */
    private static final Map<String, String> CLOCK_READS_ALLOWED = Map.ofEntries(
            // core
            Map.entry("Reporting.java", "wall-clock 'since' for the state files (the time in the state is the injected clock's)"),
            Map.entry("StateReporter.java", "wall-clock timestamps written to notify_fifo and state files"),
            Map.entry("StatusSnapshot.java", "the snapshot's wall-clock 'now' (its monotonic now is the loop's clock)"),
            Map.entry("DataDump.java", "the wall-clock 'Now =' line of the keepalived-style data dump"),
            Map.entry("AdvertAuth.java", "the replay counter starts at wall-clock microseconds so that it grows across "
                    + "restarts (a monotonic clock restarts at boot); injectable through its constructor"),
            Map.entry("TakeoverOrchestrator.java", "entropy for the retry jitter's seed, not a time"),
            Map.entry("ScriptRunner.java", "a script's duration, only logged and shown (the timeout is Process.waitFor)"),
            Map.entry("NotifyDispatcher.java", "the bound of a blocking wait for the takeover gate (Future.get)"),
            Map.entry("JitWarmUp.java", "the warm-up's duration, only logged"),
            Map.entry("ControlClient.java", "socket timeouts of the control client (a separate process)"),
            Map.entry("Structs.java", "a poll(2) timeout from a deadline"),
            Map.entry("DatagramSocketCore.java", "the deadline of a blocking poll on the socket"),
            Map.entry("TrackScript.java", "the checker thread's own schedule: it sleeps in real time between runs"),
            Map.entry("ProcConnector.java", "the deadline of a blocking netlink receive (the subscription's ack)"),
            // cli
            Map.entry("SignalRouter.java", "how long installing the handlers took, only logged"),
            Map.entry("SystemdNotifier.java", "MONOTONIC_USEC= is CLOCK_MONOTONIC by the sd_notify protocol; the watchdog "
                    + "thread's own timed wait"),
            Map.entry("RunCommand.java", "wall-clock times of the last reload, shown in the status"),
            // providers: their calls block in real time on the cloud API; deadlines bound those waits and sleeps
            Map.entry("RateLimitedCalls.java", "the deadline of a cloud API call's rate-limit waits (blocking HTTP calls)"),
            Map.entry("ActionPoll.java", "the deadline of a cloud action's poll and its sleeps; the pending action's age"),
            Map.entry("CloudIpProvider.java", "the deadline of a cloud IP operation (blocking API calls and waits)"),
            Map.entry("HttpDoApi.java", "the rate limit's reset header is epoch seconds: wall clock"),
            Map.entry("DoPeers.java", "the deadline of the droplet list's paged reads (blocking HTTP calls)"),
            Map.entry("ReservedIpProvider.java", "deadlines of blocking API calls and of the action poll's sleeps"),
            Map.entry("HttpHcloudApi.java", "Hetzner's RateLimit-Reset header is epoch seconds: wall clock"),
            Map.entry("HetznerPeers.java", "the deadline of the server list's paged reads (blocking HTTP calls)"),
            Map.entry("HetznerFloatingIpProvider.java", "deadlines of blocking API calls and of the action poll's sleeps"),
            Map.entry("FloatingIpLookup.java", "the deadline of the floating IP list's reads at start (blocking HTTP calls)"),
            Map.entry("RtNetlink.java", "entropy for the first netlink sequence number, not a time"),
            // test kits
            Map.entry("Ec2TestEndpoint.java", "the fake EC2's wall-clock epochNanos for tests' timelines"),
            Map.entry("Ec2RouteActions.java", "the fake EC2's bounded real-time wait for route writes to gather"));

    private static final Pattern CLOCK_READ = Pattern.compile(
            "System\\.nanoTime\\(\\)|System\\.currentTimeMillis\\(\\)|\\bInstant\\.now\\(|\\bClock\\.system|"
                    + "\\b(LocalDateTime|ZonedDateTime|OffsetDateTime|LocalDate|LocalTime)\\.now\\(");

    @Test
    void mainCodeReadsTheClockOnlyThroughTheInjectedClockOrWhereListed() throws IOException {
        List<String> unlisted = new ArrayList<>();
        for (Path f : mainFiles) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String code = lines.get(i).replaceAll("//.*", "");
                if (!code.strip().startsWith("*") && CLOCK_READ.matcher(code).find()
                        && !CLOCK_READS_ALLOWED.containsKey(f.getFileName().toString())) {
                    unlisted.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertEquals(List.of(), unlisted, "read the injected clock (io.floatd.vrrp.timer.NanoClock), or list the file"
                + " here with why it cannot");
    }

    /** The scanner itself: it must see the methods of the daemon (else the rule above would pass on nothing). */
    @Test
    void theScannerMeasuresMethodsOfTheMainCode() throws IOException {
        assertFalse(mainFiles.isEmpty());
        List<MethodSize> sizes = methodSizes(mainFiles.stream()
                .filter(f -> f.endsWith(Path.of("io/floatd/vrrp/fsm/VrrpStateMachine.java"))).toList());
        assertFalse(sizes.isEmpty(), "no method found in VrrpStateMachine.java");
        assertFalse(sizes.stream().allMatch(m -> m.lines() <= 1), "every method measured as one line: " + sizes);
    }

    /** Every module's main code is under the rules, the FFM module below core included. */
    @Test
    void theRulesCoverEveryModule() {
        for (String module : List.of("ffm", "core-vrrp", "providers/linux-l2", "providers/aws", "cli")) {
            assertFalse(mainFiles.stream().noneMatch(f -> root.relativize(f).startsWith(Path.of(module, "src/main/java"))),
                    "no main source of " + module + " scanned");
        }
    }

    record MethodSize(Path file, int line, String name, int lines) {
        @Override
        public String toString() {
            return (root == null ? file : root.relativize(file)) + ":" + line + ": " + name + " is " + lines + " lines";
        }
    }

    static List<MethodSize> methodSizes(List<Path> files) throws IOException {
        List<MethodSize> out = new ArrayList<>();
        if (files.isEmpty()) {
            return out;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) javac.getTask(null, fm, d -> { }, List.of("-proc:none"), null,
                    fm.getJavaFileObjectsFromPaths(files));
            SourcePositions positions = Trees.instance(task).getSourcePositions();
            for (CompilationUnitTree unit : task.parse()) {
                Path file = Path.of(unit.getSourceFile().toUri());
                LineMap lines = unit.getLineMap();
                new TreePathScanner<Void, Void>() {
                    @Override
                    public Void visitMethod(MethodTree m, Void unused) {
                        if (m.getBody() != null) {
                            long start = positions.getStartPosition(unit, m.getBody());
                            long end = positions.getEndPosition(unit, m.getBody());
                            int first = (int) lines.getLineNumber(start);
                            out.add(new MethodSize(file, first, m.getName().toString(),
                                    (int) lines.getLineNumber(end) - first + 1));
                        }
                        return super.visitMethod(m, unused);
                    }
                }.scan(unit, null);
            }
        }
        return out;
    }

    /** The directory that holds ffm, core-vrrp, cli and providers (the tests run in core-vrrp). */
    static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("core-vrrp")) && Files.isDirectory(p.resolve("cli"))
                    && Files.isDirectory(p.resolve("providers"))) {
                return p;
            }
        }
        throw new IllegalStateException("no floatd project above " + Path.of("").toAbsolutePath());
    }

    /** Every .java file under a {@code src/main/java} of any module; build output and VCS data are skipped. */
    static List<Path> mainSources(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return name.equals("target") || name.startsWith(".") && !dir.equals(root) || name.equals("node_modules")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String p = root.relativize(file).toString().replace('\\', '/');
                if (p.endsWith(".java") && p.contains("/src/main/java/")) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }
}
