package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.script.CommandLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived 2.2.7's preprocessor and word rules, one test per rule: what each line becomes before any keyword is
 * read. {@link KeepalivedPreprocessorInteropTest} checks the same rules against the real keepalived.
 */
class PreprocessorTest {
    @TempDir
    Path dir;

    /** The segments of {@code text} as "line: text", and the errors as "line! message". */
    private static List<String> read(String text, String configId) {
        List<String> out = new ArrayList<>();
        var pre = new Preprocessor(configId, (line, message) -> out.add(Sources.line(line) + "! " + message),
                (pattern, at, from) -> List.of());
        pre.push(new Preprocessor.File(0, text, Path.of("/etc/keepalived"), null));
        for (Preprocessor.Segment s = pre.next(); s != null; s = pre.next()) {
            out.add(Sources.line(s.position()) + ": " + s.text());
        }
        return out;
    }

    private static List<String> read(String text) {
        return read(text, "lb1");
    }

    // ---- comments ----

    @Test
    void hashAndBangStartCommentsOutsideDoubleQuotesEvenInsideAWord() {
        assertEquals(List.of("1: a", "2: b \"c # d\"", "3: e"), read("a # x\n  b \"c # d\" ! y\ne!f\n"));
    }

    @Test
    void singleQuotesDoNotProtectAComment() {
        assertEquals(List.of("1: notify '/bin/echo"), read("notify '/bin/echo #1'\n"));
    }

    @Test
    void escapedHashOutsideQuotesStillStartsACommentBecauseKeepalivedStripsCommentsTwice() {
        assertEquals(List.of("1: auth_pass a", "2: x \"a\\#b\""), read("auth_pass a\\#b\nx \"a\\#b\"\n"));
    }

    @Test
    void anUnterminatedDoubleQuoteIsAnErrorAtItsLine() {
        assertEquals(List.of("2! unterminated quoted string: missing closing '\"'"), read("\npriority \"10\n"));
    }

    @Test
    void aFinalBackslashContinuesOnlyADefinitionElsewhereItStaysOnTheLastWord() {
        assertEquals(List.of("1: priority 100\\", "2: advert_int 2"), read("priority 100   \\\nadvert_int 2\n"));
    }

    // ---- conditionals ----

    @Test
    void conditionalLineIsKeptOnlyForItsConfigId() {
        String text = "@lb1 priority 150\n@lb2 priority 100\n";
        assertEquals(List.of("1: priority 150"), read(text, "lb1"));
        assertEquals(List.of("2: priority 100"), read(text, "lb2"));
    }

    @Test
    void reversedConditionalIsKeptForEveryOtherConfigId() {
        assertEquals(List.of(), read("@^lb1 priority 100\n", "lb1"));
        assertEquals(List.of("1: priority 100"), read("@^lb1 priority 100\n", "lb2"));
    }

    @Test
    void conditionalWithNothingAfterItIsDropped() {
        assertEquals(List.of("2: x"), read("@lb1\nx\n", "lb1"));
    }

    // ---- parameters ----

    @Test
    void parameterIsReplacedWhereItIsUsed() {
        assertEquals(List.of("2: priority 150"), read("$PRIO=150\npriority $PRIO\n"));
    }

    @Test
    void bracedParameterMayStandInsideAWord() {
        assertEquals(List.of("2: 10.0.0.100/24"), read("$VIP=10.0.0.100\n${VIP}/24\n"));
    }

    @Test
    void unbracedParameterNeedsABlankCommaParenthesisOrTheLineEndAfterIt() {
        assertEquals(List.of("2: $VIP/24", "3: a 10.0.0.1,10.0.0.1)"), read("$VIP=10.0.0.1\n$VIP/24\na $VIP,$VIP)\n"));
    }

    @Test
    void parameterUsedBeforeDefinitionIsLeftAsIs() {
        assertEquals(List.of("1: priority $PRIO", "3: priority 150"), read("priority $PRIO\n$PRIO=150\npriority $PRIO\n"));
    }

    @Test
    void definitionNeedsNoBlankBeforeTheEqualsSign() {
        assertEquals(List.of("1: $PRIO = 150"), read("$PRIO = 150\n"));
    }

    @Test
    void redefinitionWinsFromThereOnAndValuesExpandWhenUsed() {
        assertEquals(List.of("4: priority 130", "6: priority 140"),
                read("$PRIO=120\n$B=$PRIO\n$PRIO=130\npriority $B\n$PRIO=140\npriority $B\n"));
    }

    @Test
    void parametersNestInsideValues() {
        assertEquals(List.of("4: 10.0.0.100/24 dev eth0"),
                read("$NET=10.0.0\n$VIP=${NET}.100/24\n$LINE=$VIP dev eth0\n$LINE\n"));
    }

    @Test
    void aDefinitionThatUsesItselfIsAnErrorWhereKeepalivedNeverFinishes() {
        List<String> out = read("$A=$A\npriority $A\n");
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.getFirst().startsWith("2! parameter expansion does not end"), out.toString());
    }

    @Test
    @Timeout(10)
    void aDefinitionThatGrowsItselfIsAnErrorToo() {
        List<String> out = read("$A=" + "x".repeat(100) + "${A}\npriority $A\n");
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.getFirst().startsWith("2! line too long after expanding parameters"), out.toString());
    }

    @Test
    @Timeout(30)
    void expansionWorkIsBoundedForTheWholeParse() {
        // 100,000 lines each looping 10,000 times would keep a reload busy for minutes
        List<String> out = read("$A=$A\n~SEQ(i, 1, 100000) x $A\n");
        assertTrue(out.stream().anyMatch(l -> l.startsWith("2! parameter expansion too large")), out.subList(0, 3).toString());
        assertTrue(out.size() < 2_000, "lines still expanded past the budget: " + out.size());
    }

    @Test
    void multiLineDefinitionExpandsToItsLinesAtTheLineOfTheUse() {
        assertEquals(List.of("5: 10.0.0.101", "5: 10.0.0.102 dev eth1", "5: 10.0.0.103"),
                read("$ADDRS=10.0.0.101 \\\n   10.0.0.102 dev eth1 \\\n   10.0.0.103\n\n$ADDRS\n"));
    }

    @Test
    void multiLineDefinitionEndsAtAnEmptyOrCommentLine() {
        // what follows is read as lines of their own
        assertEquals(List.of("4: 10.0.0.103", "5: 10.0.0.101", "5: 10.0.0.102"),
                read("$ADDRS=10.0.0.101 \\\n   10.0.0.102 \\\n# a comment\n10.0.0.103\n$ADDRS\n"));
        assertEquals(List.of("4: 10.0.0.103", "5: 10.0.0.101", "5: 10.0.0.102"),
                read("$ADDRS=10.0.0.101 \\\n   10.0.0.102 \\\n\n10.0.0.103\n$ADDRS\n"));
    }

    @Test
    void multiLineParameterOnlyExpandsWhereItsUseEndsTheLine() {
        assertEquals(List.of("3: $M x"), read("$M=a \\\nb\n$M x\n"));
    }

    @Test
    void builtInParameters() {
        assertEquals(List.of("1: router_id lb1", "2: a", "3: x /etc/keepalived"),
                read("router_id ${_INSTANCE}\na $_HASH b\nx $_PWD\n", "lb1"));
        String random = read("x ${_RANDOM 5 7}\n").getFirst();
        assertTrue(random.matches("1: x [5-7]"), random);
    }

    @Test
    void aParameterMayExpandToAConditional() {
        // keepalived.conf(5): $IF_MAIN=@main / $IF_MAIN priority 240
        String text = "$IF_MAIN=@main\n$IF_MAIN priority 240\n";
        assertEquals(List.of("2: priority 240"), read(text, "main"));
        assertEquals(List.of(), read(text, "backup"));
    }

    @Test
    void multiLineParametersNestAndTheirDefinitionsRunWhenExpanded() {
        // keepalived.conf(5)'s $VS/$RS example, shortened
        String text = """
                $RS= \\
                real_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\
                    weight 1 \\
                }

                $VS= \\
                virtual_server 10.0.${VS_NUM}.4 80 { \\
                    $RS_NUM=1 \\
                    $RS \\
                    $RS_NUM=2 \\
                    $RS \\
                }

                $VS_NUM=0
                $VS
                """;
        assertEquals(List.of("15: virtual_server 10.0.0.4 80", "15: {", "15: real_server 192.168.0.1 80", "15: {", "15: weight 1",
                "15: }", "15: real_server 192.168.0.2 80", "15: {", "15: weight 1", "15: }", "15: }"), read(text));
    }

    // ---- ~SEQ and ~LST ----

    @Test
    void seqRepeatsTheLineForEachValue() {
        assertEquals(List.of("1: 10.0.1.110", "1: 10.0.1.112", "1: 10.0.1.114"), read("~SEQ(n, 110, 2, 114) 10.0.1.$n\n"));
        assertEquals(List.of("1: n 1", "1: n 2", "1: n 3"), read("~SEQ(i, 3) n $i\n"));
        assertEquals(List.of("1: n 3", "1: n 2"), read("~SEQ(i, 3, 2) n $i\n"));
        assertEquals(List.of("1: 10.0.2.a", "1: 10.0.2.b"), read("~SEQx(h, 10, 11) 10.0.2.$h\n"));
    }

    @Test
    void severalSeqOnOneLineNest() {
        assertEquals(List.of("1: 1.1", "1: 1.2", "1: 2.1", "1: 2.2"), read("~SEQ(A, 1, 2) ~SEQ(B, 1, 2) ${A}.$B\n"));
    }

    @Test
    void seqNumbersMayBeParametersAndItsVariableOutlivesTheLine() {
        assertEquals(List.of("2: v 1", "2: v 2", "3: last 2"), read("$N=2\n~SEQ(i, 1, $N) v $i\nlast $i\n"));
    }

    @Test
    void seqWithAStepAgainstItsDirectionIsAnError() {
        assertEquals(List.of("1! invalid ~SEQ values '~SEQ(i, 1, -1, 3) x'"), read("~SEQ(i, 1, -1, 3) x\n"));
        assertEquals(List.of("1! invalid ~SEQ specification '~SEQ i x'"), read("~SEQ i x\n"));
    }

    @Test
    void lstRepeatsTheLineForEachValueOrSetOfValuesMissingOnesBlank() {
        assertEquals(List.of("1: 10.0.3.7", "1: 10.0.3.8"), read("~LST(x, 7, 8) 10.0.3.$x\n"));
        assertEquals(List.of("1: 4.4.15", "1: 6.4.1"), read("~LST({a,b}, {4,5}, {6}) ${a}.4.1$b\n"));
    }

    @Test
    void seqTooLargeIsRefused() {
        List<String> out = read("~SEQ(i, 1, 1000000) x $i\n");
        assertEquals(1, out.size());
        assertTrue(out.getFirst().startsWith("1! ~SEQ/~LST would make more than 100000 lines"), out.toString());
    }

    // ---- braces ----

    @Test
    void bracesOutsideQuotesCutTheLine() {
        assertEquals(List.of("1: vrrp_instance VI_1", "1: {", "1: unicast_peer", "1: {", "1: 10.0.0.2", "1: }", "1: }"),
                read("vrrp_instance VI_1 { unicast_peer {   10.0.0.2 } }\n"));
        assertEquals(List.of("1: router_id \"a{b}\""), read("router_id \"a{b}\"\n"));
    }

    // ---- through the parser: words, scripts, positions, includes ----

    private static String instance(String... lines) {
        return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    unicast_peer {\n        10.0.0.2\n    }\n"
                + String.join("\n", lines) + "\n}\n";
    }

    @Test
    void aQuotedWordOnlyStartsAtTheStartOfAWordAndHasNoEscapes() throws Exception {
        FloatdConfig c = ConfigParser.parse("global_defs {\n router_id \"a\\tb c\"\n}\n" + instance(), "k.conf");
        assertEquals("a\\tb c", c.global().routerId());
        // a"b c" is two words, a and b c: the second is ignored after a one-value keyword, as keepalived ignores it
        List<ConfigError> w = ConfigParser.parse(instance("advert_int 1\"b c\""), "k.conf").warnings();
        assertTrue(w.stream().anyMatch(e -> e.toString().startsWith("k.conf:7:") && e.message().contains("'1' is used and 'b c'"
                + " is ignored")), w.toString());
    }

    @Test
    void anErrorInAnExpandedParameterIsReportedAtTheLineOfTheUse() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse("$VRID=300\n" + instance("    virtual_router_id $VRID"), "k.conf"));
        assertEquals("k.conf:8", e.errors().getFirst().file() + ":" + e.errors().getFirst().line());
    }

    @Test
    void configIdComesFromTheParseOptions() throws Exception {
        String text = instance("    @lb1 priority 150", "    @^lb1 priority 50");
        assertEquals(150, ConfigParser.parse(text, "k.conf", new ParseOptions("lb1")).instances().getFirst().priority());
        assertEquals(50, ConfigParser.parse(text, "k.conf", new ParseOptions("lb2")).instances().getFirst().priority());
    }

    @Test
    void singleQuotedScriptIsSplitIntoWords() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_script chk {\n script '/bin/echo -n haproxy'\n}\n"
                + instance("    track_script {\n        chk\n    }"), "k.conf");
        assertEquals(List.of("/bin/echo", "-n", "haproxy"), CommandLine.split(c.instances().getFirst().trackScripts().getFirst().script().script()));
    }

    @Test
    void scriptLineIsSplitTwiceWithQuotesAndEscapes() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_script chk {\n script \"/bin/echo \\\"q w\\\" \\x41\\\\\\\\ 'e f'\"\n}\n"
                + instance("    track_script {\n        chk\n    }"), "k.conf");
        assertEquals(List.of("/bin/echo", "q w", "A\\", "e f"),
                CommandLine.split(c.instances().getFirst().trackScripts().getFirst().script().script()));
    }

    @Test
    void wordsAfterAVrrpScriptCommandAreIgnoredWithAWarning() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_script chk {\n script /bin/echo arg1 arg2\n}\n"
                + instance("    track_script {\n        chk\n    }"), "k.conf");
        assertEquals("/bin/echo", c.instances().getFirst().trackScripts().getFirst().script().script());
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().startsWith("k.conf:2: vrrp_script chk: 'arg1 arg2' after the script")),
                c.warnings().toString());
    }

    @Test
    void notifyCommandIsTheFirstWordAfterTheKeyword() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("    notify_master '/bin/echo master now'", "    notify_backup /bin/echo\\ a"), "k.conf");
        assertEquals(List.of("/bin/echo", "master", "now"), CommandLine.split(c.instances().getFirst().notifyScripts().master()));
        assertEquals(List.of("/bin/echo", "a"), CommandLine.split(c.instances().getFirst().notifyScripts().backup()));
    }

    @Test
    void includePatternIsTheRestOfTheLineAfterExpansion() throws Exception {
        Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/vips.conf"), "10.0.0.100\n10.0.0.101\n");
        Path main = dir.resolve("k.conf");
        Files.writeString(main, "$D=conf.d\n" + instance("    virtual_ipaddress {\n        include ${D}/*.conf\n    }"));
        assertEquals(2, ConfigParser.parse(main).instances().getFirst().virtualAddresses().size());
    }

    @Test
    void anErrorInAnIncludedFileKeepsItsFileAndLine() throws Exception {
        Files.writeString(dir.resolve("p.conf"), "\n    virtual_router_id $P\n");
        Path main = dir.resolve("k.conf");
        Files.writeString(main, "$P=0\n" + instance("    include p.conf"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(main));
        assertEquals(dir.resolve("p.conf") + ":2", e.errors().getFirst().file() + ":" + e.errors().getFirst().line());
    }

    @Test
    void dumpWritesValuesAndCommandsAsKeepalivedReadsThemBack() throws Exception {
        // the dump writes plain values as keepalived reads them back and commands with script-line escapes
        FloatdConfig c = ConfigParser.parse("global_defs {\n router_id \"a b#c\"\n}\nvrrp_script chk {\n"
                + " script \"/bin/echo 'x #1' \\\\\\\\\"\n timeout 2\n}\n"
                + instance("    track_script {\n        chk\n    }"), "k.conf");
        FloatdConfig again = ConfigParser.parse(c.dump(false), "dump.conf");
        assertEquals(c.global().routerId(), again.global().routerId());
        assertEquals(c.instances(), again.instances());
        assertEquals(Duration.ofSeconds(2), again.instances().getFirst().trackScripts().getFirst().script().timeout());
    }
}
