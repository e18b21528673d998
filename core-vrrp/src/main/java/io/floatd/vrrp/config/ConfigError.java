package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * One problem found in a configuration file, pointing at the line a user has to edit.
 *
 * @param file the file name as given to the parser
 * @param line the 1-based line, or 0 when the problem concerns the whole file
 * @param message what is wrong, naming the {@code vrrp_instance} where there is one
 */
public record ConfigError(String file, int line, String message) {
    public ConfigError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** The compiler-style {@code file:line: message}, which editors and terminals turn into links. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
