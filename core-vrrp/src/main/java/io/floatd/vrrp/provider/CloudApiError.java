package io.floatd.vrrp.provider;

import java.time.Duration;

/**
 * One failed request to a cloud's HTTP API (DigitalOcean, Hetzner Cloud), as a provider needs to judge it: the HTTP
 * status and what the error body says, or the I/O failure, already reduced to one line without the token. What a
 * status or code means is the provider's to say.
 */
public final class CloudApiError extends Exception {
    private final int status;
    private final String code;
    private final String errorMessage;
    private final String requestId;
    private final Duration retryAfter;

    /**
     * @param status the HTTP status, or 0 when no response arrived (time-out, refused connection)
     * @param code the error body's code ({@code not_found}, {@code locked}, ...), or empty
     * @param errorMessage the error body's message, or the I/O failure
     * @param requestId the error body's request id, where the API gives one, or empty
     * @param retryAfter how long the API asked to wait (its rate-limit headers), or null
     */
    public CloudApiError(int status, String code, String errorMessage, String requestId, Duration retryAfter) {
        super(status + " " + code + ": " + errorMessage, null, false, false);
        this.status = status;
        this.code = code == null ? "" : code;
        this.errorMessage = errorMessage == null ? "" : errorMessage;
        this.requestId = requestId == null ? "" : requestId;
        this.retryAfter = retryAfter;
    }

    /** No answer: {@code what} says why (time-out, refused connection, TLS). */
    public static CloudApiError io(String what) {
        return new CloudApiError(0, "", what, "", null);
    }

    /** A 2xx answer that is not what the API's specification shows. */
    public static CloudApiError unexpected(String message) {
        return new CloudApiError(200, "unexpected_response", message, "", null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public String requestId() {
        return requestId;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether the same request may succeed later as it is: no answer, rate limited, or the cloud's own failure. */
    public boolean transientFailure() {
        return status == 0 || status == 429 || status >= 500;
    }

    /** {@code 404 not_found: The resource ...} or {@code no answer from ...}. */
    public String describe() {
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
