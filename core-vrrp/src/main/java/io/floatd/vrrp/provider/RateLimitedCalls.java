package io.floatd.vrrp.provider;

import java.time.Duration;

/**
 * A cloud provider's API calls within a deadline: a call the API answers with 429 waits as its rate-limit headers
 * say ({@link CloudApiError#retryAfter()}, else a second) and is sent again, as long as the wait ends before the
 * deadline; otherwise the 429 is thrown, for the provider to judge. Each wait is one warning line in the provider's
 * log.
 */
public final class RateLimitedCalls {
    /** One API call, one HTTP request. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws CloudApiError;
    }

    private final System.Logger log;
    private final String provider;
    private final String instanceName;
    private final String waitingFor;
    private final String sleepingFor;

    /**
     * @param logger the name of the provider's logger, which the waits are logged to
     * @param provider the provider's name, which starts its lines and messages
     * @param waitingFor the end of the wait's line ({@code as the API asks})
     * @param sleepingFor what an interrupted wait was doing, for its message
     */
    public RateLimitedCalls(String logger, String provider, String instanceName, String waitingFor,
            String sleepingFor) {
        this.log = System.getLogger(logger);
        this.provider = provider;
        this.instanceName = instanceName;
        this.waitingFor = waitingFor;
        this.sleepingFor = sleepingFor;
    }

    /** {@code call}, sent again after each 429 whose wait ends before {@code deadline} ({@link System#nanoTime()}). */
    public <T> T call(Call<T> call, long deadline) throws CloudApiError, ProviderException {
        while (true) {
            try {
                return call.run();
            } catch (CloudApiError e) {
                if (e.status() != 429) {
                    throw e;
                }
                Duration wait = e.retryAfter() != null ? e.retryAfter() : Duration.ofSeconds(1);
                if (System.nanoTime() + wait.toNanos() >= deadline) {
                    throw e;
                }
                log.log(System.Logger.Level.WARNING, "VRRP_Instance({0}) " + provider + ": rate limited ({1}), waiting "
                        + "{2} ms " + waitingFor, instanceName, e.describe(), String.valueOf(wait.toMillis()));
                sleep(wait, sleepingFor);
            }
        }
    }

    /** Sleeps {@code d}; an interrupt ends the call with a retryable error saying it was {@code what}. */
    public void sleep(Duration d, String what) throws ProviderException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(provider + ": interrupted while " + what, true);
        }
    }
}
