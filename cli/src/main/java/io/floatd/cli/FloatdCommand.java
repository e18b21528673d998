package io.floatd.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code floatd}: the top-level command; {@link #main} is the only place that calls {@link System#exit}. */
@Command(name = "floatd",
        versionProvider = VersionCommand.Provider.class,
        description = {"VRRP failover daemon that moves Linux VIPs and cloud IPs.",
                "Without a subcommand: keepalived's daemon options (floatd -n -D -f FILE runs the daemon, as floatd run -f FILE)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success (or a clean stop: SIGTERM, SIGINT, SIGABRT, SIGXCPU, SIGPWR)",
                "1:invalid configuration (errors name file:line)",
                "2:invalid command-line usage",
                "3:could not start (socket, interface, provider, status endpoint address in use)",
                "4:status, handover, resume: no daemon answering (status endpoint, control socket)",
                "5:handover, resume: permission denied (root only, or run --control-group)"})
public final class FloatdCommand implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_CONFIG = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_START = 3;
    public static final int EXIT_UNREACHABLE = 4;
    public static final int EXIT_DENIED = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KeepalivedOptions keepalived;

    @CommandLine.Unmatched
    java.util.List<String> unmatched = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        keepalived.rest = unmatched;
        return keepalived.execute(spec);
    }

    /**
     * The subcommands, in the order {@code --help} lists them. picocli reflects over every command it is given
     * (annotations, fields, the types they name: {@code demo}'s reach into the AWS provider), all of it before
     * {@code floatd run} reaches its first advert, so {@link #commandLine(String...)} adds only the one asked for.
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("run", RunCommand::new);
        m.put("status", StatusCommand::new);
        m.put("handover", HandoverCommand.Handover::new);
        m.put("resume", HandoverCommand.Resume::new);
        m.put("check", CheckCommand::new);
        m.put("demo", DemoCommand::new);
        m.put("version", VersionCommand::new);
        m.put("generate-completion", picocli.AutoComplete.GenerateCompletion::new);
        m.put("help", CommandLine.HelpCommand::new);
        return m;
    }

    /** The command line with every subcommand. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for {@code argv}: with only the subcommand {@code argv[0]} names, or with all of them when it
     * names none, or names one that lists or describes the others ({@code help}, {@code generate-completion}).
     */
    static CommandLine commandLine(String... argv) {
        CommandLine cl = new CommandLine(new FloatdCommand());
        String only = argv.length > 0 && SUBCOMMANDS.containsKey(argv[0])
                && !argv[0].equals("help") && !argv[0].equals("generate-completion") ? argv[0] : null;
        // keepalived's options (floatd -n -D -f FILE): no subcommand, unless asked for the help that lists them or the
        // version (which, as before these options, builds them all: the AppCDS archive is checked with --version)
        boolean none = argv.length > 0 && argv[0].startsWith("-") && java.util.Arrays.stream(argv)
                .noneMatch(a -> List.of("-h", "--help", "-v", "--version").contains(a));
        SUBCOMMANDS.forEach((name, command) -> {
            if (!none && (only == null || only.equals(name))) {
                cl.addSubcommand(name, command.get());
            }
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("floatd: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            c.getErr().println("floatd: " + ex.getMessage());
            return EXIT_START;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }
}
