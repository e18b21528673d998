package io.floatd.vrrp.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * keepalived.conf's surface syntax, before any keyword means anything: comments, quoting, and statements with
 * their blocks. Keeping this apart lets every block's keyword table see finished statements.
 */
final class Syntax {
    enum Kind { WORD, OPEN, CLOSE, EOL, EOF }

    record Token(Kind kind, String text, int line) {
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

    record Statement(String keyword, List<String> args, int line, List<Statement> block) {
        /** The single value after the keyword. */
        String value() {
            noBlock();
            if (args.isEmpty()) {
                throw new ConfigProblem("missing value after '" + keyword + "'");
            }
            if (args.size() > 1) {
                // a password or key must not reach the terminal or a log through an error message
                String shown = secret(keyword) ? "(values not shown: it is a secret)" : String.join(" ", args);
                throw new ConfigProblem("'" + keyword + "' takes one value, but got " + args.size() + ": "
                        + shown + " (quote it if it contains spaces)");
            }
            return args.getFirst();
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
    static final class ConfigProblem extends RuntimeException {
        ConfigProblem(String message) {
            super(message, null, false, false);
        }
    }

    private final List<Token> tokens;
    private final BiConsumer<Integer, String> errors;
    private int pos;
    /** Blocks open around {@link #pos}. */
    private int depth;

    private Syntax(List<Token> tokens, BiConsumer<Integer, String> errors) {
        this.tokens = tokens;
        this.errors = errors;
    }

    /** The top-level statements; syntax errors go to {@code errors} as (line, message) and reading goes on. */
    static List<Statement> read(String text, BiConsumer<Integer, String> errors) {
        return read(lex(text, errors), errors);
    }

    /**
     * The top-level statements of tokens already lexed (and {@linkplain Sources#expand included}); lines are
     * {@link Sources} positions.
     */
    static List<Statement> read(List<Token> tokens, BiConsumer<Integer, String> errors) {
        return new Syntax(tokens, errors).body(null, 0);
    }

    // ---- lexing ----

    static List<Token> lex(String text, BiConsumer<Integer, String> errors) {
        return lex(text, 0, new ParseLimits(), errors);
    }

    /**
     * Tokens whose lines are {@link Sources} positions in the file with index {@code fileIndex}. A line longer than
     * {@link ParseLimits#MAX_LINE_CHARS} is reported and skipped; once {@code limits} allows no more tokens, the
     * rest of the file is not read. Blank and comment lines leave no token.
     */
    static List<Token> lex(String text, int fileIndex, ParseLimits limits, BiConsumer<Integer, String> errors) {
        var out = new Tokens(limits);
        int line = fileIndex << Sources.FILE_SHIFT | 1;
        int lastLine = fileIndex << Sources.FILE_SHIFT | Sources.MAX_LINE;
        StringBuilder word = null;
        boolean lineStart = true;
        int i = 0;
        while (i < text.length() && !out.full) {
            if (lineStart) {
                lineStart = false;
                int end = text.indexOf('\n', i);
                int length = (end < 0 ? text.length() : end) - i;
                if (length > ParseLimits.MAX_LINE_CHARS) {
                    errors.accept(line, "line too long: " + length + " characters (at most " + ParseLimits.MAX_LINE_CHARS
                            + "); the line is skipped");
                    i = end < 0 ? text.length() : end;
                    continue;
                }
            }
            char c = text.charAt(i);
            if (c == '"') {
                word = word == null ? new StringBuilder() : word;
                i = quoted(text, i + 1, word, line, errors);
                continue;
            }
            boolean separator = c == '\n' || Character.isWhitespace(c) || c == '#' || c == '!' || c == '{' || c == '}';
            if (!separator) {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
                i++;
                continue;
            }
            if (word != null) {
                out.add(new Token(Kind.WORD, word.toString(), line));
                word = null;
            }
            switch (c) {
                case '\n' -> {
                    out.endLine(line);
                    lineStart = true;
                    if (line < lastLine) {
                        line++;
                    } else if (line == lastLine) {
                        errors.accept(line, "file too long: lines after " + Sources.MAX_LINE + " are reported on this line");
                        lastLine = -1;
                    }
                }
                case '{' -> out.add(new Token(Kind.OPEN, "{", line));
                case '}' -> out.add(new Token(Kind.CLOSE, "}", line));
                case '#', '!' -> {
                    // a comment runs to the end of the line, even in the middle of a word, as in keepalived
                    while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                        i++;
                    }
                }
                default -> { }
            }
            i++;
        }
        if (word != null && !out.full) {
            out.add(new Token(Kind.WORD, word.toString(), line));
        }
        if (out.full && limits.reportTokens()) {
            errors.accept(out.fullAt, "too many words and braces: more than " + ParseLimits.MAX_TOKENS
                    + " in all files together (at most " + ParseLimits.MAX_TOKENS + "); nothing from here on is read");
        }
        // the end of a file is always there, whatever the limits cut
        out.list.add(new Token(Kind.EOL, "\n", line));
        out.list.add(new Token(Kind.EOF, "", line));
        return out.list;
    }

    /** The tokens of one file, counted against the parse's limit. */
    private static final class Tokens {
        final List<Token> list = new ArrayList<>();
        final ParseLimits limits;
        boolean full;
        /** The line of the first token refused. */
        int fullAt;

        Tokens(ParseLimits limits) {
            this.limits = limits;
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

        /** One line end for any number of blank or comment lines: statements only need to be told apart. */
        void endLine(int line) {
            if (!list.isEmpty() && list.getLast().kind() != Kind.EOL) {
                add(new Token(Kind.EOL, "\n", line));
            }
        }
    }

    /** Appends a quoted section starting after its opening quote; returns the index after its closing quote. */
    private static int quoted(String text, int i, StringBuilder word, int line, BiConsumer<Integer, String> errors) {
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\n') {
                break;
            }
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                i = escape(text, i + 1, word);
            } else {
                word.append(c);
                i++;
            }
        }
        errors.accept(line, "unterminated quoted string: missing closing '\"'");
        return i;
    }

    /** keepalived's shell-like escapes inside quotes; returns the index after the escape. */
    private static int escape(String text, int i, StringBuilder word) {
        char c = text.charAt(i);
        switch (c) {
            case 'a' -> word.append('\u0007');
            case 'b' -> word.append('\b');
            case 'E' -> word.append('\u001b');
            case 'f' -> word.append('\f');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case 't' -> word.append('\t');
            case 'v' -> word.append('\u000b');
            case 'c' -> {
                if (i + 1 < text.length()) {
                    word.append((char) (text.charAt(i + 1) & 0x1f));
                    return i + 2;
                }
                word.append(c);
            }
            case 'x' -> {
                int end = i + 1;
                while (end < text.length() && end < i + 3 && Character.digit(text.charAt(end), 16) >= 0) {
                    end++;
                }
                if (end == i + 1) {
                    word.append(c);
                } else {
                    word.append((char) Integer.parseInt(text.substring(i + 1, end), 16));
                    return end;
                }
            }
            default -> {
                int end = i;
                while (end < text.length() && end < i + 3 && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
                    end++;
                }
                if (end > i) {
                    word.append((char) Integer.parseInt(text.substring(i, end), 8));
                    return end;
                }
                word.append(c);
            }
        }
        return i + 1;
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
                    errors.accept(t.line(), "unexpected '}': no block is open here");
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
        return new Statement(keyword.text(), List.copyOf(args), keyword.line(), block == null ? null : List.copyOf(block));
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
