package io.floatd.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code floatd version}. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("floatd " + VERSION + " (Java " + Runtime.version() + ")");
        return FloatdCommand.EXIT_OK;
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"floatd " + VERSION + " (Java " + Runtime.version() + ")"};
        }
    }
}
