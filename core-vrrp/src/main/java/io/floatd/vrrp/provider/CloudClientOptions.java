package io.floatd.vrrp.provider;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * How a cloud provider's factory builds its HTTP clients (DigitalOcean's, Hetzner's: each provider's options extend
 * this with its own defaults). The defaults are right for production.
 *
 * @param <O> the provider's options, which the {@code with...} methods return
 */
public abstract class CloudClientOptions<O extends CloudClientOptions<O>> {
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofSeconds(20);

    /**
     * The options' values, checked.
     *
     * @param env the environment (the provider's token, API and metadata URL variables); tests pass their own
     * @param sslContext the TLS context for the API (its trust store), or null for the JDK's default
     * @param attemptTimeout the limit of one HTTP request (connect: at most 1 s of it)
     * @param actionTimeout how long {@code acquire} / {@code release} wait, in all, for the asynchronous assign or
     *        unassign action and for a rate limit to reset
     * @param pollInterval the pause between two reads of an action that is still running
     */
    public record Values(Function<String, String> env, SSLContext sslContext, Duration attemptTimeout,
                         Duration actionTimeout, Duration pollInterval) {
        public Values {
            Objects.requireNonNull(env, "env");
            positive(attemptTimeout, "attemptTimeout");
            positive(actionTimeout, "actionTimeout");
            positive(pollInterval, "pollInterval");
        }

        /** Production's: the process's environment, the JDK's TLS trust, the default time-outs. */
        public static Values defaults(Duration pollInterval) {
            return new Values(System::getenv, null, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_ACTION_TIMEOUT, pollInterval);
        }

        private static void positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }

    private final Values values;
    private final Function<Values, O> make;

    /** @param make the provider's options with other values (its constructor) */
    protected CloudClientOptions(Values values, Function<Values, O> make) {
        this.values = Objects.requireNonNull(values, "values");
        this.make = make;
    }

    public Function<String, String> env() {
        return values.env();
    }

    public SSLContext sslContext() {
        return values.sslContext();
    }

    public Duration attemptTimeout() {
        return values.attemptTimeout();
    }

    public Duration actionTimeout() {
        return values.actionTimeout();
    }

    public Duration pollInterval() {
        return values.pollInterval();
    }

    public O withEnv(Function<String, String> e) {
        return make.apply(new Values(e, sslContext(), attemptTimeout(), actionTimeout(), pollInterval()));
    }

    public O withSslContext(SSLContext context) {
        return make.apply(new Values(env(), context, attemptTimeout(), actionTimeout(), pollInterval()));
    }

    public O withAttemptTimeout(Duration d) {
        return make.apply(new Values(env(), sslContext(), d, actionTimeout(), pollInterval()));
    }

    public O withActionTimeout(Duration d) {
        return make.apply(new Values(env(), sslContext(), attemptTimeout(), d, pollInterval()));
    }

    public O withPollInterval(Duration d) {
        return make.apply(new Values(env(), sslContext(), attemptTimeout(), actionTimeout(), d));
    }

    /** The variable's value, or null when it is unset or blank. */
    public String env(String name) {
        String v = values.env().apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
