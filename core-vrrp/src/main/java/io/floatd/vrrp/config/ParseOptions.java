package io.floatd.vrrp.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a parse depends on besides the files.
 *
 * @param configId the id that {@code @ID} and {@code @^ID} lines are matched against and {@code $_INSTANCE} expands
 *     to: keepalived's {@code -i}/{@code --config-id}, by default the host name up to its first dot
 * @param instanceCheck run on each instance once it is built, its errors collected with the parse's own; {@code null}
 *     for none (the parse alone)
 *
 * <p>Nothing about the host: the parse asks it nothing; {@link HostValidation} does, after it.
 */
public record ParseOptions(String configId, InstanceCheck instanceCheck) {
    public ParseOptions {
        Objects.requireNonNull(configId, "configId");
    }

    /** The parse alone, with {@code configId}. */
    public ParseOptions(String configId) {
        this(configId, null);
    }

    /** The options of a plain {@code floatd run} or {@code check}: the config id is {@link #defaultConfigId()}. */
    public static ParseOptions defaults() {
        return new ParseOptions(defaultConfigId());
    }

    public ParseOptions withConfigId(String id) {
        return new ParseOptions(id, instanceCheck);
    }

    /** The same, with {@code check} run on each instance as part of the parse. */
    public ParseOptions withInstanceCheck(InstanceCheck check) {
        return new ParseOptions(configId, check);
    }

    /** keepalived's default config id: the host name (uname's nodename) up to the first dot. */
    public static String defaultConfigId() {
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "");
        }
        int dot = host.indexOf('.');
        return dot < 0 ? host : host.substring(0, dot);
    }
}
