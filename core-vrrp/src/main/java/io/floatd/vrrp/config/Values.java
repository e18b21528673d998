package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The value parsers every block's handlers share: addresses, numbers, times, paths, keepalived's booleans and
 * weights. Each throws {@link ConfigProblem} with the message the handler's line is reported with.
 */
final class Values {
    private Values() {
    }

    static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    static final Pattern WHOLE = Pattern.compile("[-+]?[0-9]+");
    static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)");

    /** A literal address, as inet_pton reads it: never a host name, which would need DNS at startup. */
    static InetAddress address(String what, String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                return Inet4Address.ofLiteral(text);
            }
            if (IPV6.matcher(text).matches()) {
                return Inet6Address.ofLiteral(text);
            }
        } catch (IllegalArgumentException e) {
            // reported below, like any other malformed address
        }
        throw new ConfigProblem(what + " '" + text + "' is not a valid IPv4 or IPv6 address");
    }

    /** Whether {@link #address} reads {@code text}. */
    static boolean isAddress(String text) {
        try {
            address("", text);
            return true;
        } catch (ConfigProblem e) {
            return false;
        }
    }

    static boolean isWhole(String text) {
        return WHOLE.matcher(text).matches();
    }

    static int wholeNumber(Statement s) {
        return wholeNumber(s.keyword(), s.value());
    }

    static int wholeNumber(String what, String text) {
        if (!WHOLE.matcher(text).matches()) {
            throw new ConfigProblem(what + " must be a whole number, but was '" + text + "'");
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigProblem(what + " is out of range: " + text);
        }
    }

    /** keepalived's TIMER: seconds, possibly fractional. */
    static BigDecimal seconds(Statement s) {
        String text = s.value();
        if (!DECIMAL.matcher(text).matches()) {
            throw new ConfigProblem(s.keyword() + " must be a number of seconds, but was '" + text + "'");
        }
        return new BigDecimal(text);
    }

    static Duration duration(Statement s) {
        BigDecimal seconds = seconds(s);
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(InstanceConfig.MAX_PREEMPT_DELAY.toSeconds())) > 0) {
            throw new ConfigProblem(s.keyword() + " must be between 0 and 1000 seconds, but was " + s.value());
        }
        // keepalived keeps timers in microseconds
        return Duration.ofNanos(seconds.setScale(6, RoundingMode.HALF_UP).movePointRight(9).longValueExact());
    }

    /** A {@code garp} time: seconds, possibly fractional, kept to the microsecond as keepalived does. */
    static Duration garpSeconds(Statement s) {
        BigDecimal seconds = seconds(s);
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(GarpSettings.MAX_DELAY.toSeconds())) > 0) {
            throw new ConfigProblem(s.keyword() + " must be between 0 and " + GarpSettings.MAX_DELAY.toSeconds()
                    + " seconds, but was " + s.value());
        }
        return Duration.ofNanos(seconds.setScale(6, RoundingMode.HALF_UP).movePointRight(9).longValueExact());
    }

    /** A file the daemon writes: absolute, since the daemon's working directory is nobody's business. */
    static Path absolutePath(Statement s) {
        String text = s.value();
        Path path;
        try {
            path = Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigProblem(s.keyword() + " '" + text + "' is not a valid path");
        }
        if (!path.isAbsolute() || path.getFileName() == null) {
            throw new ConfigProblem(s.keyword() + " must be an absolute path to a file, but was '" + text + "'");
        }
        return path;
    }

    static String optionValue(Statement line, int optionIndex) {
        if (optionIndex + 1 >= line.args().size()) {
            throw new ConfigProblem("missing value after '" + line.args().get(optionIndex) + "'");
        }
        return line.args().get(optionIndex + 1);
    }

    /** A list block's line as words: its keyword, then its arguments. */
    static List<String> lineWords(Statement line) {
        line.noBlock();
        return Stream.concat(Stream.of(line.keyword()), line.args().stream()).toList();
    }

    /** keepalived reads {@code 10.0.0.11/24} (and {@code 10.0.0.11-20}) as the address before the '/' or '-'. */
    static String withoutPrefix(String text) {
        int cut = text.indexOf('/');
        int dash = text.indexOf('-');
        if (dash >= 0 && (cut < 0 || dash < cut)) {
            cut = dash;
        }
        return cut < 0 ? text : text.substring(0, cut);
    }

    /** keepalived's boolean: none means yes; otherwise true/on/yes or false/off/no. */
    static boolean bool(Statement s) {
        s.noBlock();
        if (s.args().isEmpty()) {
            return true;
        }
        return switch (s.value()) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new ConfigProblem(s.keyword() + " takes yes or no (true/on, false/off), but was '" + s.value() + "'");
        };
    }

    /**
     * A notify script line as keepalived 2.2.7 reads it ({@link ScriptWords}): the command line is the first word
     * after the keyword, quotes and escapes resolved; the words after it are the user and group to run it as.
     */
    static String script(Statement s) {
        // the words after it are the user and group to run it as: ScriptUser
        return ScriptWords.of(s).get(1);
    }

    /** A list-valued keyword's words, joined by one space. */
    static String words(Statement line) {
        line.noBlock();
        if (line.args().isEmpty()) {
            throw new ConfigProblem("missing value after '" + line.keyword() + "'");
        }
        return String.join(" ", line.args());
    }

    record Weight(int weight, Boolean reverse) {
    }

    /** {@code weight W [reverse|noreverse]} starting at {@code from}; {@code bare} when the keyword itself is "weight". */
    static Weight weight(String what, List<String> args, int from, int max, boolean bare) {
        int n = from;
        if (!bare) {
            if (!args.get(n).equals("weight")) {
                throw new ConfigProblem("unknown " + what + " option '" + args.get(n) + "' (expected weight)");
            }
            n++;
        }
        if (n >= args.size()) {
            throw new ConfigProblem("missing value after 'weight'");
        }
        String text = args.get(n++);
        int weight = wholeNumber("weight", text);
        if (weight < -max || weight > max) {
            throw new ConfigProblem((bare ? "" : what + " ") + "weight must be between -" + max + " and " + max + ", but was " + weight);
        }
        Boolean reverse = null;
        if (n < args.size()) {
            reverse = switch (args.get(n)) {
                case "reverse" -> true;
                case "noreverse", "no_reverse" -> false;
                default -> throw new ConfigProblem("unknown weight option '" + args.get(n) + "' (expected reverse or noreverse)");
            };
            n++;
        }
        if (n < args.size()) {
            throw new ConfigProblem("unexpected '" + String.join(" ", args.subList(n, args.size())) + "' after the weight");
        }
        return new Weight(weight, reverse);
    }

    static Duration timer(Statement s) {
        BigDecimal seconds = seconds(s);
        Duration d = Duration.ofNanos(seconds.setScale(6, RoundingMode.HALF_UP).movePointRight(9).min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue());
        if (seconds.compareTo(new BigDecimal("0.01")) < 0 || d.compareTo(VrrpScriptConfig.MAX_TIMER) > 0) {
            throw new ConfigProblem(s.keyword() + " must be between 0.01 and " + VrrpScriptConfig.MAX_TIMER.toSeconds()
                    + " seconds, but was " + s.value());
        }
        return d;
    }

    static int count(Statement s) {
        int n = wholeNumber(s);
        if (n < 1 || n > VrrpScriptConfig.MAX_FALL_RISE) {
            throw new ConfigProblem(s.keyword() + " must be between 1 and " + VrrpScriptConfig.MAX_FALL_RISE + ", but was " + n);
        }
        return n;
    }

    /** A top-level block's one name ({@code vrrp_script NAME}). */
    static String blockName(Statement s, String keyword) {
        if (s.args().size() != 1) {
            throw new ConfigProblem(s.args().isEmpty() ? keyword + " needs a name"
                    : keyword + " takes one name, but got " + s.args().size() + ": " + String.join(" ", s.args()));
        }
        return s.args().getFirst();
    }

    /** A track_* line: {@code NAME [weight W [reverse|noreverse]]}. */
    static TrackRef trackRef(Statement line, String what, int max) {
        line.noBlock();
        if (line.args().isEmpty()) {
            return new TrackRef(line.keyword(), null, null, line.line());
        }
        Weight w = weight(what + " " + line.keyword(), line.args(), 0, max, false);
        return new TrackRef(line.keyword(), w.weight(), w.reverse(), line.line());
    }
}
