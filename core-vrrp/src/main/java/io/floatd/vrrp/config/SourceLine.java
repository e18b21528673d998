package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * Where one setting was written, kept with the parsed configuration so that a later pass (the host check) can point
 * at the line a user has to edit without the parser doing that pass's look-ups.
 *
 * @param file the file name as given to the parser (or the included file's)
 * @param line the 1-based line
 */
public record SourceLine(String file, int line) {
    public SourceLine {
        Objects.requireNonNull(file, "file");
    }

    /** The compiler-style {@code file:line}. */
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
