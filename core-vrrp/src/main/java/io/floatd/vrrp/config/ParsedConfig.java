package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * A configuration file as the parse read it ({@link ConfigParser#read}): every keyword table's result and error, the
 * names and paths its lines give still unresolved, and the questions they ask of the host. It becomes a
 * {@link FloatdConfig} once {@link HostValidation#validate} has answered them, exactly once.
 */
public final class ParsedConfig {
    private final String file;
    private ConfigParser parser;

    ParsedConfig(ConfigParser parser) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.file = parser.file;
    }

    /** The file it was read from, as errors name it. */
    public String file() {
        return file;
    }

    /** The parse's state, handed over once: validation completes it in place. */
    ConfigParser take() {
        ConfigParser p = parser;
        if (p == null) {
            throw new IllegalStateException("this parsed configuration has already been validated");
        }
        parser = null;
        return p;
    }
}
