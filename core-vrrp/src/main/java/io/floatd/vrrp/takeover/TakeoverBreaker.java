package io.floatd.vrrp.takeover;

import io.floatd.vrrp.provider.ProviderException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/** The circuit breaker of one instance's provider calls (resilience4j), with one log line per change of its state. */
final class TakeoverBreaker {
    private static final System.Logger LOG = System.getLogger("floatd.takeover");

    private TakeoverBreaker() {
    }

    /** @param opens counts each time the breaker opens */
    static CircuitBreaker of(String instance, TakeoverPolicy policy, LongAdder opens) {
        CircuitBreaker breaker = CircuitBreaker.of("provider-" + instance, CircuitBreakerConfig.custom()
                .failureRateThreshold(policy.breakerFailureRate())
                .minimumNumberOfCalls(policy.breakerMinimumCalls())
                .slidingWindowSize(policy.breakerMinimumCalls())
                .waitDurationInOpenState(policy.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(TakeoverBreaker::countsAgainstTheApi)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> changed(instance, policy, breaker, opens, e.getStateTransition()));
        return breaker;
    }

    /** Throttling, 5xx and lost connections count against the API at the breaker; a permission error does not. */
    private static boolean countsAgainstTheApi(Throwable e) {
        return e instanceof TimeoutException || (e instanceof ProviderException pe && pe.retryable());
    }

    /** One line per change of the breaker's state, saying why and what follows. */
    private static void changed(String instance, TakeoverPolicy policy, CircuitBreaker breaker, LongAdder opens,
            CircuitBreaker.StateTransition t) {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        switch (t.getToState()) {
            case OPEN -> {
                opens.increment();
                LOG.log(Level.WARNING, "VRRP_Instance({0}) circuit breaker OPEN: {1} of the last {2} calls failed;"
                        + " no call for {3} ms", instance, String.valueOf(m.getNumberOfFailedCalls()),
                        String.valueOf(m.getNumberOfBufferedCalls()), String.valueOf(policy.breakerOpen().toMillis()));
            }
            case HALF_OPEN -> LOG.log(Level.WARNING, "VRRP_Instance({0}) circuit breaker HALF_OPEN: after {1} ms,"
                    + " one call goes through to try the API", instance, String.valueOf(policy.breakerOpen().toMillis()));
            case CLOSED -> LOG.log(Level.INFO, "VRRP_Instance({0}) circuit breaker CLOSED: the API answered again;"
                    + " calls go through", instance);
            default -> LOG.log(Level.WARNING, "VRRP_Instance({0}) circuit breaker {1}", instance, t);
        }
    }
}
