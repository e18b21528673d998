package io.floatd.vrrp.notify;

import java.time.Duration;
import java.util.List;

/**
 * How one script run ended.
 *
 * @param command the argv actually executed (after shell wrapping, without the {@code setsid} prefix)
 * @param status how it ended
 * @param exitCode the exit code when {@code status} is {@link Status#EXITED}, otherwise -1; a process killed by
 *        a signal reports 128 + signal, as a shell would
 * @param reason why it failed to start, timed out or was killed; empty for {@link Status#EXITED}
 * @param duration wall time from start to reaping (zero if it never started)
 * @param output the tail of its combined stdout and stderr (at most {@link ScriptRunner#OUTPUT_LIMIT} bytes,
 *        decoded as UTF-8)
 * @param outputDiscarded how many earlier output bytes were read and dropped to keep {@code output} bounded
 */
public record ScriptResult(
        List<String> command,
        Status status,
        int exitCode,
        String reason,
        Duration duration,
        String output,
        long outputDiscarded) {

    public enum Status {
        /** It ran to completion; see {@link #exitCode()}. */
        EXITED,
        /** It overran its timeout and its process group was killed. */
        TIMED_OUT,
        /** It could not be started: missing file, not executable, fork failure... */
        FAILED_TO_START,
        /** It was killed before finishing because its runner was shutting down. */
        KILLED
    }

    public ScriptResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return status == Status.EXITED && exitCode == 0;
    }

    /** A short human-readable summary: "exit 3", "timed out after PT30S", "failed to start: ...". */
    public String describe() {
        return switch (status) {
            case EXITED -> "exit " + exitCode;
            case TIMED_OUT -> "timed out: " + reason;
            case FAILED_TO_START -> "failed to start: " + reason;
            case KILLED -> "killed: " + reason;
        };
    }

    static ScriptResult failedToStart(List<String> command, String reason) {
        return new ScriptResult(command, Status.FAILED_TO_START, -1, reason, Duration.ZERO, "", 0);
    }
}
