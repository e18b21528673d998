package io.floatd.provider.digitalocean;

import java.time.Duration;

/**
 * One failed API request, as the provider needs to judge it. The texts come from the API's error body
 * ({@code {"id","message","request_id"}}) or from the I/O failure, already reduced to one line without the token.
 */
final class DoApiError extends Exception {
    /** The HTTP status, or 0 when no response arrived (time-out, refused connection). */
    final int status;
    /** The error body's {@code id} ({@code not_found}, {@code unauthorized}, ...), or empty. */
    final String errorId;
    /** The error body's {@code message}, or the I/O failure. */
    final String errorMessage;
    /** The error body's {@code request_id}, or empty. */
    final String requestId;
    /** How long the API asked to wait ({@code Retry-After}, {@code RateLimit-Reset}), or null. */
    final Duration retryAfter;

    DoApiError(int status, String errorId, String errorMessage, String requestId, Duration retryAfter, Throwable cause) {
        super(status + " " + errorId + ": " + errorMessage, cause, false, false);
        this.status = status;
        this.errorId = errorId == null ? "" : errorId;
        this.errorMessage = errorMessage == null ? "" : errorMessage;
        this.requestId = requestId == null ? "" : requestId;
        this.retryAfter = retryAfter;
    }

    static DoApiError io(String what, Throwable cause) {
        return new DoApiError(0, "", what, "", null, cause);
    }

    /** {@code 404 not_found: The resource ...} or {@code timed out}. */
    String describe() {
        if (status == 0) {
            return errorMessage;
        }
        StringBuilder b = new StringBuilder().append(status);
        if (!errorId.isEmpty()) {
            b.append(' ').append(errorId);
        }
        if (!errorMessage.isEmpty()) {
            b.append(": ").append(errorMessage);
        }
        return b.toString();
    }
}
