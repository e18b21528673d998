package io.floatd.vrrp.config;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A question about the host that the parse leaves open (issue 18): the names and paths a line gives, unresolved, with
 * where the line is and what its answer changes. The parse only records these, in the order keepalived would ask them
 * as it reads; {@link HostValidation} asks the host and applies each answer, in that order.
 */
sealed interface HostQuestion {

    /**
     * {@code script_user} or a vrrp_script's {@code user}: {@code USER [GROUP]} must exist, else an error at its line
     * ({@code keyword: user 'x' does not exist}).
     *
     * @param resolved what the line sets once the user is known
     * @param unknown what the line's block loses when it is not
     */
    record RunAsUser(Scope scope, int line, String keyword, ScriptUser who, Runnable resolved, Runnable unknown)
            implements HostQuestion {
        public RunAsUser {
            Objects.requireNonNull(who, "who");
        }
    }

    /**
     * A vrrp_script's command given as an absolute path (as written) must exist and be executable, else an error at its line.
     *
     * @param refused what the vrrp_script loses when it cannot run
     */
    record ScriptFile(Scope scope, int line, String command, Runnable refused) implements HostQuestion {
    }

    /**
     * A notify script: one naming a user that does not exist is dropped with a warning at its line, as keepalived
     * ignores it ({@link ScriptUser#dropped}); one naming none, or a known one, is kept.
     *
     * @param who the user after the command line, or {@code null} (then nothing is asked)
     * @param admitted asked first: whether the line may set its script at all (a sync group's second
     *     {@code notify_master} is an error however its user resolves); it reports its own error
     */
    record NotifyUser(Scope scope, int line, String keyword, String script, ScriptUser who, BooleanSupplier admitted,
            Runnable kept, Runnable dropped) implements HostQuestion {
    }
}
