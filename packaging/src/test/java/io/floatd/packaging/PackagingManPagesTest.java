package io.floatd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.floatd.cli.FloatdCommand;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.KeepalivedKeywords;
import io.floatd.vrrp.config.KeepalivedKeywords.Block;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * floatd(8), floatd.conf(5) and the bash completion as packaged: they render without a groff warning, and hold every
 * command, option and exit code of the command line and every keyword of the parser's tables (this test reads those
 * tables itself, from the jars the package ships).
 */
class PackagingManPagesTest {
    private static final String MAN8 = "usr/share/man/man8/floatd.8.gz";
    private static final String MAN5 = "usr/share/man/man5/floatd.conf.5.gz";

    private static String gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * The page as groff renders it for a terminal, 200 columns, bold as overstrike ({@code x\bx}, grotty -c) and
     * nothing else: {@code plain} removes the overstrikes.
     */
    private static String render(String page, Path tmp) throws IOException {
        Path source = Files.writeString(tmp.resolve("page"), gunzip(Deb.root().resolve(page)));
        Deb.Result r = Deb.run(Map.of(), "groff", "-man", "-Tutf8", "-ww", "-rLL=200n", "-P-cu", source.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), () -> page + ": groff warnings");
        return r.out();
    }

    private static String plain(String rendered) {
        return rendered.replaceAll(".\b", "");
    }

    /** The bold word a line starts with after {@code indent} spaces (a .TP tag, a .SS heading), if any. */
    private static java.util.Optional<String> boldStart(String line, int indent) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^ {" + indent + "}((?:[^ \b]\b[^ \b])+)").matcher(line);
        return m.find() ? java.util.Optional.of(plain(m.group(1))) : java.util.Optional.empty();
    }

    @Test
    void pagesAreGzippedWithoutNameOrTimestamp() throws IOException {
        for (String page : List.of(MAN8, MAN5)) {
            byte[] b = Files.readAllBytes(Deb.root().resolve(page));
            assertEquals(0x1f, b[0] & 0xff, page);
            assertEquals(0, b[3] & 0x08, page + ": gzip -n keeps no file name");
            assertEquals(0, b[4] | b[5] | b[6] | b[7], page + ": gzip -n keeps no timestamp");
            assertEquals(2, b[8], page + ": gzip -9");
        }
    }

    @Test
    void manAndGroffRenderBothPagesWithoutWarnings(@TempDir Path tmp) throws IOException {
        assumeTrue(Deb.onPath("groff") && Deb.onPath("man"), "groff and man are not installed here");
        for (String page : List.of(MAN8, MAN5)) {
            // groff -ww: every warning category; any line on stderr fails
            Path source = Files.writeString(tmp.resolve("page"), gunzip(Deb.root().resolve(page)));
            Deb.Result groff = Deb.run(Map.of(), "groff", "-man", "-Tutf8", "-ww", "-z", source.toString());
            assertEquals(0, groff.exit(), groff::toString);
            assertEquals("", groff.err(), () -> page + ": " + groff.err());
            // man -l reads the .gz as installed; --warnings passes -ww on to groff
            Deb.Result man = Deb.run(Map.of("MANWIDTH", "100", "MAN_KEEP_STDERR", "1"), "man", "--warnings", "-l",
                    Deb.root().resolve(page).toString());
            assertEquals(0, man.exit(), man::toString);
            assertEquals("", man.err(), () -> page + ": " + man.err());
            assertTrue(man.out().contains("NAME") && man.out().contains("SEE ALSO"), man::toString);
        }
    }

    @Test
    void floatd8HasEveryCommandOptionSignalAndExitCode(@TempDir Path tmp) throws IOException {
        assumeTrue(Deb.onPath("groff"), "groff is not installed here");
        String text = plain(render(MAN8, tmp));
        for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "SIGNALS", "EXIT STATUS",
                "ENVIRONMENT", "FILES", "SEE ALSO")) {
            assertTrue(text.contains("\n" + section + "\n"), () -> "no section " + section);
        }
        CommandLine cl = FloatdCommand.commandLine();
        List<String> missing = new ArrayList<>();
        for (var e : cl.getSubcommands().entrySet()) {
            if (!text.contains("\n   floatd " + e.getKey())) {
                missing.add("command " + e.getKey());
            }
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (!o.hidden() && !text.contains(String.join(", ", o.names()))) {
                    missing.add(e.getKey() + " " + o.longestName());
                }
            }
        }
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (!o.hidden() && !text.contains(String.join(", ", o.names()))) {
                missing.add("floatd " + o.longestName());
            }
        }
        String exit = text.substring(text.indexOf("\nEXIT STATUS\n"), text.indexOf("\nENVIRONMENT\n"));
        for (String code : cl.getCommandSpec().usageMessage().exitCodeList().keySet()) {
            if (!exit.contains("\n       " + code.strip() + " ")) {
                missing.add("exit code " + code);
            }
        }
        String signals = text.substring(text.indexOf("\nSIGNALS\n"), text.indexOf("\nEXIT STATUS\n"));
        for (String sig : List.of("SIGHUP (1)", "SIGTERM (15)", "SIGUSR1 (10)", "SIGUSR2 (12)", "SIGRTMIN+2 (36)",
                "SIGRTMAX-1 (63)", "SIGPWR (30)", "SIGRTMIN+10 (44)")) {
            if (!signals.contains(sig)) {
                missing.add("signal " + sig);
            }
        }
        assertEquals(List.of(), missing);
    }

    /** floatd.conf(5), section by section: each block's sub-heading, then one tag line per keyword. */
    @Test
    void floatdConf5HasEveryKeywordOfTheParsersTablesInItsBlock(@TempDir Path tmp) throws Exception {
        assumeTrue(Deb.onPath("groff"), "groff is not installed here");
        String rendered = render(MAN5, tmp);
        String text = plain(rendered);
        String keywords = text.substring(text.indexOf("\nKEYWORDS\n"), text.indexOf("\nEXAMPLE\n"));
        // in KEYWORDS, a bold line at 3 spaces is a block's heading ("global_defs", "the top level"), a bold word
        // at 7 spaces a keyword's tag
        Map<String, Set<String>> listed = new LinkedHashMap<>();
        String block = null;
        List<String> lines = rendered.lines().toList();
        int from = lines.indexOf(lines.stream().filter(l -> plain(l).equals("KEYWORDS")).findFirst().orElseThrow());
        for (String line : lines.subList(from + 1, lines.size())) {
            if (plain(line).equals("EXAMPLE")) {
                break;
            }
            String heading = line.startsWith("   ") && !line.startsWith("    ") ? plain(line).strip() : null;
            if (heading != null && line.contains("\b")) {
                block = heading;
                listed.put(block, new TreeSet<>());
                continue;
            }
            String b = block;
            boldStart(line, 7).ifPresent(tag -> listed.get(b).add(tag));
        }
        Method handled = ConfigParser.class.getDeclaredMethod("handled", Block.class);
        handled.setAccessible(true);
        List<String> missing = new ArrayList<>();
        int count = 0;
        for (Block b : Block.values()) {
            Set<String> expected = new TreeSet<>(KeepalivedKeywords.names(b));
            @SuppressWarnings("unchecked")
            Set<String> parsed = (Set<String>) handled.invoke(null, b);
            expected.addAll(parsed);
            count += expected.size();
            Set<String> got = listed.getOrDefault(b.where(), Set.of());
            for (String k : expected) {
                if (!got.contains(k)) {
                    missing.add(b.where() + " " + k);
                }
            }
        }
        assertEquals(List.of(), missing, "keywords of the parser's tables not in floatd.conf(5)");
        assertTrue(count > 250, "the tables: " + count);
        assertTrue(keywords.contains("implemented: watched through inotify, as keepalived does; read every 0.1 s only where inotify cannot watch."), "the catalogue's notes");
        assertTrue(text.contains("floating_ip"), "floatd's own keywords");
        String example = Files.readString(Deb.root().resolve("etc/floatd/floatd.conf.example"));
        String firstInstance = example.lines().filter(l -> l.startsWith("vrrp_instance")).findFirst().orElseThrow();
        assertTrue(text.contains(firstInstance), "the example is in EXAMPLE");
    }

    @Test
    void bashCompletionCompletesTheCommands() {
        assumeTrue(Deb.onPath("bash"), "bash is not installed here");
        Path completion = Deb.root().resolve("usr/share/bash-completion/completions/floatd");
        assertTrue(Files.isRegularFile(completion), "no bash completion");
        // what bash-completion does on "floatd <TAB>" and "floatd run --dr<TAB>": load the file, call the function
        String script = "source '" + completion + "'; f=$(complete -p floatd | sed 's/.*-F \\([^ ]*\\) .*/\\1/');"
                + " COMP_WORDS=(floatd ''); COMP_CWORD=1; COMP_LINE='floatd '; COMP_POINT=7; $f; echo \"${COMPREPLY[@]}\";"
                + " COMP_WORDS=(floatd run --dr); COMP_CWORD=2; COMP_LINE='floatd run --dr'; COMP_POINT=15; $f;"
                + " echo \"${COMPREPLY[@]}\"";
        Deb.Result r = Deb.run("bash", "-c", script);
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r::toString);
        Set<String> commands = Set.of(lines.get(0).split(" "));
        assertTrue(commands.containsAll(FloatdCommand.commandLine().getSubcommands().keySet()), r::toString);
        assertEquals("--dry-run", lines.get(1).strip(), r::toString);
        assertFalse(r.err().contains("command not found"), r::toString);
    }
}
