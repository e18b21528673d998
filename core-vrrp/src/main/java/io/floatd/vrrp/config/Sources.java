package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.Token;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The files of one parse: the main file and everything it {@code include}s, read line by line into one token
 * stream before statements are read, as keepalived does textually (an included file may hold a whole block, a few keywords inside
 * one, or a list of addresses).
 *
 * <p>Each line goes through keepalived's {@link Preprocessor} (comments, {@code @ID} conditionals, {@code $NAME}
 * parameters, {@code ~SEQ}/{@code ~LST}, {@code include}) before {@link Syntax} splits it into words.
 *
 * <p>A position ({@link Token#line()}, {@code Statement.line()}) packs the file and the line into one int:
 * {@code file index << FILE_SHIFT | line}. The main file has index 0, so its positions are plain line numbers;
 * {@link #file(int)} and {@link #line(int)} take a position apart.
 *
 * <p>Unlike keepalived's plain {@code include}, which skips a file it cannot open, a missing file or a pattern that
 * matches nothing is an error: the missing part may hold a health check or an instance. The variants
 * {@code includer}, {@code includem}, {@code includew}, {@code includeb} and {@code includea} ask keepalived for
 * exactly these checks, so they are read the same way.
 *
 * <p>Every file counts against the parse's {@link ParseLimits}: how many files, how many bytes in all, and each must
 * be UTF-8 text. A file that breaks one is reported at the line where it does and not read; the others still are.
 */
final class Sources {
    static final int FILE_SHIFT = 20;
    static final int MAX_LINE = (1 << FILE_SHIFT) - 1;
    /** What a position can tell apart; {@link ParseLimits#MAX_FILES} stays below it. */
    static final int MAX_FILES = 1 << (31 - FILE_SHIFT);
    /** How deep includes may nest (the main file is depth 0). */
    static final int MAX_DEPTH = 8;

    private final List<String> names = new ArrayList<>();
    private final BiConsumer<Integer, String> errors;
    private final ParseLimits limits = new ParseLimits();

    /** An include being read: where it was written and which file it opened. */
    private record Frame(Path realPath, String name, int includedAt) {
    }

    private final String configId;

    Sources(String mainName, String configId, BiConsumer<Integer, String> errors) {
        this.names.add(mainName);
        this.configId = configId;
        this.errors = errors;
    }

    String file(int position) {
        int index = position >>> FILE_SHIFT;
        return index < names.size() ? names.get(index) : names.getFirst();
    }

    static int line(int position) {
        return position & MAX_LINE;
    }

    /** {@code file:line}, for messages that point at another statement. */
    String where(int position) {
        return file(position) + ":" + line(position);
    }

    /** {@code line N} when {@code position} is in the same file as {@code here}, else {@code file:line}. */
    String from(int here, int position) {
        return (here >>> FILE_SHIFT) == (position >>> FILE_SHIFT) ? "line " + line(position) : where(position);
    }

    /** The order files were first read in; errors are sorted by it, then by line. */
    int order(String file) {
        int index = names.indexOf(file);
        return index < 0 ? 0 : index;
    }

    /** The main file's tokens with every include replaced by the included files' tokens. */
    List<Token> expand(String text, Path mainPath) {
        limits.addFile();
        long bytes = utf8Length(text);
        if (bytes > limits.bytesLeft()) {
            errors.accept(position(0, lineAtChar(text, limits.bytesLeft())), tooLarge());
            return new Syntax.Tokens(limits).finish(errors);
        }
        limits.addBytes(bytes);
        return expandMain(text, mainPath);
    }

    /** The same, reading the main file from disk (bounded, and checked to be UTF-8). */
    List<Token> expand(Path mainPath) {
        limits.addFile();
        String text = read(mainPath, 0, 0, "cannot read the file: ");
        return expandMain(text == null ? "" : text, mainPath);
    }

    private List<Token> expandMain(String text, Path mainPath) {
        List<Frame> chain = List.of(new Frame(real(mainPath), names.getFirst(), 0));
        var pre = new Preprocessor(configId, errors, this::include);
        pre.push(new Preprocessor.File(0, text, directory(mainPath), chain));
        var out = new Syntax.Tokens(limits);
        for (Preprocessor.Segment s = pre.next(); s != null && !out.full(); s = pre.next()) {
            Syntax.lexSegment(s.text(), s.position(), out, errors);
        }
        return out.finish(errors);
    }

    /**
     * A file's text, or {@code null} when it cannot be read (reported at {@code unreadableAt}), would pass the
     * byte limit or is not UTF-8 (both reported in the file itself, at the line where it happens).
     */
    private String read(Path file, int index, int unreadableAt, String unreadable) {
        long left = limits.bytesLeft();
        byte[] bytes;
        try {
            if (Files.size(file) > left) {
                errors.accept(position(index, lineAtByte(file, left)), tooLarge());
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                // a file in /proc says it is empty: read one byte past the limit to know
                bytes = in.readNBytes((int) Math.min(left + 1, Integer.MAX_VALUE - 8));
            }
        } catch (IOException e) {
            errors.accept(unreadableAt, unreadable + FileAccessProblem.describe(file, e));
            return null;
        } catch (RuntimeException e) {
            errors.accept(unreadableAt, unreadable + e.getMessage());
            return null;
        }
        if (bytes.length > left) {
            errors.accept(position(index, lineAtByte(bytes, (int) left)), tooLarge());
            return null;
        }
        limits.addBytes(bytes.length);
        int bad = firstMalformed(bytes);
        if (bad >= 0) {
            errors.accept(position(index, lineAtByte(bytes, bad)), "not UTF-8 text at byte " + bad
                    + " (counting from 0); the file is not read");
            return null;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String tooLarge() {
        return "configuration too large: it passes " + ParseLimits.mib(ParseLimits.MAX_BYTES) + " on this line (at most "
                + ParseLimits.mib(ParseLimits.MAX_BYTES) + " for the main file and its includes together); the file is not read";
    }

    private static int position(int index, long line) {
        return index << FILE_SHIFT | (int) Math.min(line, MAX_LINE);
    }

    /** The offset of the first byte that is not part of valid UTF-8, or -1. */
    static int firstMalformed(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                return in.position();
            }
            if (r.isUnderflow()) {
                return decoder.flush(out.clear()).isError() ? in.position() : -1;
            }
            out.clear();
        }
    }

    /** The 1-based line that byte {@code offset} is on. */
    static long lineAtByte(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The same in a file too large to hold, reading no further than {@code offset}. */
    private static long lineAtByte(Path file, long offset) throws IOException {
        long line = 1;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            long done = 0;
            while (done < offset) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, offset - done));
                if (n < 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line++;
                    }
                }
                done += n;
            }
        }
        return line;
    }

    /** The line on which {@code text}, encoded as UTF-8, passes {@code bytes}. */
    private static long lineAtChar(String text, long bytes) {
        long line = 1;
        long seen = 0;
        for (int i = 0; i < text.length() && seen <= bytes; i++) {
            char c = text.charAt(i);
            seen += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
            if (c == '\n') {
                line++;
            }
        }
        return line;
    }

    static long utf8Length(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // a surrogate pair is 4 bytes: 2 for each half
            n += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /** The files {@code pattern} names, read; what cannot be read is reported at the include's position {@code at}. */
    @SuppressWarnings("unchecked")
    private List<Preprocessor.File> include(String pattern, int at, Preprocessor.File from) {
        Path dir = from.directory();
        List<Frame> chain = (List<Frame>) from.context();
        List<Preprocessor.File> out = new ArrayList<>();
        List<Path> files;
        try {
            files = resolve(pattern, dir);
        } catch (IOException | RuntimeException e) {
            errors.accept(at, "cannot read include " + pattern + ": " + e.getMessage());
            return out;
        }
        if (files.isEmpty()) {
            errors.accept(at, hasGlob(pattern)
                    ? "include " + pattern + " matches no file (floatd refuses a missing include: it may hold a health check)"
                    : "include " + pattern + ": no such file (floatd refuses a missing include: it may hold a health check)");
            return out;
        }
        for (Path file : files) {
            Path real = real(file);
            int loopStart = -1;
            for (int k = 0; k < chain.size(); k++) {
                if (chain.get(k).realPath().equals(real)) {
                    loopStart = k;
                    break;
                }
            }
            if (loopStart >= 0) {
                var message = new StringBuilder("include loop: ");
                for (int k = loopStart + 1; k < chain.size(); k++) {
                    message.append(where(chain.get(k).includedAt())).append(" includes ").append(chain.get(k).name()).append(", ");
                }
                message.append(where(at)).append(" includes ").append(file).append(" again");
                errors.accept(at, message.toString());
                continue;
            }
            if (chain.size() > MAX_DEPTH) {
                errors.accept(at, "include " + file + ": includes are nested more than " + MAX_DEPTH + " deep");
                continue;
            }
            if (!limits.addFile()) {
                if (limits.reportFiles()) {
                    errors.accept(at, "include " + file + ": too many files: more than " + ParseLimits.MAX_FILES
                            + " (at most " + ParseLimits.MAX_FILES + ", the main file and every include together);"
                            + " this file and those after it are not read");
                }
                return out;
            }
            int index = names.size();
            names.add(file.toString());
            String text = read(file, index, at, "cannot read include " + file + ": ");
            if (text == null) {
                continue;
            }
            List<Frame> inner = new ArrayList<>(chain);
            inner.add(new Frame(real, file.toString(), at));
            out.add(new Preprocessor.File(index, text, directory(file), List.copyOf(inner)));
        }
        return out;
    }

    /** The files a pattern names, in sorted order; a plain name is returned as long as it exists. */
    static List<Path> resolve(String pattern, Path dir) throws IOException {
        Path full = dir.resolve(pattern);
        if (!hasGlob(pattern)) {
            if (Files.isDirectory(full)) {
                throw new IOException("it is a directory");
            }
            // a device or a FIFO (include /dev/zero, /dev/stdin) would be read forever; keepalived reads files only
            if (Files.exists(full) && !Files.isRegularFile(full)) {
                throw new IOException("not a regular file");
            }
            return Files.exists(full) ? List.of(full) : List.of();
        }
        // walk from the deepest directory before the first component with a wildcard
        Path absolute = full.toAbsolutePath();
        Path base = absolute.getRoot();
        int first = 0;
        for (; first < absolute.getNameCount(); first++) {
            if (hasGlob(absolute.getName(first).toString())) {
                break;
            }
            base = base.resolve(absolute.getName(first));
        }
        int depth = absolute.getNameCount() - first;
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute.toString().replace("\\", "\\\\"));
        Path root = base;
        int firstWild = first;
        Path cwd = Path.of("").toAbsolutePath();
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base, depth)) {
            int seen = 0;
            for (Iterator<Path> it = walk.iterator(); it.hasNext(); ) {
                Path p = it.next();
                if (++seen > ParseLimits.MAX_GLOB_ENTRIES) {
                    throw new IOException("the pattern looks at more than " + ParseLimits.MAX_GLOB_ENTRIES
                            + " files and directories (at most " + ParseLimits.MAX_GLOB_ENTRIES + "): name a narrower directory");
                }
                if (p.getNameCount() - root.getNameCount() == depth && matcher.matches(p)
                        && !hidden(root, p, absolute, firstWild) && Files.isRegularFile(p)) {
                    found.add(full.isAbsolute() ? p : cwd.relativize(p));
                }
            }
        }
        found.sort(Comparator.comparing(Path::toString));
        return found;
    }

    // glob(3): a wildcard does not match a leading dot
    private static boolean hidden(Path root, Path p, Path pattern, int first) {
        Path rel = root.relativize(p);
        for (int k = 0; k < rel.getNameCount(); k++) {
            boolean dot = rel.getName(k).toString().startsWith(".");
            boolean patternDot = first + k < pattern.getNameCount() && pattern.getName(first + k).toString().startsWith(".");
            if (dot && !patternDot) {
                return true;
            }
        }
        return false;
    }

    static boolean hasGlob(String s) {
        return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private static Path directory(Path file) {
        Path parent = file.getParent();
        return parent != null ? parent : Path.of("");
    }

    private static Path real(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }
}
