package io.floatd.vrrp.config;

import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * How keepalived 2.2.7 reads a vrrp_instance's {@code state} and {@code priority} words, including the words it does
 * not understand: it reports them and runs with a default (keepalived/vrrp/vrrp_parser.c {@code vrrp_state_handler},
 * {@code vrrp_prio_handler}), and it derives whichever of the two is missing from the other
 * (keepalived/vrrp/vrrp.c {@code vrrp_complete_instance}, "If no priority has been set, derive it from the initial
 * state"). floatd warns at the line and runs what keepalived runs.
 */
final class InstanceWords {
    /** RFC 3768 section 5.3.4: the address owner's priority. */
    static final int OWNER = 255;

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private InstanceWords() {
    }

    /**
     * keepalived compares the word exactly: {@code MASTER}, {@code BACKUP}; any other word is reported ("unknown
     * state 'x', defaulting to BACKUP") and read as BACKUP; a BACKUP after a MASTER is reported and ignored.
     *
     * @param previous the state an earlier {@code state} line set, or {@code null}
     */
    static InitialState state(String word, InitialState previous, Consumer<String> warn) {
        return switch (word) {
            case "MASTER" -> InitialState.MASTER;
            case "BACKUP" -> {
                if (previous == InitialState.MASTER) {
                    warn.accept("state BACKUP after state MASTER is ignored, as keepalived ignores it (\"state previously"
                            + " set as MASTER - ignoring BACKUP\"): the instance starts as MASTER");
                    yield InitialState.MASTER;
                }
                yield InitialState.BACKUP;
            }
            default -> {
                warn.accept("unknown state '" + word + "': the instance starts as BACKUP, as keepalived starts it (\"unknown"
                        + " state, defaulting to BACKUP\"); write MASTER or BACKUP in capitals");
                yield InitialState.BACKUP;
            }
        };
    }

    /**
     * keepalived reads an unsigned number between 1 and 255 (lib/parser.c {@code read_unsigned_strvec}); anything
     * else, a quoted number included, is reported and replaced with 100 ("Priority not valid! must be between 1 &
     * 255. Using default 100").
     */
    static int priority(String word, Consumer<String> warn) {
        if (DIGITS.matcher(word).matches()) {
            String digits = word.replaceFirst("^0+(?=.)", "");
            if (digits.length() <= 3 && Integer.parseInt(digits) >= 1 && Integer.parseInt(digits) <= OWNER) {
                return Integer.parseInt(digits);
            }
        }
        warn.accept("priority must be between 1 and " + OWNER + ", but was '" + word + "': the instance runs with priority "
                + InstanceConfig.DEFAULT_PRIORITY + ", as keepalived runs it (\"Priority not valid! ... Using default "
                + InstanceConfig.DEFAULT_PRIORITY + "\")");
        return InstanceConfig.DEFAULT_PRIORITY;
    }

    /**
     * keepalived 2.2.7 gives an instance without a {@code priority} line priority 255 (the address owner's) when its
     * state is MASTER and 100 otherwise; without a {@code state} line it starts as MASTER only at priority 255.
     */
    static int defaultPriority(InitialState givenState) {
        return givenState == InitialState.MASTER ? OWNER : InstanceConfig.DEFAULT_PRIORITY;
    }

    /** The initial state of an instance without a {@code state} line, from its priority. */
    static InitialState defaultState(int priority) {
        return priority == OWNER ? InitialState.MASTER : InitialState.BACKUP;
    }
}
