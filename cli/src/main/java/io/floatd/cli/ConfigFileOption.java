package io.floatd.cli;

import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.ConfigException;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.HostLookups;
import io.floatd.vrrp.config.HostValidation;
import io.floatd.vrrp.config.ParseOptions;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.ProviderChecks;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code -f CONFIG} and {@code -i ID}, shared by the commands that read a configuration. */
final class ConfigFileOption {
    static final String DEFAULT_FILE = "/etc/floatd/floatd.conf";

    @Option(names = {"-f", "--use-file"}, paramLabel = "CONFIG", defaultValue = DEFAULT_FILE,
            description = "keepalived.conf-syntax configuration file. Default: ${DEFAULT-VALUE}.")
    Path file;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID",
            description = "match @ID and @^ID lines against ID, as keepalived's -i (default: the host name up to its first dot)")
    String configId;

    /** The parse options: the config id given, or keepalived's default. */
    ParseOptions options() {
        return configId != null ? new ParseOptions(configId) : ParseOptions.defaults();
    }

    /**
     * Parses the file, with the providers' check of every floating_ip block ({@link ProviderChecks},
     * {@code providerOverride} for {@code --provider}) run by the parse, and validates it against this host
     * ({@link HostValidation}); on errors prints each as {@code file:line: message}, in file:line order, and returns
     * empty. Warnings go to {@code warnings} (the daemon logs them in its own log format). check, run and a reload all
     * come here.
     */
    Optional<FloatdConfig> loadChecked(PrintWriter err, java.util.function.Consumer<ConfigError> warnings, String providerOverride) {
        return load(err, warnings, options().withInstanceCheck(
                ProviderChecks.asInstanceCheck(providerOverride, DaemonOptions.ProviderLookup.serviceLoader())));
    }

    private Optional<FloatdConfig> load(PrintWriter err, java.util.function.Consumer<ConfigError> warnings, ParseOptions options) {
        if (!Files.isRegularFile(file)) {
            String why = io.floatd.vrrp.config.FileAccessProblem.unreachable(file);
            err.println("floatd: " + file + ": " + (why.equals("no such file") ? "no such configuration file" : why));
            return Optional.empty();
        }
        try {
            // the parse, then the host's answers to what it names (users, script files): one list of errors
            FloatdConfig config = HostValidation.validate(ConfigParser.read(file, options), HostLookups.SYSTEM);
            config.warnings().forEach(warnings);
            return Optional.of(config);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println("floatd: " + error);
            }
            err.println("floatd: " + file + ": " + e.errors().size() + " error(s); nothing started");
            return Optional.empty();
        }
    }
}
