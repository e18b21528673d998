package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

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
     * Reads a token file: one line, owned by the user floatd runs as or root, and readable by nobody else. A file that
     * the group or others can read is refused, as ssh refuses such a key.
     */
    static ApiToken fromFile(Path file) throws ProviderException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw ProviderException.fatal("digitalocean: token_file " + file + " does not exist");
        } catch (UnsupportedOperationException e) {
            perms = Set.of();
        } catch (IOException e) {
            throw ProviderException.fatal("digitalocean: cannot read token_file " + file + ": " + e.getClass().getSimpleName());
        }
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)
                || perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw ProviderException.fatal("digitalocean: token_file " + file + " is accessible by group or others (mode "
                    + mode(perms) + "): run chmod 600 " + file);
        }
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ProviderException.fatal("digitalocean: cannot read token_file " + file + ": " + e.getClass().getSimpleName());
        }
        return of(content, "token_file " + file);
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

    private static String mode(Set<PosixFilePermission> p) {
        int m = 0;
        for (PosixFilePermission x : p) {
            m |= 1 << (8 - x.ordinal());
        }
        return String.format("0%o", m);
    }
}
