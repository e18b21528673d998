package io.floatd.vrrp.config;

import static java.util.Map.entry;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import io.floatd.vrrp.config.TrackProcessConfig.ParamMatch;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code vrrp_track_process NAME { ... }} block, read as keepalived 2.2.7 reads it. Its rules are
 * order-dependent, as keepalived's are: {@code quorum} is checked against the {@code quorum_max} set so far and
 * the other way round; a second {@code process}, or a second non-zero {@code weight}, is an error (keepalived
 * reports it and ignores the line, and {@code keepalived -t} then fails).
 */
final class TrackProcessBlock {
    /** Where errors and warnings go: a {@link Sources} position and a message. */
    interface Reporter {
        void error(int position, String message);

        void warn(int position, String message);
    }

    @FunctionalInterface
    private interface Handler {
        void handle(Statement s, TrackProcessBlock b);
    }

    private static final Pattern UNSIGNED = Pattern.compile("[0-9]+");
    private static final Pattern WHOLE = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");
    private static final Duration MIN_DELAY = Duration.ofNanos(1000);

    private static final Map<String, Handler> KEYWORDS = Map.ofEntries(
            entry("process", TrackProcessBlock::process),
            entry("param_match", TrackProcessBlock::paramMatch),
            entry("weight", TrackProcessBlock::weight),
            entry("quorum", TrackProcessBlock::quorum),
            entry("quorum_max", TrackProcessBlock::quorumMax),
            entry("delay", (s, b) -> b.forkDelay = b.terminateDelay = delay(s)),
            entry("fork_delay", (s, b) -> b.forkDelay = delay(s)),
            entry("terminate_delay", (s, b) -> b.terminateDelay = delay(s)),
            // keepalived ignores any words after it
            entry("full_command", (s, b) -> b.fullCommand = true));

    /** The keywords the block has a handler for (for the keyword catalogue's tests and check --explain). */
    static java.util.Set<String> handled() {
        return KEYWORDS.keySet();
    }

    private final String name;
    private final String prefix;
    private final Reporter reporter;
    private String process;
    private List<String> params = List.of();
    private ParamMatch paramMatch = ParamMatch.NONE;
    private boolean fullCommand;
    private int weight;
    private boolean reverse;
    private int quorum = 1;
    private int quorumMax = TrackProcessConfig.NO_MAXIMUM;
    private Duration forkDelay = Duration.ZERO;
    private Duration terminateDelay = Duration.ZERO;
    private int errors;

    private TrackProcessBlock(String name, Reporter reporter) {
        this.name = name;
        this.prefix = "vrrp_track_process " + name + ": ";
        this.reporter = reporter;
    }

    /**
     * Reads one block.
     *
     * @param name the block's name (checked by the caller)
     * @param block its statements
     * @param line the block's position, for "process is required"
     * @return the block, or {@code null} after an error (already reported)
     */
    static TrackProcessConfig read(String name, List<Statement> block, int line, Reporter reporter) {
        var b = new TrackProcessBlock(name, reporter);
        for (Statement s : block) {
            Handler h = KEYWORDS.get(s.keyword());
            if (h == null) {
                // keepalived: "Unknown keyword" (lib/parser.c process_stream), the line skipped, the daemon runs
                b.reporter.warn(s.line(), b.prefix + UnknownKeyword.message(s, "vrrp_track_process",
                        KeywordDispatch.suggestion(s.keyword(), KEYWORDS.keySet())));
                continue;
            }
            try {
                h.handle(s, b);
            } catch (ConfigProblem | IllegalArgumentException e) {
                b.error(s.line(), e.getMessage());
            }
        }
        if (b.process == null) {
            b.error(line, "'process' is required");
        }
        if (b.errors > 0) {
            return null;
        }
        if (!b.fullCommand && b.process.length() > TrackProcessConfig.COMM_LENGTH) {
            reporter.warn(line, b.prefix + "process '" + b.process + "' is longer than a process name can be ("
                    + TrackProcessConfig.COMM_LENGTH + " characters), so it never matches one (as in keepalived);"
                    + " add full_command to match the command line instead");
        }
        try {
            return new TrackProcessConfig(name, b.process, b.params, b.paramMatch, b.fullCommand, b.weight, b.reverse,
                    b.quorum, b.quorumMax, b.forkDelay, b.terminateDelay, line);
        } catch (IllegalArgumentException e) {
            b.error(line, e.getMessage());
            return null;
        }
    }

    private void error(int position, String message) {
        errors++;
        reporter.error(position, prefix + message);
    }

    private static void process(Statement s, TrackProcessBlock b) {
        s.noBlock();
        if (s.args().isEmpty()) {
            throw new ConfigProblem("missing value after 'process'");
        }
        if (b.process != null) {
            throw new ConfigProblem("process is already set to '" + b.process + "' (keepalived refuses a second one)");
        }
        b.process = s.args().getFirst();
        if (s.args().size() > 1) {
            b.params = List.copyOf(s.args().subList(1, s.args().size()));
            if (b.paramMatch == ParamMatch.NONE) {
                b.paramMatch = ParamMatch.EXACT;
            }
            b.fullCommand = true;
        }
    }

    private static void paramMatch(Statement s, TrackProcessBlock b) {
        s.noBlock();
        if (s.args().isEmpty()) {
            b.paramMatch = ParamMatch.EXACT;
        } else {
            b.paramMatch = switch (s.args().getFirst()) {
                case "initial" -> ParamMatch.INITIAL;
                case "partial" -> ParamMatch.PARTIAL;
                default -> throw new ConfigProblem("param_match must be 'initial' or 'partial', or have no value"
                        + " (exact arguments), but was '" + s.args().getFirst() + "'");
            };
        }
        b.fullCommand = true;
    }

    private static void weight(Statement s, TrackProcessBlock b) {
        s.noBlock();
        List<String> args = s.args();
        if (args.isEmpty()) {
            throw new ConfigProblem("missing value after 'weight'");
        }
        if (b.weight != 0) {
            throw new ConfigProblem("weight is already set to " + b.weight + " (keepalived refuses a second one)");
        }
        int w = whole("weight", args.getFirst(), -TrackProcessConfig.MAX_WEIGHT, TrackProcessConfig.MAX_WEIGHT, WHOLE);
        if (args.size() > 1 && !args.get(1).equals("reverse")) {
            throw new ConfigProblem("unknown weight option '" + args.get(1) + "' (expected reverse)");
        }
        b.weight = w;
        b.reverse = args.size() > 1;
    }

    private static void quorum(Statement s, TrackProcessBlock b) {
        int q = whole("quorum", s.value(), 1, TrackProcessConfig.MAX_QUORUM, UNSIGNED);
        if (q > b.quorumMax) {
            throw new ConfigProblem("quorum " + q + " is greater than quorum_max " + b.quorumMax);
        }
        b.quorum = q;
    }

    private static void quorumMax(Statement s, TrackProcessBlock b) {
        int max = whole("quorum_max", s.value(), 0, TrackProcessConfig.MAX_QUORUM, UNSIGNED);
        // quorum_max 0 ("no such process may run") is allowed while quorum is the default
        if ((max != 0 || b.quorum > 1) && max < b.quorum) {
            throw new ConfigProblem("quorum_max " + max + " is less than quorum " + b.quorum);
        }
        b.quorumMax = max;
        if (max == 0) {
            b.quorum = 0;
        } else if (b.quorum == 0) {
            b.quorum = 1;
        }
    }

    private static int whole(String what, String text, int min, int max, Pattern pattern) {
        if (!pattern.matcher(text).matches()) {
            throw new ConfigProblem(what + " must be a whole number, but was '" + text + "'");
        }
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            v = Long.MAX_VALUE;
        }
        if (v < min || v > max) {
            throw new ConfigProblem(what + " must be between " + min + " and " + max + ", but was " + text);
        }
        return (int) v;
    }

    /** keepalived's delay: seconds with at most 6 decimals, 0.000001..3600. */
    private static Duration delay(Statement s) {
        String text = s.value();
        if (!DECIMAL.matcher(text).matches()) {
            throw new ConfigProblem(s.keyword() + " must be a number of seconds between 0.000001 and 3600, but was '" + text + "'");
        }
        BigDecimal seconds = new BigDecimal(text);
        if (seconds.stripTrailingZeros().scale() > 6) {
            throw new ConfigProblem(s.keyword() + " has more than 6 decimals: " + text);
        }
        if (seconds.compareTo(BigDecimal.valueOf(3600)) > 0) {
            throw new ConfigProblem(s.keyword() + " must be between 0.000001 and 3600 seconds, but was " + text);
        }
        Duration d = Duration.ofNanos(seconds.movePointRight(9).longValueExact());
        if (d.compareTo(MIN_DELAY) < 0) {
            throw new ConfigProblem(s.keyword() + " must be between 0.000001 and 3600 seconds, but was " + text);
        }
        return d;
    }
}
