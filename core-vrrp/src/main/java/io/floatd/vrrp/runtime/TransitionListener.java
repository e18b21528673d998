package io.floatd.vrrp.runtime;

/**
 * Receives every state change. Called on the VRRP loop: implementations hand the work to their own threads
 * and return at once.
 */
@FunctionalInterface
public interface TransitionListener {
    void onTransition(Transition transition);
}
