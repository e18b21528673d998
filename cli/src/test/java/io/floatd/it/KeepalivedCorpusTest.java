package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.floatd.cli.FloatdCommand;
import io.floatd.testing.Netns;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The keepalived.conf corpus ({@code src/test/resources/keepalived-corpus}, see its README): configurations the
 * project wrote to reproduce every construct found in real public keepalived.conf files (listed, never copied, in
 * {@code SOURCES.tsv}), each with keepalived 2.2.7's verdict ({@code verdicts.tsv}).
 *
 * <p>The verdict is three-way and decided by what keepalived's daemon does with each line {@code keepalived -t}
 * prints (the README's message table, read from keepalived 2.2.7's source): {@code accept}, {@code warn} (the daemon
 * runs every instance with the setting ignored or adjusted) or {@code refuse} (the daemon does not run it).
 *
 * <ul>
 *   <li>{@code floatd check} accepts each {@code accept} and {@code warn} configuration, printing a warning at
 *       file:line for each {@code warn} one, and refuses each {@code refuse} one with an error at file:line;
 *   <li>the stored verdicts follow from the stored keepalived output and the message table;
 *   <li>where keepalived is installed and the test runs as root (CI), keepalived is asked again, in network
 *       namespaces with the interfaces each file names, and its lines classified again with the table, so the stored
 *       verdicts cannot drift from keepalived's and a message the table does not know fails the test.
 * </ul>
 */
@Timeout(300)
class KeepalivedCorpusTest {
    private static final Path CORPUS = repoRoot().resolve("cli/src/test/resources/keepalived-corpus");
    private static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");
    private static final String SCRIPTS_PLACEHOLDER = "%SCRIPTS%";

    @TempDir
    static Path tmp;

    private static Path installed;

    /** file name to stored verdict row. */
    private static Map<String, Verdict> verdicts;

    record Verdict(String file, String verdict, String exit, String firstLine) {
    }

    /** The README's message table: the first row whose pattern matches a printed line gives its class. */
    private static List<MessageRule> table;

    record MessageRule(String verdict, Pattern pattern) {
    }

    private static final String ACCEPT = "accept";
    private static final String WARN = "warn";
    private static final String REFUSE = "refuse";
    private static final String UNKNOWN = "unknown";
    private static final List<String> SEVERITY = List.of(ACCEPT, WARN, REFUSE, UNKNOWN);
    /** keepalived's "(file: Line N) " prefix, which the table's patterns do not include. */
    private static final Pattern LOCATION = Pattern.compile("^\\(([^)]*: )?Line [0-9]+\\) ");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| (accept|warn|refuse) \\| `([^`]+)` \\|(.*)$");

    @BeforeAll
    static void install() throws IOException {
        verdicts = readVerdicts(CORPUS.resolve("verdicts.tsv"));
        table = readMessageTable(CORPUS.resolve("README.md"));
        // the scripts the configurations name, executable and owned by the user running the test
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        try (Stream<Path> s = Files.list(CORPUS.resolve("scripts"))) {
            for (Path p : s.toList()) {
                Path to = scripts.resolve(p.getFileName().toString());
                Files.copy(p, to);
                Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        installed = Files.createDirectories(tmp.resolve("configs"));
        Path from = CORPUS.resolve("configs");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path to = installed.resolve(from.relativize(p).toString());
                Files.createDirectories(to.getParent());
                String text = Files.readString(p, StandardCharsets.UTF_8).replace(SCRIPTS_PLACEHOLDER, scripts.toString());
                Files.writeString(to, text, StandardCharsets.UTF_8);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> floatdCheckAcceptsExactlyWhatKeepalivedAccepts() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : configNames()) {
            Verdict v = verdicts.get(name);
            tests.add(DynamicTest.dynamicTest(name + " (keepalived: " + (v == null ? "?" : v.verdict) + ")",
                    () -> checkOne(name, v)));
        }
        return tests.stream();
    }

    private static void checkOne(String name, Verdict v) throws IOException {
        assertTrue(v != null, name + " has no keepalived verdict in verdicts.tsv (run tools/record-verdicts.sh)");
        Path file = installed.resolve(name);
        Run r = floatdCheckOnItsHost(file);
        if (v.verdict.equals(ACCEPT)) {
            assertEquals(FloatdCommand.EXIT_OK, r.exit, name + ": keepalived 2.2.7 accepts it (exit " + v.exit + "), floatd"
                    + " check refused it:\n" + r.err);
        } else if (v.verdict.equals(WARN)) {
            assertEquals(FloatdCommand.EXIT_OK, r.exit, name + ": keepalived 2.2.7 warns and runs it (exit " + v.exit + ": "
                    + v.firstLine + "), floatd check refused it:\n" + r.err);
            Pattern warned = Pattern.compile("^floatd: warning: " + Pattern.quote(installed.toString()) + "/[^:\\s]+:\\d+: \\S",
                    Pattern.MULTILINE);
            assertTrue(warned.matcher(r.err).find(), name + ": keepalived 2.2.7 warns (" + v.firstLine + "), floatd check"
                    + " accepted it without a warning at file:line:\n" + r.out + r.err);
        } else {
            assertEquals(FloatdCommand.EXIT_CONFIG, r.exit, name + ": keepalived 2.2.7 refuses it (exit " + v.exit + ": "
                    + v.firstLine + "), floatd check accepted it:\n" + r.out + r.err);
            Pattern located = Pattern.compile("^floatd: " + Pattern.quote(file.toString()) + ":\\d+: \\S", Pattern.MULTILINE);
            assertTrue(located.matcher(r.err).find(), name + ": floatd refused it without an error at file:line:\n" + r.err);
        }
    }

    @Test
    void everyConfigurationHasAVerdictAndEveryVerdictAConfiguration() throws IOException {
        assertEquals(new TreeSet<>(configNames()), new TreeSet<>(verdicts.keySet()),
                "configs/*.conf and verdicts.tsv differ: run tools/record-verdicts.sh as root");
        Map<String, Long> counts = new TreeMap<>();
        verdicts.values().forEach(v -> counts.merge(v.verdict, 1L, Long::sum));
        assertTrue(counts.getOrDefault(REFUSE, 0L) >= 8, "the corpus keeps configurations keepalived refuses: " + counts);
        assertTrue(counts.getOrDefault(WARN, 0L) >= 10, "the corpus keeps configurations keepalived warns about: " + counts);
        assertTrue(counts.getOrDefault(ACCEPT, 0L) >= 30, "the corpus keeps configurations keepalived accepts: " + counts);
    }

    @Test
    void everyWrongFileIsOneKeepalivedsDaemonRefuses() throws IOException {
        List<String> notRefused = new ArrayList<>();
        for (String name : configNames()) {
            Verdict v = verdicts.get(name);
            if (name.startsWith("wrong-") && (v == null || !v.verdict.equals(REFUSE))) {
                notRefused.add(name + ": " + (v == null ? "no verdict" : v.verdict + " (" + v.firstLine + ")"));
            }
        }
        assertTrue(notRefused.isEmpty(), "wrong-*.conf must be refused by keepalived's daemon; rename the ones it runs:\n"
                + String.join("\n", notRefused));
    }

    /** verdicts.tsv is what the message table makes of the stored keepalived output (keepalived-output/). */
    @Test
    void storedVerdictsFollowFromTheStoredOutputAndTheMessageTable() throws IOException {
        List<String> differ = new ArrayList<>();
        for (Verdict stored : verdicts.values()) {
            Path out = CORPUS.resolve("keepalived-output").resolve(stored.file + ".txt");
            assertTrue(Files.isRegularFile(out), "no keepalived-output/" + stored.file + ".txt: run tools/record-verdicts.sh with OUTDIR");
            Classified c = classify(Files.readAllLines(out, StandardCharsets.UTF_8), stored.exit);
            String firstLine = stored.firstLine.replaceFirst(" \\[judged with script users as root:.*\\]$", "");
            if (!c.verdict.equals(stored.verdict) || !c.firstLine.equals(firstLine)) {
                differ.add(stored.file + ": stored " + stored.verdict + " (" + firstLine + "), the table gives " + c.verdict
                        + " (" + c.firstLine + ")");
            }
        }
        assertTrue(differ.isEmpty(), "verdicts.tsv and the README's message table disagree:\n" + String.join("\n", differ));
    }

    /** Each row of the message table names where keepalived 2.2.7 prints the message and what its daemon then does. */
    @Test
    void everyMessageRowNamesKeepalivedsSourceAndWhatTheDaemonDoes() throws IOException {
        int rows = 0;
        for (String line : Files.readAllLines(CORPUS.resolve("README.md"), StandardCharsets.UTF_8)) {
            Matcher m = TABLE_ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String[] cells = m.group(3).split(" \\| ", -1);
            assertEquals(2, cells.length, "row needs: class | pattern | where (file, function) | what the daemon does: " + line);
            assertTrue(cells[0].trim().matches("(vrrp|core|check|lib)/[\\w/]+\\.c `\\w+`.*"), "where: " + line);
            assertTrue(cells[1].trim().replace("|", "").length() > 5, "what the daemon does: " + line);
            rows++;
        }
        assertTrue(rows >= 20, "message table rows: " + rows);
    }

    @Test
    void sourcesListAtLeast45FilesFrom28RepositoriesWithTheirCommits() throws IOException {
        List<String> lines = Files.readAllLines(CORPUS.resolve("SOURCES.tsv"), StandardCharsets.UTF_8);
        Set<String> repos = new HashSet<>();
        int rows = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            assertEquals(7, f.length, "SOURCES.tsv row needs id, repository, path, commit, kind, transport, constructs: " + line);
            assertTrue(f[0].matches("S\\d\\d"), "row id: " + line);
            assertTrue(f[1].matches("[\\w.-]+/[\\w.-]+"), "repository owner/name: " + line);
            assertTrue(f[3].matches("[0-9a-f]{40}"), "commit: " + line);
            assertTrue(!f[6].isBlank(), "constructs: " + line);
            repos.add(f[1].toLowerCase());
            rows++;
        }
        assertTrue(rows >= 45, "files studied: " + rows);
        assertTrue(repos.size() >= 28, "repositories: " + repos.size());
    }

    @Test
    void everyConfigurationNamesTheSourcesItReproducesAndItsInterfaces() throws IOException {
        Set<String> ids = new HashSet<>();
        for (String line : Files.readAllLines(CORPUS.resolve("SOURCES.tsv"), StandardCharsets.UTF_8)) {
            ids.add(line.split("\t", -1)[0]);
        }
        Set<String> cited = new HashSet<>();
        Pattern sid = Pattern.compile("\\bS\\d\\d\\b");
        for (String name : configNames()) {
            String text = Files.readString(CORPUS.resolve("configs").resolve(name), StandardCharsets.UTF_8);
            Matcher rep = Pattern.compile("(?m)^! reproduces: (.+)$").matcher(text);
            assertTrue(rep.find(), name + ": no '! reproduces:' header line");
            Matcher m = sid.matcher(rep.group(1));
            while (m.find()) {
                assertTrue(ids.contains(m.group()), name + " cites " + m.group() + ", not a row of SOURCES.tsv");
                cited.add(m.group());
            }
            assertTrue(Pattern.compile("(?m)^! netns: \\S").matcher(text).find(), name + ": no '! netns:' header line");
        }
        Set<String> uncited = new TreeSet<>(ids);
        uncited.removeAll(cited);
        uncited.remove("id");
        // a source whose constructs no configuration reproduces would be a gap in the corpus
        assertTrue(uncited.size() <= 1, "sources no configuration reproduces: " + uncited);
    }

    /** keepalived itself, when CI has it: the stored verdicts must still be its verdicts. */
    @Test
    @Timeout(600)
    void storedVerdictsAreStillKeepalivedsVerdicts() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(KEEPALIVED), "keepalived is not installed");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
        Path out = tmp.resolve("verdicts-now.tsv");
        Path outdir = Files.createDirectories(tmp.resolve("keepalived-output-now"));
        ProcessBuilder pb = new ProcessBuilder("bash", CORPUS.resolve("tools/record-verdicts.sh").toString())
                .redirectErrorStream(true);
        pb.environment().put("OUT", out.toString());
        pb.environment().put("OUTDIR", outdir.toString());
        pb.environment().put("KEEPALIVED", KEEPALIVED.toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(540, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tools/record-verdicts.sh did not finish:\n" + log);
        }
        assertEquals(0, p.exitValue(), "tools/record-verdicts.sh failed:\n" + log);
        Map<String, Verdict> now = readRecorded(out);
        assertEquals(verdicts.keySet(), now.keySet());
        List<String> drifted = new ArrayList<>();
        for (Verdict stored : verdicts.values()) {
            Verdict v = now.get(stored.file);
            // the class is derived here, from the lines keepalived printed now, with the README's table
            Classified c = classify(Files.readAllLines(outdir.resolve(stored.file + ".txt"), StandardCharsets.UTF_8), v.exit);
            if (!c.verdict.equals(stored.verdict) || !v.exit.equals(stored.exit) || !v.verdict.equals(c.verdict)) {
                drifted.add(stored.file + ": stored " + stored.verdict + "/" + stored.exit + ", keepalived now " + c.verdict
                        + "/" + v.exit + " (" + c.firstLine + ")" + (v.verdict.equals(c.verdict) ? "" : "; the script says "
                        + v.verdict));
            }
        }
        assertTrue(drifted.isEmpty(), "keepalived's verdicts changed:\n" + String.join("\n", drifted));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static List<String> configNames() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS.resolve("configs"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                    .sorted().toList();
        }
    }

    /** verdicts.tsv: only the three classes (an "unknown" line means the message table needs a row). */
    private static Map<String, Verdict> readVerdicts(Path tsv) throws IOException {
        Map<String, Verdict> m = readRecorded(tsv);
        for (Verdict v : m.values()) {
            assertTrue(List.of(ACCEPT, WARN, REFUSE).contains(v.verdict), v.file + ": verdict " + v.verdict + " (" + v.firstLine
                    + "): keepalived printed a line the README's message table does not classify; read keepalived's source and"
                    + " add a row");
        }
        return m;
    }

    private static Map<String, Verdict> readRecorded(Path tsv) throws IOException {
        Map<String, Verdict> m = new TreeMap<>();
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        assertEquals("file\tverdict\texit\tfirst_line", lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            m.put(f[0], new Verdict(f[0], f[1], f[2], f.length > 3 ? f[3] : ""));
        }
        return m;
    }

    private static List<MessageRule> readMessageTable(Path readme) throws IOException {
        List<MessageRule> rules = new ArrayList<>();
        for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
            Matcher m = TABLE_ROW.matcher(line);
            if (m.matches()) {
                rules.add(new MessageRule(m.group(1), Pattern.compile(m.group(2))));
            }
        }
        assertTrue(!rules.isEmpty(), "no message table in " + readme);
        return rules;
    }

    private record Classified(String verdict, String firstLine) {
    }

    /**
     * The verdict on one file from the lines keepalived -t printed and its exit code: its most severe line, the first
     * line of that class; an exit code the lines do not explain is "unknown" (as tools/record-verdicts.sh does).
     */
    private static Classified classify(List<String> printed, String exit) {
        String verdict = ACCEPT;
        String first = "";
        for (String line : printed) {
            if (line.isEmpty()) {
                continue;
            }
            String c = classOf(line);
            if (SEVERITY.indexOf(c) > SEVERITY.indexOf(verdict)) {
                verdict = c;
                first = line;
            }
            if (first.isEmpty()) {
                first = line;
            }
        }
        switch (exit) {
            case "0", "6" -> { }
            case "5" -> {
                if (verdict.equals(ACCEPT)) {
                    return new Classified(UNKNOWN, "exit 5 with no warn or refuse line");
                }
            }
            default -> {
                if (!verdict.equals(REFUSE)) {
                    return new Classified(UNKNOWN, "exit " + exit + " with no refuse line: " + first);
                }
            }
        }
        return new Classified(verdict, first);
    }

    private static String classOf(String line) {
        String message = LOCATION.matcher(line).replaceFirst("");
        for (MessageRule r : table) {
            if (r.pattern.matcher(message).find()) {
                return r.verdict;
            }
        }
        return UNKNOWN;
    }

    private record Run(int exit, String out, String err) {
    }

    /** One namespace per distinct {@code ! netns:} header, shared by the files that name the same interfaces. */
    private static final Map<String, Netns> HOSTS = new TreeMap<>();

    @AfterAll
    static void deleteHosts() {
        HOSTS.values().forEach(Netns::close);
        HOSTS.clear();
    }

    /**
     * {@code floatd check} as keepalived -t ran: on a host having the interfaces (and addresses) the file's
     * {@code ! netns:} header names, made as tools/record-verdicts.sh makes them (veth pairs, up). The check runs in
     * this JVM on a thread inside that namespace ({@link Netns#runInside}), so its interface look-ups see that host.
     * Without root (no namespaces) it runs with {@code --syntax-only}, and a file whose verdict is about the host is
     * skipped.
     */
    private static Run floatdCheckOnItsHost(Path file) throws IOException {
        String header = netnsHeader(Files.readString(file, StandardCharsets.UTF_8));
        if (!"root".equals(System.getProperty("user.name"))) {
            Assumptions.assumeFalse(verdicts.get(file.getFileName().toString()).firstLine.matches(".*interface .* doesn't exist$"),
                    "keepalived's verdict is about this host's interfaces: needs root for a namespace");
            return floatdCheck(file, "--syntax-only");
        }
        Netns host;
        synchronized (HOSTS) {
            host = HOSTS.get(header);
            if (host == null) {
                host = hostWith(header);
                HOSTS.put(header, host);
            }
        }
        return host.runInside(() -> floatdCheck(file));
    }

    static String netnsHeader(String text) {
        Matcher m = Pattern.compile("(?m)^! netns:[ \\t]*(.*)$").matcher(text);
        return m.find() ? m.group(1).trim() : "";
    }

    /** A namespace with each {@code IF[=ADDR,ADDR...]} of the header: a veth pair (IF and kpN), both up, IF's addresses. */
    private static Netns hostWith(String header) {
        Netns ns = Netns.create("kc");
        try {
            int k = 0;
            for (String spec : header.isEmpty() ? new String[0] : header.split("\\s+")) {
                String ifn = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : spec;
                Netns.run("ip", "-n", ns.name(), "link", "add", ifn, "type", "veth", "peer", "name", "kp" + k);
                Netns.run("ip", "-n", ns.name(), "link", "set", ifn, "up");
                Netns.run("ip", "-n", ns.name(), "link", "set", "kp" + k, "up");
                if (spec.contains("=")) {
                    for (String a : spec.substring(spec.indexOf('=') + 1).split(",")) {
                        List<String> add = new ArrayList<>(List.of("ip", "-n", ns.name(), "addr", "add", a, "dev", ifn));
                        if (a.contains(":")) {
                            add.add("nodad");
                        }
                        Netns.run(add);
                    }
                }
                k++;
            }
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    private static Run floatdCheck(Path file, String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = FloatdCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("check"));
        args.addAll(List.of(options));
        args.addAll(List.of("-f", file.toString()));
        int exit = cl.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (mvnw) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
