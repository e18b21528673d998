package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.floatd.cli.FloatdCommand;
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
 * <ul>
 *   <li>{@code floatd check} accepts each configuration exactly when keepalived accepts it, and refuses the others
 *       with an error naming the file and a line (warnings are allowed on an accepted one);
 *   <li>where keepalived is installed and the test runs as root (CI), keepalived is asked again, in network
 *       namespaces with the interfaces each file names, so the stored verdicts cannot drift from keepalived's.
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

    record Verdict(String file, boolean accept, String exit, String firstLine) {
    }

    @BeforeAll
    static void install() throws IOException {
        verdicts = readVerdicts(CORPUS.resolve("verdicts.tsv"));
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
            tests.add(DynamicTest.dynamicTest(name + " (keepalived: " + (v == null ? "?" : v.accept ? "accept" : "refuse")
                    + ")", () -> checkOne(name, v)));
        }
        return tests.stream();
    }

    private static void checkOne(String name, Verdict v) {
        assertTrue(v != null, name + " has no keepalived verdict in verdicts.tsv (run tools/record-verdicts.sh)");
        Path file = installed.resolve(name);
        Run r = floatdCheck(file);
        if (v.accept) {
            assertEquals(FloatdCommand.EXIT_OK, r.exit, name + ": keepalived 2.2.7 accepts it (exit " + v.exit + "), floatd"
                    + " check refused it:\n" + r.err);
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
        long refused = verdicts.values().stream().filter(v -> !v.accept).count();
        assertTrue(refused >= 10, "the corpus keeps configurations keepalived refuses: " + refused);
        assertTrue(verdicts.size() - refused >= 30, "the corpus keeps configurations keepalived accepts");
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
        ProcessBuilder pb = new ProcessBuilder("bash", CORPUS.resolve("tools/record-verdicts.sh").toString())
                .redirectErrorStream(true);
        pb.environment().put("OUT", out.toString());
        pb.environment().put("KEEPALIVED", KEEPALIVED.toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(540, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tools/record-verdicts.sh did not finish:\n" + log);
        }
        assertEquals(0, p.exitValue(), "tools/record-verdicts.sh failed:\n" + log);
        Map<String, Verdict> now = readVerdicts(out);
        assertEquals(verdicts.keySet(), now.keySet());
        List<String> drifted = new ArrayList<>();
        for (Verdict stored : verdicts.values()) {
            Verdict v = now.get(stored.file);
            if (v.accept != stored.accept || !v.exit.equals(stored.exit)) {
                drifted.add(stored.file + ": stored " + stored.accept + "/" + stored.exit + ", keepalived now " + v.accept
                        + "/" + v.exit + " (" + v.firstLine + ")");
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

    private static Map<String, Verdict> readVerdicts(Path tsv) throws IOException {
        Map<String, Verdict> m = new TreeMap<>();
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        assertEquals("file\tverdict\texit\tfirst_line", lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            assertTrue(f[1].equals("accept") || f[1].equals("refuse"), "verdict: " + line);
            m.put(f[0], new Verdict(f[0], f[1].equals("accept"), f[2], f.length > 3 ? f[3] : ""));
        }
        return m;
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run floatdCheck(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = FloatdCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("check", "-f", file.toString());
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
