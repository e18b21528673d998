package io.floatd.vrrp.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * A {@code ~SEQ} or {@code ~LST} line as keepalived 2.2.7 reads it ({@code add_seq}/{@code add_lst} in its
 * {@code lib/parser.c}): the line's text is read {@link #count()} times, the k-th time with each of {@link #names()}
 * defined to the k-th {@link #values(long) value set}.
 *
 * <ul>
 *   <li>{@code ~SEQ(VAR, END)}: 1, 2 ... END (for END below 1: 1, 0, -1 ... END; below 0: -1 ... END);
 *       {@code ~SEQ(VAR, START, END)}: step 1 or -1; {@code ~SEQ(VAR, START, STEP, END)}: a step against the
 *       direction, or 0, is an error. Numbers are read as C's {@code strtol} base 0 reads them (0x.. hex, 0.. octal)
 *       and may be parameters; {@code ~SEQx} writes the values in lower-case hexadecimal (positive only).</li>
 *   <li>{@code ~LST(VAR, a, b, c)}, or {@code ~LST({V1,V2}, {a,b}, {c})} for several variables (missing values are
 *       empty; more values than variables is an error). Values are taken as written.</li>
 * </ul>
 *
 * @param text the rest of the line after the closing parenthesis
 */
record Repetition(List<String> names, long count, LongFunction<List<String>> values, String text) {
    /**
     * The repetition {@code buf} (a line starting {@code ~SEQ} or {@code ~LST}) asks for.
     *
     * @param expand expands parameters in {@code ~SEQ}'s numbers
     * @throws IllegalArgumentException with keepalived's complaint when the line is not a valid repetition
     */
    static Repetition parse(String buf, UnaryOperator<String> expand) {
        boolean seq = buf.startsWith("~SEQ");
        Repetition r = seq ? sequence(buf, expand) : list(buf);
        if (r == null) {
            throw new IllegalArgumentException("invalid " + (seq ? "~SEQ" : "~LST") + " specification '" + buf + "'");
        }
        return r;
    }

    /** strtol(text, base 0) from {@code i}: {value, index after it}; {0, i} when no number is there. */
    private static long[] number(String s, int i) {
        int p = i;
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
        boolean negative = false;
        if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            negative = s.charAt(p) == '-';
            p++;
        }
        int base = 10;
        if (p + 1 < s.length() && s.charAt(p) == '0' && (s.charAt(p + 1) == 'x' || s.charAt(p + 1) == 'X')
                && p + 2 < s.length() && Character.digit(s.charAt(p + 2), 16) >= 0) {
            base = 16;
            p += 2;
        } else if (p < s.length() && s.charAt(p) == '0') {
            base = 8;
        }
        int digits = p;
        long v = 0;
        while (p < s.length() && Character.digit(s.charAt(p), base) >= 0) {
            v = Math.max(Math.min(v * base + Character.digit(s.charAt(p), base), Long.MAX_VALUE / 32), 0);
            p++;
        }
        if (p == digits) {
            return new long[] {0, i};
        }
        return new long[] {negative ? -v : v, p};
    }

    private static int skipBlanks(String s, int p) {
        while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
            p++;
        }
        return p;
    }

    /** {@code ~SEQ[x](VAR, [START,] [STEP,] END) text}. */
    private static Repetition sequence(String buf, UnaryOperator<String> expand) {
        int p = 4;
        boolean hex = p < buf.length() && buf.charAt(p) == 'x';
        if (hex) {
            p++;
        }
        p = skipBlanks(buf, p);
        if (p >= buf.length() || buf.charAt(p++) != '(') {
            return null;
        }
        p = skipBlanks(buf, p);
        int var = p;
        while (p < buf.length() && " \t,)".indexOf(buf.charAt(p)) < 0) {
            p++;
        }
        String name = buf.substring(var, p);
        p = skipBlanks(buf, p);
        if (p >= buf.length() || buf.charAt(p) == ')' || name.isEmpty()) {
            return null;
        }
        p = skipBlanks(buf, p + 1);
        int close = buf.indexOf(')', p);
        if (close < 0) {
            return null;
        }
        // the numbers may be parameters
        List<Long> values = numbers(expand.apply(buf.substring(p, close + 1)));
        if (values == null) {
            return null;
        }
        long[] bounds = bounds(values, buf);
        long start = bounds[0];
        long step = bounds[1];
        long end = bounds[2];
        if (hex && (start < 0 || end < 0)) {
            throw new IllegalArgumentException("~SEQx is only valid for positive numbers '" + buf + "'");
        }
        String text = buf.substring(skipBlanks(buf, close + 1));
        long count = Math.abs((end - start) / step) + 1;
        long first = start;
        long by = step;
        return new Repetition(List.of(name), count, k -> {
            long v = first + k * by;
            return List.of(hex ? Long.toHexString(v) : Long.toString(v));
        }, text);
    }

    /** {@code START, STEP, END)} as up to three numbers; {@code null} when it is not that. */
    private static List<Long> numbers(String numbers) {
        List<Long> values = new ArrayList<>();
        int q = 0;
        while (true) {
            long[] n = number(numbers, q);
            values.add(n[0]);
            q = skipBlanks(numbers, (int) n[1]);
            if (q < numbers.length() && numbers.charAt(q) == ')') {
                return values;
            }
            if (q >= numbers.length() || numbers.charAt(q) != ',' || values.size() == 3) {
                return null;
            }
            q++;
        }
    }

    /** {@code [START,] [STEP,] END} with keepalived's defaults: start, step, end. */
    private static long[] bounds(List<Long> values, String buf) {
        return switch (values.size()) {
            case 1 -> {
                long end = values.getFirst();
                yield new long[] {end < 0 ? -1 : 1, end < 1 ? -1 : 1, end};
            }
            case 2 -> new long[] {values.get(0), values.get(0) <= values.get(1) ? 1 : -1, values.get(1)};
            default -> {
                long start = values.get(0);
                long step = values.get(1);
                long end = values.get(2);
                if (step == 0 || (start < end && step < 0) || (start > end && step > 0)) {
                    throw new IllegalArgumentException("invalid ~SEQ values '" + buf + "'");
                }
                yield new long[] {start, step, end};
            }
        };
    }

    /** {@code ~LST(VAR, v1, v2...) text} or {@code ~LST({V1,V2}, {a,b}, {c,d}...) text}. */
    private static Repetition list(String buf) {
        int p = skipBlanks(buf, 4);
        if (p >= buf.length() || buf.charAt(p++) != '(') {
            return null;
        }
        p = skipBlanks(buf, p);
        char endChar = ',';
        if (p < buf.length() && buf.charAt(p) == '{') {
            endChar = '}';
            p = skipBlanks(buf, p + 1);
        }
        List<String> names = new ArrayList<>();
        while (true) {
            int var = p;
            while (p < buf.length() && " \t,}".indexOf(buf.charAt(p)) < 0) {
                p++;
            }
            names.add(buf.substring(var, p));
            p = skipBlanks(buf, p);
            if (p < buf.length() && buf.charAt(p) == endChar) {
                break;
            }
            if (p >= buf.length() || buf.charAt(p) != ',') {
                return null;
            }
            p = skipBlanks(buf, p + 1);
        }
        if (buf.charAt(p) == '}') {
            p = skipBlanks(buf, p + 1);
        }
        if (p >= buf.length() || buf.charAt(p++) != ',') {
            return null;
        }
        List<List<String>> sets = new ArrayList<>();
        p = sets(buf, skipBlanks(buf, p), names.size(), sets);
        if (p < 0) {
            return null;
        }
        return new Repetition(List.copyOf(names), sets.size(), k -> sets.get((int) k), buf.substring(skipBlanks(buf, p + 1)));
    }

    /**
     * The value sets from {@code p}, each {@code {a,b}} or a single value, into {@code sets}; returns where the
     * closing ')' is, or -1 when the text is not a list.
     */
    private static int sets(String buf, int p, int names, List<List<String>> sets) {
        while (true) {
            char setEnd = ',';
            if (p < buf.length() && buf.charAt(p) == '{') {
                setEnd = '}';
                p = skipBlanks(buf, p + 1);
            }
            List<String> values = new ArrayList<>();
            while (true) {
                int v = p;
                while (p < buf.length() && " \t,})".indexOf(buf.charAt(p)) < 0) {
                    p++;
                }
                values.add(buf.substring(v, p));
                p = skipBlanks(buf, p);
                if (p < buf.length() && (buf.charAt(p) == setEnd || (buf.charAt(p) == ')' && setEnd == ','))) {
                    break;
                }
                if (p >= buf.length() || buf.charAt(p) != ',') {
                    return -1;
                }
                p = skipBlanks(buf, p + 1);
                if (values.size() > names - 1) {
                    throw new IllegalArgumentException("~LST specification has too many values '" + buf + "'");
                }
            }
            while (values.size() < names) {
                values.add("");
            }
            sets.add(List.copyOf(values));
            if (buf.charAt(p) == '}' && setEnd == '}') {
                p = skipBlanks(buf, p + 1);
            }
            if (p < buf.length() && buf.charAt(p) == ')') {
                return p;
            }
            if (p >= buf.length() || buf.charAt(p) != ',') {
                return -1;
            }
            p = skipBlanks(buf, p + 1);
        }
    }
}
