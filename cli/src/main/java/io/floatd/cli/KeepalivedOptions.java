package io.floatd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * keepalived 2.2.7's daemon options ({@code keepalived --help}), taken by {@code floatd} without a subcommand so that
 * an {@code ExecStart=} or a script written for keepalived works with the binary's name changed. Each option has
 * keepalived's meaning, or is accepted with one line saying why it changes nothing here, or is refused with one line
 * saying why (README "keepalived's command line"). Without {@code -t}, {@code -v}, {@code -h} or {@code --signum}
 * the daemon runs: {@code floatd run} with the mapped options.
 */
final class KeepalivedOptions {
    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "Use this configuration file. Default: "
            + ConfigFileOption.DEFAULT_FILE + ".")
    Path file;

    @Option(names = {"-P", "--vrrp"}, description = "Only run with VRRP subsystem (floatd only has VRRP: accepted).")
    boolean vrrp;

    @Option(names = {"-C", "--check"}, description = "Only run with Health-checker subsystem: refused (floatd has no LVS health checker).")
    boolean check;

    @Option(names = {"-B", "--no_bfd"}, description = "Don't run BFD subsystem (floatd has none: accepted).")
    boolean noBfd;

    @Option(names = "--all", description = "Force all child processes to run (floatd is one process: accepted).")
    boolean all;

    @Option(names = {"-l", "--log-console"}, description = "Log messages to local console (floatd always logs to stderr: accepted).")
    boolean logConsole;

    @Option(names = {"-D", "--log-detail"}, description = "Detailed log messages (floatd's lines carry their detail; --debug for more: accepted).")
    boolean logDetail;

    @Option(names = {"-S", "--log-facility"}, paramLabel = "FACILITY",
            description = "Log to syslog at this facility: 0-7 (local0-7), local0-7, user or daemon (run --syslog=FACILITY; without -S floatd logs to stderr).")
    String logFacility;

    @Option(names = {"-G", "--no-syslog"}, description = "Don't log via syslog, even with -S (floatd's default: stderr).")
    boolean noSyslog;

    @Option(names = {"-u", "--umask"}, paramLabel = "MASK", description = "umask for file creation (numeric; 0 prefix for octal).")
    String umask;

    @Option(names = {"-X", "--release-vips"}, description = "Drop VIP on transition from signal (floatd always removes its VIPs: accepted).")
    boolean releaseVips;

    @Option(names = {"-V", "--dont-release-vrrp"}, description = "Don't remove VIPs on daemon stop: refused (a stopped node must not keep an IP its peer takes).")
    boolean dontReleaseVrrp;

    @Option(names = {"-I", "--dont-release-ipvs"}, description = "Don't remove IPVS topology (floatd has none: accepted).")
    boolean dontReleaseIpvs;

    @Option(names = {"-R", "--dont-respawn"}, description = "Don't respawn child processes (floatd has none: accepted).")
    boolean dontRespawn;

    @Option(names = {"-n", "--dont-fork"}, description = "Don't fork the daemon process (floatd never forks: accepted).")
    boolean dontFork;

    @Option(names = {"-d", "--dump-conf"}, description = "Dump the configuration data (to the log at start; with -t, to stdout).")
    boolean dumpConf;

    @Option(names = {"-p", "--pid"}, paramLabel = "FILE", description = "Write the daemon's pid to FILE; removed on a clean stop.")
    Path pid;

    @Option(names = {"-r", "--vrrp_pid"}, paramLabel = "FILE", description = "Pid file of the VRRP process: floatd's own pid (it is the VRRP process).")
    Path vrrpPid;

    @Option(names = {"-T", "--genhash"}, description = "genhash utility mode: refused (floatd has no health checker).")
    boolean genhash;

    @Option(names = {"-c", "--checkers_pid"}, paramLabel = "FILE", description = "Checkers process pid file (floatd has none: accepted, not written).")
    Path checkersPid;

    @Option(names = {"-a", "--address-monitoring"}, description = "Report address changes (accepted; floatd logs the VIPs it adds and removes).")
    boolean addressMonitoring;

    @Option(names = {"-b", "--bfd_pid"}, paramLabel = "FILE", description = "BFD process pid file (floatd has none: accepted, not written).")
    Path bfdPid;

    @Option(names = {"-x", "--snmp"}, description = "Enable SNMP subsystem (accepted: floatd has no SNMP agent; /metrics serves its counters).")
    boolean snmp;

    @Option(names = {"-A", "--snmp-agent-socket"}, paramLabel = "FILE", description = "SNMP master agent socket (accepted, unused: no SNMP).")
    String snmpAgentSocket;

    @Option(names = {"-s", "--namespace"}, paramLabel = "NAME", description = "Run in network namespace NAME: refused (use ip netns exec NAME floatd ...).")
    String namespace;

    @Option(names = {"-m", "--core-dump"}, description = "Produce core dump if terminate abnormally (accepted: the JVM writes hs_err_pid*.log; cores follow ulimit -c).")
    boolean coreDump;

    @Option(names = {"-M", "--core-dump-pattern"}, paramLabel = "PATN", arity = "0..1", fallbackValue = "core",
            description = "Set kernel.core_pattern: refused (floatd does not change the host's kernel settings).")
    String coreDumpPattern;

    @Option(names = {"-e", "--all-config"}, description = "Error if any configuration file is missing (always so in floatd: a missing include is an error at its file:line).")
    boolean allConfig;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "Configuration id for @ID / @^ID lines; passed to run and check when they take --config-id.")
    String configId;

    @Option(names = "--signum", paramLabel = "SIGFUNC", description = "Print the signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR or JSON.")
    String signum;

    @Option(names = {"-t", "--config-test"}, paramLabel = "LOG_FILE", arity = "0..1", fallbackValue = "",
            description = "Check the configuration (as floatd check); messages to stderr, or to LOG_FILE.")
    String configTest;

    /**
     * Anything else goes to run (or check, with -t) as it is: floatd's own options, e.g. --status-address, or an
     * error there. Filled by {@link FloatdCommand}'s {@code @Unmatched} (picocli takes none from a mixin).
     */
    List<String> rest = new ArrayList<>();

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Display the version number.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Display this help message.")
    boolean help;

    /** The option a refusal names and why, or empty when nothing given is refused. */
    Optional<String> refused() {
        if (check) {
            return Optional.of("-C/--check: floatd has no health-checker (LVS) subsystem, only VRRP");
        }
        if (genhash) {
            return Optional.of("-T/--genhash: floatd has no health checker");
        }
        if (dontReleaseVrrp) {
            return Optional.of("-V/--dont-release-vrrp: floatd always removes its VIPs on stop (a stopped node must not"
                    + " keep an IP its peer takes over)");
        }
        if (namespace != null) {
            return Optional.of("-s/--namespace " + namespace + ": run floatd inside it instead (ip netns exec " + namespace + " floatd ...)");
        }
        if (coreDumpPattern != null) {
            return Optional.of("-M/--core-dump-pattern: floatd does not change the host's kernel.core_pattern");
        }
        if (logFacility != null && !logFacility.matches("[0-7]|local[0-7]|user|daemon")) {
            return Optional.of("-S/--log-facility " + logFacility + ": expected 0-7, local0-7, user or daemon");
        }
        if (umask != null && parseUmask(umask) < 0) {
            return Optional.of("-u/--umask " + umask + ": expected a number from 0 to 0777");
        }
        return Optional.empty();
    }

    /** One line per option given that is accepted without effect here and is worth saying so. */
    List<String> notes() {
        List<String> out = new ArrayList<>();
        if (logFacility != null && noSyslog) {
            out.add("-S with -G: floatd logs to stderr (the journal under systemd), not to syslog");
        }
        if (snmp || snmpAgentSocket != null) {
            out.add("-x/-A: floatd has no SNMP agent; GET /metrics serves its counters");
        }
        if (checkersPid != null || bfdPid != null) {
            out.add("-c/-b: floatd has no checker or BFD process; no pid file written for them");
        }
        if (addressMonitoring) {
            out.add("-a: floatd logs the VIPs it adds and removes, not every address change");
        }
        return out;
    }

    /** keepalived parses the mask as C's strtoul with base 0: {@code 022} octal, {@code 0x12} hex, else decimal. */
    static int parseUmask(String s) {
        try {
            int v = s.startsWith("0x") || s.startsWith("0X") ? Integer.parseInt(s.substring(2), 16)
                    : s.length() > 1 && s.startsWith("0") ? Integer.parseInt(s.substring(1), 8) : Integer.parseInt(s);
            return v >= 0 && v <= 0777 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** What {@code floatd} without a subcommand does with these options. */
    int execute(CommandLine.Model.CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Optional<String> no = refused();
        if (no.isPresent()) {
            err.println("floatd: refused: " + no.get());
            return FloatdCommand.EXIT_USAGE;
        }
        if (signum != null) {
            Optional<Integer> n = SignalPlan.signum(signum);
            if (n.isEmpty()) {
                err.println("floatd: Unknown sigfunc " + signum);
                return FloatdCommand.EXIT_USAGE;
            }
            out.println(n.get());
            return FloatdCommand.EXIT_OK;
        }
        if (umask != null) {
            Umask.set(parseUmask(umask));
        }
        String conf = (file == null ? Path.of(ConfigFileOption.DEFAULT_FILE) : file).toString();
        if (configTest != null) {
            return configTest(spec, conf);
        }
        notes().forEach(n -> err.println("floatd: note: " + n));
        return sub(spec, "run", runArguments(), out, err);
    }

    /** {@code floatd run} with these options: {@code -f}, {@code -d} as --dump-conf, {@code -p} and {@code -r} as --pid-file. */
    List<String> runArguments() {
        String conf = (file == null ? Path.of(ConfigFileOption.DEFAULT_FILE) : file).toString();
        List<String> args = new ArrayList<>(List.of("run", "-f", conf));
        if (dumpConf) {
            args.add("--dump-conf");
        }
        if (logFacility != null && !noSyslog) {
            args.add("--syslog=" + logFacility);
        }
        for (Path p : new Path[] {pid, vrrpPid}) {
            if (p != null) {
                args.addAll(List.of("--pid-file", p.toString()));
            }
        }
        args.addAll(rest);
        return args;
    }

    private int configTest(CommandLine.Model.CommandSpec spec, String conf) {
        List<String> args = new ArrayList<>(List.of("check", "-f", conf));
        if (dumpConf) {
            args.add("--dump");
        }
        args.addAll(rest);
        PrintWriter err = spec.commandLine().getErr();
        if (configTest.isEmpty()) {
            // keepalived -t writes to stderr; the dump (-d) stays on stdout
            return sub(spec, "check", args, dumpConf ? spec.commandLine().getOut() : err, err);
        }
        Path log = Path.of(configTest);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), true)) {
            return sub(spec, "check", args, w, w);
        } catch (IOException e) {
            err.println("floatd: -t " + log + ": cannot write: " + e.getMessage());
            return FloatdCommand.EXIT_USAGE;
        }
    }

    /**
     * Runs {@code floatd NAME ARGS}, adding {@code --config-id} when given and that subcommand takes it (conditional
     * configuration is another part of floatd); otherwise says once that it is not used.
     */
    private int sub(CommandLine.Model.CommandSpec spec, String name, List<String> args, PrintWriter out, PrintWriter err) {
        CommandLine cl = FloatdCommand.commandLine(name);
        CommandLine sub = cl.getSubcommands().get(name);
        if (configId != null) {
            if (sub.getCommandSpec().findOption("--config-id") != null) {
                args.addAll(List.of("--config-id", configId));
            } else {
                err.println("floatd: note: -i/--config-id " + configId + ": this floatd reads no @ID lines; not used");
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        int exit = cl.execute(args.toArray(String[]::new));
        out.flush();
        err.flush();
        return exit;
    }
}
