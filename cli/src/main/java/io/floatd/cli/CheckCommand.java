package io.floatd.cli;

import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.MigrationReport;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code floatd check -f CONFIG [--dump] [--explain] [--syntax-only] [--strict]}: validates without opening a socket or running a
 * script; as {@code keepalived -t}, also that the interfaces the file names exist on this host (unless
 * {@code --syntax-only}). {@code --explain} first lists what moving this keepalived.conf to floatd changes (see
 * {@link MigrationReport}).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a configuration; exit 0 if valid, 1 with file:line errors otherwise.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigFileOption config;

    @Option(names = "--dump", description = "Print the effective configuration (defaults explicit, passwords masked).")
    boolean dump;

    @Option(names = "--explain", description = "For a keepalived.conf: list, per keyword used, what floatd does"
            + " differently (ignored with a warning, refused, or implemented differently), and the notify scripts that call"
            + " a cloud API which a floating_ip block replaces; then check the file as usual.")
    boolean explain;

    @Option(names = "--syntax-only", description = "Check the file only, not this host: an interface it names may be"
            + " missing here (a configuration written for another machine).")
    boolean syntaxOnly;

    @Option(names = "--strict", description = "Fail (exit 1) when the file loads with warnings: a mistyped keyword,"
            + " a value keepalived replaces with its default, anything floatd ignores. Without it, floatd check accepts what"
            + " keepalived's daemon runs, as floatd -t does.")
    boolean strict;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (explain && java.nio.file.Files.isRegularFile(config.file)) {
            spec.commandLine().getOut().print(MigrationReport.of(config.file, config.options()).text());
            spec.commandLine().getOut().flush();
        }
        Optional<FloatdConfig> loaded = config.loadChecked(spec.commandLine().getErr(),
                w -> spec.commandLine().getErr().println("floatd: warning: " + w), null);
        if (loaded.isEmpty()) {
            return FloatdCommand.EXIT_CONFIG;
        }
        FloatdConfig c = loaded.get();
        if (strict && !c.warnings().isEmpty()) {
            spec.commandLine().getErr().println("floatd: " + config.file + ": " + c.warnings().size()
                    + " warning(s), refused by --strict");
            return FloatdCommand.EXIT_CONFIG;
        }
        List<String> problems = syntaxOnly ? List.of()
                : HostChecks.errors(c, w -> spec.commandLine().getErr().println("floatd: warning: " + w));
        if (!problems.isEmpty()) {
            problems.forEach(p -> spec.commandLine().getErr().println("floatd: " + p));
            spec.commandLine().getErr().println("floatd: " + config.file + ": " + problems.size() + " error(s)");
            return FloatdCommand.EXIT_CONFIG;
        }
        if (dump) {
            spec.commandLine().getOut().print(c.dump());
            spec.commandLine().getOut().flush();
        } else {
            spec.commandLine().getOut().println("floatd: " + config.file + ": valid, " + c.instances().size() + " instance(s)");
        }
        return FloatdCommand.EXIT_OK;
    }
}
