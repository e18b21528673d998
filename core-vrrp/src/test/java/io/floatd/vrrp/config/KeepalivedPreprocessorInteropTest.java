package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.script.CommandLine;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preprocessor and quoting rules against the real keepalived 2.2.7 ({@code /usr/sbin/keepalived}; skipped when
 * it is absent): each configuration is checked by {@code keepalived -t} in a namespace that has the interface it
 * names (keepalived's config test needs it), and floatd must give the same verdict. For a configuration both accept,
 * keepalived's own dump ({@code -d}, from a short run) must show what floatd read: addresses, priority, advert
 * interval, password, router id and each script's argv.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeepalivedPreprocessorInteropTest {
    private static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");
    private static Lan lan;

    @TempDir
    Path dir;

    @BeforeAll
    static void namespace() {
        assumeTrue(Files.isExecutable(KEEPALIVED), "keepalived is not installed");
        lan = Lan.create("kpp", 1);
    }

    @AfterAll
    static void close() {
        if (lan != null) {
            lan.close();
        }
    }

    private static Netns host() {
        return lan.host(0);
    }

    /** An instance on the namespace's eth0, with {@code lines} inside it. */
    private static String instance(String... lines) {
        return """
                global_defs {
                    script_user root
                    enable_script_security
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_src_ip 10.199.0.10
                    unicast_peer {
                        10.199.0.11
                    }
                """ + String.join("\n", lines) + "\n}\n";
    }

    private static String vips(String... lines) {
        return "    virtual_ipaddress {\n" + String.join("\n", lines) + "\n    }";
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** keepalived -t's exit code (0: accepted), bounded: keepalived loops forever on some definitions (124). */
    private Netns.Result keepalivedTest(Path conf, String configId, int seconds) {
        return host().tryExec("timeout", Integer.toString(seconds), KEEPALIVED.toString(), "-t", "-l", "-f", conf.toString(),
                "-i", configId);
    }

    private Netns.Result keepalivedTest(Path conf, String configId) {
        // a config test takes milliseconds; the bound only matters on a machine loaded by other tests
        return keepalivedTest(conf, configId, 15);
    }

    /**
     * Whether floatd loads the file without a word to say, as keepalived -t exit 0 does: where keepalived reports a
     * problem and its daemon runs on, floatd warns (accepted with a warning counts as not clean here, as exit 5 does).
     */
    private static boolean floatdAccepts(Path conf, String configId) {
        try {
            return ConfigParser.parse(conf, new ParseOptions(configId)).warnings().isEmpty();
        } catch (ConfigException e) {
            return false;
        }
    }

    /** Both accept, or both refuse: {@code expected} says which, so the case proves something either way. */
    private void sameVerdict(String name, String text, String configId, boolean expected) throws IOException {
        Path conf = write(name + ".conf", text);
        Netns.Result k = keepalivedTest(conf, configId);
        assertEquals(expected, k.exitCode() == 0, () -> name + ": keepalived -t exited " + k.exitCode() + ":\n" + k.output() + "\n" + text);
        boolean f = floatdAccepts(conf, configId);
        assertEquals(expected, f, () -> name + ": floatd " + (f ? "accepts cleanly" : "refuses or warns about") + " what keepalived "
                + (expected ? "accepts" : "refuses") + ":\n" + k.output() + "\n" + text);
    }

    @Test
    void parametersHaveKeepalivedsVerdicts() throws IOException {
        sameVerdict("bracedUse", "$VIP=10.199.0.100\n$PFX=24\n" + instance(vips("${VIP}/$PFX")), "node1", true);
        // '$VIP/24' is not a use: the name must be followed by a blank, ',', ')' or the line's end
        sameVerdict("unbracedUseBeforeSlash", "$VIP=10.199.0.100\n" + instance(vips("$VIP/24")), "node1", false);
        sameVerdict("usedBeforeDefinition", instance(vips("$VIP")) + "$VIP=10.199.0.100\n", "node1", false);
        sameVerdict("blanksAroundEqualsIsNoDefinition", "$VIP = 10.199.0.100\n" + instance(vips("10.199.0.100")), "node1", false);
        sameVerdict("multiLine", "$ADDRS=10.199.0.101 \\\n  10.199.0.102\n" + instance(vips("$ADDRS")), "node1", true);
        sameVerdict("commentEndsMultiLine", "$ADDRS=10.199.0.101 \\\n# c\n  10.199.0.102\n" + instance(vips("$ADDRS")), "node1", false);
        sameVerdict("multiLineNotAtLineEnd", "$M=10.199.0.101 \\\n10.199.0.102\n" + instance(vips("$M dev eth0")), "node1", false);
    }

    @Test
    void aDefinitionThatUsesItselfNeverFinishesInKeepalivedAndIsAnErrorInFloatd() throws IOException {
        Path conf = write("loop.conf", "$A=$A\n" + instance("    priority $A", vips("10.199.0.100")));
        assertEquals(124, keepalivedTest(conf, "node1", 5).exitCode(), "keepalived should still be reading after 5 s");
        assertEquals(false, floatdAccepts(conf, "node1"));
    }

    @Test
    void conditionalsFollowTheConfigId() throws IOException {
        String text = instance("    @node1 priority 200", "    @^node1 no_such_keyword", "    @node1", vips("10.199.0.100"));
        sameVerdict("conditionalThisNode", text, "node1", true);
        sameVerdict("conditionalOtherNode", text, "node2", false);
    }

    @Test
    void repetitionHasKeepalivedsVerdicts() throws IOException {
        sameVerdict("seqAndLst", instance(vips("~SEQ(n, 100, 2, 104) 10.199.0.$n", "~LST(x, 7, 8) 10.199.1.$x")), "node1", true);
        // hexadecimal values make invalid IPv4 addresses
        sameVerdict("seqHex", instance(vips("~SEQx(h, 10, 11) 10.199.0.$h")), "node1", false);
        sameVerdict("seqStepAgainstDirection", instance(vips("~SEQ(i, 1, -1, 3) 10.199.0.$i")), "node1", false);
    }

    @Test
    void quotingHasKeepalivedsVerdicts() throws IOException {
        sameVerdict("hashInDoubleQuotes", instance(vips("10.199.0.100"), "    notify_master \"/bin/echo 'x' #1\""), "node1", true);
        sameVerdict("hashInSingleQuotes", instance(vips("10.199.0.100"), "    notify_master '/bin/echo #1'"), "node1", false);
        sameVerdict("singleQuoteInsideDoubleQuotesLeftOpen", instance(vips("10.199.0.100"), "    notify_master \"/bin/echo 'a\""), "node1", false);
        sameVerdict("unterminatedDoubleQuote", instance(vips("10.199.0.100"), "    priority \"10"), "node1", false);
        // a final '\\' continues only a definition: here it stays on the word
        sameVerdict("noLineContinuation", instance(vips("10.199.0.100"), "    priority 100 \\", "    advert_int 2"), "node1", false);
    }

    @Test
    void includeIsReadAfterExpansion() throws IOException {
        write("good.conf", "10.199.0.100\n");
        write("bad.conf", "no_such_keyword\n");
        sameVerdict("includeGood", "$F=good\n" + instance(vips("include ${F}.conf")), "node1", true);
        sameVerdict("includeBad", "$F=bad\n" + instance(vips("10.199.0.100", "include ${F}.conf")), "node1", false);
    }

    // ---- keepalived's interpretation, from its dump ----

    private static final String RICH = """
            $NET=10.199.0
            $VIP=${NET}.100
            $PFX=24
            $PRIO=120
            $B=$PRIO
            $PRIO=130
            $ADDRS=10.199.0.101 \\
               10.199.0.102/32
            global_defs {
                router_id "r ${_INSTANCE}#1"
                script_user root
                enable_script_security
            }
            vrrp_script s1 {
                script "/bin/echo \\"q w\\" \\x41\\\\\\\\ 'e f'"
            }
            vrrp_script s2 {
                script '/bin/echo -n haproxy'
            }
            vrrp_script s3 {
                script /bin/echo arg1 arg2
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority $B
                @node1 advert_int 3
                @^node1 advert_int 4
                unicast_src_ip 10.199.0.10
                unicast_peer {
                    10.199.0.11
                }
                authentication {
                    auth_type PASS
                    auth_pass ab\\#cd
                }
                track_script {
                    s1
                    s2
                    s3
                }
                virtual_ipaddress {
                    ${VIP}/$PFX
                    $ADDRS
            ~SEQ(n, 110, 2, 114) ${NET}.$n
            ~LST({a,b}, {4,5}, {6,7}) 10.199.${a}.1$b
                    "10.199.0.120" ! a comment
                }
                notify_master "/bin/echo 'x y' #1"
                notify_backup '/bin/echo backup now'
            }
            """;

    /** keepalived's dump of {@code conf}: it runs (VRRP only) until the dump is written, then is stopped. */
    private String keepalivedDump(Path conf, String configId) throws Exception {
        Path log = dir.resolve("keepalived.log");
        Process p = host().spawn(List.of(KEEPALIVED.toString(), "--dont-fork", "--log-console", "--log-detail", "--dump-conf",
                "--vrrp", "-f", conf.toString(), "-i", configId, "-p", dir.resolve("k.pid").toString(),
                "-r", dir.resolve("v.pid").toString()), log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                String text = Files.exists(log) ? Files.readString(log) : "";
                if (text.contains("------< Interfaces >------")) {
                    return text;
                }
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("keepalived wrote no dump (alive " + p.isAlive() + "):\n" + text);
                }
                Thread.sleep(50);
            }
        } finally {
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String field(String dump, String name) {
        Matcher m = Pattern.compile("(?m)^.*?: +" + Pattern.quote(name) + " = (.*)$").matcher(dump);
        assertTrue(m.find(), () -> name + " not in the dump:\n" + dump);
        return m.group(1).strip();
    }

    /** {@code 'a' 'b c'} as a list. */
    private static List<String> quotedWords(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'").matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The argv floatd would exec for a command line, with the command's path resolved as keepalived shows it. */
    private static List<String> argv(String commandLine) throws IOException {
        List<String> argv = new ArrayList<>(CommandLine.split(commandLine));
        argv.set(0, Path.of(argv.getFirst()).toRealPath().toString());
        return argv;
    }

    @Test
    void keepalivedsDumpShowsWhatFloatdRead() throws Exception {
        Path conf = write("rich.conf", RICH);
        assertEquals(0, keepalivedTest(conf, "node1").exitCode(), () -> keepalivedTest(conf, "node1").output());
        FloatdConfig c = ConfigParser.parse(conf, new ParseOptions("node1"));
        InstanceConfig vi = c.instances().getFirst();
        String dump = keepalivedDump(conf, "node1");

        assertEquals(field(dump, "Router ID"), c.global().routerId());
        assertEquals(field(dump, "Priority"), Integer.toString(vi.priority()));
        assertEquals(field(dump, "Advert interval"), vi.advertIntervalCentis() / 100 + " sec");
        assertEquals(field(dump, "Password"), vi.authentication().password().reveal());

        Matcher vipBlock = Pattern.compile("Virtual IP \\((\\d+)\\):\\n((?:.*\\n){1,64})").matcher(dump);
        assertTrue(vipBlock.find(), dump);
        int count = Integer.parseInt(vipBlock.group(1));
        List<String> keepalivedVips = vipBlock.group(2).lines().limit(count)
                .map(l -> l.replaceFirst("^.*?: +", "").split(" ")[0]).toList();
        List<String> floatdVips = vi.virtualAddresses().stream()
                .map(a -> a.address().getHostAddress() + (a.prefixLength() == (a.address() instanceof Inet4Address ? 32 : 128) ? "" : "/" + a.prefixLength()))
                .toList();
        assertEquals(keepalivedVips, floatdVips);

        Map<String, List<String>> keepalivedScripts = new LinkedHashMap<>();
        Matcher scripts = Pattern.compile("VRRP Script = (\\S+)\\n.*?Command = (.*)\\n").matcher(dump);
        while (scripts.find()) {
            keepalivedScripts.put(scripts.group(1), quotedWords(scripts.group(2)));
        }
        Map<String, List<String>> floatdScripts = new LinkedHashMap<>();
        for (TrackedScript t : vi.trackScripts()) {
            floatdScripts.put(t.script().name(), argv(t.script().script()));
        }
        assertEquals(keepalivedScripts, floatdScripts);

        assertEquals(quotedWords(field(dump, "Master state transition script").replaceFirst(", uid:gid.*", "")),
                argv(vi.notifyScripts().master()));
        assertEquals(quotedWords(field(dump, "Backup state transition script").replaceFirst(", uid:gid.*", "")),
                argv(vi.notifyScripts().backup()));
    }
}
