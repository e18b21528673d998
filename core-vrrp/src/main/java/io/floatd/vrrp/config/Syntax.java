package io.floatd.vrrp.config;

import io.floatd.vrrp.script.CommandLine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * keepalived.conf's surface syntax, before any keyword means anything: words, quoting, and statements with
 * their blocks, from the lines the {@link Preprocessor} hands over. Keeping this apart lets every block's keyword table see finished statements.
 */
final class Syntax {
    enum Kind { WORD, OPEN, CLOSE, EOL, EOF }

    /** @param segment for the first word of a segment, the segment's text (what script lines split again); else null */
    record Token(Kind kind, String text, int line, String segment) {
        Token(Kind kind, String text, int line) {
            this(kind, text, line, null);
        }
    }

    /**
     * One keyword line: {@code keyword args...}, with the block that follows it, if any.
     *
     * @param block {@code null} when no block follows
     */
    /** Keywords whose values are secrets (auth_pass, tokens, keys): never echoed in messages. */
    static boolean secret(String keyword) {
        String k = keyword.toLowerCase(java.util.Locale.ROOT);
        return k.contains("pass") || k.contains("token") || k.contains("secret") || k.contains("key") || k.contains("credential");
    }

    /** @param segment the text of the keyword's line as keepalived hands it to a handler (for script lines) */
    record Statement(String keyword, List<String> args, int line, List<Statement> block, String segment) {
        Statement(String keyword, List<String> args, int line, List<Statement> block) {
            this(keyword, args, line, block, null);
        }

        /** The single value after the keyword. */
        String value() {
            noBlock();
            if (args.isEmpty()) {
                throw new ConfigProblem("missing value after '" + keyword + "'");
            }
            if (args.size() > 1) {
                throw new ExtraWords(this);
            }
            return args.getFirst();
        }

        /** This statement with only its first value, as keepalived's handlers read a one-value keyword. */
        Statement firstValueOnly() {
            return new Statement(keyword, args.subList(0, 1), line, block, segment);
        }

        void noValue() {
            noBlock();
            if (!args.isEmpty()) {
                throw new ConfigProblem("'" + keyword + "' takes no value, but got "
                        + (secret(keyword) ? "(values not shown: it is a secret)" : String.join(" ", args)));
            }
        }

        List<Statement> requireBlock() {
            if (block == null) {
                throw new ConfigProblem("'" + keyword + "' needs a block: " + keyword + " { ... }");
            }
            return block;
        }

        /** A block that has no name or value of its own, like {@code authentication { ... }}. */
        List<Statement> plainBlock() {
            if (!args.isEmpty()) {
                throw new ConfigProblem("'" + keyword + "' takes no value before its block, but got " + String.join(" ", args));
            }
            return requireBlock();
        }

        void noBlock() {
            if (block != null) {
                throw new ConfigProblem("'" + keyword + "' does not take a block");
            }
        }
    }

    /** A problem with one statement, reported against its line. */
    static class ConfigProblem extends RuntimeException {
        ConfigProblem(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Words after a one-value keyword's value. keepalived's handlers read only the first value (strvec_slot 1) and
     * say nothing of the rest, so a dispatcher warns and reads the first ({@link Statement#firstValueOnly()}).
     */
    static final class ExtraWords extends ConfigProblem {
        private final Statement statement;

        ExtraWords(Statement s) {
            super(message(s));
            this.statement = s;
        }

        /** The message where floatd refuses extra words (in its own blocks, which keepalived does not read). */
        String refusal() {
            String shown = secret(statement.keyword()) ? "(values not shown: it is a secret)" : String.join(" ", statement.args());
            return "'" + statement.keyword() + "' takes one value, but got " + statement.args().size() + ": " + shown
                    + " (quote it if it contains spaces)";
        }

        private static String message(Statement s) {
            // a password or key must not reach the terminal or a log through a message
            if (secret(s.keyword())) {
                return "'" + s.keyword() + "' takes one value, but got " + s.args().size() + " (values not shown: it is a"
                        + " secret): only the first is used, as keepalived reads only the first";
            }
            return "'" + s.keyword() + "' takes one value: '" + s.args().getFirst() + "' is used and '"
                    + String.join(" ", s.args().subList(1, s.args().size())) + "' is ignored, as keepalived ignores it"
                    + " (quote the value if it contains spaces)";
        }
    }

    private final List<Token> tokens;
    private final BiConsumer<Integer, String> errors;
    private int pos;
    /** Blocks open around {@link #pos}. */
    private int depth;

    private final BiConsumer<Integer, String> warnings;

    private Syntax(List<Token> tokens, BiConsumer<Integer, String> errors, BiConsumer<Integer, String> warnings) {
        this.tokens = tokens;
        this.errors = errors;
        this.warnings = warnings;
    }

    /**
     * The top-level statements of tokens already lexed (and {@linkplain Sources#expand included}); lines are
     * {@link Sources} positions.
     */
    static List<Statement> read(List<Token> tokens, BiConsumer<Integer, String> errors) {
        return read(tokens, errors, errors);
    }

    /** The same, with what keepalived reports and reads on from (an extra '}') handed to {@code warnings}. */
    static List<Statement> read(List<Token> tokens, BiConsumer<Integer, String> errors, BiConsumer<Integer, String> warnings) {
        return new Syntax(tokens, errors, warnings).body(null, 0);
    }

    // ---- lexing ----

    private static final String WHITE_SPACE = " \t\f\n\r\u000b";

    /**
     * The tokens of one {@linkplain Preprocessor.Segment segment}, split as keepalived 2.2.7 splits a line
     * ({@code alloc_strvec_r}): blanks separate words; a word that starts with {@code "} runs to the next {@code "}
     * and loses both (no escapes: a backslash is itself); any other word ends at a blank or a {@code "}, so
     * {@code a"b c"} is two words, {@code a} and {@code b c}. Single quotes are ordinary characters here: only
     * script lines split them again ({@link io.floatd.vrrp.script.CommandLine#split}). An unmatched {@code "} is an
     * error and the rest of the line is dropped. A lone brace is an {@link Kind#OPEN} or {@link Kind#CLOSE}; every
     * segment ends with an {@link Kind#EOL}. The first word carries the segment's text, for script lines.
     */
    static void lexSegment(String text, int line, Tokens out, BiConsumer<Integer, String> errors) {
        if (text.equals("{") || text.equals("}")) {
            out.add(new Token(text.equals("{") ? Kind.OPEN : Kind.CLOSE, text, line));
            out.endLine(line);
            return;
        }
        int p = 0;
        boolean first = true;
        while (true) {
            while (p < text.length() && WHITE_SPACE.indexOf(text.charAt(p)) >= 0) {
                p++;
            }
            if (p >= text.length()) {
                break;
            }
            String word;
            if (text.charAt(p) == '"') {
                int close = text.indexOf('"', p + 1);
                if (close < 0) {
                    // keepalived drops the rest of the line; the configuration is refused, so drop all of it
                    errors.accept(line, "unmatched quote: '" + text + "' (a quoted word ends at the next '\"', and there"
                            + " is none; keepalived has no escapes outside script lines)");
                    out.dropSegment();
                    return;
                }
                word = text.substring(p + 1, close);
                p = close + 1;
            } else {
                int start = p;
                while (p < text.length() && WHITE_SPACE.indexOf(text.charAt(p)) < 0 && text.charAt(p) != '"') {
                    p++;
                }
                word = text.substring(start, p);
            }
            out.add(new Token(Kind.WORD, word, line, first ? text : null));
            first = false;
        }
        out.endLine(line);
    }

    /** The tokens of a parse, counted against its limit. */
    static final class Tokens {
        final List<Token> list = new ArrayList<>();
        final ParseLimits limits;
        boolean full;
        /** The line of the first token refused. */
        int fullAt;

        Tokens(ParseLimits limits) {
            this.limits = limits;
        }

        boolean full() {
            return full;
        }

        void add(Token t) {
            if (full) {
                return;
            }
            if (limits.addToken()) {
                list.add(t);
            } else {
                full = true;
                fullAt = t.line();
            }
        }

        /** Takes back the words of the segment being read (after its line's end, or the list's start). */
        void dropSegment() {
            while (!list.isEmpty() && list.getLast().kind() == Kind.WORD) {
                list.removeLast();
            }
        }

        /** One line end after a segment: statements only need to be told apart. */
        void endLine(int line) {
            if (!list.isEmpty() && list.getLast().kind() != Kind.EOL) {
                add(new Token(Kind.EOL, "\n", line));
            }
        }

        /** The list, reporting a passed limit once and ending with the end of the stream, whatever the limits cut. */
        List<Token> finish(BiConsumer<Integer, String> errors) {
            if (full && limits.reportTokens()) {
                errors.accept(fullAt, "too many words and braces: more than " + ParseLimits.MAX_TOKENS
                        + " in all files together (at most " + ParseLimits.MAX_TOKENS + "); nothing from here on is read");
            }
            int last = list.isEmpty() ? 1 : list.getLast().line();
            list.add(new Token(Kind.EOL, "\n", last));
            list.add(new Token(Kind.EOF, "", last));
            return list;
        }
    }

    // ---- statements and blocks ----

    /** Statements up to the '}' closing a block opened by {@code opener} at {@code openLine}, or to the end. */
    private List<Statement> body(String opener, int openLine) {
        List<Statement> statements = new ArrayList<>();
        while (true) {
            Token t = tokens.get(pos);
            switch (t.kind()) {
                case EOL -> pos++;
                case EOF -> {
                    if (opener != null) {
                        errors.accept(openLine, "unterminated block: '" + opener + "' has no closing '}'");
                    }
                    return statements;
                }
                case CLOSE -> {
                    pos++;
                    if (opener != null) {
                        return statements;
                    }
                    // keepalived: "Extra '}' found" (lib/parser.c read_line), skipped, and the daemon runs
                    warnings.accept(t.line(), "unexpected '}': no block is open here; skipped, as keepalived skips it");
                }
                case OPEN -> {
                    pos++;
                    errors.accept(t.line(), "'{' without a keyword before it");
                    block("{", t.line(), t.line());
                }
                case WORD -> statements.add(statement());
            }
        }
    }

    private Statement statement() {
        Token keyword = tokens.get(pos++);
        List<String> args = new ArrayList<>();
        while (tokens.get(pos).kind() == Kind.WORD) {
            args.add(tokens.get(pos++).text());
        }
        int next = pos;
        while (tokens.get(next).kind() == Kind.EOL) {
            next++;
        }
        List<Statement> block = null;
        // the block may open on the keyword's line or on a later one
        if (tokens.get(next).kind() == Kind.OPEN) {
            pos = next + 1;
            String opener = args.isEmpty() ? keyword.text() : keyword.text() + " " + String.join(" ", args);
            block = block(opener, keyword.line(), tokens.get(next).line());
        }
        return new Statement(keyword.text(), List.copyOf(args), keyword.line(), block == null ? null : List.copyOf(block),
                keyword.segment());
    }

    /**
     * The statements of a block whose '{' was just read. Past {@link ParseLimits#MAX_DEPTH} levels the block is
     * skipped without recursion, so no file can exhaust the stack (3,000 nested braces ended a 512 KiB stack).
     */
    private List<Statement> block(String opener, int openLine, int braceLine) {
        if (depth >= ParseLimits.MAX_DEPTH) {
            errors.accept(braceLine, "blocks nested too deep: more than " + ParseLimits.MAX_DEPTH
                    + " levels (at most " + ParseLimits.MAX_DEPTH + "); this block is skipped");
            skip(opener, openLine);
            return List.of();
        }
        depth++;
        try {
            return body(opener, openLine);
        } finally {
            depth--;
        }
    }

    /** Moves past the '}' that closes the block just opened, counting braces rather than recursing. */
    private void skip(String opener, int openLine) {
        int level = 1;
        while (true) {
            Token t = tokens.get(pos);
            switch (t.kind()) {
                case EOF -> {
                    errors.accept(openLine, "unterminated block: '" + opener + "' has no closing '}'");
                    return;
                }
                case OPEN -> level++;
                case CLOSE -> {
                    if (--level == 0) {
                        pos++;
                        return;
                    }
                }
                default -> { }
            }
            pos++;
        }
    }
}
