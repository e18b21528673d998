package io.floatd.cli;

import static io.floatd.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument parsing and exit codes of every command, through picocli as a user would call them. */
class FloatdCommandTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheSubcommandAskedForIsBuiltExceptForHelpAndCompletion() {
        var all = java.util.List.of("run", "status", "handover", "resume", "check", "demo", "version",
                "generate-completion", "help");
        assertEquals(java.util.List.of("run"), java.util.List.copyOf(FloatdCommand.commandLine("run", "-f", "x").getSubcommands().keySet()));
        assertEquals(java.util.List.of("check"), java.util.List.copyOf(FloatdCommand.commandLine("check").getSubcommands().keySet()));
        for (String[] argv : new String[][] {{}, {"--help"}, {"help", "run"}, {"generate-completion"}, {"nonsense"}}) {
            assertEquals(all, java.util.List.copyOf(FloatdCommand.commandLine(argv).getSubcommands().keySet()),
                    () -> String.join(" ", argv));
        }
        CommandRun help = run("--help");
        for (String cmd : all) {
            assertTrue(help.out().contains("\n  " + cmd + " "), () -> cmd + " in\n" + help.out());
        }
        CommandRun runHelp = run("run", "--help");
        assertEquals(0, runHelp.exit(), runHelp::toString);
        assertTrue(runHelp.out().startsWith("Usage: floatd run "), runHelp::out);
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** On {@code lo}, which every host has: check (and -t) also look the instance's interface up on this host. */
    private static final String VALID = """
            global_defs {
                router_id lb1
            }
            vrrp_instance VI_1 {
                interface lo
                virtual_router_id 51
                priority 150
                advert_int 1
                unicast_src_ip 10.0.0.11
                unicast_peer {
                    10.0.0.12
                }
                authentication {
                    auth_type PASS
                    auth_pass s3cret99
                }
                virtual_ipaddress {
                    10.0.0.100/24
                }
            }
            """;

    @Test
    void checkAcceptsAValidConfigAndExitsZero() throws IOException {
        CommandRun r = run("check", "-f", write("ok.conf", VALID).toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("valid, 1 instance(s)"), r.out());
    }

    @Test
    void checkDumpMasksThePassword() throws IOException {
        CommandRun r = run("check", "--dump", "-f", write("ok.conf", VALID).toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("vrrp_instance VI_1"), r.out());
        assertFalse(r.out().contains("s3cret99"), "the password must never be printed");
    }

    @Test
    void checkReportsEveryErrorWithFileAndLineAndExitsOne() throws IOException {
        Path conf = write("bad.conf", VALID.replace("virtual_router_id 51", "virtual_router_id 300")
                .replace("priority 150", "garp_master_delay -1"));
        CommandRun r = run("check", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit());
        assertTrue(r.err().contains(conf + ":6:"), r.err());
        assertTrue(r.err().contains(conf + ":7:"), r.err());
        assertFalse(r.err().contains("Exception"), "one clear line per error, no stack trace: " + r.err());
    }

    @Test
    void checkStrictRefusesWhatPlainCheckAcceptsWithAWarning() throws IOException {
        // keepalived ignores an unknown keyword ("Unknown keyword 'priorty'"): so does floatd, with a warning and a
        // suggestion; --strict is for users who want their typos caught
        Path conf = write("typo.conf", VALID.replace("priority 150", "priorty 150"));
        CommandRun plain = run("check", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_OK, plain.exit(), plain::toString);
        assertTrue(plain.err().contains("floatd: warning: " + conf + ":7: vrrp_instance VI_1: unknown keyword 'priorty' in"
                + " vrrp_instance (did you mean 'priority'?): ignored"), plain::err);
        CommandRun strict = run("check", "--strict", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, strict.exit(), strict::toString);
        assertTrue(strict.err().contains(conf + ": 1 warning(s), refused by --strict"), strict::err);
        CommandRun clean = run("check", "--strict", "-f", write("clean.conf", VALID).toString());
        assertEquals(FloatdCommand.EXIT_OK, clean.exit(), clean::toString);
    }

    /** Issue 14 (8): a binary file was reported as {@code MalformedInputException} at line 0. */
    @Test
    void checkSaysABinaryFileIsNotUtf8TextAtAByte() throws IOException {
        Path conf = dir.resolve("binary.conf");
        byte[] bytes = "global_defs {\n    router_id lb1\n}\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        bytes = java.util.Arrays.copyOf(bytes, bytes.length + 8);
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, (byte) 0xfe};
        System.arraycopy(elf, 0, bytes, bytes.length - 8, 8);
        Files.write(conf, bytes);
        CommandRun r = run("check", "-f", conf.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("floatd: " + conf + ":4: not UTF-8 text at byte 41 (counting from 0); the file is not read\n"),
                r::err);
        assertFalse(r.err().contains("MalformedInputException"), r::err);
    }

    @Test
    void checkValidatesTheProviderKeywordsToo() throws IOException {
        String aws = VALID.replace("    virtual_ipaddress {", """
                    floating_ip {
                        provider aws
                        address 203.0.113.10
                        instance_id i-0123456789abcdef0
                        region eu-west-1
                        colour blue
                    }
                    virtual_ipaddress {""");
        Path conf = write("aws.conf", aws);
        CommandRun r = run("check", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r.out());
        assertTrue(r.err().contains(conf + ":17: vrrp_instance VI_1: aws: floating_ip unknown key 'colour'"), r.err());
        assertTrue(r.err().contains("colour"), r.err());
        CommandRun ok = run("check", "-f", write("aws-ok.conf", aws.replace("colour blue", "")).toString());
        assertEquals(0, ok.exit(), ok.err());
        Path badPolicy = write("policy.conf", aws.replace("colour blue", "deadline soon"));
        CommandRun p = run("check", "-f", badPolicy.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, p.exit());
        assertTrue(p.err().contains("deadline"), p.err());
    }

    /** Issue 16: mode route_table's errors at the block's line, its table list on one line. */
    @Test
    void checkValidatesModeRouteTableAtTheBlocksLine() throws IOException {
        String rt = VALID.replace("    virtual_ipaddress {", """
                    floating_ip {
                        provider aws
                        mode route_table
                        address 192.168.100.10
                        route_table rtb-0a1b2c3d4e5f60718 rtb-0123456789abcdef0
                        instance_id i-0123456789abcdef0
                        region eu-west-1
                    }
                    virtual_ipaddress {""");
        CommandRun ok = run("check", "-f", write("rt-ok.conf", rt).toString());
        assertEquals(0, ok.exit(), ok.err());
        Path bad = write("rt-bad.conf", rt.replace("rtb-0123456789abcdef0", "main-table"));
        CommandRun r = run("check", "-f", bad.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r.out());
        assertTrue(r.err().contains(bad + ":17: vrrp_instance VI_1: aws: floating_ip route_table must be route table ids "
                + "rtb-... separated by spaces, but 'main-table' is not one"), r.err());
        Path none = write("rt-none.conf", rt.replace("route_table rtb-0a1b2c3d4e5f60718 rtb-0123456789abcdef0", ""));
        CommandRun n = run("check", "-f", none.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, n.exit(), n.out());
        assertTrue(n.err().contains(none + ":17: vrrp_instance VI_1: aws: floating_ip route_table is required in mode "
                + "route_table"), n.err());
    }

    @Test
    void checkRefusesSecretFilesAnotherUserOwnsOrCanRead() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.floatd.vrrp.script.RunAs.currentUid() == 0, "runs as root, as floatd does");
        Path key = write("vrrp.key", "k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y!\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path token = write("do-token", "dop_v1_0123456789abcdef\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String text = VALID.replace("    virtual_ipaddress {", """
                    transport {
                        udp auth_key_file %s
                    }
                    floating_ip {
                        provider digitalocean
                        address 203.0.113.50
                        droplet_id 3164444
                        token_file %s
                    }
                    virtual_ipaddress {""".formatted(key, token));
        Path conf = write("secrets.conf", text);
        CommandRun ok = run("check", "-f", conf.toString());
        assertEquals(0, ok.exit(), ok.err());

        Files.setAttribute(key, "unix:uid", 65534);
        CommandRun badKey = run("check", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, badKey.exit());
        assertTrue(badKey.err().contains(conf + ":18: vrrp_instance VI_1: auth_key_file " + key + ": must be owned by root "
                + "and not readable or writable by group or others (owner uid 65534, mode 0600)"), badKey.err());

        Files.setAttribute(key, "unix:uid", 0);
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CommandRun badToken = run("check", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, badToken.exit());
        assertTrue(badToken.err().contains(conf + ":20: vrrp_instance VI_1: digitalocean: token_file " + token
                + ": must be owned by root and not readable or writable by group or others (owner uid 0, mode 0644)"),
                badToken.err());
        assertFalse(badToken.err().contains("dop_v1"), "the token is never shown");
    }

    @Test
    void runRefusesABadConfigWithoutStarting() throws IOException {
        Path conf = write("bad.conf", VALID.replace("advert_int 1", "advert_int 0.5"));
        CommandRun r = run("run", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit());
        Matcher m = Pattern.compile(Pattern.quote(conf.toString()) + ":8: .*advert_int").matcher(r.err());
        assertTrue(m.find(), r.err());
    }

    @Test
    void missingConfigFileIsOneLineAndExitOne() {
        CommandRun r = run("check", "-f", dir.resolve("nope.conf").toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void unknownSubcommandOrOptionIsAUsageError() {
        assertEquals(FloatdCommand.EXIT_USAGE, run("frobnicate").exit());
        CommandRun r = run("check", "--bogus");
        assertEquals(FloatdCommand.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("floatd: "), r.err());
        // without -f, run (and floatd alone, as keepalived alone) read /etc/floatd/floatd.conf, absent here
        CommandRun noFile = run("run");
        assertEquals(FloatdCommand.EXIT_CONFIG, noFile.exit(), noFile::toString);
        assertTrue(noFile.err().contains("/etc/floatd/floatd.conf: no such configuration file"), noFile::err);
        assertEquals(FloatdCommand.EXIT_CONFIG, run().exit(), "no subcommand: the daemon with the default file");
    }

    @Test
    void generatesShellCompletion() {
        CommandRun r = run("generate-completion");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("complete -F _complete_floatd") && r.out().contains("handover"), r.out());
    }

    @Test
    void versionAndHelp() {
        CommandRun v = run("version");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("floatd " + VersionCommand.VERSION), v.out());
        CommandRun h = run("--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("Exit codes:"), h.out());
        assertEquals(0, run("run", "--help").exit());
    }

    @Test
    void demoShowsElectionFailoverAndHandoverWithMeasuredTimes() {
        CommandRun r = run("demo");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.contains("lb1    BACKUP -> MASTER"), out);
        // the real aws provider, through the SDK, against the embedded EC2 endpoint
        assertTrue(out.contains("cloud  AssociateAddress 203.0.113.10 -> i-0b1000000000000a1 (lb1)\n"), out);
        assertTrue(out.contains("kill -9 lb1"), out);
        Matcher failover = Pattern.compile("failover: lb2 MASTER (\\d+) ms after the kill .*\\), IP associated with "
                + "lb2 (\\d+) ms after that").matcher(out);
        assertTrue(failover.find(), out);
        int ms = Integer.parseInt(failover.group(1));
        assertTrue(ms > 200 && ms < 2000, "failover after " + ms + " ms (Master_Down_Interval is 361 ms)");
        String afterKill = out.substring(out.indexOf("kill -9 lb1"));
        assertTrue(afterKill.indexOf("cloud  AssociateAddress 203.0.113.10 -> i-0b1000000000000a2 (lb2)\n")
                < afterKill.indexOf("failover: lb2 MASTER"), out);
        assertTrue(Pattern.compile("preemption: lb1 MASTER and holding the IP \\d+ ms after its start").matcher(out).find(), out);
        assertTrue(out.contains("lb1    MASTER -> BACKUP (handover requested"), out);
        assertTrue(Pattern.compile("handover: lb2 MASTER and holding the IP \\d+ ms after the handover").matcher(out).find(), out);
        assertTrue(Pattern.compile("resume: lb1 MASTER and holding the IP \\d+ ms after the resume").matcher(out).find(), out);
        assertTrue(out.contains("the IP moved 5 times, each by an AssociateAddress call"), out);
        assertEquals(5, Pattern.compile("cloud  AssociateAddress [^\n]* \\(lb[12]\\)\n").matcher(out).results().count(), out);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void statusWithNoDaemonIsOneLineAndExitFour() throws IOException {
        int port = freePort();
        CommandRun r = run("status", "--address", "127.0.0.1:" + port);
        assertEquals(FloatdCommand.EXIT_UNREACHABLE, r.exit());
        assertEquals("floatd: no daemon answering on 127.0.0.1:" + port + " (is floatd running? --address?)\n",
                r.err().replace("\r\n", "\n"));
        assertEquals("", r.out());
        assertEquals(FloatdCommand.EXIT_UNREACHABLE, run("status", "--json", "--address", "[::1]:" + port).exit());
    }

    @Test
    void handoverWithNoDaemonIsOneLineAndExitFourAndAnUnknownControlGroupIsAUsageError() throws IOException {
        CommandRun r = run("handover", "VI_1", "--control-socket", dir.resolve("none.sock").toString());
        assertEquals(FloatdCommand.EXIT_UNREACHABLE, r.exit());
        assertEquals("floatd: no daemon: no control socket at " + dir.resolve("none.sock") + " (is floatd running? --control-socket?)\n",
                r.err().replace("\r\n", "\n"));
        assertEquals(FloatdCommand.EXIT_USAGE, run("handover", "VI 1").exit(), "a name the daemon could not take");
        CommandRun g = run("run", "-f", write("ok.conf", VALID).toString(), "--control-group", "no-such-group-floatd");
        assertEquals(FloatdCommand.EXIT_USAGE, g.exit(), g.err());
        assertEquals("floatd: --control-group: group 'no-such-group-floatd' does not exist\n", g.err().replace("\r\n", "\n"));
        CommandRun help = run("handover", "--help");
        assertTrue(help.out().contains("--control-socket") && help.out().contains("5   permission denied"), help.out());
    }

    @Test
    void statusAndStatusAddressArguments() {
        assertEquals(new HostPort("127.0.0.1", 9798), HostPort.parse(HostPort.DEFAULT));
        assertEquals(new HostPort("::1", 80), HostPort.parse("[::1]:80"));
        assertEquals("[::1]:80", HostPort.parse("[::1]:80").toString());
        for (String bad : new String[] {"localhost", "::1:80", "host:", ":80", "host:99999", "host:x"}) {
            CommandRun r = run("status", "--address", bad);
            assertEquals(FloatdCommand.EXIT_USAGE, r.exit(), bad);
            assertTrue(r.err().startsWith("floatd: "), r.err());
        }
        assertEquals(FloatdCommand.EXIT_USAGE, run("status", "--frobnicate").exit());
        assertEquals(FloatdCommand.EXIT_USAGE, run("run", "--status-address", "nowhere", "-f", "x.conf").exit());
        assertEquals(FloatdCommand.EXIT_USAGE, run("run", "--log-format", "xml", "-f", "x.conf").exit());
        assertEquals(0, run("status", "--help").exit());
        CommandRun h = run("--help");
        assertTrue(h.out().contains("status"), h.out());
        assertTrue(h.out().contains("4   status, handover, resume: no daemon answering"), h.out());
        assertTrue(h.out().contains("5   handover, resume: permission denied"), h.out());
        CommandRun rh = run("run", "--help");
        assertTrue(rh.out().contains("--status-address") && rh.out().contains("--log-format"), rh.out());
    }

    @Test
    void jsonLogLinesAreOneObjectEach() {
        java.util.logging.LogRecord rec = new java.util.logging.LogRecord(java.util.logging.Level.WARNING,
                "VRRP_Instance({0}) said \"hi\"\nthen more");
        rec.setParameters(new Object[] {"VI_1"});
        rec.setLoggerName("floatd.vrrp");
        rec.setInstant(java.time.Instant.parse("2026-11-22T05:30:00.123Z"));
        String line = new LogSetup.JsonFormatter(false).format(rec);
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        assertEquals(java.util.Map.of("ts", "2026-11-22T05:30:00.123Z", "level", "WARNING", "logger", "floatd.vrrp",
                "msg", "VRRP_Instance(VI_1) said \"hi\"\nthen more"), io.floatd.vrrp.status.Json.parse(line));
        rec.setThrown(new IllegalStateException("boom"));
        rec.setLevel(java.util.logging.Level.SEVERE);
        java.util.Map<?, ?> withError = (java.util.Map<?, ?>) io.floatd.vrrp.status.Json.parse(new LogSetup.JsonFormatter(true).format(rec));
        assertEquals("ERROR", withError.get("level"));
        assertEquals("java.lang.IllegalStateException: boom", withError.get("error"));
        assertTrue(String.valueOf(withError.get("trace")).contains("FloatdCommandTest"), withError.toString());
    }

    /** Issue 17: without --debug a log line names no Java exception class, in JSON or text; --debug keeps it. */
    @Test
    void exceptionClassNamesAppearInTheLogOnlyWithDebug() {
        java.util.logging.LogRecord rec = new java.util.logging.LogRecord(java.util.logging.Level.SEVERE, "x failed");
        rec.setLoggerName("floatd.vrrp");
        rec.setThrown(new java.io.IOException("wrapped", new java.net.ConnectException("Connection refused")));
        java.util.Map<?, ?> plain = (java.util.Map<?, ?>) io.floatd.vrrp.status.Json.parse(new LogSetup.JsonFormatter(false).format(rec));
        assertEquals("cannot connect: Connection refused", plain.get("error"));
        assertFalse(plain.containsKey("trace"), plain.toString());
        assertEquals("floatd: ERROR: x failed\n", new LogSetup.LineFormatter(false, false).format(rec));
        String debug = new LogSetup.LineFormatter(false, true).format(rec);
        assertTrue(debug.startsWith("floatd: ERROR: x failed\n\tjava.io.IOException: wrapped\n\tat "), debug);
        assertTrue(debug.contains("\tCaused by: java.net.ConnectException: Connection refused\n"), debug);
    }
}
