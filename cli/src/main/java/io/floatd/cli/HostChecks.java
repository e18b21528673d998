package io.floatd.cli;

import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.HostCheck;
import io.floatd.vrrp.transport.HostInterfaces;
import java.util.List;
import java.util.function.Consumer;

/** The host check ({@link HostCheck}) against this host's interfaces, as check, run and a reload use it. */
final class HostChecks {
    private HostChecks() {
    }

    /** Hands each warning to {@code warnings} and returns the errors as {@code file:line: message} lines. */
    static List<String> errors(FloatdConfig config, Consumer<ConfigError> warnings) {
        HostCheck.Result r = HostCheck.check(config, new HostInterfaces());
        r.warnings().forEach(warnings);
        return r.errors().stream().map(ConfigError::toString).toList();
    }
}
