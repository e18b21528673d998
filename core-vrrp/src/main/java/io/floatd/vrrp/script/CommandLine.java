package io.floatd.vrrp.script;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a configured script line into an argument vector, following the quoting rules of keepalived.conf(5):
 * unquoted whitespace separates arguments; {@code "} and {@code '} group text (the quote characters are removed
 * and may join adjacent text, so {@code a"b c"d} is one argument {@code ab cd}); backslash escapes
 * {@code \a \b \E \f \n \r \t \v \nnn \xHH.. \cC} are decoded everywhere, and {@code \C} for any other C is a
 * literal C (so {@code \"} and {@code \ } neither quote nor separate), inside single quotes too. This is
 * keepalived 2.2.7's {@code alloc_strvec_quoted_escaped}, which it applies to a script line and then again to its
 * command line; separators are keepalived's blanks (space, tab, form feed, line feed, carriage return, vertical tab).
 */
public final class CommandLine {
    /** What separates words: keepalived's {@code WHITE_SPACE}. */
    private static final String WHITE_SPACE = " \t\f\n\r\u000b";

    private CommandLine() {
    }

    /**
     * Splits {@code line} into arguments.
     *
     * @throws IllegalArgumentException if a quote is not closed (a silently merged tail would run the wrong
     *         command, so the configuration must be rejected instead), or a lone backslash ends the line
     */
    public static List<String> split(String line) {
        List<String> args = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        // a pair of empty quotes is still an (empty) argument, so track "started" apart from cur's length
        boolean inArg = false;
        char quote = 0;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i = unescape(line, i, cur);
                inArg = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inArg = true;
            } else if (WHITE_SPACE.indexOf(c) >= 0) {
                if (inArg) {
                    args.add(cur.toString());
                    cur.setLength(0);
                    inArg = false;
                }
            } else {
                cur.append(c);
                inArg = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated " + quote + " quote in script line: " + line);
        }
        if (inArg) {
            args.add(cur.toString());
        }
        return List.copyOf(args);
    }

    /** Decodes the escape starting at the backslash at {@code i}; returns the index of its last character. */
    private static int unescape(String s, int i, StringBuilder out) {
        int n = s.length();
        if (i + 1 >= n) {
            // keepalived cannot parse such a line and drops the script ("Missing escape char at end")
            throw new IllegalArgumentException("a lone '\\' ends the script line (keepalived cannot parse it and would"
                    + " ignore the script): " + s);
        }
        char c = s.charAt(++i);
        switch (c) {
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'E' -> out.append('\u001b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case 'c' -> {
                if (i + 1 < n) {
                    out.append((char) (s.charAt(++i) & 0x1f));
                } else {
                    out.append('c');
                }
            }
            case 'x' -> {
                int v = 0;
                int digits = 0;
                while (i + 1 < n && Character.digit(s.charAt(i + 1), 16) >= 0) {
                    v = (v << 4 | Character.digit(s.charAt(++i), 16)) & 0xff;
                    digits++;
                }
                if (digits == 0) {
                    out.append('x');
                } else {
                    out.append((char) v);
                }
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int k = 0; k < 2 && i + 1 < n && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '7'; k++) {
                        v = v * 8 + (s.charAt(++i) - '0');
                    }
                    out.append((char) (v & 0xff));
                } else {
                    out.append(c);
                }
            }
        }
        return i;
    }

    /**
     * True when {@code line} relies on shell syntax that {@link #split} cannot express: pipes, lists
     * ({@code ; && ||}), redirections, background jobs, substitutions ({@code $}, backquotes), subshells and
     * groups, globs, brace expansion, a leading {@code ~} or {@code !}, comments, or a leading {@code VAR=value} assignment.
     * Such a line is run as {@code /bin/sh -c LINE}. Characters inside single quotes are literal, and inside
     * double quotes only {@code $} and backquotes keep their meaning, as in sh.
     *
     * <p>This deliberately departs from keepalived 2.2.7, which never uses a shell: it execs the split line, so
     * in {@code notify_master "/bin/echo x > /tmp/f"} the {@code >} and {@code /tmp/f} are just arguments to
     * echo (checked against Debian's keepalived). A line written with shell syntax almost always means it.
     */
    public static boolean needsShell(String line) {
        char quote = 0;
        boolean wordStart = true;
        boolean firstWord = true;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                }
                wordStart = false;
                continue;
            }
            if (c == '\\') {
                i++;
                wordStart = false;
                continue;
            }
            if (c == '$' || c == '`') {
                return true;
            }
            if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                wordStart = false;
                continue;
            }
            if (shellOnly(c, wordStart, firstWord)) {
                return true;
            }
            if (Character.isWhitespace(c)) {
                if (!wordStart) {
                    firstWord = false;
                }
                wordStart = true;
                continue;
            }
            // a path or option in the first word ends the chance of it being an assignment
            if (firstWord && (c == '/' || c == '-' || c == '.')) {
                firstWord = false;
            }
            wordStart = false;
        }
        return false;
    }

    /** An unquoted character only a shell reads: an operator, a glob, or ~ # ! at a word's start, = in the first word. */
    private static boolean shellOnly(char c, boolean wordStart, boolean firstWord) {
        return switch (c) {
            case '|', '&', ';', '<', '>', '(', ')', '*', '?', '[', '{', '}', '\n' -> true;
            case '~', '#', '!' -> wordStart;
            case '=' -> firstWord;
            default -> false;
        };
    }
}
