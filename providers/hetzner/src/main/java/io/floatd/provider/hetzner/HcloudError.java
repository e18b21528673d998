package io.floatd.provider.hetzner;

import java.time.Duration;

/**
 * One failed API request, as the provider needs to judge it: the HTTP status and the error body's
 * {@code {"error":{"code","message"}}}, or the I/O failure, already reduced to one line without the token.
 */
final class HcloudError extends Exception {
    /** The HTTP status, or 0 when no response arrived (time-out, refused connection). */
    final int status;
    /** The error's {@code code} ({@code locked}, {@code conflict}, {@code rate_limit_exceeded}, ...), or empty. */
    final String code;
    /** The error's {@code message}, or the I/O failure. */
    final String errorMessage;
    /** How long until the rate limit resets ({@code RateLimit-Reset}, epoch seconds), or null. */
    final Duration retryAfter;

    HcloudError(int status, String code, String errorMessage, Duration retryAfter) {
        super(status + " " + code + ": " + errorMessage, null, false, false);
        this.status = status;
        this.code = code == null ? "" : code;
        this.errorMessage = errorMessage == null ? "" : errorMessage;
        this.retryAfter = retryAfter;
    }

    static HcloudError io(String what) {
        return new HcloudError(0, "", what, null);
    }

    /** {@code 423 locked: ...} or {@code no answer from ...}. */
    String describe() {
        if (status == 0) {
            return errorMessage;
        }
        StringBuilder b = new StringBuilder().append(status);
        if (!code.isEmpty()) {
            b.append(' ').append(code);
        }
        if (!errorMessage.isEmpty()) {
            b.append(": ").append(errorMessage);
        }
        return b.toString();
    }
}
