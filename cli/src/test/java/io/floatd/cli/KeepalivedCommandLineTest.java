package io.floatd.cli;

import static io.floatd.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code floatd} without a subcommand takes keepalived 2.2.7's daemon options, each with keepalived's meaning or one line. */
class KeepalivedCommandLineTest {
    @TempDir
    Path dir;

    /** The keepalived options as parsed, without running anything. */
    static KeepalivedOptions parse(String... args) {
        FloatdCommand top = new FloatdCommand();
        new CommandLine(top).parseArgs(args);
        top.keepalived.rest = top.unmatched;
        return top.keepalived;
    }

    /** On {@code lo}, which every host has: check (and -t) also look the instance's interface up on this host. */
    private static final String VALID = """
            vrrp_instance VI_1 {
                interface lo
                virtual_router_id 51
                priority 150
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

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void debiansExecStartRunsTheDaemonWithTheFileGiven() {
        // /usr/sbin/keepalived --dont-fork -D -f /etc/keepalived/keepalived.conf, the name changed
        assertEquals(List.of("run", "-f", "/etc/keepalived/keepalived.conf"),
                parse("--dont-fork", "-D", "-f", "/etc/keepalived/keepalived.conf").runArguments());
        assertEquals(List.of("run", "-f", "/etc/keepalived/keepalived.conf"),
                parse("-n", "-l", "-P", "-G", "-B", "--all", "--use-file=/etc/keepalived/keepalived.conf").runArguments());
        // $DAEMON_ARGS empty: floatd alone runs with floatd's default file
        assertEquals(List.of("run", "-f", "/etc/floatd/floatd.conf"), parse().runArguments());
    }

    @Test
    void pidFilesAndDumpConfMapToRunOptions() {
        assertEquals(List.of("run", "-f", "/c", "--dump-conf", "--pid-file", "/run/k.pid", "--pid-file", "/run/v.pid"),
                parse("-d", "-f", "/c", "-p", "/run/k.pid", "--vrrp_pid=/run/v.pid").runArguments());
        assertEquals(List.of("run", "-f", "/c", "--pid-file", "/run/k.pid"), parse("-f", "/c", "--pid=/run/k.pid").runArguments());
    }

    @Test
    void floatdsOwnRunOptionsPassThroughAndUnknownOnesAreRunsUsageErrors() {
        assertEquals(List.of("run", "-f", "/c", "--status-address=off"), parse("-n", "-f", "/c", "--status-address=off").runArguments());
        CommandRun r = run("-n", "--frobnicate");
        assertEquals(FloatdCommand.EXIT_USAGE, r.exit(), r::toString);
        assertTrue(r.err().startsWith("floatd: Unknown option: '--frobnicate'"), r::err);
    }

    @Test
    void theDaemonRunsWhenNoTestOrQuestionIsAsked() throws IOException {
        // a missing file stops run, not the option parser: the options reached run
        CommandRun r = run("-n", "-D", "-f", dir.resolve("missing.conf").toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r::toString);
        assertTrue(r.err().contains("missing.conf: no such configuration file"), r::err);
    }

    @Test
    void configTestChecksAndWritesToStderrOrTheLogFile() throws IOException {
        Path ok = write("ok.conf", VALID);
        CommandRun good = run("-t", "-f", ok.toString());
        assertEquals(0, good.exit(), good::toString);
        assertTrue(good.err().contains("valid, 1 instance(s)"), good::err);
        assertEquals("", good.out());

        Path bad = write("bad.conf", VALID.replace("priority 150", "garp_master_delay -1"));
        CommandRun refused = run("--config-test", "-f", bad.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("bad.conf:4"), refused::err);

        Path log = dir.resolve("test.log");
        CommandRun toFile = run("--config-test=" + log, "-f", bad.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, toFile.exit());
        assertEquals("", toFile.err());
        assertTrue(Files.readString(log).contains("bad.conf:4"), () -> "log: " + toFile);
    }

    @Test
    void dumpConfWithConfigTestPrintsTheConfigurationWithoutThePassword() throws IOException {
        Path ok = write("ok.conf", VALID);
        CommandRun r = run("-t", "-d", "-f", ok.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("VI_1"), r::out);
        assertFalse(r.out().contains("s3cret99"), r::out);
    }

    @Test
    void signumPrintsKeepalivedsSignalNumbers() {
        for (var e : java.util.Map.of("STOP", "15", "RELOAD", "1", "DATA", "10", "STATS", "12", "STATS_CLEAR", "63",
                "JSON", "36").entrySet()) {
            CommandRun r = run("--signum=" + e.getKey());
            assertEquals(0, r.exit(), r::toString);
            assertEquals(e.getValue(), r.out().strip(), e::getKey);
        }
        CommandRun unknown = run("--signum=TDATA");
        assertEquals(FloatdCommand.EXIT_USAGE, unknown.exit());
        assertEquals("floatd: Unknown sigfunc TDATA", unknown.err().strip());
    }

    @Test
    void keepalivedsDaemonOptionsBuildNoSubcommandButHelpAndVersionBuildThemAll() {
        assertTrue(FloatdCommand.commandLine("-n", "-D", "-f", "/c").getSubcommands().isEmpty());
        for (String[] argv : new String[][] {{"-h"}, {"--version"}, {"-v"}, {"-n", "--help"}}) {
            assertEquals(9, FloatdCommand.commandLine(argv).getSubcommands().size(), () -> String.join(" ", argv));
        }
    }

    @Test
    void versionAndHelpAsKeepalivedSpellsThem() {
        CommandRun v = run("-v");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("floatd " + VersionCommand.VERSION), v.out());
        assertEquals(v.out(), run("--version").out());
        CommandRun h = run("-h");
        assertEquals(0, h.exit());
        for (String opt : List.of("--use-file", "--dont-fork", "--log-console", "--log-detail", "--log-facility",
                "--vrrp", "--check", "--config-test", "--dump-conf", "--pid", "--config-id", "--snmp", "--no-syslog")) {
            assertTrue(h.out().contains(opt), () -> opt + " in\n" + h.out());
        }
        assertTrue(h.out().contains("\n  run "), "subcommands still listed");
    }

    @Test
    void optionsThatWouldChangeWhoHoldsTheIpOrNeedAnotherSubsystemAreRefusedInOneLine() {
        for (String[] argv : new String[][] {{"-C"}, {"--check"}, {"-V"}, {"--dont-release-vrrp"}, {"-T"},
                {"-s", "blue"}, {"--core-dump-pattern=core.%p"}, {"-M"}, {"-S", "local9"}, {"--umask=0999"}}) {
            CommandRun r = run(argv);
            assertEquals(FloatdCommand.EXIT_USAGE, r.exit(), () -> String.join(" ", argv) + ": " + r);
            assertEquals(1, r.err().lines().count(), r::err);
            assertTrue(r.err().startsWith("floatd: refused: -"), r::err);
        }
    }

    @Test
    void acceptedOptionsWithoutEffectSayWhyInOneLineEach() {
        KeepalivedOptions o = parse("-x", "-A", "/var/agentx", "-S", "local0", "-G", "-c", "/run/c.pid", "-a");
        assertTrue(o.refused().isEmpty());
        assertEquals(4, o.notes().size(), o.notes()::toString);
        assertTrue(parse("-n", "-D", "-l", "-P", "-G").notes().stream().noneMatch(n -> n.startsWith("-n")));
        for (String facility : List.of("0", "7", "local0", "local7", "user", "daemon")) {
            assertTrue(parse("-S", facility).refused().isEmpty(), facility);
        }
    }

    @Test
    void umaskIsParsedAsKeepalivedDoes() {
        assertEquals(022, KeepalivedOptions.parseUmask("022"));
        assertEquals(0x12, KeepalivedOptions.parseUmask("0x12"));
        assertEquals(18, KeepalivedOptions.parseUmask("18"));
        assertEquals(-1, KeepalivedOptions.parseUmask("0999"));
        assertEquals(-1, KeepalivedOptions.parseUmask("1000"));
    }

    @Test
    void configIdIsPassedOnlyToASubcommandThatTakesIt() throws IOException {
        Path ok = write("ok.conf", VALID);
        CommandRun r = run("-t", "-i", "lb1", "-f", ok.toString());
        assertEquals(0, r.exit(), r::toString);
        boolean checkTakesIt = FloatdCommand.commandLine("check").getSubcommands().get("check").getCommandSpec()
                .findOption("--config-id") != null;
        assertEquals(!checkTakesIt, r.err().contains("-i/--config-id lb1: this floatd reads no @ID lines"), r::err);
    }
}
