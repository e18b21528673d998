package io.floatd.provider.digitalocean;

import io.floatd.vrrp.files.SecretFile;
import io.floatd.vrrp.provider.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The DigitalOcean API token. It is only ever put in the {@code Authorization} header: {@link #toString()} hides it,
 * and {@link #scrub(String)} removes it from any text that is about to be shown.
 */
final class ApiToken {
    static final String ENV = "DIGITALOCEAN_TOKEN";

    private final String value;
    private final String source;

    private ApiToken(String value, String source) {
        this.value = value;
        this.source = source;
    }

    static ApiToken of(String value, String source) throws ProviderException {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw ProviderException.fatal("digitalocean: the API token in " + source + " is empty");
        }
        if (v.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw ProviderException.fatal("digitalocean: the API token in " + source
                    + " contains spaces or other characters a token cannot have");
        }
        return new ApiToken(v, source);
    }

    /**
     * Reads a token file: a {@link SecretFile}, owned by root or the user floatd runs as, readable by nobody else,
     * and not a symbolic link; a file breaking a rule is refused, as ssh refuses such a key.
     */
    static ApiToken fromFile(Path file) throws ProviderException {
        byte[] content;
        try {
            content = SecretFile.read("token_file", file);
        } catch (IOException e) {
            throw ProviderException.fatal("digitalocean: " + e.getMessage());
        }
        return of(new String(content, StandardCharsets.UTF_8), "token_file " + file);
    }

    /** The token itself, for the Authorization header only. */
    String value() {
        return value;
    }

    /** Where the token came from ({@code token_file /etc/floatd/do-token} or {@code DIGITALOCEAN_TOKEN}). */
    String source() {
        return source;
    }

    /** The text with every occurrence of the token replaced. */
    String scrub(String text) {
        return text == null ? null : text.replace(value, "[token]");
    }

    @Override
    public String toString() {
        return "ApiToken[from " + source + ", redacted]";
    }
}
