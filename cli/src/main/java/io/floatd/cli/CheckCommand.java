package io.floatd.cli;

import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.VrrpDaemon;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code floatd check -f CONFIG [--dump]}: validates without opening a socket or running a script. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a configuration; exit 0 if valid, 1 with file:line errors otherwise.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigFileOption config;

    @Option(names = "--dump", description = "Print the effective configuration (defaults explicit, passwords masked).")
    boolean dump;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Optional<FloatdConfig> loaded = config.load(spec.commandLine().getErr());
        if (loaded.isEmpty()) {
            return FloatdCommand.EXIT_CONFIG;
        }
        FloatdConfig c = loaded.get();
        List<String> problems = VrrpDaemon.checkProviders(c, null, DaemonOptions.ProviderLookup.serviceLoader());
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
