package io.floatd.vrrp.config;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The preprocessor's parameters ({@link Preprocessor}): {@code $NAME=value} definitions, single- and multi-line, the
 * built-ins ({@code _INSTANCE}, {@code _PWD}, {@code _HASH}, {@code _BANG}, {@code ${_RANDOM [MIN] MAX}}), and where
 * a line uses one.
 */
final class Parameters {
    private final Map<String, Definition> definitions = new HashMap<>();
    /** The multi-line definition whose lines are being read, or {@code null}. */
    private Definition openDefinition;

    /** @param currentDirectory the directory of the file being read ({@code _PWD}), or empty before any */
    Parameters(String configId, Supplier<String> currentDirectory) {
        definitions.put("_PWD", Definition.builtIn(0, params -> currentDirectory.get()));
        definitions.put("_INSTANCE", Definition.builtIn(0, params -> configId));
        definitions.put("_RANDOM", Definition.builtIn(2, Parameters::random));
        definitions.put("_HASH", Definition.plain("#"));
        definitions.put("_BANG", Definition.plain("!"));
    }

    /** Defines {@code name} as {@code value}, as {@code ~SEQ} and {@code ~LST} do for each value. */
    void set(String name, String value) {
        definitions.put(name, Definition.plain(value));
    }

    /** Whether a multi-line definition is open: the next line continues it. */
    boolean open() {
        return openDefinition != null;
    }

    static boolean nameStart(char c) {
        return c < 0x80 && (Character.isLetter(c) || c == '_');
    }

    static boolean namePart(char c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || c == '_');
    }

    /** {@code $NAME=value}; false when the line is not a definition (it is then read as a line). */
    boolean define(String buf) {
        if (buf.length() < 2 || !nameStart(buf.charAt(1))) {
            return false;
        }
        int p = 2;
        while (p < buf.length() && buf.charAt(p) != '=') {
            if (!namePart(buf.charAt(p))) {
                return false;
            }
            p++;
        }
        if (p == buf.length()) {
            return false;
        }
        String name = buf.substring(1, p);
        p++;
        while (p < buf.length() && (buf.charAt(p) == ' ' || buf.charAt(p) == '\t')) {
            p++;
        }
        String value = buf.substring(p);
        boolean multiline = value.endsWith("\\");
        if (multiline) {
            // the value's first line, without the '\' and the blanks before it, ends with a line break
            int end = value.length() - 1;
            while (end > 0 && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
                end--;
            }
            value = end == 0 ? "" : value.substring(0, end) + "\n";
        }
        var d = new Definition(new StringBuilder(value), multiline, 0, null);
        definitions.put(name, d);
        openDefinition = multiline ? d : null;
        return true;
    }

    /** A line of a multi-line definition: one ending in '\' continues it; the first that does not ends it. */
    void continueDefinition(String buf) {
        Definition d = openDefinition;
        boolean more = buf.endsWith("\\");
        String line = buf;
        if (more) {
            int end = buf.length() - 1;
            while (end > 0 && (buf.charAt(end - 1) == ' ' || buf.charAt(end - 1) == '\t')) {
                end--;
            }
            line = buf.substring(0, end) + "\n";
        } else {
            endDefinition();
        }
        // a lone '\' adds no empty line
        if (line.length() >= 2 || (!line.isEmpty() && !more)) {
            d.value.append(line);
        }
    }

    void endDefinition() {
        if (openDefinition != null && openDefinition.value.isEmpty()) {
            openDefinition.multiline = false;
        }
        openDefinition = null;
    }

    record Use(Definition definition, String params, int end) {
    }

    /** The defined parameter used at {@code i} (just after a '$'), or {@code null} if there is none to replace. */
    Use use(CharSequence b, int i) {
        int len = b.length();
        boolean braces = b.charAt(i) == '{';
        int n = braces ? i + 1 : i;
        if (n >= len || !nameStart(b.charAt(n))) {
            return null;
        }
        int e = n + 1;
        while (e < len && namePart(b.charAt(e))) {
            e++;
        }
        String name = b.subSequence(n, e).toString();
        String params = null;
        int end;
        if (braces) {
            int p = e;
            int first = -1;
            int last = -1;
            while (p < len && (b.charAt(p) == ' ' || (b.charAt(p) >= '0' && b.charAt(p) <= '9'))) {
                if (b.charAt(p) != ' ') {
                    if (first < 0) {
                        first = p;
                    }
                    last = p;
                }
                p++;
            }
            if ((first >= 0 && last + 1 != p) || (first < 0 && p != e) || p >= len || b.charAt(p) != '}') {
                return null;
            }
            params = first < 0 ? null : b.subSequence(first, last + 1).toString();
            end = p + 1;
        } else {
            if (e < len && " \t,)".indexOf(b.charAt(e)) < 0) {
                return null;
            }
            end = e;
        }
        Definition d = definitions.get(name);
        if (d == null || (d.multiline && end != len) || (params != null && d.maxParams == 0)) {
            return null;
        }
        return new Use(d, params, end);
    }

    private static String random(String params) {
        long min = 0;
        long max = 32767;
        if (params != null) {
            String[] p = params.trim().split("[ ]+");
            try {
                if (p.length == 1) {
                    min = Long.parseLong(p[0]);
                } else {
                    min = Long.parseLong(p[0]);
                    max = Long.parseLong(p[1]);
                }
            } catch (NumberFormatException e) {
                // digits only: too long for a long
            }
        }
        if (max < min) {
            return Long.toString(min);
        }
        return Long.toString(min + ThreadLocalRandom.current().nextLong(max - min + 1));
    }

    /** A parameter: its value, or for a built-in the function that makes it. */
    static final class Definition {
        final StringBuilder value;
        boolean multiline;
        final int maxParams;
        final Function<String, String> builtIn;

        Definition(StringBuilder value, boolean multiline, int maxParams, Function<String, String> builtIn) {
            this.value = value;
            this.multiline = multiline;
            this.maxParams = maxParams;
            this.builtIn = builtIn;
        }

        static Definition plain(String value) {
            return new Definition(new StringBuilder(value), false, 0, null);
        }

        static Definition builtIn(int maxParams, Function<String, String> f) {
            return new Definition(new StringBuilder(), false, maxParams, f);
        }

        String value(String params) {
            return builtIn != null ? builtIn.apply(params) : value.toString();
        }
    }
}
