package io.floatd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code floatd}: the top-level command; {@link #main} is the only place that calls {@link System#exit}. */
@Command(name = "floatd",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "VRRP failover daemon that moves Linux VIPs and cloud IPs.",
        subcommands = {RunCommand.class, StatusCommand.class, HandoverCommand.Handover.class, HandoverCommand.Resume.class,
                CheckCommand.class, DemoCommand.class, VersionCommand.class, picocli.AutoComplete.GenerateCompletion.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success (or a clean stop on SIGTERM/SIGINT)",
                "1:invalid configuration (errors name file:line)",
                "2:invalid command-line usage",
                "3:could not start (socket, interface, provider, status endpoint address in use)",
                "4:status: no daemon answering on the status endpoint"})
public final class FloatdCommand implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_CONFIG = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_START = 3;
    public static final int EXIT_UNREACHABLE = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: run, status, handover, resume, check, demo or version");
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FloatdCommand());
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
        System.exit(commandLine().execute(args));
    }
}
