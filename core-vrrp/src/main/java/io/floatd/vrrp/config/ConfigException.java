package io.floatd.vrrp.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be run, with every problem found rather than only the first. */
public final class ConfigException extends Exception {
    private final List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The problems in file order. */
    public List<ConfigError> errors() {
        return errors;
    }
}
