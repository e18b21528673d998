package io.floatd.vrrp.config;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * keepalived's configuration preprocessor, as keepalived 2.2.7 runs it on every line before splitting it into words
 * ({@code read_line} in its {@code lib/parser.c}), in this order:
 *
 * <ol>
 *   <li><b>Comments</b>: leading blanks go; {@code #} or {@code !} outside double quotes ends the line (single quotes
 *       do not protect them); a double quote left open is an error. keepalived 2.2.7 does this twice
 *       (its processes read a copy of the file already stripped of comments), so {@code \#} and {@code \!} outside
 *       double quotes, which the first pass turns into the plain character, start a comment after all (checked
 *       against keepalived's dump: {@code auth_pass a\#b} is {@code a}).</li>
 *   <li><b>Conditionals</b>: {@code @ID rest} keeps {@code rest} only when ID is the config id ({@code -i}, by
 *       default the host name up to the first dot); {@code @^ID rest} only when it is not. A line of {@code @ID}
 *       alone is dropped.</li>
 *   <li><b>Definitions</b>: {@code $NAME=value} (NAME is a letter or {@code _}, then letters, digits, {@code _}; no
 *       blank before {@code =}) defines or redefines NAME; blanks after {@code =} are dropped, the value is kept as
 *       written, parameters in it are expanded when it is used (so a later redefinition of a parameter it names
 *       counts). A value ending in {@code \} continues on the next lines until an empty line, comment line or line without a final {@code \}: a multi-line definition, which only expands where its use
 *       ends the line.</li>
 *   <li><b>Repetition</b>: {@code ~SEQ(VAR, [START,] [STEP,] END) text} (hex with {@code ~SEQx}) and
 *       {@code ~LST(VAR, v1, v2...) text} or {@code ~LST({V1,V2}, {a,b}, {c,d}) text} read {@code text} once per
 *       value with VAR defined to it (the definition outlives the line, as in keepalived).</li>
 *   <li><b>Uses</b>: {@code $NAME} followed by a blank, {@code ,}, {@code )} or the end of the line, or
 *       {@code ${NAME}} anywhere, is replaced by the value; a value is scanned again at once, so parameters nest.
 *       An undefined name, or {@code $NAME} followed by anything else ({@code $VIP/24}), is left as it is. Comments
 *       are removed again after expanding, and a line that now starts with {@code @} is checked again. Built-in:
 *       {@code _INSTANCE} (the config id), {@code _PWD} (the current file's directory), {@code _HASH} ({@code #}),
 *       {@code _BANG} ({@code !}), {@code ${_RANDOM [MIN] MAX}}.</li>
 *   <li><b>include</b>: a line {@code include PATTERN} (after all of the above) reads the files it names.</li>
 *   <li><b>Braces</b>: the line is cut before a {@code {} or {@code }} outside double quotes, and after one that starts
 *       it, so every {@link Segment} is a lone brace or a run of words.</li>
 * </ol>
 *
 * <p>Every segment keeps the position of the line it came from: for an expanded parameter, even a multi-line one,
 * the line that used it; for a repeated line, the {@code ~SEQ}/{@code ~LST} line. Where keepalived would loop forever
 * ({@code $A=$A}) or grow a line past its buffer, floatd reports an error at that line.
 */
final class Preprocessor {
    /** One line as keepalived's {@code read_line} returns it: a lone brace, or words with no unquoted brace. */
    record Segment(String text, int position) {
    }

    /** A file to read: its {@link Sources} index, its text, and what {@link Includer} needs to read its includes. */
    record File(int index, String text, Path directory, Object context) {
    }

    /** Opens the files an {@code include} names (reporting what it cannot open); {@code from} is the including file. */
    @FunctionalInterface
    interface Includer {
        List<File> include(String pattern, int position, File from);
    }

    /** The most parameter uses one line may expand: past it the definitions refer to each other in a loop. */
    static final int MAX_EXPANSIONS = 10_000;
    /**
     * The most characters parameter expansion may write in one parse (each use counts the length of its line after
     * it), so that no file keeps a reload busy: real configurations write a few kilobytes.
     */
    static final long MAX_EXPANSION_WORK = 50_000_000;
    /** The most lines {@code ~SEQ} and {@code ~LST} may make in one parse. */
    static final int MAX_REPEATED_LINES = 100_000;

    private static final String INCLUDE_TYPES = "rmwba";

    private final String configId;
    private final BiConsumer<Integer, String> errors;
    private final Includer includer;
    private final Deque<Producer> producers = new ArrayDeque<>();
    private final Parameters parameters;
    private String residue;
    private int residuePosition;
    private File currentFile;
    private int repeatedLines;
    private long expansionWork;
    private boolean expansionWorkReported;
    private boolean repeatLimitReported;

    Preprocessor(String configId, BiConsumer<Integer, String> errors, Includer includer) {
        this.configId = configId;
        this.errors = errors;
        this.includer = includer;
        this.parameters = new Parameters(configId,
                () -> currentFile == null ? "" : currentFile.directory().toAbsolutePath().toString());
    }

    void push(File file) {
        producers.push(new FileLines(file));
    }

    /** The next segment, or {@code null} at the end of the main file. */
    Segment next() {
        while (true) {
            String buf;
            int position;
            if (residue != null) {
                buf = residue;
                position = residuePosition;
                residue = null;
            } else {
                Producer top = producers.peek();
                if (top == null) {
                    return null;
                }
                Raw raw = top.next();
                if (raw == null) {
                    producers.pop();
                    continue;
                }
                position = raw.position();
                buf = raw.text();
                if (top instanceof FileLines f) {
                    currentFile = f.file;
                    if (buf.isEmpty()) {
                        parameters.endDefinition();
                        continue;
                    }
                    buf = decomment(buf, position);
                    if (buf.isEmpty()) {
                        // keepalived 2.2.7 ends a multi-line definition at a comment line too (its processes read a
                        // copy of the configuration in which comment lines are empty; checked with keepalived -t)
                        parameters.endDefinition();
                        continue;
                    }
                    // ... and decomments the copy again, so an escaped '#' or '!' outside quotes starts a comment there
                    buf = decomment(buf, position);
                    if (buf.isEmpty()) {
                        continue;
                    }
                }
            }
            if (parameters.open()) {
                parameters.continueDefinition(buf);
                continue;
            }
            buf = expand(buf, position);
            if (buf.isEmpty()) {
                continue;
            }
            if (include(buf, position)) {
                continue;
            }
            return cutAtBrace(buf, position);
        }
    }

    // ---- comments ----

    /**
     * keepalived's {@code decomment}: without leading and trailing blanks and comments, {@code \#} and {@code \!}
     * unescaped outside double quotes; a final {@code \} is kept right after the last word.
     */
    String decomment(String line, int position) {
        int start = 0;
        while (start < line.length() && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
            start++;
        }
        var b = new StringBuilder(line.length() - start).append(line, start, line.length());
        boolean quote = false;
        boolean continued = false;
        int comment = -1;
        int p = 0;
        while (p < b.length()) {
            char c = b.charAt(p);
            if (c == '"') {
                if (comment < 0) {
                    quote = !quote;
                }
                p++;
            } else if (c == '\\') {
                if (p + 1 == b.length()) {
                    b.setLength(p);
                    continued = true;
                    break;
                }
                char n = b.charAt(p + 1);
                if (!quote && (n == '#' || n == '!')) {
                    b.deleteCharAt(p);
                    p++;
                } else {
                    p += 2;
                }
            } else {
                if (!quote && comment < 0 && (c == '!' || c == '#')) {
                    comment = p;
                }
                p++;
            }
        }
        if (quote) {
            // keepalived reads on, but the configuration is refused: dropping the line spares follow-on errors
            errors.accept(position, "unterminated quoted string: missing closing '\"'");
            return "";
        }
        if (comment >= 0 && comment < b.length()) {
            b.setLength(comment);
        }
        int end = b.length();
        while (end > 0 && (b.charAt(end - 1) == ' ' || b.charAt(end - 1) == '\t')) {
            end--;
        }
        b.setLength(end);
        if (continued) {
            b.append('\\');
        }
        return b.toString();
    }

    // ---- conditionals, definitions, repetition and uses ----

    /** The line after conditionals, definitions and uses; empty when nothing of it is left to read. */
    private String expand(String buf, int position) {
        int expansions = 0;
        while (true) {
            if (buf.startsWith("@")) {
                buf = conditional(buf);
                if (buf.isEmpty()) {
                    return buf;
                }
            }
            if (buf.startsWith("$") && parameters.define(buf)) {
                return "";
            }
            if (buf.startsWith("~SEQ") || buf.startsWith("~LST")) {
                repeat(buf, position);
                return "";
            }
            if (buf.startsWith("~") || buf.indexOf('$') < 0) {
                return buf;
            }
            Replaced r = replace(buf, position, MAX_EXPANSIONS - expansions);
            if (r == null) {
                return buf;
            }
            if (r.failed()) {
                return "";
            }
            expansions += r.count();
            buf = decomment(r.text(), position);
            if (!buf.startsWith("@") && buf.indexOf('$') < 0) {
                return buf;
            }
        }
    }

    /** {@code @ID rest}: the rest when ID is the config id ({@code @^ID}: when it is not), else empty. */
    private String conditional(String buf) {
        boolean reverse = buf.startsWith("@^");
        int from = reverse ? 2 : 1;
        int blank = from;
        while (blank < buf.length() && buf.charAt(blank) != ' ' && buf.charAt(blank) != '\t') {
            blank++;
        }
        if (blank == buf.length()) {
            return "";
        }
        boolean matches = buf.substring(from, blank).equals(configId);
        if (matches == reverse) {
            return "";
        }
        while (blank < buf.length() && (buf.charAt(blank) == ' ' || buf.charAt(blank) == '\t')) {
            blank++;
        }
        return buf.substring(blank);
    }


    private record Replaced(String text, int count, boolean failed) {
    }

    /** Every use in {@code buf} replaced, values scanned again at once; {@code null} when there is none. */
    private Replaced replace(String buf, int position, int budget) {
        var b = new StringBuilder(buf);
        int count = 0;
        int cur = 0;
        List<List<String>> pending = new ArrayList<>();
        while ((cur = b.indexOf("$", cur)) >= 0 && cur + 1 < b.length()) {
            Parameters.Use use = parameters.use(b, cur + 1);
            if (use == null) {
                cur++;
                continue;
            }
            if (++count > budget) {
                errors.accept(position, "parameter expansion does not end: the definitions refer to each other in a loop"
                        + " (more than " + MAX_EXPANSIONS + " uses on one line); keepalived would never finish reading it");
                return new Replaced("", count, true);
            }
            String value = use.definition().value(use.params());
            if (use.definition().multiline) {
                // the first line takes the use's place; the others are read next, before the rest of the file
                int nl = value.indexOf('\n');
                String first = nl < 0 ? value : value.substring(0, nl);
                pending.add(nl < 0 ? List.of() : List.of(value.substring(nl + 1).split("\n", -1)));
                value = first;
            }
            b.replace(cur, use.end(), value);
            expansionWork += b.length();
            if (expansionWork > MAX_EXPANSION_WORK) {
                if (!expansionWorkReported) {
                    expansionWorkReported = true;
                    errors.accept(position, "parameter expansion too large: more than " + MAX_EXPANSION_WORK
                            + " characters expanded in all; parameters are not expanded from here on");
                }
                return new Replaced("", count, true);
            }
            if (b.length() > ParseLimits.MAX_LINE_CHARS) {
                errors.accept(position, "line too long after expanding parameters: more than " + ParseLimits.MAX_LINE_CHARS
                        + " characters (keepalived stops expanding a line that outgrows its buffer)");
                return new Replaced("", count, true);
            }
            if (value.stripLeading().startsWith("~")) {
                break;
            }
        }
        if (count == 0) {
            return null;
        }
        // the last multi-line use's lines come first, then the one before's (keepalived's stack)
        for (List<String> lines : pending) {
            if (!lines.isEmpty()) {
                producers.push(new ValueLines(lines, position));
            }
        }
        return new Replaced(b.toString(), count, false);
    }


    // ---- ~SEQ and ~LST ----

    /** Reads a {@code ~SEQ}/{@code ~LST} line: its text is read next, once per value set, with the variables set. */
    private void repeat(String buf, int position) {
        Repetition r;
        try {
            r = Repetition.parse(buf, numbers -> {
                Replaced replaced = numbers.indexOf('$') < 0 ? null : replace(numbers, position, MAX_EXPANSIONS);
                if (replaced != null && replaced.failed()) {
                    throw new IllegalArgumentException((String) null); // reported already
                }
                return replaced == null ? numbers : replaced.text();
            });
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null) {
                errors.accept(position, e.getMessage());
            }
            return;
        }
        if (allowRepeats(r.count(), position)) {
            producers.push(new Repeat(r, position));
        }
    }

    private boolean allowRepeats(long count, int position) {
        if (count > MAX_REPEATED_LINES - repeatedLines) {
            if (!repeatLimitReported) {
                repeatLimitReported = true;
                errors.accept(position, "~SEQ/~LST would make more than " + MAX_REPEATED_LINES
                        + " lines in all (at most " + MAX_REPEATED_LINES + "); these are not made");
            }
            return false;
        }
        repeatedLines += (int) count;
        return true;
    }

    // ---- include and braces ----

    private static int skipBlanks(String s, int p) {
        while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
            p++;
        }
        return p;
    }

    private boolean include(String buf, int position) {
        if (!buf.startsWith("include")) {
            return false;
        }
        int p;
        if (buf.length() > 7 && Character.isWhitespace(buf.charAt(7))) {
            p = 8;
        } else if (buf.length() > 8 && INCLUDE_TYPES.indexOf(buf.charAt(7)) >= 0 && Character.isWhitespace(buf.charAt(8))) {
            p = 9;
        } else {
            if (buf.length() == 7 || (buf.length() == 8 && INCLUDE_TYPES.indexOf(buf.charAt(7)) >= 0)) {
                errors.accept(position, "'" + buf + "' needs a file name or pattern");
                return true;
            }
            return false;
        }
        String pattern = buf.substring(skipBlanks(buf, p));
        List<File> files = includer.include(pattern, position, currentFile);
        for (int k = files.size() - 1; k >= 0; k--) {
            producers.push(new FileLines(files.get(k)));
        }
        return true;
    }

    /** Cuts the line before the first brace outside double quotes, or after one that starts it. */
    private Segment cutAtBrace(String buf, int position) {
        int p = -1;
        if (buf.charAt(0) == '{' || buf.charAt(0) == '}') {
            p = 0;
        } else {
            for (int i = 0; i < buf.length(); i++) {
                char c = buf.charAt(i);
                if (c == '{' || c == '}') {
                    p = i;
                    break;
                }
                if (c == '"') {
                    int close = buf.indexOf('"', i + 1);
                    if (close < 0) {
                        break;
                    }
                    i = close;
                }
            }
        }
        String text = buf;
        if (p >= 0) {
            int cut = p == 0 ? skipBlanks(buf, 1) : p;
            if (cut < buf.length()) {
                residue = trimEnd(buf.substring(cut));
                residuePosition = position;
                text = buf.substring(0, cut);
            }
        }
        return new Segment(trimEnd(text), position);
    }

    private static String trimEnd(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
    }

    // ---- where lines come from ----

    private record Raw(String text, int position) {
    }

    private interface Producer {
        /** The next line, or {@code null} when there are no more. */
        Raw next();
    }

    /** A file's lines, numbered from 1. */
    private final class FileLines implements Producer {
        final File file;
        private final String text;
        private int offset;
        private int line;

        FileLines(File file) {
            this.file = file;
            this.text = file.text();
        }

        @Override
        public Raw next() {
            if (offset >= text.length()) {
                return null;
            }
            int nl = text.indexOf('\n', offset);
            int end = nl < 0 ? text.length() : nl;
            String s = text.substring(offset, end);
            offset = nl < 0 ? text.length() : nl + 1;
            line++;
            int position = file.index() << Sources.FILE_SHIFT | Math.min(line, Sources.MAX_LINE);
            if (line == Sources.MAX_LINE + 1) {
                errors.accept(position, "file too long: lines after " + Sources.MAX_LINE + " are reported on this line");
            }
            int trim = s.length();
            while (trim > 0 && s.charAt(trim - 1) == '\r') {
                trim--;
            }
            s = s.substring(0, trim);
            if (s.length() > ParseLimits.MAX_LINE_CHARS) {
                errors.accept(position, "line too long: " + s.length() + " characters (at most "
                        + ParseLimits.MAX_LINE_CHARS + "); the line is skipped");
                s = "#";
            }
            return new Raw(s, position);
        }
    }

    /** The lines after the first of a multi-line parameter, at the position of its use. */
    private static final class ValueLines implements Producer {
        private final List<String> lines;
        private final int position;
        private int next;

        ValueLines(List<String> lines, int position) {
            this.lines = lines;
            this.position = position;
        }

        @Override
        public Raw next() {
            return next < lines.size() ? new Raw(lines.get(next++), position) : null;
        }
    }

    /** A {@code ~SEQ} or {@code ~LST} line: its text once per value set, with its variables defined to the values. */
    private final class Repeat implements Producer {
        private final Repetition repetition;
        private final int position;
        private long next;

        Repeat(Repetition repetition, int position) {
            this.repetition = repetition;
            this.position = position;
        }

        @Override
        public Raw next() {
            if (next >= repetition.count()) {
                return null;
            }
            List<String> values = repetition.values().apply(next++);
            for (int k = 0; k < repetition.names().size(); k++) {
                parameters.set(repetition.names().get(k), values.get(k));
            }
            return new Raw(repetition.text(), position);
        }
    }
}
