package io.floatd.vrrp.provider;

import io.floatd.vrrp.files.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * A cloud API's bearer token (DigitalOcean, Hetzner Cloud). It is only ever put in the {@code Authorization} header:
 * {@link #toString()} hides it, and {@link #scrub(String)} removes it from any text that is about to be shown. The
 * token file rules are {@link SecretFile}'s: owned by root or the user floatd runs as, readable by nobody else, not a
 * symbolic link; a file breaking a rule is refused, as ssh refuses such a key.
 */
public final class ApiToken {
    private final String value;
    private final String source;

    private ApiToken(String value, String source) {
        this.value = value;
        this.source = source;
    }

    /**
     * A token given as text ({@code source}: where it came from, e.g. the environment variable's name).
     *
     * @param provider the provider's name, which starts every message ({@code digitalocean: ...})
     */
    public static ApiToken of(String provider, String value, String source) throws ProviderException {
        Objects.requireNonNull(provider, "provider");
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw ProviderException.fatal(provider + ": the API token in " + source + " is empty");
        }
        if (v.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw ProviderException.fatal(provider + ": the API token in " + source
                    + " contains spaces or other characters a token cannot have");
        }
        return new ApiToken(v, source);
    }

    /** Reads a token file ({@code floating_ip { token_file PATH }}) under {@link SecretFile}'s rules. */
    public static ApiToken fromFile(String provider, Path file) throws ProviderException {
        byte[] content;
        try {
            content = SecretFile.read("token_file", file);
        } catch (IOException e) {
            throw ProviderException.fatal(provider + ": " + e.getMessage());
        }
        return of(provider, new String(content, StandardCharsets.UTF_8), "token_file " + file);
    }

    /**
     * The block's {@code token_file} when it names one, else the environment variable {@code envName}.
     *
     * @param env the environment's value of a variable, or null when it is unset
     * @throws ProviderException (fatal) when neither gives a token
     */
    public static ApiToken fromFileOrEnv(String provider, Path file, String envName, Function<String, String> env)
            throws ProviderException {
        if (file != null) {
            return fromFile(provider, file);
        }
        String value = env.apply(envName);
        if (value != null) {
            return of(provider, value, envName);
        }
        throw ProviderException.fatal(provider + ": no API token: set token_file in floating_ip (a file of mode 0600) "
                + "or the environment variable " + envName);
    }

    /** The token itself, for the Authorization header only. */
    public String value() {
        return value;
    }

    /** Where the token came from ({@code token_file /etc/floatd/do-token} or an environment variable's name). */
    public String source() {
        return source;
    }

    /** The text with every occurrence of the token replaced. */
    public String scrub(String text) {
        return text == null ? null : text.replace(value, "[token]");
    }

    @Override
    public String toString() {
        return "ApiToken[from " + source + ", redacted]";
    }
}
