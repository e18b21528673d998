package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.Kind;
import io.floatd.vrrp.config.Syntax.Token;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The files of one parse: the main file and everything it {@code include}s, spliced into one token stream before
 * statements are read, as keepalived does textually (an included file may hold a whole block, a few keywords inside
 * one, or a list of addresses).
 *
 * <p>A position ({@link Token#line()}, {@code Statement.line()}) packs the file and the line into one int:
 * {@code file index << FILE_SHIFT | line}. The main file has index 0, so its positions are plain line numbers;
 * {@link #file(int)} and {@link #line(int)} take a position apart.
 *
 * <p>Unlike keepalived's plain {@code include}, which skips a file it cannot open, a missing file or a pattern that
 * matches nothing is an error: the missing part may hold a health check or an instance. The variants
 * {@code includer}, {@code includem}, {@code includew}, {@code includeb} and {@code includea} ask keepalived for
 * exactly these checks, so they are read the same way.
 */
final class Sources {
    static final int FILE_SHIFT = 20;
    static final int MAX_LINE = (1 << FILE_SHIFT) - 1;
    static final int MAX_FILES = 1 << (31 - FILE_SHIFT);
    /** How deep includes may nest (the main file is depth 0). */
    static final int MAX_DEPTH = 8;

    private static final List<String> INCLUDE = List.of("include", "includer", "includem", "includew", "includeb", "includea");

    private final List<String> names = new ArrayList<>();
    private final BiConsumer<Integer, String> errors;

    /** An include being read: where it was written and which file it opened. */
    private record Frame(Path realPath, String name, int includedAt) {
    }

    Sources(String mainName, BiConsumer<Integer, String> errors) {
        this.names.add(mainName);
        this.errors = errors;
    }

    static boolean isInclude(String keyword) {
        return INCLUDE.contains(keyword);
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
        List<Frame> chain = new ArrayList<>();
        chain.add(new Frame(real(mainPath), names.getFirst(), 0));
        return expand(Syntax.lex(text, 0, errors), directory(mainPath), chain);
    }

    private List<Token> expand(List<Token> tokens, Path dir, List<Frame> chain) {
        List<Token> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            boolean statementStart = i == 0 || tokens.get(i - 1).kind() != Kind.WORD;
            if (t.kind() == Kind.EOF && chain.size() > 1) {
                continue; // only the main file ends the stream
            }
            if (t.kind() != Kind.WORD || !statementStart || !isInclude(t.text())) {
                out.add(t);
                continue;
            }
            List<String> args = new ArrayList<>();
            while (tokens.get(i + 1).kind() == Kind.WORD) {
                args.add(tokens.get(++i).text());
            }
            if (args.size() != 1) {
                errors.accept(t.line(), "'" + t.text() + "' takes one file name or pattern, but got "
                        + (args.isEmpty() ? "none" : args.size() + ": " + String.join(" ", args)) + " (quote it if it contains spaces)");
                continue;
            }
            include(t, args.getFirst(), dir, chain, out);
        }
        return out;
    }

    private void include(Token at, String pattern, Path dir, List<Frame> chain, List<Token> out) {
        List<Path> files;
        try {
            files = resolve(pattern, dir);
        } catch (IOException | RuntimeException e) {
            errors.accept(at.line(), "cannot read include " + pattern + ": " + e.getMessage());
            return;
        }
        if (files.isEmpty()) {
            errors.accept(at.line(), hasGlob(pattern)
                    ? "include " + pattern + " matches no file (floatd refuses a missing include: it may hold a health check)"
                    : "include " + pattern + ": no such file (floatd refuses a missing include: it may hold a health check)");
            return;
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
                message.append(where(at.line())).append(" includes ").append(file).append(" again");
                errors.accept(at.line(), message.toString());
                continue;
            }
            if (chain.size() > MAX_DEPTH) {
                errors.accept(at.line(), "include " + file + ": includes are nested more than " + MAX_DEPTH + " deep");
                continue;
            }
            if (names.size() >= MAX_FILES) {
                errors.accept(at.line(), "include " + file + ": more than " + (MAX_FILES - 1) + " included files");
                return;
            }
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                errors.accept(at.line(), "cannot read include " + file + ": " + e);
                continue;
            }
            int index = names.size();
            names.add(file.toString());
            chain.add(new Frame(real, file.toString(), at.line()));
            out.addAll(expand(Syntax.lex(text, index, errors), directory(file), chain));
            chain.removeLast();
        }
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
        try (Stream<Path> walk = Files.walk(base, depth)) {
            return walk.filter(p -> p.getNameCount() - root.getNameCount() == depth)
                    .filter(matcher::matches)
                    .filter(p -> !hidden(root, p, absolute, firstWild))
                    .filter(Files::isRegularFile)
                    .map(p -> full.isAbsolute() ? p : cwd.relativize(p))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        }
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
