package io.floatd.provider.digitalocean;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * How the factory builds its clients. The defaults are right for production.
 *
 * @param env the environment ({@code DIGITALOCEAN_TOKEN}, {@code DIGITALOCEAN_API_URL},
 *        {@code DIGITALOCEAN_METADATA_URL}); tests pass their own
 * @param sslContext the TLS context for the API (its trust store), or null for the JDK's default
 * @param attemptTimeout the limit of one HTTP request (connect: at most 1 s of it)
 * @param actionTimeout how long {@code acquire} / {@code release} wait, in all, for the asynchronous assign or
 *        unassign action and for a rate limit to reset
 * @param pollInterval the pause between two reads of an action that is still {@code in-progress}
 */
public record DoClientOptions(Function<String, String> env, SSLContext sslContext, Duration attemptTimeout,
                              Duration actionTimeout, Duration pollInterval) {
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(400);

    public DoClientOptions {
        Objects.requireNonNull(env, "env");
        positive(attemptTimeout, "attemptTimeout");
        positive(actionTimeout, "actionTimeout");
        positive(pollInterval, "pollInterval");
    }

    public static DoClientOptions defaults() {
        return new DoClientOptions(System::getenv, null, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_ACTION_TIMEOUT,
                DEFAULT_POLL_INTERVAL);
    }

    public DoClientOptions withEnv(Function<String, String> env) {
        return new DoClientOptions(env, sslContext, attemptTimeout, actionTimeout, pollInterval);
    }

    public DoClientOptions withSslContext(SSLContext context) {
        return new DoClientOptions(env, context, attemptTimeout, actionTimeout, pollInterval);
    }

    public DoClientOptions withAttemptTimeout(Duration timeout) {
        return new DoClientOptions(env, sslContext, timeout, actionTimeout, pollInterval);
    }

    public DoClientOptions withActionTimeout(Duration timeout) {
        return new DoClientOptions(env, sslContext, attemptTimeout, timeout, pollInterval);
    }

    public DoClientOptions withPollInterval(Duration interval) {
        return new DoClientOptions(env, sslContext, attemptTimeout, actionTimeout, interval);
    }

    /** The variable's value, or null when it is unset or blank. */
    String env(String name) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
