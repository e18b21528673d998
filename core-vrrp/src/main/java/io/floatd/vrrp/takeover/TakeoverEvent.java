package io.floatd.vrrp.takeover;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.Holder;
import java.net.InetAddress;

/** What the takeover machine is told: by the election, by its own provider calls, by its timer. */
public sealed interface TakeoverEvent {

    /** The daemon started the instance: one holder read, so the log says where the IP is. */
    record Start() implements TakeoverEvent {
    }

    /**
     * The election changed the instance's state.
     *
     * @param master when a Master steps down because it heard a higher-priority Master's advert: that Master's
     *     address (the one to hand the IP to); otherwise null (a resignation, a yield, a fault, a stop)
     */
    record Transition(VrrpState from, VrrpState to, InetAddress master) implements TakeoverEvent {
        /**
         * The transition as the election reports it: {@code after} is the instance's state once the change is made,
         * {@code self} this node's own address ({@link io.floatd.vrrp.fsm.VrrpAction.StateChanged#steppedDownTo}).
         */
        public static Transition of(io.floatd.vrrp.fsm.VrrpAction.StateChanged change,
                io.floatd.vrrp.fsm.InstanceState after, InetAddress self) {
            return new Transition(change.from(), change.to(), change.steppedDownTo(after, self));
        }
    }

    /** This node, Master, heard another Master that ranks below it (a split just healed) and stays Master. */
    record OtherMasterHeard(InetAddress source, int priority) implements TakeoverEvent {
    }

    /** The time the machine asked for ({@link TakeoverState#wakeAt()}) has come. */
    record Tick() implements TakeoverEvent {
    }

    /** The provider call {@code op} ended. */
    record OpEnded(long op, Outcome outcome) implements TakeoverEvent {
    }

    /** How a provider call ended. */
    sealed interface Outcome {
    }

    /** A holder read answered. */
    record HolderRead(Holder holder) implements Outcome {
    }

    /** A write (acquire, release, hand-over) was answered with success; a clear-stale says whether it removed anything. */
    record Done(boolean changed) implements Outcome {
    }

    /** The call failed; a write that failed may or may not have been carried out. */
    record Failed(Failure kind, String message) implements Outcome {
    }

    /** Why a call failed. */
    enum Failure {
        /** Throttling, 5xx, a lost connection: trying again can help. */
        RETRYABLE,
        /** The attempt's time limit passed: the request may have been carried out, its answer is lost. */
        TIMED_OUT,
        /** The circuit breaker refused the call: it never reached the API. */
        NOT_PERMITTED,
        /** Authentication, permission, not found, invalid parameters: trying again cannot help. */
        FATAL,
        /** The driver cut the call short because the machine asked it to ({@link TakeoverAction.Cancel}). */
        CANCELLED;

        public boolean retryable() {
            return this == RETRYABLE || this == TIMED_OUT || this == NOT_PERMITTED;
        }
    }
}
