package io.floatd.vrrp.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer and reader, enough for floatd's own documents (status, JSON log lines): no dependency.
 * The writer emits compact JSON; {@link #parse} reads any RFC 8259 text into maps, lists, strings, numbers
 * ({@link Long} when integral, else {@link Double}), booleans and null.
 */
public final class Json {
    private Json() {
    }

    /** Appends {@code s} as a quoted JSON string (or {@code null}). */
    public static StringBuilder quote(StringBuilder sb, String s) {
        if (s == null) {
            return sb.append("null");
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** Streams one JSON value; commas and colons are placed for the caller. */
    public static final class Writer {
        private final StringBuilder sb;
        // per nesting level: whether a value was already written at that level
        private final ArrayList<Boolean> first = new ArrayList<>();
        private boolean afterName;

        public Writer() {
            this(new StringBuilder(512));
        }

        public Writer(StringBuilder sb) {
            this.sb = sb;
        }

        private void beforeValue() {
            if (afterName) {
                afterName = false;
                return;
            }
            if (!first.isEmpty()) {
                int last = first.size() - 1;
                if (!first.get(last)) {
                    sb.append(',');
                }
                first.set(last, false);
            }
        }

        public Writer beginObject() {
            beforeValue();
            sb.append('{');
            first.add(true);
            return this;
        }

        public Writer endObject() {
            first.removeLast();
            sb.append('}');
            return this;
        }

        public Writer beginArray() {
            beforeValue();
            sb.append('[');
            first.add(true);
            return this;
        }

        public Writer endArray() {
            first.removeLast();
            sb.append(']');
            return this;
        }

        public Writer name(String name) {
            beforeValue();
            quote(sb, name).append(':');
            afterName = true;
            return this;
        }

        public Writer value(String s) {
            beforeValue();
            quote(sb, s);
            return this;
        }

        public Writer value(long n) {
            beforeValue();
            sb.append(n);
            return this;
        }

        public Writer value(boolean b) {
            beforeValue();
            sb.append(b);
            return this;
        }

        /** A finite number (rounded to 3 decimals), or null for null/NaN/infinite. */
        public Writer value(Double d) {
            beforeValue();
            if (d == null || d.isNaN() || d.isInfinite()) {
                sb.append("null");
            } else {
                sb.append(round3(d));
            }
            return this;
        }

        public Writer nullValue() {
            beforeValue();
            sb.append("null");
            return this;
        }

        public Writer field(String name, String s) {
            return name(name).value(s);
        }

        public Writer field(String name, long n) {
            return name(name).value(n);
        }

        public Writer field(String name, boolean b) {
            return name(name).value(b);
        }

        public Writer field(String name, Double d) {
            return name(name).value(d);
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    static String round3(double d) {
        double r = Math.round(d * 1000.0) / 1000.0;
        if (r == Math.rint(r) && Math.abs(r) < 1e15) {
            return Long.toString((long) r) + ".0";
        }
        return Double.toString(r);
    }

    /** Parses one JSON document; throws {@link IllegalArgumentException} on malformed input. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.pos != text.length()) {
            throw p.error("trailing characters");
        }
        return v;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at offset " + pos + ": " + what);
        }

        void ws() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(pos);
        }

        void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        Object value() {
            char c = peek();
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
            return v;
        }

        Map<String, Object> object() {
            expect('{');
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                ws();
                String k = string();
                ws();
                expect(':');
                ws();
                m.put(k, value());
                ws();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        List<Object> array() {
            expect('[');
            List<Object> l = new ArrayList<>();
            ws();
            if (peek() == ']') {
                pos++;
                return l;
            }
            while (true) {
                ws();
                l.add(value());
                ws();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect(']');
                    return l;
                }
            }
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = peek();
                pos++;
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = peek();
                    pos++;
                    switch (e) {
                        case '"', '\\', '/' -> sb.append(e);
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw error("short \\u escape");
                            }
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> throw error("bad escape");
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        Number number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            String n = s.substring(start, pos);
            if (n.isEmpty()) {
                throw error("unexpected character");
            }
            try {
                if (n.contains(".") || n.contains("e") || n.contains("E")) {
                    return Double.parseDouble(n);
                }
                return Long.parseLong(n);
            } catch (NumberFormatException e) {
                throw error("bad number " + n);
            }
        }
    }
}
