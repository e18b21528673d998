package io.floatd.vrrp.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A top-level {@code vrrp_track_process} block: how many running processes match a name (or a command line), and
 * whether that count is within {@code quorum..quorum_max}.
 *
 * @param name the block's name
 * @param process {@code process}'s first word: matched against the process name ({@code comm}, at most 15
 *        characters) or, with {@link #fullCommand()}, against the command's first word ({@code argv[0]})
 * @param params {@code process}'s further words: the arguments, compared as {@link #paramMatch()} says
 * @param paramMatch how the arguments are compared
 * @param fullCommand {@code full_command}, also implied by parameters or {@code param_match}: match
 *        {@code /proc/PID/cmdline} rather than the process name
 * @param weight {@code weight}, -254..254; default 0 (keepalived's code; its manual says 1): losing the quorum
 *        puts tracking instances in FAULT
 * @param reverse {@code weight W reverse}
 * @param quorum {@code quorum}: the fewest matching processes that count as up; default 1 (0 with
 *        {@code quorum_max 0})
 * @param quorumMax {@code quorum_max}: the most; {@link #NO_MAXIMUM} when not set
 * @param forkDelay {@code fork_delay} (or {@code delay}): how long a change caused by a fork must last before it
 *        counts; zero when not set
 * @param terminateDelay {@code terminate_delay} (or {@code delay}): the same for a change caused by an exit
 * @param line the block's line, 0 when not from a file
 */
public record TrackProcessConfig(String name, String process, List<String> params, ParamMatch paramMatch,
        boolean fullCommand, int weight, boolean reverse, int quorum, int quorumMax, Duration forkDelay,
        Duration terminateDelay, int line) {
    public static final int MAX_WEIGHT = 254;
    public static final int MAX_QUORUM = 65535;
    public static final int NO_MAXIMUM = Integer.MAX_VALUE;
    public static final Duration MAX_DELAY = Duration.ofSeconds(3600);
    /** The kernel's TASK_COMM_LEN less its terminating NUL: a longer name never equals a process name. */
    public static final int COMM_LENGTH = 15;

    /** How {@code process}'s arguments are compared with a process's, once its first word matched. */
    public enum ParamMatch {
        /** No {@code param_match} and no arguments given: any arguments. */
        NONE,
        /** The arguments are exactly those given ({@code param_match} without a value, or arguments given). */
        EXACT,
        /** {@code param_match partial}: the first arguments are those given, more may follow. */
        PARTIAL,
        /** {@code param_match initial}: as partial, but the last one given may be the start of the process's. */
        INITIAL
    }

    public TrackProcessConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(process, "process");
        params = List.copyOf(params);
        Objects.requireNonNull(paramMatch, "paramMatch");
        Objects.requireNonNull(forkDelay, "forkDelay");
        Objects.requireNonNull(terminateDelay, "terminateDelay");
        VrrpScriptConfig.checkWeight("weight", weight, MAX_WEIGHT);
        if (quorumMax < 0 || (quorumMax != NO_MAXIMUM && quorumMax > MAX_QUORUM)) {
            throw new IllegalArgumentException("quorum_max must be between 0 and " + MAX_QUORUM + ", but was " + quorumMax);
        }
        if (quorum < 0 || quorum > MAX_QUORUM || quorum > quorumMax || (quorum == 0 && quorumMax != 0)) {
            throw new IllegalArgumentException("quorum must be between 1 and quorum_max, but was " + quorum);
        }
        if (forkDelay.isNegative() || forkDelay.compareTo(MAX_DELAY) > 0
                || terminateDelay.isNegative() || terminateDelay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delays must be between 0 and 3600 seconds");
        }
        if (!params.isEmpty() && paramMatch == ParamMatch.NONE) {
            throw new IllegalArgumentException("arguments are compared, so param_match cannot be NONE");
        }
    }

    /** A block with keepalived's defaults: any process named {@code process}, quorum 1, weight 0, no delays. */
    public static TrackProcessConfig of(String name, String process) {
        return new TrackProcessConfig(name, process, List.of(), ParamMatch.NONE, false, 0, false, 1, NO_MAXIMUM,
                Duration.ZERO, Duration.ZERO, 0);
    }

    /** Whether {@code count} matching processes make the quorum. */
    public boolean inQuorum(int count) {
        return count >= quorum && count <= quorumMax;
    }

    @Override
    public boolean equals(Object o) {
        // the source position is not configuration: a reload must not restart tracking an edit only moved
        return o instanceof TrackProcessConfig t && name.equals(t.name) && process.equals(t.process)
                && params.equals(t.params) && paramMatch == t.paramMatch && fullCommand == t.fullCommand
                && weight == t.weight && reverse == t.reverse && quorum == t.quorum && quorumMax == t.quorumMax
                && forkDelay.equals(t.forkDelay) && terminateDelay.equals(t.terminateDelay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, process, params, paramMatch, fullCommand, weight, reverse, quorum, quorumMax,
                forkDelay, terminateDelay);
    }
}
