package io.floatd.vrrp.provider;

/**
 * A provider call that failed. {@link #retryable()} says whether trying again can help (throttling, 5xx,
 * timeouts, lost connections) or not (authentication, permission, not-found, invalid parameters).
 * The message is one line an operator can act on and never contains a secret.
 */
public class ProviderException extends Exception {
    private final boolean retryable;

    public ProviderException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public ProviderException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public static ProviderException retryable(String message, Throwable cause) {
        return new ProviderException(message, true, cause);
    }

    public static ProviderException fatal(String message) {
        return new ProviderException(message, false);
    }

    public boolean retryable() {
        return retryable;
    }
}
