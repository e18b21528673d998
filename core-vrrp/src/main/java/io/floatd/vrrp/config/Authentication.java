package io.floatd.vrrp.config;

import io.floatd.vrrp.codec.AuthType;
import java.util.Objects;

/**
 * VRRPv2 simple-password authentication: {@code authentication { auth_type PASS; auth_pass X }}.
 *
 * @param type always {@link AuthType#PASS}
 * @param password the effective password: at most {@value #MAX_PASSWORD_LENGTH} characters, because that is all
 *     the advertisement carries; the parser truncates longer ones as keepalived does, with a warning
 */
public record Authentication(AuthType type, Secret password) {
    public static final int MAX_PASSWORD_LENGTH = 8;

    public Authentication {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(password, "password");
        int length = password.reveal().length();
        if (length < 1 || length > MAX_PASSWORD_LENGTH) {
            throw new IllegalArgumentException(
                    "auth_pass must be between 1 and " + MAX_PASSWORD_LENGTH + " characters, but was " + length);
        }
    }

    public static Authentication pass(String password) {
        return new Authentication(AuthType.PASS, Secret.of(password));
    }
}
