package io.floatd.provider.hetzner;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * How the factory builds its clients. The defaults are right for production.
 *
 * @param env the environment ({@code HCLOUD_TOKEN}, {@code HCLOUD_ENDPOINT}, {@code HCLOUD_METADATA_URL}); tests pass
 *        their own
 * @param sslContext the TLS context for the API (its trust store), or null for the JDK's default
 * @param attemptTimeout the limit of one HTTP request (connect: at most 1 s of it)
 * @param actionTimeout how long {@code acquire} / {@code release} wait, in all, for the assign or unassign action and
 *        for a rate limit to reset
 * @param pollInterval the pause between two reads of an action that is still {@code running}
 */
public record HetznerClientOptions(Function<String, String> env, SSLContext sslContext, Duration attemptTimeout,
                                   Duration actionTimeout, Duration pollInterval) {
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofSeconds(20);
    /** Hetzner's assign actions finish in about a second; hcloud-go polls at 500 ms. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(300);

    public HetznerClientOptions {
        Objects.requireNonNull(env, "env");
        positive(attemptTimeout, "attemptTimeout");
        positive(actionTimeout, "actionTimeout");
        positive(pollInterval, "pollInterval");
    }

    public static HetznerClientOptions defaults() {
        return new HetznerClientOptions(System::getenv, null, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_ACTION_TIMEOUT,
                DEFAULT_POLL_INTERVAL);
    }

    public HetznerClientOptions withEnv(Function<String, String> e) {
        return new HetznerClientOptions(e, sslContext, attemptTimeout, actionTimeout, pollInterval);
    }

    public HetznerClientOptions withAttemptTimeout(Duration d) {
        return new HetznerClientOptions(env, sslContext, d, actionTimeout, pollInterval);
    }

    public HetznerClientOptions withActionTimeout(Duration d) {
        return new HetznerClientOptions(env, sslContext, attemptTimeout, d, pollInterval);
    }

    public HetznerClientOptions withPollInterval(Duration d) {
        return new HetznerClientOptions(env, sslContext, attemptTimeout, actionTimeout, d);
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
